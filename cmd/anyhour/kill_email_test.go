package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/smtp/smtptest"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// site is a signed-in browser on a server at base: it keeps the cookies
// (Secure ones included, as browsers do on 127.0.0.1) and sends the
// same-origin headers browsers send with forms.
type site struct {
	t       *testing.T
	base    string
	mu      sync.Mutex
	cookies map[string]string
}

func signIn(t *testing.T, addr, email, password string) *site {
	t.Helper()
	s := &site{t: t, base: "http://" + addr, cookies: map[string]string{}}
	if resp, body := s.do("POST", "/login", url.Values{"email": {email}, "password": {password}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Sign out") {
		t.Fatalf("sign-in: %d\n%s", resp.StatusCode, body)
	}
	return s
}

// do sends a request and follows redirects, returning the last response
// with its body.
func (s *site) do(method, path string, form url.Values) (*http.Response, string) {
	s.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 10 {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, s.base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", s.base)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		s.mu.Lock()
		for k, v := range s.cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		s.mu.Unlock()
		resp, err := client.Do(req)
		if err != nil {
			s.t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s.mu.Lock()
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				delete(s.cookies, c.Name)
			} else {
				s.cookies[c.Name] = c.Value
			}
		}
		s.mu.Unlock()
		if resp.StatusCode/100 != 3 {
			return resp, string(data)
		}
		loc, _ := resp.Location()
		method, path, form = "GET", loc.RequestURI(), nil
	}
	s.t.Fatalf("too many redirects at %s", path)
	return nil, ""
}

// text is a page's text without its tags, its spaces collapsed.
func text(page string) string {
	return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " ")), " ")
}

// TestKilledWorkerDoesNotSendTwice kills anyhour with SIGKILL after the
// SMTP server (a real Mailpit) has taken an invitation and before anyhour
// has heard so, then starts it again: the email is marked "unknown", and
// not sent a second time. The owner finds it on the emails page and on
// the candidate's application page, each saying that the invitation may
// not have arrived, and sends it again, clicking twice at once: it goes
// out once more, as the same email, and the audit log keeps one entry.
func TestKilledWorkerDoesNotSendTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	mail := smtptest.Start(t)
	hold := newSMTPHold(t, mail.SMTPAddr)
	dir := t.TempDir()
	addr := freePort(t)
	args := append([]string{"serve", "--listen", addr, "--workers", "1", "--base-url", "http://" + addr,
		"--smtp-url", "smtp://" + hold.addr + "?from=hiring@acme.example"}, dbArgs(t, dir)...)
	dbURL := args[len(args)-1]
	const password = "correct horse battery staple"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "bootstrap", "--org", "Acme", "--email", "o@acme.example", "--password", password,
		"--data-dir", dir, "--database-url", dbURL}, &out, discard); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())
	server := startServer(t, args, addr)
	inviteAda(t, addr, token)
	select {
	case <-hold.held:
	case <-time.After(time.Minute):
		t.Fatal("the invitation never reached the SMTP server")
	}
	first := mail.WaitFor(1)
	// The server has the message; anyhour waits for its answer. Kill it.
	server.Process.Signal(syscall.SIGKILL)
	server.Wait()

	// A lease later, as far as the database knows (the test of leases
	// waits for real): the new process may take over the dead one's task.
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status string
	var emailID, appID int64
	if err := db.QueryRow(ctx, `SELECT id, application_id, status FROM emails WHERE kind = 'invitation'`).Scan(&emailID, &appID, &status); err != nil || status != "sending" {
		t.Fatalf("after the kill the invitation is %q (%v), want sending", status, err)
	}
	now, err := db.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET lease_until = $1 WHERE status = 'running'`, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}

	startServer(t, args, addr)
	for deadline := time.Now().Add(time.Minute); ; {
		db.QueryRow(ctx, `SELECT status FROM emails WHERE kind = 'invitation'`).Scan(&status)
		if status == "unknown" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != "unknown" {
		t.Fatalf("after the restart the invitation is %q, want unknown", status)
	}
	time.Sleep(300 * time.Millisecond) // a second copy would arrive about now
	if n := len(mail.Messages()); n != 1 {
		t.Errorf("the SMTP server received %d messages, want exactly 1", n)
	}

	owner := signIn(t, addr, "o@acme.example", password)
	resend := "/settings/emails/" + itoa(emailID) + "/resend"
	_, page := owner.do("GET", "/settings/emails", nil)
	if got := text(page); !strings.Contains(got, "1 email may not have arrived") || !strings.Contains(got, "Ada gets it twice") || !strings.Contains(page, `action="`+resend+`"`) {
		t.Errorf("the emails page does not offer to send the invitation again, saying Ada may get it twice:\n%s", got)
	}
	_, page = owner.do("GET", "/applications/"+itoa(appID), nil)
	if got := text(page); !strings.Contains(got, "The invitation may not have arrived") || !strings.Contains(page, `action="`+resend) {
		t.Errorf("the application page does not say the invitation may not have arrived:\n%s", got)
	}

	// Two clicks at once.
	var clicks sync.WaitGroup
	flashes := make(chan string, 2)
	for range 2 {
		clicks.Go(func() {
			_, page := owner.do("POST", resend, url.Values{"app": {itoa(appID)}})
			flashes <- text(regexp.MustCompile(`(?s)<p class="flash"[^>]*>.*?</p>`).FindString(page))
		})
	}
	clicks.Wait()
	close(flashes)
	var sent, nothing int
	for f := range flashes {
		switch {
		case strings.Contains(f, "is being sent again"):
			sent++
		case strings.HasPrefix(f, "Nothing was sent"):
			nothing++
		default:
			t.Errorf("a click said %q", f)
		}
	}
	if sent != 1 || nothing != 1 {
		t.Errorf("%d clicks sent the email again and %d sent nothing, want 1 and 1", sent, nothing)
	}
	got := mail.WaitFor(2)
	time.Sleep(300 * time.Millisecond) // a third copy would arrive about now
	if n := len(mail.Messages()); n != 2 || got[0].MessageID != first[0].MessageID {
		t.Errorf("%d messages arrived, the new one's Message-ID %q; want 2, both %q", n, got[0].MessageID, first[0].MessageID)
	}
	for deadline := time.Now().Add(time.Minute); ; {
		db.QueryRow(ctx, `SELECT status FROM emails WHERE id = $1`, emailID).Scan(&status)
		if status == "sent" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != "sent" {
		t.Errorf("after sending it again the invitation is %q, want sent", status)
	}
	_, page = owner.do("GET", "/audit", nil)
	if n := strings.Count(text(page), "Email sent again"); n != 1 {
		t.Errorf("the audit log shows %d resends, want 1", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
