package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/anyhour/anyhour/internal/httpx"
)

func TestRealIP(t *testing.T) {
	trusted, err := httpx.ParsePrefixes("10.0.0.0/8, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer, xff, want string
		trusted               bool
	}{
		{"no proxies configured: the header is ignored", "192.0.2.7:5000", "203.0.113.9", "192.0.2.7", false},
		{"untrusted peer: the header is ignored", "192.0.2.7:5000", "203.0.113.9", "192.0.2.7", true},
		{"trusted proxy: the client", "10.1.2.3:5000", "203.0.113.9", "203.0.113.9", true},
		{"a spoofed entry left of the real one is skipped", "10.1.2.3:5000", "6.6.6.6, 203.0.113.9", "203.0.113.9", true},
		{"two trusted hops", "127.0.0.1:5000", "203.0.113.9, 10.9.9.9", "203.0.113.9", true},
		{"garbage stops the walk", "10.1.2.3:5000", "not-an-ip", "10.1.2.3", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = httpx.ClientIP(r) })
			var prefixes = trusted
			if !tt.trusted {
				prefixes = nil
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			r.Header.Set("X-Forwarded-For", tt.xff)
			httpx.RealIP(prefixes)(h).ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("client = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := httpx.ParsePrefixes("10.0.0.0/8, nonsense"); err == nil {
		t.Error("a bad entry was accepted")
	}
}

// Only a trusted proxy says which scheme the client used; nobody says which
// host (a proxy may pass the client's header on unchanged).
func TestForwardedSchemeOnlyFromProxies(t *testing.T) {
	trusted, _ := httpx.ParsePrefixes("10.0.0.0/8")
	for _, tt := range []struct {
		name, peer string
		prefixes   bool
		proto      bool
	}{
		{"trusted proxy", "10.1.2.3:5000", true, true},
		{"untrusted peer", "192.0.2.7:5000", true, false},
		{"no proxies configured", "10.1.2.3:5000", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got http.Header
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header })
			prefixes := trusted
			if !tt.prefixes {
				prefixes = nil
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			r.Header.Set("X-Forwarded-Proto", "https")
			r.Header.Add("x-forwarded-host", "evil.example")
			r.Header.Add("X-Forwarded-Host", "evil.example")
			r.Header.Set("Forwarded", "proto=http;host=evil.example")
			httpx.RealIP(prefixes)(h).ServeHTTP(httptest.NewRecorder(), r)
			if kept := got.Get("X-Forwarded-Proto") != ""; kept != tt.proto {
				t.Errorf("X-Forwarded-Proto kept = %v, want %v", kept, tt.proto)
			}
			for _, name := range []string{"X-Forwarded-Host", "Forwarded"} {
				if v := got.Values(name); len(v) > 0 {
					t.Errorf("%s kept: %q", name, v)
				}
			}
		})
	}
}
