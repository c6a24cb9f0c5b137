package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
)

// bootstrap creates the organisation and its owner if missing and prints
// one line: a new API token for that owner (docs/contracts.md).
func bootstrap(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := newFlagSet("admin bootstrap", "Creates the organisation and its owner if missing, and prints a new API token for the owner.")
	cfg := configFlags(fs)
	org := fs.String("org", "", "organisation name (required)")
	email := fs.String("email", "", "owner's email (required)")
	password := fs.String("password", "", "owner's password for signing in to the web pages (optional)")
	tz := fs.String("time-zone", "UTC", "the organisation's time zone, if it is created")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *org == "" || *email == "" {
		fs.Usage()
		return fmt.Errorf("--org and --email are required")
	}
	a, err := app.Open(ctx, *cfg, quiet())
	if err != nil {
		return err
	}
	defer a.Close()
	token, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: *org, Email: *email, Password: *password, TimeZone: *tz})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// quiet keeps informational logs off a command whose output is read by
// programs.
func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
