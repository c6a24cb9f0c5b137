package opening

import (
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Service runs job and interview operations against the database.
type Service struct {
	db       *sqldb.DB
	accounts *account.Service
	now      func() time.Time
}

// New returns a Service using db; accounts records the audit log.
func New(db *sqldb.DB, accounts *account.Service) *Service {
	return &Service{db: db, accounts: accounts, now: time.Now}
}
