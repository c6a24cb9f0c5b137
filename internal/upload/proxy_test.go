package upload_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
)

// Behind a proxy that ends TLS, an upload's Location keeps the scheme the
// client used, or the browser would be sent to http:// (mixed content,
// refused). Only a trusted proxy's X-Forwarded-Proto is believed, and no
// forwarded host from anyone: the Location names the request's own Host,
// so a header cannot send an upload somewhere else.
func TestLocationBehindProxy(t *testing.T) {
	forwarded := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}
	create := func(w *world, header map[string]string) string {
		t.Helper()
		h := map[string]string{
			"Upload-Length":   "1000",
			"Upload-Metadata": metadata("step_id", strconv.FormatInt(w.iv.Steps[0].ID, 10), "filename", "take.webm", "filetype", "video/webm"),
		}
		for k, v := range header {
			h[k] = v
		}
		r := w.tus(w.alice.Token).do("POST", "/api/v1/uploads/", h, nil)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		return r.header.Get("Location")
	}

	t.Run("trusted proxy", func(t *testing.T) {
		w := newWorld(t, app.Config{TrustedProxies: "127.0.0.1/32"})
		want := "https://" + strings.TrimPrefix(w.srv.URL, "http://") + "/api/v1/uploads/"
		if loc := create(w, forwarded); !strings.HasPrefix(loc, want) {
			t.Errorf("Location = %q, want %s…: the scheme from the proxy, the host from the request", loc, want)
		}
	})
	t.Run("anyone else", func(t *testing.T) {
		w := newWorld(t, app.Config{TrustedProxies: "192.0.2.0/24"})
		if loc := create(w, forwarded); !strings.HasPrefix(loc, w.srv.URL+"/api/v1/uploads/") {
			t.Errorf("Location = %q, want %s/…: a client's own forwarded headers were believed", loc, w.srv.URL)
		}
	})
	t.Run("no proxies", func(t *testing.T) {
		w := newWorld(t, app.Config{})
		if loc := create(w, forwarded); !strings.HasPrefix(loc, w.srv.URL+"/api/v1/uploads/") {
			t.Errorf("Location = %q, want %s/…", loc, w.srv.URL)
		}
	})
}
