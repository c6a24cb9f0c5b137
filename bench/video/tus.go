package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
)

// tusClient is the least of a tus 1.0 client that uploads the way the
// browser's recorder does: an upload of deferred length, appended to in
// order, whose last PATCH states the length.
type tusClient struct {
	http  *http.Client
	base  string // http://host:port
	token string // the candidate's invitation token
}

// create starts an answer upload for stepID and returns its URL.
func (c *tusClient) create(ctx context.Context, stepID int64) (string, error) {
	meta := "step_id " + b64(strconv.FormatInt(stepID, 10)) + ",filename " + b64("take.webm") + ",filetype " + b64("video/webm")
	resp, err := c.do(ctx, "POST", c.base+"/api/v1/uploads/", nil, map[string]string{"Upload-Defer-Length": "1", "Upload-Metadata": meta})
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("create upload: %s", resp.Status)
	}
	return resp.Header.Get("Location"), nil
}

// patch appends data at offset; final states the whole length too.
func (c *tusClient) patch(ctx context.Context, url string, offset int64, data []byte, final bool) error {
	h := map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": strconv.FormatInt(offset, 10)}
	if final {
		h["Upload-Length"] = strconv.FormatInt(offset+int64(len(data)), 10)
	}
	resp, err := c.do(ctx, "PATCH", url, data, h)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("PATCH at %d: %s", offset, resp.Status)
	}
	return nil
}

// upload creates an upload and sends data in PATCHes of chunk bytes. It
// returns the upload's id.
func (c *tusClient) upload(ctx context.Context, stepID int64, data []byte, chunk int) (string, error) {
	url, err := c.create(ctx, stepID)
	if err != nil {
		return "", err
	}
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		if err := c.patch(ctx, url, int64(off), data[off:end], end == len(data)); err != nil {
			return "", err
		}
	}
	return path.Base(url), nil
}

// do sends one request and reads the whole answer, so that the
// connection goes back to the pool.
func (c *tusClient) do(ctx context.Context, method, url string, body []byte, header map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Authorization", "Bearer "+c.token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
