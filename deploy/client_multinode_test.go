//go:build multinode

package deploy_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// client calls anyhour as one person does, through the proxy: a team
// member with an API token or a candidate with an invitation token.
type client struct {
	t     testing.TB
	base  string // the proxy's https:// URL
	http  *http.Client
	token string
	lost  *atomic.Int64 // attempts that got no answer from anyhour, for the log
}

// reply is what a request got back.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) String() string {
	return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(r.body))
}

// send makes one attempt. An error means no answer came: the request may
// or may not have been carried out.
func (c *client) send(method, path string, header map[string]string, body []byte) (reply, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// lost says whether an attempt got no answer from anyhour: the
// connection failed, or HAProxy answered for a serve process that died
// while it held the request (502) or for none being up (503 with its
// own body). Whether the request was carried out is then unknown.
func lost(r reply, err error) bool {
	if err != nil {
		return true
	}
	switch r.status {
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	case http.StatusServiceUnavailable:
		return true
	}
	return false
}

// retry sends a request that is safe to repeat (a GET, a PUT of an
// answer, a HEAD) until an answer comes from anyhour, as the recorder
// and the autosave do.
func (c *client) retry(method, path string, header map[string]string, body []byte) reply {
	c.t.Helper()
	var last error
	for range 100 {
		r, err := c.send(method, path, header, body)
		if !lost(r, err) {
			return r
		}
		c.lost.Add(1)
		last = err
		if err == nil {
			last = fmt.Errorf("%s", r)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Errorf("%s %s: no answer after 100 attempts: %v", method, path, last)
	return reply{}
}

// json sends v as JSON, repeating the request until an answer comes,
// and decodes the answer into out when it is 2xx.
func (c *client) json(method, path string, v, out any, want int) reply {
	c.t.Helper()
	var body []byte
	if v != nil {
		body, _ = json.Marshal(v)
	}
	r := c.retry(method, path, map[string]string{"Content-Type": "application/json"}, body)
	if r.status != want {
		c.t.Errorf("%s %s: %s, want %d", method, path, r, want)
		return r
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			c.t.Errorf("%s %s: %v in %s", method, path, err, r.body)
		}
	}
	return r
}

// tus headers.
func tusHeaders(extra map[string]string) map[string]string {
	h := map[string]string{"Tus-Resumable": "1.0.0"}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

func tusMeta(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

// upload is one recording sent through tus, as the recorder sends it:
// created with a deferred length and a take key, so that a create whose
// answer is lost finds its upload again; appended in chunks; its length
// given with the last chunk.
type upload struct {
	c     *client
	step  int64
	file  []byte
	path  string // /api/v1/uploads/ID
	acked int64  // bytes the server acknowledged
}

func (u *upload) create(takeKey string) {
	u.c.t.Helper()
	h := tusHeaders(map[string]string{"Upload-Defer-Length": "1",
		"Upload-Metadata": tusMeta("step_id", strconv.FormatInt(u.step, 10), "take_key", takeKey, "filetype", "video/webm")})
	r := u.c.retry("POST", "/api/v1/uploads/", h, nil)
	// 409 with a Location: an earlier attempt made the upload and its
	// answer was lost.
	if r.status != http.StatusCreated && !(r.status == http.StatusConflict && r.header.Get("Location") != "") {
		u.c.t.Fatalf("create upload: %s", r)
	}
	// The Location must name the address the client used, https through
	// the proxy, not the serve process's own http one (a browser would
	// refuse it as mixed content). A lost create's 409 gives a path.
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		u.c.t.Fatalf("create upload: Location %q: %v", r.header.Get("Location"), err)
	}
	if loc.IsAbs() && loc.Scheme+"://"+loc.Host != u.c.base {
		u.c.t.Fatalf("create upload: Location %q is not under %s", loc, u.c.base)
	}
	u.path = loc.EscapedPath()
}

// id is tusd's id of the upload.
func (u *upload) id() string {
	id, _ := url.PathUnescape(u.path[strings.LastIndex(u.path, "/")+1:])
	return id
}

// offset asks the server how many bytes it has, and checks that nothing
// it acknowledged is missing.
func (u *upload) offset() int64 {
	u.c.t.Helper()
	r := u.c.retry("HEAD", u.path, tusHeaders(nil), nil)
	n, err := strconv.ParseInt(r.header.Get("Upload-Offset"), 10, 64)
	if r.status != http.StatusOK || err != nil {
		u.c.t.Fatalf("HEAD %s: %d, offset %q", u.path, r.status, r.header.Get("Upload-Offset"))
	}
	if n < u.acked {
		u.c.t.Errorf("HEAD %s: the server has %d bytes, but it acknowledged %d", u.path, n, u.acked)
	}
	return n
}

// patch sends file[from:to] at offset from, once; the last chunk states
// the length. It reports whether the server acknowledged it.
func (u *upload) patch(from, to int64) (bool, error) {
	h := tusHeaders(map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.FormatInt(from, 10)})
	if to == int64(len(u.file)) {
		h["Upload-Length"] = strconv.Itoa(len(u.file))
	}
	r, err := u.c.send("PATCH", u.path, h, u.file[from:to])
	if lost(r, err) {
		return false, nil
	}
	if r.status != http.StatusNoContent {
		return false, fmt.Errorf("PATCH %s at %d: %s", u.path, from, r)
	}
	if got := r.header.Get("Upload-Offset"); got != strconv.FormatInt(to, 10) {
		return false, fmt.Errorf("PATCH %s at %d: offset %q after it, want %d", u.path, from, got, to)
	}
	u.acked = to
	return true, nil
}

// sendUntil sends the file up to byte end in chunks, resuming from the
// server's offset whenever an attempt is lost.
func (u *upload) sendUntil(end int64, chunk int64) {
	u.c.t.Helper()
	at := u.acked
	for tries := 0; at < end; tries++ {
		if tries > 200 {
			u.c.t.Fatalf("upload %s: stuck at %d of %d", u.path, at, end)
		}
		to := min(at+chunk, end)
		ok, err := u.patch(at, to)
		if err != nil {
			u.c.t.Fatal(err)
		}
		if ok {
			at = to
			continue
		}
		time.Sleep(100 * time.Millisecond)
		at = u.offset()
	}
}
