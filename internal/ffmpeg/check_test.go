package ffmpeg_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	dir := t.TempDir()
	webm := ffmpegtest.WebM(t, dir, 3)
	b, err := os.ReadFile(webm)
	if err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 4096)
	rand.Read(garbage)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name    string
		path    string
		wantErr string // part of ffmpeg's error output; "" for success
	}{
		{"browser webm", webm, ""},
		{"mp4", ffmpegtest.MP4(t, dir, 2), ""},
		// ffmpeg exits 0 for both, reporting only on stderr. What it
		// says about the garbage depends on where it lands ("Element at
		// … exceeds containing master element", "Length 5 indicated by an
		// EBML number's first byte … exceeds max length 4", "Truncating
		// packet …"), so that case only asks for ffmpeg's words.
		{"half then garbage", write("half-garbage.webm", append(b[:len(b)/2:len(b)/2], garbage...)), "ffmpeg: "},
		{"half", write("half.webm", b[:len(b)/2]), "File ended prematurely"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tools.Check(context.Background(), tt.path)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Check passed, want an error mentioning %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Check = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}
