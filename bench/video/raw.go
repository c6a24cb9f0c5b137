package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

// rawRun writes files into dir with os.File in writes of chunk bytes,
// with sync an fsync before each file is closed: the disk's speed that
// the uploads are held against. after removes the files.
func rawRun(dir string, files [][]byte, chunk int, sync bool) (run func(context.Context) error, after func() error) {
	run = func(context.Context) error {
		for i, data := range files {
			path := filepath.Join(dir, "raw-"+strconv.Itoa(i))
			if err := writeFile(path, data, chunk, sync); err != nil {
				return err
			}
		}
		return nil
	}
	return run, removeAll(dir, "raw-", len(files))
}

// removeAll returns a function that removes dir/prefix0 … dir/prefix(n-1).
func removeAll(dir, prefix string, n int) func() error {
	return func() error {
		for i := range n {
			os.Remove(filepath.Join(dir, prefix+strconv.Itoa(i)))
		}
		return nil
	}
}

func writeFile(path string, data []byte, chunk int, sync bool) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	for off := 0; off < len(data); off += chunk {
		if _, err := f.Write(data[off:min(off+chunk, len(data))]); err != nil {
			f.Close()
			return err
		}
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// servePlain serves PUT /NAME, which appends the body to the file dir/NAME
// as tusd's file store appends a PATCH (os.OpenFile with O_APPEND, then
// io.Copy), with nothing else: no tus, no authentication, no database.
// It shows what HTTP on loopback costs by itself.
func servePlain(dir string) (url string, stop func(), err error) {
	ln, base, err := listen()
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.OpenFile(filepath.Join(dir, filepath.Base(r.URL.Path)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go srv.Serve(ln)
	return base, func() { srv.Close() }, nil
}

// plainRun sends files to servePlain's server for dir in PUTs of chunk
// bytes; after removes what it wrote.
func plainRun(client *http.Client, base, dir string, files [][]byte, chunk int) (run func(context.Context) error, after func() error) {
	run = func(ctx context.Context) error {
		for i, data := range files {
			name := "plain-" + strconv.Itoa(i)
			for off := 0; off < len(data); off += chunk {
				req, err := http.NewRequestWithContext(ctx, "PUT", base+"/"+name, bytes.NewReader(data[off:min(off+chunk, len(data))]))
				if err != nil {
					return err
				}
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent {
					return fmt.Errorf("PUT %s: %s", name, resp.Status)
				}
			}
		}
		return nil
	}
	return run, removeAll(dir, "plain-", len(files))
}
