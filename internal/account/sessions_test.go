package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
)

const (
	firefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	safariPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

func (tm team) signIn(t *testing.T, email, password, ua string) string {
	t.Helper()
	token, _, err := tm.s.Login(context.Background(), email, password, account.Client{IP: "198.51.100.4", UserAgent: ua})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func signedIn(s *account.Service, token string) bool {
	_, err := s.SessionMember(context.Background(), token)
	return err == nil
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	now := time.Now()
	tm.s.SetClock(func() time.Time { return now })
	phone := tm.signIn(t, "rita@acme.example", goodPassword, safariPhone)
	olivia := tm.signIn(t, "olivia@acme.example", ownerPassword, firefoxLinux)

	list, err := tm.s.Sessions(ctx, tm.rita, tm.ritaSession)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !list[1].Current || list[0].Current || list[0].Device() != "Safari on iPhone" || list[0].IP != "198.51.100.4" {
		t.Fatalf("Rita's sessions %+v", list)
	}
	// Last use is recorded, at most once a minute.
	if list[0].LastSeenAt != nil {
		t.Errorf("a session not used yet was last seen %v", list[0].LastSeenAt)
	}
	signedIn(tm.s, phone)
	now = now.Add(30 * time.Second)
	signedIn(tm.s, phone)
	list, _ = tm.s.Sessions(ctx, tm.rita, phone)
	if list[0].LastSeenAt == nil || !list[0].LastSeenAt.Equal(now.Add(-30*time.Second).UTC().Truncate(time.Microsecond)) || !list[0].Current {
		t.Errorf("after use, the phone session reads %+v", list[0])
	}

	// Another member's session is not Rita's to end.
	var oliviaID int64
	own, _ := tm.s.Sessions(ctx, tm.owner, olivia)
	oliviaID = own[0].ID
	if err := tm.s.EndSession(ctx, tm.rita, oliviaID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("Rita ends Olivia's session: %v, want not found", err)
	}
	if !signedIn(tm.s, olivia) {
		t.Fatal("Olivia was signed out by Rita")
	}

	if err := tm.s.EndSession(ctx, tm.rita, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if signedIn(tm.s, phone) || !signedIn(tm.s, tm.ritaSession) {
		t.Error("ending the phone's session ended the wrong one")
	}
	tablet := tm.signIn(t, "rita@acme.example", goodPassword, firefoxLinux)
	laptop := tm.signIn(t, "rita@acme.example", goodPassword, firefoxLinux)
	n, err := tm.s.EndOtherSessions(ctx, tm.rita, laptop)
	if err != nil || n != 2 {
		t.Fatalf("EndOtherSessions = %d, %v; want 2", n, err)
	}
	if signedIn(tm.s, tablet) || signedIn(tm.s, tm.ritaSession) || !signedIn(tm.s, laptop) || !signedIn(tm.s, olivia) {
		t.Error("signing out everywhere else ended the wrong sessions")
	}
	log, _ := tm.s.AuditLog(ctx, tm.owner, 0, 10)
	if log[0].Action != "session.end_others" || log[1].Action != "member.login" {
		t.Errorf("audit log %+v", log[:2])
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	other := tm.signIn(t, "rita@acme.example", goodPassword, safariPhone)
	tests := []struct {
		current, next string
		field, msg    string
	}{
		{"not my password", "a brand new password", "current_password", "not your current password"},
		{"", "a brand new password", "current_password", "not your current password"},
		{goodPassword, "short", "password", "at least 10 characters"},
	}
	for _, tt := range tests {
		err := tm.s.ChangePassword(ctx, tm.rita, tt.current, tt.next, tm.ritaSession, account.Client{IP: "192.0.2.7"})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Field != tt.field || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("ChangePassword(%q, %q) = %v, want %s: %s", tt.current, tt.next, err, tt.field, tt.msg)
		}
	}
	if !signedIn(tm.s, other) {
		t.Fatal("a refused change ended a session")
	}
	if err := tm.s.ChangePassword(ctx, tm.rita, goodPassword, "a brand new password", tm.ritaSession, account.Client{IP: "192.0.2.7"}); err != nil {
		t.Fatal(err)
	}
	if signedIn(tm.s, other) || !signedIn(tm.s, tm.ritaSession) {
		t.Error("after the change, the other session should end and this one stay")
	}
	if _, err := tm.s.TokenMember(ctx, tm.ritaKey); err != nil {
		t.Errorf("the change revoked an API token: %v", err)
	}
	if _, _, err := tm.s.Login(ctx, "rita@acme.example", goodPassword, account.Client{}); err == nil {
		t.Error("the old password still signs in")
	}
	tm.signIn(t, "rita@acme.example", "a brand new password", firefoxLinux)
	log, _ := tm.s.AuditLog(ctx, tm.owner, 0, 10)
	found := false
	for _, e := range log {
		found = found || e.Action == "member.password" && e.Target == "rita@acme.example"
	}
	if !found {
		t.Error("the change is not in the audit log")
	}
}

// TestChangePasswordIsRateLimited: a stolen session cannot be used to
// guess the password behind it.
func TestChangePasswordIsRateLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tm := newTeam(t)
	for range 10 {
		tm.s.ChangePassword(ctx, tm.rita, "guess", "a brand new password", tm.ritaSession, account.Client{IP: "203.0.113.9"})
	}
	err := tm.s.ChangePassword(ctx, tm.rita, goodPassword, "a brand new password", tm.ritaSession, account.Client{IP: "203.0.113.10"})
	if !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("the right password after 10 wrong ones: %v, want rate limited", err)
	}
}

func TestDevice(t *testing.T) {
	t.Parallel()
	for ua, want := range map[string]string{
		firefoxLinux: "Firefox on Linux",
		safariPhone:  "Safari on iPhone",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0": "Edge on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36":         "Chrome on macOS",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36":         "Chrome on Android",
		"curl/8.5.0":                      "curl",
		"":                                "An unknown browser",
		"Mozilla/5.0 (X11; Linux x86_64)": "A browser on Linux",
	} {
		if got := account.Device(ua); got != want {
			t.Errorf("Device(%q) = %q, want %q", ua, got, want)
		}
	}
}
