package s3_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
)

// A Seek followed by a Read must give what a bytes.Reader gives.
func TestSeekRead(t *testing.T) {
	s := mustNew(t)
	data := randomBytes(1 << 20)
	mustPut(t, s, "v", data)
	size := int64(len(data))

	for _, tc := range []struct {
		offset int64
		whence int
		n      int // bytes to read after seeking
	}{
		{0, io.SeekStart, 100},
		{100, io.SeekCurrent, 1000},       // skip forward from 100
		{-50, io.SeekCurrent, 10},         // back
		{size - 10, io.SeekStart, 100},    // short read at the end
		{-1, io.SeekEnd, 1},               // the last byte
		{0, io.SeekEnd, 10},               // at the end: EOF
		{size + 100, io.SeekStart, 10},    // past the end: EOF, not 416
		{12345, io.SeekStart, 300 << 10},  // a long read
		{0, io.SeekCurrent, 300 << 10},    // continuing it
		{0, io.SeekStart, int(size) + 10}, // everything
	} {
		name := fmt.Sprintf("Seek(%d,%d)+Read(%d)", tc.offset, tc.whence, tc.n)
		t.Run(name, func(t *testing.T) {
			o, err := s.Open(context.Background(), "v")
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			want := bytes.NewReader(data)
			// Start from a position already read to, so SeekCurrent
			// and the open body both come into play.
			for _, r := range []io.ReadSeeker{o, want} {
				if _, err := io.CopyN(io.Discard, r, 100); err != nil {
					t.Fatal(err)
				}
			}
			wantPos, _ := want.Seek(tc.offset, tc.whence)
			pos, err := o.Seek(tc.offset, tc.whence)
			if err != nil || pos != wantPos {
				t.Fatalf("Seek = %d, %v; want %d", pos, err, wantPos)
			}
			wantBuf, wantErr := io.ReadAll(io.LimitReader(want, int64(tc.n)))
			got, err := io.ReadAll(io.LimitReader(o, int64(tc.n)))
			if err != wantErr || !bytes.Equal(got, wantBuf) {
				t.Errorf("read %d bytes (%v), want %d bytes (%v); equal %v", len(got), err, len(wantBuf), wantErr, bytes.Equal(got, wantBuf))
			}
			// At the end every Read says io.EOF.
			if pos, _ := o.Seek(0, io.SeekCurrent); pos >= size {
				if n, err := o.Read(make([]byte, 10)); n != 0 || err != io.EOF {
					t.Errorf("Read at %d = %d, %v; want 0, io.EOF", pos, n, err)
				}
			}
		})
	}
}

