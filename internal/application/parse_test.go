package application_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/application"
)

func TestParseCandidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		want     []application.NewCandidate
		problems []int // line numbers reported as problems
	}{
		{
			name: "csv with header, BOM and CRLF",
			in:   "\ufeffname,email\r\nAda Lovelace,ada@example.com\r\nAlan Turing,alan@example.com\r\n",
			want: []application.NewCandidate{{"Ada Lovelace", "ada@example.com", 2}, {"Alan Turing", "alan@example.com", 3}},
		},
		{
			name: "semicolons, header in the other order",
			in:   "E-mail;Name\nada@example.com;Ada Lovelace\ngrace@example.com;Grace Hopper\n",
			want: []application.NewCandidate{{"Ada Lovelace", "ada@example.com", 2}, {"Grace Hopper", "grace@example.com", 3}},
		},
		{
			name: "quoted comma in a name",
			in:   "name,email\n\"Hopper, Grace\",grace@example.com\n",
			want: []application.NewCandidate{{"Hopper, Grace", "grace@example.com", 2}},
		},
		{
			name: "pasted lines in several forms, blank lines skipped",
			in:   "Ada Lovelace <ada@example.com>\n\nalan@example.com\nGrace Hopper, grace@example.com\n",
			want: []application.NewCandidate{{"Ada Lovelace", "ada@example.com", 1}, {"", "alan@example.com", 3}, {"Grace Hopper", "grace@example.com", 4}},
		},
		{
			name:     "bad rows are reported and good rows kept",
			in:       "name,email\nNo Address\nAda,ada@example.com\n\"unbalanced,x@example.com\n",
			want:     []application.NewCandidate{{"Ada", "ada@example.com", 3}},
			problems: []int{2, 4},
		},
		{
			name: "tabs",
			in:   "Ada Lovelace\tada@example.com\n",
			want: []application.NewCandidate{{"Ada Lovelace", "ada@example.com", 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems, err := application.ParseCandidates(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("candidates (-want +got):\n%s", diff)
			}
			var lines []int
			for _, p := range problems {
				lines = append(lines, p.Row)
				if p.Message == "" {
					t.Errorf("problem on line %d has no message", p.Row)
				}
			}
			if diff := cmp.Diff(tt.problems, lines); diff != "" {
				t.Errorf("problem lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCandidatesTooLarge(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a@example.com\n", application.MaxCandidateList/10)
	if _, _, err := application.ParseCandidates(strings.NewReader(big)); err == nil {
		t.Error("a list over the size limit was accepted")
	}
}
