package opening

import (
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
)

func TestNormalizeCode(t *testing.T) {
	t.Parallel()
	base := func() Step {
		return Step{Kind: KindCode, Title: "FizzBuzz", Code: &CodeTask{
			Languages: []Language{Python, Go},
			Starter:   map[Language]string{Python: "def fizz(n):\n    pass\n"},
			Tests:     map[Language]CodeTests{Python: {Visible: "def test_one(): pass\n"}, Go: {Hidden: "package solution\n"}},
		}}
	}
	t.Run("defaults", func(t *testing.T) {
		st, err := normalizeCode(0, base())
		if err != nil {
			t.Fatal(err)
		}
		if st.Points != 1 || st.Code.TimeLimitMS != DefaultTimeLimitMS || st.Code.MemoryMB != DefaultMemoryMB {
			t.Errorf("defaults: points %v, %+v", st.Points, st.Code)
		}
	})
	tests := []struct {
		name   string
		change func(*Step)
		want   string
	}{
		{"no task", func(s *Step) { s.Code = nil }, "needs its languages"},
		{"no language", func(s *Step) { s.Code.Languages = nil }, "at least one language"},
		{"unknown language", func(s *Step) { s.Code.Languages = append(s.Code.Languages, "cobol") }, "not a supported language"},
		{"twice", func(s *Step) { s.Code.Languages = []Language{Python, Python} }, "listed twice"},
		{"starter of another language", func(s *Step) { s.Code.Starter[JavaScript] = "x" }, "not one of the step's languages"},
		{"tests of another language", func(s *Step) { s.Code.Tests[JavaScript] = CodeTests{Visible: "x"} }, "not one of the step's languages"},
		{"a language without tests", func(s *Step) { delete(s.Code.Tests, Go) }, "Go has no tests"},
		{"a huge test file", func(s *Step) { s.Code.Tests[Python] = CodeTests{Visible: strings.Repeat("x", MaxCodeSource+1)} }, "longer than"},
		{"NUL in a test", func(s *Step) { s.Code.Tests[Python] = CodeTests{Hidden: "a\x00b"} }, "not text"},
		{"time limit", func(s *Step) { s.Code.TimeLimitMS = 500 }, "time limit"},
		{"memory", func(s *Step) { s.Code.MemoryMB = 4096 }, "memory limit"},
		{"points", func(s *Step) { s.Points = -1 }, "points"},
		{"unnamed case", func(s *Step) { s.Code.IOCases = []IOCase{{Stdin: "1"}} }, "name"},
		{"two cases of one name", func(s *Step) { s.Code.IOCases = []IOCase{{Name: "a"}, {Name: "a"}} }, "two cases"},
		{"binary stdin", func(s *Step) { s.Code.IOCases = []IOCase{{Name: "a", Stdin: "\xff"}} }, "input must be text"},
		{"a test declared twice", func(s *Step) {
			s.Code.Tests[Python] = CodeTests{Visible: "def test_a():\n    assert False\n\ndef test_a():\n    pass\n"}
		}, `two Python tests are named "test_a"`},
		{"a name in visible and hidden tests", func(s *Step) {
			s.Code.Tests[Go] = CodeTests{Visible: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
				Hidden: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n"}
		}, `two Go tests are named "TestA"`},
		{"a JavaScript test registered twice", func(s *Step) {
			s.Code.Languages = append(s.Code.Languages, JavaScript)
			s.Code.Tests[JavaScript] = CodeTests{Visible: "import test from 'node:test';\ntest('same', () => {});\ntest('same', () => { throw new Error(); });\n"}
		}, `two JavaScript tests are named "same"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := base()
			tt.change(&st)
			_, err := normalizeCode(0, st)
			if !errors.Is(err, apperr.ErrInvalid) || !strings.Contains(apperr.Message(err), tt.want) {
				t.Errorf("err = %v, want invalid with %q", err, tt.want)
			}
		})
	}
	t.Run("stdin cases alone grade a language", func(t *testing.T) {
		st := base()
		st.Code.Tests = nil
		st.Code.Starter = nil
		st.Code.IOCases = []IOCase{{Name: " one ", Stdin: "1\n", Stdout: "1\n"}}
		got, err := normalizeCode(0, st)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code.IOCases[0].Name != "one" || st.Code.IOCases[0].Name != " one " {
			t.Errorf("names: normalized %q, input %q (the input must not change)", got.Code.IOCases[0].Name, st.Code.IOCases[0].Name)
		}
	})
}
