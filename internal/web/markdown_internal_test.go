package web

import (
	"strings"
	"testing"
)

func TestMarkdownIsSafe(t *testing.T) {
	t.Parallel()
	got := string(markdown("# Task\n\nUse `sum`.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
	for _, bad := range []string{"<script", "javascript:", "onerror", "<img"} {
		if strings.Contains(got, bad) {
			t.Errorf("rendered Markdown contains %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"<h1>Task</h1>", "<code>sum</code>", "<table>", "<td>2</td>"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered Markdown lacks %q:\n%s", want, got)
		}
	}
}
