package filetype_test

import (
	"testing"

	"github.com/anyhour/anyhour/internal/filetype"
)

func TestForNameAndMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		allowed []string
		head    string
		want    string // type name, "" when refused by name
		matches bool
	}{
		{"cv.pdf", nil, "%PDF-1.7\n", "pdf", true},
		{"CV.PDF", []string{"pdf"}, "%PDF-1.4", "pdf", true},
		{"cv.pdf", []string{"zip"}, "%PDF-1.4", "", false},
		{"fake.pdf", nil, "<html><script>", "pdf", false},
		{"work.zip", nil, "PK\x03\x04rest", "zip", true},
		{"empty.zip", nil, "PK\x05\x06", "zip", true},
		{"report.docx", nil, "PK\x03\x04", "docx", true},
		{"shot.jpeg", nil, "\xff\xd8\xff\xe0", "jpeg", true},
		{"shot.png", nil, "\x89PNG\r\n\x1a\n", "png", true},
		{"shot.png", nil, "GIF89a", "png", false},
		{"notes.md", nil, "# Notes\n", "text", true},
		{"export.csv", nil, "\xff\xfea\x00,\x00", "csv", true}, // UTF-16, as Excel saves it
		{"export.csv", nil, "caf\xe9,1\n", "csv", true},        // Windows-1252
		{"binary.txt", nil, "ELF\x00\x01", "text", false},
		{"page.html", nil, "<html>", "", false},
		{"drawing.svg", nil, "<svg>", "", false},
		{"README", nil, "x", "", false},
	} {
		typ, ok := filetype.ForName(tc.name, tc.allowed)
		if got := map[bool]string{true: typ.Name}[ok]; got != tc.want {
			t.Errorf("ForName(%q, %v) = %q, want %q", tc.name, tc.allowed, got, tc.want)
			continue
		}
		if ok && typ.Matches([]byte(tc.head)) != tc.matches {
			t.Errorf("%s.Matches(%q) = %v, want %v", typ.Name, tc.head, !tc.matches, tc.matches)
		}
	}
}

func TestLabelsAndAccept(t *testing.T) {
	t.Parallel()
	if got := filetype.Labels([]string{"pdf", "zip"}); got != "PDF or Zip archive" {
		t.Errorf("Labels = %q", got)
	}
	if got := filetype.Accept([]string{"text", "jpeg"}); got != ".txt,.md,.jpg,.jpeg" {
		t.Errorf("Accept = %q", got)
	}
}
