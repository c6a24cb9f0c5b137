package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := newFlagSet("demo", "Fills a demo organisation with jobs, interviews and candidates in every state, and prints the owner's login.")
	cfg := configFlags(fs)
	a, err := parseAndOpen(ctx, fs, cfg, args, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	return seedDemo(ctx, a, stdout, false)
}

// seedDemo fills the demo organisation and prints how to sign in. With
// onlyIfEmpty it does nothing when any organisation exists already.
func seedDemo(ctx context.Context, a *app.App, stdout io.Writer, onlyIfEmpty bool) error {
	if onlyIfEmpty {
		has, err := a.Accounts.HasOrg(ctx)
		if err != nil || has {
			return err
		}
	}
	login, err := demo.Seed(ctx, a.Services)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stdout, "\n  Demo organisation %q is ready.\n  Sign in at %s/login as %s with password %s\n", login.Org, a.Config.BaseURL, login.Email, login.Password)
	return nil
}
