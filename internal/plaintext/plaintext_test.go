package plaintext_test

import (
	"errors"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/plaintext"
)

func TestCheck(t *testing.T) {
	line := plaintext.Field{Name: "name", Label: "the name", Max: 5, Required: true}
	para := plaintext.Field{Name: "note", Label: "the note", Max: 100, Multiline: true}
	tests := []struct {
		f    plaintext.Field
		in   string
		want string
		ok   bool
	}{
		{line, "  Ada ", "Ada", true},
		{line, "", "", false},
		{line, "Adaline", "", false},
		{line, "a\x00b", "", false},
		{line, "a\nb", "", false},
		{line, "a\xffb", "", false},
		{para, "one\r\ntwo\tthree", "one\ntwo\tthree", true},
		{para, "bell\a", "", false},
		{para, "", "", true},
	}
	for _, tt := range tests {
		got, err := tt.f.Check(tt.in)
		if tt.ok != (err == nil) || (tt.ok && got != tt.want) {
			t.Errorf("%s.Check(%q) = %q, %v", tt.f.Name, tt.in, got, err)
		}
		if err != nil && !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%q: error %v is not ErrInvalid", tt.in, err)
		}
	}
}
