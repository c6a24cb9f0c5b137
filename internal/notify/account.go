package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Kinds of the emails about a team member's own account.
const (
	KindPasswordReset = "password_reset" // a link to choose a new password
	KindMemberJoin    = "member_join"    // a link to finish joining a team
)

// setAccountLinks makes the links of the emails about a member's own
// account when they are sent, from base (read then, since it is set after
// wiring).
func setAccountLinks(n *Notifier, d *Digests) {
	n.outbox.SetRefLinker(KindPasswordReset, func(ctx context.Context, ref string) (string, error) {
		token, err := n.accounts.ResetLink(ctx, ref)
		if err != nil {
			return "", err
		}
		return d.base + "/password/reset/" + token, nil
	})
	n.outbox.SetRefLinker(KindMemberJoin, func(ctx context.Context, ref string) (string, error) {
		token, err := n.accounts.JoinLink(ctx, ref)
		if err != nil {
			return "", err
		}
		return d.base + "/join/confirm/" + token, nil
	})
}

// MemberJoin sends an invited address the link to finish joining. It
// says the same whether or not the address has an account already: what
// it is, the link's page tells (see package account's join.go).
func (n *Notifier) MemberJoin(ctx context.Context, tx *sqldb.DB, inv account.Invite, org account.Org, name, ref string) error {
	c := outbox.Content{
		OrgName:  org.Name,
		Colour:   org.Colour,
		Subject:  fmt.Sprintf("Finish joining %s on anyhour", org.Name),
		Greeting: fmt.Sprintf("Hello %s,", name),
		Paragraphs: []string{
			fmt.Sprintf("To finish joining %s on anyhour as %s, show that %s is your address by opening this link.", org.Name, article(string(inv.Role)), inv.Email),
		},
		Action: &outbox.Action{Label: "Finish joining", URL: outbox.LinkFromRef},
		After: []string{
			"The link works once, for an hour at most.",
			"If you did not ask to join, ignore this email: nothing happens without the link.",
		},
	}
	_, err := n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: inv.OrgID, Kind: KindMemberJoin, Ref: ref,
		To: smtp.Address{Name: name, Email: inv.Email}, Content: c, WithLink: true})
	return err
}

// article puts "a" or "an" before a word.
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

// PasswordReset sends a member the link to choose a new password.
func (n *Notifier) PasswordReset(ctx context.Context, tx *sqldb.DB, m account.Member, ref string) error {
	org, err := n.accounts.Org(ctx, m.OrgID)
	if err != nil {
		return err
	}
	c := outbox.Content{
		OrgName:  org.Name,
		Colour:   org.Colour,
		Subject:  "Choose a new password for anyhour",
		Greeting: fmt.Sprintf("Hello %s,", m.Name),
		Paragraphs: []string{
			fmt.Sprintf("Someone, probably you, asked for a new password for %s, your account with %s on anyhour.", m.Email, org.Name),
		},
		Action: &outbox.Action{Label: "Choose a new password", URL: outbox.LinkFromRef},
		After: []string{
			"The link works once, for an hour. Choosing a new password signs you out everywhere else.",
			"If you did not ask, ignore this email: your password stays as it is.",
		},
	}
	_, err = n.outbox.Queue(ctx, tx, outbox.Draft{OrgID: m.OrgID, Kind: KindPasswordReset, Ref: ref,
		To: smtp.Address{Name: m.Name, Email: m.Email}, Content: c, WithLink: true})
	return err
}
