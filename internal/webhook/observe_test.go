package webhook_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/webhook"
)

// TestDeliveryAttemptsAreObserved: the observer hears each attempt's
// outcome: an endpoint that answers 500 then 200, one that cannot be
// reached, and, on an installation that refuses them, a loopback one.
func TestDeliveryAttemptsAreObserved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var mu sync.Mutex
	var heard []string
	observe := func(outcome string) {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, outcome)
	}
	w := newWorld(t)
	w.Webhooks.SetObserver(observe)
	flaky := newReceiver(t)
	flaky.answer = func(n int, w http.ResponseWriter) {
		if n == 1 {
			http.Error(w, "database down", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}
	w.add(t, flaky, webhook.MessageReceived)
	gone := newReceiver(t)
	w.add(t, gone, webhook.MessageReceived)
	gone.Close()
	a, _ := w.Applications.ByToken(ctx, w.inv.Token)
	if _, err := w.Messages.PostAsCandidate(ctx, a, "hello"); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	w.clock.Advance(time.Hour)
	w.run(t)

	strict := newWorld(t)
	strict.Webhooks.SetObserver(observe)
	strict.add(t, newReceiver(t), webhook.MessageReceived)
	strict.Webhooks.AllowPrivate(false)
	a, _ = strict.Applications.ByToken(ctx, strict.inv.Token)
	strict.Messages.PostAsCandidate(ctx, a, "hi")
	strict.run(t)

	mu.Lock()
	got := slices.Sorted(slices.Values(heard))
	mu.Unlock()
	want := []string{webhook.OutcomeDelivered, webhook.OutcomeRefused, webhook.OutcomeRejected, webhook.OutcomeUnreachable, webhook.OutcomeUnreachable}
	if !slices.Equal(got, want) {
		t.Errorf("heard %q, want %q", got, want)
	}
}
