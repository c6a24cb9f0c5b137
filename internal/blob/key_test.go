package blob_test

import (
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/blob"
)

func TestValidKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want bool
	}{
		{"a", true},
		{"org/1/answers/42/video.webm", true},
		{"name with spaces.txt", true},
		{"ünïcødé/ok", true},
		{".hidden", true},
		{"a..b", true},
		{strings.Repeat("k", blob.MaxKeyLen), true},

		{"", false},
		{"/etc/passwd", false},
		{"../x", false},
		{"..", false},
		{".", false},
		{"a/../../b", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{`a\b`, false},
		{`..\x`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\x7fb", false},
		{"bad\xffutf8", false},
		{strings.Repeat("k", blob.MaxKeyLen+1), false},
	} {
		t.Run(tc.key, func(t *testing.T) {
			if got := blob.ValidKey(tc.key); got != tc.want {
				t.Errorf("ValidKey(%q) = %v, want %v", tc.key, got, tc.want)
			}
		})
	}
}