func TestSeekErrors(t *testing.T) {
	s := mustNew(t)
	mustPut(t, s, "v", []byte("0123456789"))
	o, err := s.Open(context.Background(), "v")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Seek(-1, io.SeekStart); err == nil {
		t.Error("Seek(-1, SeekStart) succeeded")
	}
	if _, err := o.Seek(-11, io.SeekEnd); err == nil {
		t.Error("Seek(-11, SeekEnd) succeeded")
	}
	if _, err := o.Seek(0, 42); err == nil {
		t.Error("Seek(0, 42) succeeded")
	}
	if pos, _ := o.Seek(0, io.SeekCurrent); pos != 0 {
		t.Errorf("a failed Seek moved to %d", pos)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Read(make([]byte, 1)); err == nil {
		t.Error("Read after Close succeeded")
	}
}

// countingProxy forwards to endpoint and counts the GETs of objects.
// SigV4 signs the Host header, which the proxy passes on unchanged.
func countingProxy(t *testing.T, endpoint string) (string, *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	var gets atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.Header.Get("Range") != "" {
			gets.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &gets
}

// Reading on from where the last Read stopped reuses the open GET;
// seeking costs nothing until the next Read, and then one GET.
func TestReadsReuseTheOpenGet(t *testing.T) {
	cfg := s3test.Start(t)
	var gets *atomic.Int32
	cfg.Endpoint, gets = countingProxy(t, cfg.Endpoint)
	s, err := s3.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	data := randomBytes(1 << 20)
	mustPut(t, s, "v", data)

	o, err := s.Open(context.Background(), "v")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	buf := make([]byte, 1000)
	for range 50 {
		if _, err := io.ReadFull(o, buf); err != nil {
			t.Fatal(err)
		}
	}
	o.Seek(0, io.SeekEnd)
	o.Seek(50_000, io.SeekStart) // back to where the body stands
	if _, err := io.ReadFull(o, buf); err != nil {
		t.Fatal(err)
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("%d GETs for sequential reads, want 1", n)
	}

	o.Seek(5, io.SeekStart)
	o.Seek(700_000, io.SeekStart)
	if _, err := io.ReadFull(o, buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf, data[700_000:701_000]) {
		t.Error("read the wrong bytes after Seek")
	}
	if n := gets.Load(); n != 2 {
		t.Errorf("%d GETs after a Seek and a Read, want 2", n)
	}
}

// An object overwritten after Open fails the next GET instead of
// splicing the new bytes onto the old.
func TestReadAfterOverwrite(t *testing.T) {
	s := mustNew(t)
	mustPut(t, s, "v", bytes.Repeat([]byte("a"), 1000))
	o, err := s.Open(context.Background(), "v")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	mustPut(t, s, "v", bytes.Repeat([]byte("b"), 1000))
	b, err := io.ReadAll(o)
	if err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("Read after overwrite = %q..., %v; want an error saying the object changed", b[:min(len(b), 10)], err)
	}
}

func TestServeContentRanges(t *testing.T) {
	s := mustNew(t)
	data := randomBytes(3 << 20)
	mustPut(t, s, "answers/7.webm", data)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, err := s.Open(r.Context(), "answers/7.webm")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer o.Close()
		http.ServeContent(w, r, "7.webm", o.ModTime(), o)
	}))
	defer srv.Close()
	size := len(data)

	for _, tc := range []struct {
		rangeHeader string
		status      int
		want        []byte
	}{
		{"", http.StatusOK, data},
		{"bytes=0-9", http.StatusPartialContent, data[:10]},
		{"bytes=1000000-1999999", http.StatusPartialContent, data[1000000:2000000]},
		{"bytes=-100", http.StatusPartialContent, data[size-100:]},
		{fmt.Sprintf("bytes=%d-", size-5), http.StatusPartialContent, data[size-5:]},
		{fmt.Sprintf("bytes=%d-%d", size-5, size+100), http.StatusPartialContent, data[size-5:]},
		{fmt.Sprintf("bytes=%d-", size), http.StatusRequestedRangeNotSatisfiable, nil},
		{fmt.Sprintf("bytes=%d-", size+1000), http.StatusRequestedRangeNotSatisfiable, nil},
	} {
		t.Run(tc.rangeHeader, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL, nil)
			if tc.rangeHeader != "" {
				req.Header.Set("Range", tc.rangeHeader)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %.200q", resp.StatusCode, tc.status, body)
			}
			if tc.want != nil && !bytes.Equal(body, tc.want) {
				t.Errorf("got %d bytes, want %d, or different ones", len(body), len(tc.want))
			}
			if resp.StatusCode == http.StatusOK && resp.Header.Get("Accept-Ranges") != "bytes" {
				t.Errorf("Accept-Ranges = %q, want bytes", resp.Header.Get("Accept-Ranges"))
			}
		})
	}

	// Two ranges come back as multipart/byteranges.
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("Range", "bytes=0-4,2000000-2000004")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !strings.HasPrefix(resp.Header.Get("Content-Type"), "multipart/byteranges") {
		t.Fatalf("two ranges: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !bytes.Contains(body, data[:5]) || !bytes.Contains(body, data[2000000:2000005]) {
		t.Error("two ranges: a part is missing from the body")
	}
}

// Every call gives up on a cancelled context.
func TestCancelledContext(t *testing.T) {
	cfg := s3test.Start(t)
	s, err := s3.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "k", []byte("content"))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s = %v, want context.Canceled", what, err)
		}
	}
	_, err = s3.New(cancelled, cfg)
	check("New", err)
	_, err = s.Put(cancelled, "k", strings.NewReader("new"))
	check("Put", err)
	_, err = s.Open(cancelled, "k")
	check("Open", err)
	_, err = s.Stat(cancelled, "k")
	check("Stat", err)
	check("Delete", s.Delete(cancelled, "k"))
	if got := mustRead(t, s, "k"); string(got) != "content" {
		t.Errorf("after cancelled calls read %q, want %q", got, "content")
	}

	// An open object reads with the context of Open.
	ctx, cancel := context.WithCancel(context.Background())
	o, err := s.Open(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	cancel()
	_, err = o.Read(make([]byte, 3))
	check("Read", err)

	// A deadline in the past is no different.
	past, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := s.Stat(past, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Stat = %v, want context.DeadlineExceeded", err)
	}
}
