// Package openingtest helps tests set up interviews.
package openingtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/opening"
)

// Checked records, as a passing reference solution would, that every
// coding step of iv has its tests checked in every language, so that
// candidates may be invited: for tests about what happens after. The
// check itself is tested where it is made (grading.Service.Check).
func Checked(t testing.TB, s *opening.Service, m account.Member, iv opening.Interview) {
	t.Helper()
	if err := CheckAll(context.Background(), s, m, iv); err != nil {
		t.Fatal(err)
	}
}

// CheckAll is Checked for benchmarks, which have no testing.TB.
func CheckAll(ctx context.Context, s *opening.Service, m account.Member, iv opening.Interview) error {
	for _, st := range iv.Steps {
		if st.Kind != opening.KindCode {
			continue
		}
		for _, l := range st.Code.Languages {
			ok, err := s.RecordCheck(ctx, m, iv.ID, st.ID, l, st.Code.Fingerprint(l), time.Now())
			if err == nil && !ok {
				err = errors.New("the tests changed meanwhile")
			}
			if err != nil {
				return fmt.Errorf("recording a check of step %d in %s: %w", st.ID, l, err)
			}
		}
	}
	return nil
}
