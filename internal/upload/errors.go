package upload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"

	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/httpx"
)

// Every error the tus endpoint answers is in the API's JSON shape
// (docs/contracts.md): those anyhour decides (tusError, writeError), and
// tusd's own, which tusd writes as plain text ("ERR_MISMATCHED_OFFSET:
// mismatched offset", or for a store's error its text, which names files
// on the server). capture holds those back and tusdError rewrites them.

// errStorageUnreachable is a store that did not answer (S3 down or
// failing): a passing fault, like a database outage.
var errStorageUnreachable = &apperr.Error{Kind: apperr.ErrUnavailable,
	Message: "anyhour cannot reach its storage just now; please try again in a few seconds"}

// storeError turns an error from the upload store into one tusd sends in
// the JSON shape when it is a fault the client should hear about: a full
// disk, an unreachable store. tusd's own errors pass through (capture
// rewrites them); any other error is internal: internal is true, and the
// caller logs its text, which is never sent.
func storeError(err error) (_ error, internal bool) {
	var te tusd.Error
	switch {
	case err == nil:
		return nil, false
	case errors.As(err, &te):
		return err, false
	}
	err = blob.Classify(err)
	if errors.Is(err, apperr.ErrUnavailable) {
		return tusError(err), false
	}
	if storeUnreachable(err) {
		return tusError(fmt.Errorf("%w: %w", errStorageUnreachable, err)), false
	}
	return err, true
}

// storeUnreachable reports whether err is a store that did not answer or
// answered with a server error.
func storeUnreachable(err error) bool {
	var netErr *net.OpError
	var status interface{ HTTPStatusCode() int }
	switch {
	case errors.As(err, &netErr), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return true
	case errors.As(err, &status):
		return status.HTTPStatusCode() >= 500
	}
	return false
}

// tusError turns an error into one tusd sends, with the API's JSON body.
func tusError(err error) error {
	status, body := httpx.NewErrorBody(err)
	b, merr := jsonString(body)
	if merr != nil {
		b = `{"error":{"code":"internal","message":"Internal error"}}`
	}
	header := tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}
	if status == http.StatusServiceUnavailable {
		header["Retry-After"] = httpx.RetryAfter
	}
	return tusd.Error{ErrorCode: body.Error.Code, Message: body.Error.Message, HTTPResponse: tusd.HTTPResponse{
		StatusCode: status, Body: b, Header: header}}
}

func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := httpx.NewErrorBody(err)
	if status >= 500 {
		slog.ErrorContext(r.Context(), "upload", slog.Any("error", err))
	}
	writeBody(w, r, status, body)
}

// writeBody writes an error document, without a body for HEAD.
func writeBody(w http.ResponseWriter, r *http.Request, status int, body httpx.ErrorBody) {
	w.Header().Del("Content-Length")
	w.Header().Set("Tus-Resumable", "1.0.0")
	httpx.SetRetryAfter(w, status)
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		return
	}
	httpx.WriteJSON(w, status, body)
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	return string(b), nil
}

// goneError is 410, as the tus protocol answers for a terminated upload,
// so that a client stops retrying and forgets it.
func goneError() tusd.Error {
	return codedError(http.StatusGone, "gone", "this upload was discarded or removed")
}

// codeLost is the error code of an upload the server could not keep: its
// info broken or gone while it was unfinished (a disk that filled up as it
// was made). A client starts a new upload with everything it holds; the
// lost one does not count against anything.
const codeLost = "upload_lost"

func lostError(what string) tusd.Error {
	e := codedError(http.StatusGone, codeLost, fmt.Sprintf("the server could not keep this %s (its storage failed while it arrived); "+
		"send it again as a new upload: this one does not count", what))
	// A HEAD has no body to carry the code: the header says it.
	e.HTTPResponse.Header["Anyhour-Error"] = codeLost
	return e
}

