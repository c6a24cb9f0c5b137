// Package domaintest builds the domain services for tests, with files
// and take-home repositories kept on disk in directories removed when the
// test ends.
package domaintest

import (
	"testing"

	"github.com/anyhour/anyhour/internal/blob/disk"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// New returns the domain services over db.
func New(t testing.TB, db *sqldb.DB) domain.Services {
	t.Helper()
	blobs, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	s := domain.New(db, blobs)
	s.Takehomes.SetRoot(t.TempDir())
	return s
}
