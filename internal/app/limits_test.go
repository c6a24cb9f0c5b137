package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/clocktest"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
)

// These tests run two anyhour processes on one database, as two `serve`
// behind a load balancer (on SQLite, two processes on the same file), and
// send a burst at once, half to each: the limits are counted in the
// database, so the burst gets exactly the limit, not the limit per
// process, nor more through a race between counting and writing.

// burst sends n requests at once, alternating between the servers, and
// counts the answers by status.
func burst(t *testing.T, n int, servers []string, do func(i int, server string) (*http.Response, error)) map[int]int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int]int{}
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			resp, err := do(i, servers[i%len(servers)])
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			got[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return got
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestMessageBurstAcrossProcesses: a candidate sends 40 messages at once
// through two processes; exactly MaxCandidateMessagesPerHour are stored,
// the rest refused with 429 in the API's error shape. The limit counts
// the messages themselves, so it frees as the hour passes.
func TestMessageBurstAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one := apptest.New(t, app.Config{Workers: 1})
	two := one.Another(t)
	clock := &clocktest.Clock{}
	one.Messages.SetClock(clock.Now)
	two.Messages.SetClock(clock.Now)
	_, owner, err := one.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "olivia@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, err := one.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := one.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Why us?"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := one.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	token, appID := res.Invitations[0].Token, res.Invitations[0].Application.ID
	send := func(i int, server string) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, server+"/api/v1/candidate/messages", strings.NewReader(fmt.Sprintf(`{"body": "message %d"}`, i)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		return http.DefaultClient.Do(req)
	}
	stored := func() int {
		t.Helper()
		var n int
		if err := one.DB.QueryRow(ctx, `SELECT COUNT(*) FROM messages WHERE application_id = $1`, appID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	got := burst(t, 40, []string{one.URL, two.URL}, send)
	limit := message.MaxCandidateMessagesPerHour
	if got[http.StatusCreated] != limit || got[http.StatusTooManyRequests] != 40-limit {
		t.Errorf("40 messages at once through two processes: %v, want %d created and %d refused with 429", got, limit, 40-limit)
	}
	if n := stored(); n != limit {
		t.Errorf("%d messages stored, want %d", n, limit)
	}
	resp, err := send(0, two.URL)
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	err = json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(e.Error.Message, "please wait") {
		t.Errorf("one more: %d %+v", resp.StatusCode, e)
	}

	clock.Advance(5 * time.Minute) // a clock jump: the hour has not passed
	if got := burst(t, 4, []string{one.URL, two.URL}, send); got[http.StatusTooManyRequests] != 4 {
		t.Errorf("five minutes on: %v, want every one refused", got)
	}
	clock.Advance(time.Hour)
	if got := burst(t, 40, []string{one.URL, two.URL}, send); got[http.StatusCreated] != limit {
		t.Errorf("an hour on, another burst: %v, want %d created", got, limit)
	}
	if n := stored(); n != 2*limit {
		t.Errorf("%d messages stored, want %d", n, 2*limit)
	}
}

// TestSignInBurstAcrossProcesses: 40 sign-ins with wrong passwords at
// once, through two processes: exactly 10 are checked (401), the rest
// refused (429), and then the right password is refused too, on either
// process, until the window ends; a 5-minute clock jump does not end it
// early, and right passwords after the window sign in and are not
// counted. (Right passwords at once are each counted until checked, as
// wrong ones are: 20 at once would get 10 through.)
func TestSignInBurstAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one := apptest.New(t, app.Config{Workers: 1})
	two := one.Another(t)
	clock := &clocktest.Clock{}
	one.Accounts.SetClock(clock.Now)
	two.Accounts.SetClock(clock.Now)
	if _, _, err := one.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "olivia@acme.example", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	signIn := func(password string) func(int, string) (*http.Response, error) {
		return func(_ int, server string) (*http.Response, error) {
			return noRedirects.PostForm(server+"/login", url.Values{"email": {"olivia@acme.example"}, "password": {password}})
		}
	}
	servers := []string{one.URL, two.URL}

	got := burst(t, 40, servers, signIn("not the password"))
	if got[http.StatusUnauthorized] != 10 || got[http.StatusTooManyRequests] != 30 {
		t.Errorf("40 wrong passwords at once through two processes: %v, want 10 checked (401) and 30 refused (429)", got)
	}
	if got := burst(t, 2, servers, signIn("correct horse battery")); got[http.StatusTooManyRequests] != 2 {
		t.Errorf("the right password after the burst: %v, want refused on both processes", got)
	}
	clock.Advance(5 * time.Minute)
	if got := burst(t, 2, servers, signIn("correct horse battery")); got[http.StatusTooManyRequests] != 2 {
		t.Errorf("five minutes on: %v, want still refused: the window is 15 minutes", got)
	}
	clock.Advance(11 * time.Minute)
	for i := range 20 {
		resp, err := signIn("correct horse battery")(i, servers[i%2])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the window, right sign-in %d: %d, want signed in (a sign-in that works is not counted)", i+1, resp.StatusCode)
		}
	}
	if got := burst(t, 12, servers, signIn("not the password")); got[http.StatusUnauthorized] != 10 || got[http.StatusTooManyRequests] != 2 {
		t.Errorf("then 12 wrong at once: %v, want 10 checked and 2 refused", got)
	}
}
