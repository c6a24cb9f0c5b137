package opening

// CheckStep checks one step as saving it would, and returns it tidied.
// i is its index in the interview, for messages. The coding task editor
// uses it to try a task before it is saved.
func CheckStep(i int, s Step) (Step, error) { return normalizeStep(i, s) }

// NewCodeTask is the task a new coding step starts with: one language,
// a starter and one visible test that show the forms tests take, for the
// team to replace with their own.
func NewCodeTask() *CodeTask {
	return &CodeTask{
		Languages: []Language{Python},
		Starter: map[Language]string{
			Python: "def solve(s):\n    # Write your solution here.\n    return s\n",
		},
		Tests: map[Language]CodeTests{
			Python: {Visible: "from solution import solve\n\n\ndef test_example():\n    assert solve(\"abc\") == \"abc\"\n"},
		},
		TimeLimitMS: DefaultTimeLimitMS,
		MemoryMB:    DefaultMemoryMB,
	}
}
