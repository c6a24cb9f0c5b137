package account

import (
	"context"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/limit"
)

// Sign-in limits: 10 attempts for an address or an email in a window of
// 15 minutes, then refusals until the window ends. An attempt is counted
// before the password is checked, so that parallel guesses cannot all
// pass the check before any failure is recorded, and a successful one is
// given back. The counts are kept in the database (package limit): every
// anyhour process shares them, and a burst spread over several gets
// exactly the limit.
var signInLimit = limit.Rule{Scope: "sign_in", Max: 10, Window: 15 * time.Minute}

// emailLimit counts requests that email an address (a password reset, a
// link to finish joining) apart from sign-ins: asking for a reset must not
// lock the account's owner out.
var emailLimit = limit.Rule{Scope: "email_request", Max: 10, Window: 15 * time.Minute}

// reserve counts an attempt under r against the client's address and the
// email, or against neither when either is over its budget (ok false).
func (s *Service) reserve(ctx context.Context, now time.Time, r limit.Rule, c Client, email string) (_ limit.Taken, ok bool, err error) {
	return s.limits.Take(ctx, now, r, "ip:"+strings.ToLower(c.IP), "email:"+strings.ToLower(email))
}
