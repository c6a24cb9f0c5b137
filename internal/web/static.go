package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
)

//go:embed static
var staticFS embed.FS

// staticHashes maps a static file's path to a short hash of its content,
// so URLs change when files do and can be cached for a year.
var staticHashes = func() map[string]string {
	m := map[string]string{}
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return m
}()

// staticURL returns the versioned URL of a static file; it panics for a
// file that does not exist, so a typo fails in tests.
func staticURL(name string) string {
	h, ok := staticHashes[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + name + "?v=" + h
}

func (s *Server) serveStatic() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, ok := staticHashes[r.URL.Path]
		if !ok { // no such file, or a directory: no listing
			s.renderError(w, r, apperr.New(apperr.ErrNotFound, "There is no such file."))
			return
		}
		if r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	}))
}
