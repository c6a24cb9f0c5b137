package browsertest_test

import (
	"bytes"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// cleanPage passes WCAG 2.1 A/AA: a language, a title, a main landmark with a
// heading, labelled fields and default (black on white) colours.
const cleanPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Anyhour</title>
</head>
<body>
<main>
<h1>Sign in</h1>
<form id="login" method="post" action="/login">
<label for="email">Email</label>
<input id="email" name="email" type="email" required autocomplete="email">
<label for="note">Note</label>
<input id="note" name="note" type="text">
<button id="go" type="submit">Sign in</button>
</form>
</main>
</body>
</html>`

// brokenPage has an image without alt text and an input without a label.
const brokenPage = `<!doctype html>
<html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1>
<img src="/logo.png">
<input type="text" name="q">
</main></body></html>`

// tallPage is taller than any viewport, to check full-page screenshots. Its
// style is a file because the policy of newServer refuses inline styles.
const tallPage = `<!doctype html>
<html lang="en"><head><title>Tall</title><link rel="stylesheet" href="/tall.css"></head>
<body><main><h1>Tall</h1><div class="tall"></div></main></body></html>`

const tallCSS = `.tall { height: 3000px; background: linear-gradient(#fff, #036); }`

// newServer serves the pages above and a cookie login: POST /login sets a
// session cookie and redirects to /me, which shows who is signed in.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			// A strict policy like the app's: axe must still run.
			w.Header().Set("Content-Security-Policy", "default-src 'self'")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /clean", page(cleanPage))
	mux.HandleFunc("GET /broken", page(brokenPage))
	mux.HandleFunc("GET /tall", page(tallPage))
	mux.HandleFunc("GET /tall.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, tallCSS)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: r.FormValue("email"), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/me", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("session"); err == nil {
			who = c.Value
		}
		page(`<!doctype html><html lang="en"><head><title>Me</title></head><body><main>`+
			`<p id="who">Signed in as `+html.EscapeString(who)+`</p></main></body></html>`)(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowser shares one Chromium between its subtests: starting one takes
// about a second, and most of this package's test time.
func TestBrowser(t *testing.T) {
	srv := newServer(t)
	b := browsertest.New(t)

	t.Run("clean page has no violations", func(t *testing.T) {
		p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
		p.Navigate(srv.URL + "/clean")
		if vs := p.Violations(); len(vs) != 0 {
			t.Errorf("Violations() on a clean page = %d, want none:\n%s", len(vs), browsertest.FormatViolations(vs))
		}
		p.CheckAccessibility()
	})

	t.Run("broken page has violations", func(t *testing.T) {
		p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
		p.Navigate(srv.URL + "/broken")
		vs := p.Violations()
		byID := map[string]browsertest.Violation{}
		for _, v := range vs {
			byID[v.ID] = v
		}
		for _, id := range []string{"image-alt", "label"} {
			v, ok := byID[id]
			if !ok {
				t.Errorf("Violations() has no %q; got:\n%s", id, browsertest.FormatViolations(vs))
				continue
			}
			if v.Impact == "" || v.Help == "" || len(v.Nodes) == 0 || v.Nodes[0].Target == "" || v.Nodes[0].HTML == "" {
				t.Errorf("violation %q lacks details: %+v", id, v)
			}
		}

		msg := expectFatal(t, func(tb testing.TB) {
			p := b.Page(tb, browsertest.PhoneWidth, browsertest.PhoneHeight)
			p.Navigate(srv.URL + "/broken")
			p.CheckAccessibility()
		})
		for _, want := range []string{"/broken", "image-alt", "critical", `<img src="/logo.png">`, "label", `<input type="text" name="q">`} {
			if !strings.Contains(msg, want) {
				t.Errorf("CheckAccessibility message lacks %q:\n%s", want, msg)
			}
		}
	})

	t.Run("screenshot is a full-page PNG", func(t *testing.T) {
		p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
		p.Navigate(srv.URL + "/tall")
		path := p.Screenshot("tall-phone")
		if !strings.HasSuffix(path, "tall-phone.png") {
			t.Errorf("Screenshot path = %q, want it to end in tall-phone.png", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("Screenshot file starts with %q, want the PNG signature", data[:min(8, len(data))])
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != browsertest.PhoneWidth || cfg.Height < 3000 {
			t.Errorf("Screenshot is %dx%d, want %d wide and at least 3000 high (the whole page)", cfg.Width, cfg.Height, browsertest.PhoneWidth)
		}
	})

	t.Run("form submit keeps cookies", func(t *testing.T) {
		p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
		p.Navigate(srv.URL + "/clean")
		p.SetValue("#email", "ada@example.com")
		p.Type("#note", "hi there")
		var note string
		p.Eval(`document.querySelector('#note').value`, &note)
		if note != "hi there" {
			t.Errorf("after Type, #note = %q, want %q", note, "hi there")
		}
		p.Submit("#go")
		if got, want := p.Location(), srv.URL+"/me"; got != want {
			t.Errorf("after Submit, Location() = %q, want %q", got, want)
		}
		want := "Signed in as ada@example.com"
		if got := p.Text("#who"); got != want {
			t.Errorf("after Submit, Text(#who) = %q, want %q", got, want)
		}
		p.Navigate(srv.URL + "/me")
		if got := p.Text("#who"); got != want {
			t.Errorf("on a later visit, Text(#who) = %q, want %q (cookie lost?)", got, want)
		}

		// Another page is another user: it has no session.
		other := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
		other.Navigate(srv.URL + "/me")
		other.WaitVisible("#who")
		if got := other.Text("#who"); got != "Signed in as nobody" {
			t.Errorf("a second page shares the first page's cookies: Text(#who) = %q", got)
		}
	})

	t.Run("click and eval", func(t *testing.T) {
		p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
		p.Navigate(srv.URL + "/clean")
		p.Eval(`document.querySelector('#login').addEventListener('submit', e => {
			e.preventDefault();
			document.title = 'clicked';
		})`, nil)
		p.SetValue("#email", "ada@example.com")
		p.Click("#go")
		var got struct {
			Title string `json:"title"`
			Width int    `json:"width"`
		}
		p.Eval(`new Promise(r => setTimeout(() => r({title: document.title, width: innerWidth}), 0))`, &got)
		if got.Title != "clicked" || got.Width != browsertest.DesktopWidth {
			t.Errorf("after Click, Eval = %+v, want title clicked and width %d", got, browsertest.DesktopWidth)
		}
	})

	t.Run("submit of an invalid form fails at once", func(t *testing.T) {
		msg := expectFatal(t, func(tb testing.TB) {
			p := b.Page(tb, browsertest.DesktopWidth, browsertest.DesktopHeight)
			p.Navigate(srv.URL + "/clean")
			p.Submit("#go") // #email is required and empty
		})
		if !strings.Contains(msg, "the form is invalid") || !strings.Contains(msg, "email") {
			t.Errorf("Submit of an invalid form: message = %q, want it to name the invalid field", msg)
		}
	})
}

func TestFakeMedia(t *testing.T) {
	srv := newServer(t)
	b := browsertest.NewWithOptions(t, browsertest.Options{
		FakeMedia:  true,
		ExtraFlags: []string{"--user-agent=AnyhourTest/1.0", "--force-prefers-reduced-motion"},
	})
	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	p.Navigate(srv.URL + "/clean") // http://127.0.0.1 is a secure context
	var got struct {
		Kinds         []string `json:"kinds"`
		UserAgent     string   `json:"userAgent"`
		ReducedMotion bool     `json:"reducedMotion"`
	}
	p.Eval(`navigator.mediaDevices.getUserMedia({video: true, audio: true}).then(s => ({
		kinds: s.getTracks().map(t => t.kind).sort(),
		userAgent: navigator.userAgent,
		reducedMotion: matchMedia('(prefers-reduced-motion: reduce)').matches,
	}))`, &got)
	if strings.Join(got.Kinds, ",") != "audio,video" {
		t.Errorf("getUserMedia tracks = %v, want audio and video", got.Kinds)
	}
	if got.UserAgent != "AnyhourTest/1.0" || !got.ReducedMotion {
		t.Errorf("ExtraFlags not applied: userAgent %q (want AnyhourTest/1.0), reduced motion %v (want true)", got.UserAgent, got.ReducedMotion)
	}
}

// fatalRecorder stands in for a test so that a test can check the failure
// message of a helper. Fatalf records the message and unwinds to
// expectFatal.
type fatalRecorder struct {
	testing.TB
	msg string
}

type fatalUnwind struct{}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	panic(fatalUnwind{})
}

// expectFatal runs f with a recorder and returns the message that f failed
// with, or fails t when f did not fail.
func expectFatal(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	func() {
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(fatalUnwind); !ok {
					panic(v)
				}
			}
		}()
		f(r)
	}()
	if r.msg == "" {
		t.Fatal("want a test failure, got none")
	}
	return r.msg
}
