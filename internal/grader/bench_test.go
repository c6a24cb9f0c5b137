package grader_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
)

// BenchmarkGrade grades the fizzbuzz reference solution (three visible
// tests; with hidden, three more in a second run) in each language, one
// submission at a time: the latency a candidate sees.
func BenchmarkGrade(b *testing.B) {
	for _, lang := range grader.Languages {
		ext := extensions[lang]
		dir := filepath.Join("testdata", "tasks", "fizzbuzz", string(lang))
		read := func(name string) string {
			data, err := os.ReadFile(filepath.Join(dir, name+ext))
			if err != nil {
				b.Fatal(err)
			}
			return string(data)
		}
		for _, hidden := range []bool{false, true} {
			s := grader.Suite{Language: lang, Code: read("solution"), Visible: read("visible_test"), Hidden: read("hidden_test"), IncludeHidden: hidden}
			name := string(lang) + "/visible"
			if hidden {
				name = string(lang) + "/visible+hidden"
			}
			b.Run(name, func(b *testing.B) {
				mustGrade(b, s) // the first Go grading may build the standard library
				for b.Loop() {
					mustGrade(b, s)
				}
			})
		}
	}
}
