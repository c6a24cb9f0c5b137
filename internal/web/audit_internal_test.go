package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryAuditActionHasWords: each action key the code audits with
// (a string literal on a line that calls Audit, AuditCandidate or audit) is named
// in words on the audit page.
func TestEveryAuditActionHasWords(t *testing.T) {
	t.Parallel()
	key := regexp.MustCompile(`"([a-z]+\.[a-z_]+)"`)
	var missing []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(src), "\n") {
			if !strings.Contains(line, "Audit(") && !strings.Contains(line, "AuditCandidate(") && !strings.Contains(line, "audit(") {
				continue
			}
			for _, m := range key.FindAllStringSubmatch(line, -1) {
				if _, ok := auditActions[m[1]]; !ok && !strings.HasSuffix(m[1], ".go") {
					missing = append(missing, m[1]+" ("+path+")")
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("audit actions without words: %s", strings.Join(missing, ", "))
	}
}
