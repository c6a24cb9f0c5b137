package disk

import (
	"context"

	"github.com/anyhour/anyhour/internal/blob"
)

var _ blob.Checker = (*Store)(nil)

// Check writes a byte to a temporary file at the root and removes it: a
// directory made read-only, a full disk or a volume gone fail it as they
// would fail the next Put.
func (s *Store) Check(ctx context.Context) (err error) {
	defer wrap(&err, "check", ".")
	tmp, f, err := s.createTemp(".")
	if err != nil {
		return err
	}
	defer s.root.Remove(tmp)
	if _, err := f.Write([]byte{0}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
