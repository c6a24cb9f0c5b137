package httpx_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Title string `json:"title"`
		N     int    `json:"n"`
	}
	tests := []struct {
		in   string
		kind error
		msg  string
	}{
		{`{"title":"a","n":1}`, nil, ""},
		{`{"title":"a"} {"title":"b"}`, apperr.ErrInvalid, "single JSON value"},
		{`{"title":"a"} x`, apperr.ErrInvalid, "single JSON value"},
		{`{"title":"a","extra":1}`, apperr.ErrInvalid, `unknown field "extra"`},
		{`{"title":1}`, apperr.ErrInvalid, `"title" must be a string, not number`},
		{`{"n":"x"}`, apperr.ErrInvalid, `"n" must be a whole number, not string`},
		{`{"title":`, apperr.ErrInvalid, "ends too soon"},
		{`{"title" "a"}`, apperr.ErrInvalid, "malformed JSON at byte"},
		{``, apperr.ErrInvalid, "empty"},
		{`{"title":"` + strings.Repeat("x", 200) + `"}`, apperr.ErrTooLarge, "larger than 100 bytes"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.in))
		var b body
		err := httpx.DecodeJSON(httptest.NewRecorder(), r, &b, 100)
		if tt.kind == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.in, err)
			}
			continue
		}
		if !errors.Is(err, tt.kind) || !strings.Contains(apperr.Message(err), tt.msg) {
			t.Errorf("%.40s: err = %v, want %v containing %q", tt.in, err, tt.kind, tt.msg)
		}
	}
}

// TestDecodeJSONStrictKeys: encoding/json keeps the last of two equal keys
// and matches names without regard to case; DecodeJSON refuses both,
// anywhere in the document, and names the key.
func TestDecodeJSONStrictKeys(t *testing.T) {
	type option struct {
		Text    string `json:"text"`
		Correct bool   `json:"correct"`
	}
	type Embedded struct {
		Note string `json:"note"`
	}
	type step struct {
		Kind    string         `json:"kind"`
		Options []option       `json:"options"`
		Ratings map[int64]int  `json:"ratings"`
		Extra   map[string]any `json:"extra"`
		Any     any            `json:"any"`
	}
	type body struct {
		Embedded
		Title string `json:"title"`
		Steps []step `json:"steps"`
		Skip  string `json:"-"`
	}
	tests := []struct {
		in    string
		field string // "" when the body is fine
		msg   string
	}{
		{`{"title":"a","note":"n","steps":[{"kind":"text","options":[{"text":"x","correct":true}],"ratings":{"1":2},"extra":{"Kind":1},"any":{"A":1,"a":2}}]}`, "", ""},
		{`{"title":"a","title":"b"}`, "title", `duplicate key "title"`},
		{`{"steps":[{"kind":"code","kind":"text"}]}`, "steps[0].kind", `duplicate key "steps[0].kind"`},
		{`{"steps":[{"kind":"text"},{"options":[{"text":"x"},{"text":"y","text":"z"}]}]}`, "steps[1].options[1].text", `duplicate key "steps[1].options[1].text"`},
		{`{"steps":[{"ratings":{"7":1,"07":5}}]}`, "steps[0].ratings.07", `duplicate key`},
		{`{"steps":[{"extra":{"a":1,"a":2}}]}`, "steps[0].extra.a", `duplicate key`},
		{`{"steps":[{"any":[{"x":{"y":1,"y":2}}]}]}`, "steps[0].any[0].x.y", `duplicate key`},
		{`{"note":"a","note":"b"}`, "note", `duplicate key "note"`},
		{`{"Title":"a"}`, "Title", `unknown field "Title": names are case-sensitive; did you mean "title"?`},
		{`{"steps":[{"Kind":"text"}]}`, "steps[0].Kind", `did you mean "kind"?`},
		{`{"steps":[{"options":[{"CORRECT":true}]}]}`, "steps[0].options[0].CORRECT", `did you mean "correct"?`},
		{`{"NOTE":"x"}`, "NOTE", `did you mean "note"?`},
		{"{\"steps\":[{\"\u212aind\":\"text\"}]}", "steps[0].\u212aind", `did you mean "kind"?`}, // a Kelvin sign, which encoding/json folds to k
		{`{"skip":"x"}`, "skip", `unknown field "skip"`},
		{`{"Skip":"x"}`, "Skip", `unknown field "Skip"`},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.in))
		var b body
		err := httpx.DecodeJSON(httptest.NewRecorder(), r, &b, 1000)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.in, err)
			}
			continue
		}
		var e *apperr.Error
		if !errors.As(err, &e) || !errors.Is(err, apperr.ErrInvalid) || e.Field != tt.field || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("%s: err = %#v, want invalid %s containing %q", tt.in, err, tt.field, tt.msg)
		}
	}
}

// TestLogPathHidesSecrets: paths that carry a secret are cut off in logs.
func TestLogPathHidesSecrets(t *testing.T) {
	for path, want := range map[string]string{
		"/c/ahc_secret":                   "/c/…",
		"/join/ahi_secret":                "/join/…",
		"/password/reset/ahr_secret":      "/password/reset/…",
		"/s/ahs_secret":                   "/s/…",
		"/s/ahs_secret/a/7/media/3/video": "/s/…/a/7/media/3/video",
		"/password/forgot":                "/password/forgot",
		"/settings/sessions/3/end":        "/settings/sessions/3/end",
		"/api/v1/me/sessions?x=ahr_key":   "/api/v1/me/sessions",
	} {
		if got := httpx.LogPath(httptest.NewRequest(http.MethodGet, path, nil)); got != want {
			t.Errorf("LogPath(%s) = %s, want %s", path, got, want)
		}
	}
}

// TestPanicAnswers: a handler that panics gets a 500 in the API's error
// shape under /api/v1/, and the server goes on.
func TestPanicAnswers(t *testing.T) {
	h := httpx.Log(slog.New(slog.DiscardHandler))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	for _, c := range []struct{ path, ctype string }{{"/api/v1/jobs", "application/json"}, {"/jobs", "text/plain"}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != http.StatusInternalServerError || !strings.HasPrefix(rec.Header().Get("Content-Type"), c.ctype) {
			t.Errorf("%s: %d %s", c.path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if c.ctype == "application/json" && !strings.Contains(rec.Body.String(), `{"error":{"code":"internal","message":"Internal error"}}`) {
			t.Errorf("%s: %s", c.path, rec.Body)
		}
	}
}
