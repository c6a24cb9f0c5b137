package codekind_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
	_ "github.com/anyhour/anyhour/internal/kinds"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestSettings checks a coding task's settings through opening.CheckStep,
// as saving an interview does.
func TestSettings(t *testing.T) {
	t.Parallel()
	base := func() opening.Step {
		return opening.Step{Kind: opening.KindCode, Title: "FizzBuzz", Code: &opening.CodeTask{
			Languages: []opening.Language{opening.Python, opening.Go},
			Starter:   map[opening.Language]string{opening.Python: "def fizz(n):\n    pass\n"},
			Tests:     map[opening.Language]opening.CodeTests{opening.Python: {Visible: "def test_one(): pass\n"}, opening.Go: {Hidden: "package solution\n"}},
		}}
	}
	t.Run("defaults", func(t *testing.T) {
		st, err := opening.CheckStep(0, base())
		if err != nil {
			t.Fatal(err)
		}
		if st.Points != 1 || st.Code.TimeLimitMS != opening.DefaultTimeLimitMS || st.Code.MemoryMB != opening.DefaultMemoryMB {
			t.Errorf("defaults: points %v, %+v", st.Points, st.Code)
		}
	})
	tests := []struct {
		name   string
		change func(*opening.Step)
		want   string
	}{
		{"no task", func(s *opening.Step) { s.Code = nil }, "needs its languages"},
		{"no language", func(s *opening.Step) { s.Code.Languages = nil }, "at least one language"},
		{"unknown language", func(s *opening.Step) { s.Code.Languages = append(s.Code.Languages, "cobol") }, "not a supported language"},
		{"twice", func(s *opening.Step) { s.Code.Languages = []opening.Language{opening.Python, opening.Python} }, "listed twice"},
		{"starter of another language", func(s *opening.Step) { s.Code.Starter[opening.JavaScript] = "x" }, "not one of the step's languages"},
		{"tests of another language", func(s *opening.Step) { s.Code.Tests[opening.JavaScript] = opening.CodeTests{Visible: "x"} }, "not one of the step's languages"},
		{"a language without tests", func(s *opening.Step) { delete(s.Code.Tests, opening.Go) }, "Go has no tests"},
		{"a huge test file", func(s *opening.Step) {
			s.Code.Tests[opening.Python] = opening.CodeTests{Visible: strings.Repeat("x", opening.MaxCodeSource+1)}
		}, "longer than"},
		{"NUL in a test", func(s *opening.Step) { s.Code.Tests[opening.Python] = opening.CodeTests{Hidden: "a\x00b"} }, "not text"},
		{"time limit", func(s *opening.Step) { s.Code.TimeLimitMS = 500 }, "time limit"},
		{"memory", func(s *opening.Step) { s.Code.MemoryMB = 4096 }, "memory limit"},
		{"points", func(s *opening.Step) { s.Points = -1 }, "points"},
		{"unnamed case", func(s *opening.Step) { s.Code.IOCases = []opening.IOCase{{Stdin: "1"}} }, "name"},
		{"two cases of one name", func(s *opening.Step) { s.Code.IOCases = []opening.IOCase{{Name: "a"}, {Name: "a"}} }, "two cases"},
		{"binary stdin", func(s *opening.Step) { s.Code.IOCases = []opening.IOCase{{Name: "a", Stdin: "\xff"}} }, "input must be text"},
		{"a test declared twice", func(s *opening.Step) {
			s.Code.Tests[opening.Python] = opening.CodeTests{Visible: "def test_a():\n    assert False\n\ndef test_a():\n    pass\n"}
		}, `two Python tests are named "test_a"`},
		{"a name in visible and hidden tests", func(s *opening.Step) {
			s.Code.Tests[opening.Go] = opening.CodeTests{Visible: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
				Hidden: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n"}
		}, `two Go tests are named "TestA"`},
		{"a JavaScript test registered twice", func(s *opening.Step) {
			s.Code.Languages = append(s.Code.Languages, opening.JavaScript)
			s.Code.Tests[opening.JavaScript] = opening.CodeTests{Visible: "import test from 'node:test';\ntest('same', () => {});\ntest('same', () => { throw new Error(); });\n"}
		}, `two JavaScript tests are named "same"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := base()
			tt.change(&st)
			_, err := opening.CheckStep(0, st)
			if !errors.Is(err, apperr.ErrInvalid) || !strings.Contains(apperr.Message(err), tt.want) {
				t.Errorf("err = %v, want invalid with %q", err, tt.want)
			}
		})
	}
	t.Run("stdin cases alone grade a language", func(t *testing.T) {
		st := base()
		st.Code.Tests = nil
		st.Code.Starter = nil
		st.Code.IOCases = []opening.IOCase{{Name: " one ", Stdin: "1\n", Stdout: "1\n"}}
		got, err := opening.CheckStep(0, st)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code.IOCases[0].Name != "one" || st.Code.IOCases[0].Name != " one " {
			t.Errorf("names: normalized %q, input %q (the input must not change)", got.Code.IOCases[0].Name, st.Code.IOCases[0].Name)
		}
	})
}