func codedError(status int, code, message string) tusd.Error {
	var body httpx.ErrorBody
	body.Error.Code, body.Error.Message = code, message
	b, _ := jsonString(body)
	return tusd.Error{ErrorCode: code, Message: message, HTTPResponse: tusd.HTTPResponse{
		StatusCode: status, Body: b, Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}
}

// writeTusError writes an error made for tusd ourselves.
func writeTusError(w http.ResponseWriter, r *http.Request, e tusd.Error) {
	w.Header().Del("Content-Length")
	for k, v := range e.HTTPResponse.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Tus-Resumable", "1.0.0")
	w.WriteHeader(e.HTTPResponse.StatusCode)
	if r.Method != http.MethodHead {
		io.WriteString(w, e.HTTPResponse.Body)
	}
}

// tusdErrors says, for each of tusd's own error codes, what the client
// is told: the status (kept from tusd unless a better one fits) and the
// words. Codes not listed keep tusd's status with a message of their
// status; ERR_INTERNAL_SERVER_ERROR, whose text is a store error's, is
// "Internal error".
var tusdErrors = map[string]struct {
	status  int
	message string
}{
	"ERR_UNSUPPORTED_VERSION":         {http.StatusPreconditionFailed, "send Tus-Resumable: 1.0.0"},
	"ERR_MAX_SIZE_EXCEEDED":           {http.StatusRequestEntityTooLarge, "the upload is larger than the server takes"},
	"ERR_INVALID_CONTENT_TYPE":        {http.StatusBadRequest, "send the bytes with Content-Type: application/offset+octet-stream"},
	"ERR_INVALID_UPLOAD_LENGTH":       {http.StatusBadRequest, "Upload-Length is missing, not a number, or less than what was sent"},
	"ERR_INVALID_OFFSET":              {http.StatusBadRequest, "send Upload-Offset, the number of bytes the server has"},
	"ERR_UPLOAD_NOT_FOUND":            {http.StatusNotFound, "upload not found"},
	"ERR_UPLOAD_LOCKED":               {http.StatusLocked, "another request is writing to this upload; try again in a moment"},
	"ERR_LOCK_TIMEOUT":                {http.StatusLocked, "another request is writing to this upload; try again in a moment"},
	"ERR_MISMATCHED_OFFSET":           {http.StatusConflict, "the server does not have that many bytes of this upload; ask for its offset (HEAD) and send from there"},
	"ERR_UPLOAD_SIZE_EXCEEDED":        {http.StatusRequestEntityTooLarge, "this would make the upload longer than its length"},
	"ERR_NOT_IMPLEMENTED":             {http.StatusNotImplemented, "this part of the tus protocol is not offered here"},
	"ERR_MODIFY_FINAL":                {http.StatusForbidden, "a finished upload cannot be changed"},
	"ERR_AMBIGUOUS_UPLOAD_LENGTH":     {http.StatusBadRequest, "send Upload-Length or Upload-Defer-Length, not both"},
	"ERR_INVALID_UPLOAD_LENGTH_DEFER": {http.StatusBadRequest, "Upload-Defer-Length must be 1"},
	"ERR_UPLOAD_STOPPED":              {http.StatusBadRequest, "the server stopped this upload"},
	// Another request for the upload (a client asking for its offset
	// after losing track) took over; what had arrived is kept.
	"ERR_UPLOAD_INTERRUPTED": {http.StatusConflict, "another request for this upload took over; ask for its offset (HEAD) and resume"},
	"ERR_SERVER_SHUTDOWN":    {http.StatusServiceUnavailable, "the server is restarting; what arrived is kept: ask for the offset (HEAD) and resume in a few seconds"},
	"ERR_UNEXPECTED_EOF":     {http.StatusBadRequest, "the request ended before all its bytes arrived; what arrived is kept: ask for the offset (HEAD) and resume"},
	"ERR_READ_TIMEOUT":       {http.StatusInternalServerError, "the bytes stopped arriving; what arrived is kept: ask for the offset (HEAD) and resume"},
	"ERR_CONNECTION_RESET":   {http.StatusInternalServerError, "the connection was cut; what arrived is kept: ask for the offset (HEAD) and resume"},
}

// tusdError is the status and JSON body for an error tusd wrote as plain
// text: status as it wrote it, text its body ("CODE: message\n", or
// nothing for HEAD). A store's error (ERR_INTERNAL_SERVER_ERROR, its text
// naming files on the server) was logged by the guarded store and is
// "Internal error" here.
func tusdError(status int, text string) (int, httpx.ErrorBody) {
	code, _, _ := strings.Cut(strings.TrimSpace(text), ": ")
	message := http.StatusText(status)
	if e, ok := tusdErrors[code]; ok {
		status, message = e.status, e.message
	} else if status >= 500 && status != http.StatusServiceUnavailable {
		message = "Internal error"
	}
	var body httpx.ErrorBody
	body.Error.Code, body.Error.Message = errorCode(status), message
	return status, body
}

// errorCode is the API's error code for a status.
func errorCode(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusPreconditionFailed:
		return "invalid"
	case http.StatusUnauthorized:
		return "unauthenticated"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusGone:
		return "gone"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusLocked:
		return "locked"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusServiceUnavailable:
		return "unavailable"
	case http.StatusNotImplemented:
		return "not_implemented"
	}
	return "internal"
}

// capture is the response writer tusd writes to. An error response not
// in JSON (tusd's own) is held back, to be rewritten by flush or replaced
// by the handler; anything else goes straight through.
type capture struct {
	http.ResponseWriter
	r       *http.Request
	wrote   bool // the status line went out
	held    int  // the status of an error held back, or 0
	heldBuf bytes.Buffer
}

func (c *capture) WriteHeader(status int) {
	if c.wrote || c.held != 0 {
		return
	}
	if status >= 400 && !strings.HasPrefix(c.Header().Get("Content-Type"), "application/json") {
		c.held = status
		return
	}
	c.wrote = true
	c.ResponseWriter.WriteHeader(status)
}

func (c *capture) Write(b []byte) (int, error) {
	if !c.wrote && c.held == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if c.held != 0 {
		if c.heldBuf.Len() < 4096 {
			c.heldBuf.Write(b)
		}
		return len(b), nil
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (tusd sets read deadlines through
// it) reach the connection.
func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Flush sends what was written so far, unless it is held back.
func (c *capture) Flush() {
	if c.held == 0 {
		http.NewResponseController(c.ResponseWriter).Flush()
	}
}

// holding reports whether an error response is held back.
func (c *capture) holding() bool { return c.held != 0 }

// drop forgets a held error, for the handler to answer instead.
func (c *capture) drop() { c.held = 0; c.heldBuf.Reset() }

// flush writes a held error in the JSON shape.
func (c *capture) flush() {
	if c.held == 0 {
		return
	}
	status, body := tusdError(c.held, c.heldBuf.String())
	c.drop()
	c.wrote = true
	writeBody(c.ResponseWriter, c.r, status, body)
}
