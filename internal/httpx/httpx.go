// Package httpx holds what the web and api packages share about HTTP:
// turning errors into statuses, strict JSON decoding, and middleware.
package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Status returns the HTTP status and the API error code for err.
func Status(err error) (int, string) {
	err = sqldb.Classify(err)
	switch {
	case errors.Is(err, apperr.ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable"
	case errors.Is(err, apperr.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, apperr.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, apperr.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, apperr.ErrUnauthenticated):
		return http.StatusUnauthorized, "unauthenticated"
	case errors.Is(err, apperr.ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, apperr.ErrRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, apperr.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, apperr.ErrMethodNotAllowed):
		return http.StatusMethodNotAllowed, "method_not_allowed"
	}
	return http.StatusInternalServerError, "internal"
}

// ErrorBody is the JSON shape of every API error (docs/contracts.md).
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// NewErrorBody builds the API error document for err.
func NewErrorBody(err error) (int, ErrorBody) {
	err = sqldb.Classify(err)
	status, code := Status(err)
	var b ErrorBody
	b.Error.Code = code
	b.Error.Message = apperr.Message(err)
	var e *apperr.Error
	if errors.As(err, &e) {
		b.Error.Field = e.Field
	}
	return status, b
}

// RetryAfter is how long a client is asked to wait before trying a
// request again that failed for a passing reason (503), in seconds.
const RetryAfter = "5"

// SetRetryAfter asks the client, on a 503, to try again in a few seconds.
// Every writer of an error calls it with the status it writes.
func SetRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfter)
	}
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// DecodeJSON reads a JSON body of at most maxBytes into v, rejecting
// unknown fields, duplicate keys, names that match a field only when case
// is ignored, and trailing data, with errors that say exactly what is
// wrong. The Content-Type is not checked: API callers authenticate with a
// bearer token, never a cookie, so a mislabelled body (curl -d sends JSON
// as a form) is no forgery risk, only a client's slip.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, maxBytes int64) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	if err != nil {
		return jsonError(err, maxBytes, "")
	}
	return decodeStrict(data, v, "", maxBytes)
}

// UnmarshalStrict decodes data into v as DecodeJSON decodes a body; at is
// where data sits in a request ("steps[2]"), which messages name. A type
// that decodes itself uses it for the parts it hands on, such as a step's
// settings, which its kind reads.
func UnmarshalStrict(data []byte, v any, at string) error {
	return decodeStrict(data, v, at, int64(len(data)))
}

func decodeStrict(data []byte, v any, at string, maxBytes int64) error {
	if err := checkKeys(data, reflect.TypeOf(v), at); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, maxBytes, at)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return apperr.Invalid(at, "the body must hold a single JSON value")
	}
	return nil
}

func jsonError(err error, maxBytes int64, at string) error {
	in := func(field string) string {
		if at == "" || field == "" {
			return field
		}
		return at + "." + field
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return apperr.New(apperr.ErrTooLarge, "the body is larger than %d bytes", maxBytes)
	case errors.As(err, &syntax):
		return apperr.Invalid("", "malformed JSON at byte %d", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Invalid("", "malformed JSON: the body ends too soon")
	case errors.Is(err, io.EOF):
		return apperr.Invalid("", "the body is empty; send a JSON object")
	case errors.As(err, &typ):
		return apperr.Invalid(in(typ.Field), "field %q must be %s, not %s", in(typ.Field), jsonKind(typ.Type), strings.TrimSuffix(typ.Value, " first"))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := in(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
		return apperr.Invalid(field, "unknown field %q", field)
	}
	return apperr.Invalid("", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another type"
}

// ClientIP returns the address a request came from. Behind a reverse
// proxy, list the proxy in ANYHOUR_TRUSTED_PROXIES so that RealIP puts the
// client's address here.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// PathID parses a path value as a positive id; anything else is not found.
func PathID(r *http.Request, name string) (int64, error) {
	var id int64
	_, err := fmt.Sscan(r.PathValue(name), &id)
	if err != nil || id <= 0 || fmt.Sprint(id) != r.PathValue(name) {
		return 0, apperr.NotFound(name)
	}
	return id, nil
}

// PathIDs reads two ids of the path, as /applications/{id}/steps/{step}.
func PathIDs(r *http.Request, a, b string) (int64, int64, error) {
	x, err := PathID(r, a)
	if err != nil {
		return 0, 0, err
	}
	y, err := PathID(r, b)
	return x, y, err
}

// Object is a stored file to serve: a blob.Object has these methods.
type Object interface {
	io.ReadSeeker
	ModTime() time.Time
}

// ServeObject sends a stored file with its content type, answering range
// requests (206) and conditional requests, for video players to seek.
// The file is private: shared caches must not keep it.
func ServeObject(w http.ResponseWriter, r *http.Request, obj Object, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", obj.ModTime(), obj)
}

// ServeFile sends a stored file someone uploaded, under name: as a
// download, or inline when the caller asks and the type is safe to show
// (images and PDFs, never HTML or SVG). Either way the type is the one
// given, never sniffed. A CSP sandbox keeps anything the browser renders
// from running script or reaching the page's origin, except for a PDF
// shown inline: browsers' PDF viewers refuse to run in a sandboxed
// document (Chromium and Safari show a blank page), and they render the
// PDF in a context of their own, so there it is left out, and the file
// may still not be framed by another site.
func ServeFile(w http.ResponseWriter, r *http.Request, obj Object, name, contentType string, inline bool) {
	disposition, csp := "attachment", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
	if inline {
		disposition = "inline"
		if contentType == "application/pdf" {
			csp = "frame-ancestors 'none'"
		}
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	ServeObject(w, r, obj, contentType)
}

// Allowed returns the methods mux has a route for at r's path (HEAD with
// GET), for a fallback that answers a request no route matched: none
// means 404, some mean 405 with an Allow header.
func Allowed(mux *http.ServeMux, r *http.Request) []string {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); strings.HasPrefix(pattern, m+" ") {
			allowed = append(allowed, m)
		}
	}
	if slices.Contains(allowed, "GET") {
		allowed = append(allowed, "HEAD")
	}
	return allowed
}
