package notify

import (
	"context"
	"fmt"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/email"
	"github.com/anyhour/anyhour/internal/mail"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// KindPasswordReset is the email with a link to choose a new password.
const KindPasswordReset = "password_reset"

// registerAccountEmails hooks the emails about a member's own account
// onto the account service. Their links are made when they are sent, from
// base (read then, since it is set after wiring).
func registerAccountEmails(n *notifier, d *Digests) {
	n.accounts.OnPasswordReset(n.passwordReset)
	n.emails.SetRefLinker(KindPasswordReset, func(ctx context.Context, ref string) (string, error) {
		token, err := n.accounts.ResetLink(ctx, ref)
		if err != nil {
			return "", err
		}
		return d.base + "/password/reset/" + token, nil
	})
}

// passwordReset sends a member the link to choose a new password.
func (n *notifier) passwordReset(ctx context.Context, tx *sqldb.DB, m account.Member, ref string) error {
	org, err := n.accounts.Org(ctx, m.OrgID)
	if err != nil {
		return err
	}
	c := email.Content{
		OrgName:  org.Name,
		Colour:   org.Colour,
		Subject:  "Choose a new password for anyhour",
		Greeting: fmt.Sprintf("Hello %s,", m.Name),
		Paragraphs: []string{
			fmt.Sprintf("Someone, probably you, asked for a new password for %s, your account with %s on anyhour.", m.Email, org.Name),
		},
		Action: &email.Action{Label: "Choose a new password", URL: email.LinkFromRef},
		After: []string{
			"The link works once, for an hour. Choosing a new password signs you out everywhere else.",
			"If you did not ask, ignore this email: your password stays as it is.",
		},
	}
	_, err = n.emails.Queue(ctx, tx, email.Draft{OrgID: m.OrgID, Kind: KindPasswordReset, Ref: ref,
		To: mail.Address{Name: m.Name, Email: m.Email}, Content: c, WithLink: true})
	return err
}
