package httpx_test

import (
	"errors"
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
