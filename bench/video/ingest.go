package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/anyhour/anyhour/internal/application"
)

// Part (a): how fast tus uploads reach the disk store, against the
// disk's own write speed in the same directory.
const (
	ingestFiles    = 4        // uploads (and raw files) per measurement
	ingestFileSize = 64 << 20 // bytes each: 256 MiB per measurement
	ingestRounds   = 10       // timed rounds, after one untimed warm-up round
)

// ingestRow is one way of putting the same 256 MiB on disk.
type ingestRow struct {
	name  string
	run   func(ctx context.Context) error // timed
	after func() error                    // untimed: checks, then removes what run wrote
	// against names the row it is compared with, and goal says whether
	// that comparison is the 80% goal.
	against string
	goal    bool
	rates   []float64 // bytes per second, one per timed round
}

// ingestResult is part (a)'s report.
type ingestResult struct {
	rows              []*ingestRow
	verified, uploads int // uploads whose bytes on disk hash as sent
}

// with sets the row's run and after and returns the row.
func (r *ingestRow) with(run func(context.Context) error, after func() error) *ingestRow {
	r.run, r.after = run, after
	return r
}

func (r *ingestRow) median() float64 {
	s := slices.Clone(r.rates)
	slices.Sort(s)
	return s[len(s)/2]
}

func (res *ingestResult) row(name string) *ingestRow {
	for _, r := range res.rows {
		if r.name == name {
			return r
		}
	}
	return nil
}

// Row names, referred to by the comparisons.
const (
	raw8     = "raw os.File, 8 MiB writes, no fsync"
	raw1     = "raw os.File, 1 MiB writes, no fsync"
	raw32k   = "raw os.File, 32 KiB writes, no fsync"
	raw8sync = "raw os.File, 8 MiB writes, fsync per file"
	plain8   = "plain net/http PUT to os.File, 8 MiB bodies (no tus)"
	tus8     = "tus PATCH, 8 MiB chunks (catching up)"
	tus1     = "tus PATCH, 1 MiB chunks (live recording)"
	tus8sync = "tus PATCH, 8 MiB chunks, fsync per file when complete"
)

// ingest runs part (a): an in-process anyhour on loopback, uploads by
// candidates through the real handler, raw writes beside them in the
// directory where the disk store keeps uploads.
func ingest(ctx context.Context) (*ingestResult, error) {
	dir, err := scratch("ingest")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ln, base, err := listen()
	if err != nil {
		return nil, err
	}
	const tusRows = 3
	w, err := newWorld(ctx, dir, base, []string{"Introduce yourself"}, 600, (ingestRounds+1)*tusRows*ingestFiles)
	if err != nil {
		return nil, err
	}
	defer w.app.Close()
	defer w.serve(ln)()
	uploads := filepath.Join(dir, "blobs", "uploads")
	plainURL, stopPlain, err := servePlain(uploads)
	if err != nil {
		return nil, err
	}
	defer stopPlain()

	files := make([][]byte, ingestFiles)
	for i := range files {
		files[i] = make([]byte, ingestFileSize)
		rand.Read(files[i])
	}
	res := &ingestResult{}
	client := newHTTPClient()
	tus := &tusRuns{w: w, client: client, base: base, files: files, res: res, invs: w.invs}
	row := func(name, against string, goal bool) *ingestRow {
		return &ingestRow{name: name, against: against, goal: goal}
	}
	res.rows = []*ingestRow{
		row(raw8, "", false).with(rawRun(uploads, files, 8<<20, false)),
		row(raw1, "", false).with(rawRun(uploads, files, 1<<20, false)),
		row(raw32k, "", false).with(rawRun(uploads, files, 32<<10, false)),
		row(raw8sync, "", false).with(rawRun(uploads, files, 8<<20, true)),
		row(plain8, raw8, false).with(plainRun(client, plainURL, uploads, files, 8<<20)),
		row(tus8, raw8, true).with(tus.run(8<<20, false)),
		row(tus1, raw1, true).with(tus.run(1<<20, false)),
		row(tus8sync, raw8sync, false).with(tus.run(8<<20, true)),
	}
	return res, measureRounds(ctx, res.rows)
}

// measureRounds runs every row once per round, a warm-up round first,
// and records the rates of the timed rounds.
func measureRounds(ctx context.Context, rows []*ingestRow) error {
	for round := 0; round <= ingestRounds; round++ {
		for _, r := range rows {
			syscall.Sync() // start each measurement with nothing dirty
			start := time.Now()
			if err := r.run(ctx); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			rate := float64(ingestFiles*ingestFileSize) / time.Since(start).Seconds()
			if err := r.after(); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			if round > 0 {
				r.rates = append(r.rates, rate)
			}
			fmt.Printf("   (a) round %2d %-55s %6.0f MB/s\n", round, r.name, rate/1e6)
		}
	}
	return nil
}

// tusRuns uploads the files as candidates' answers, a fresh candidate
// for each upload.
type tusRuns struct {
	w      *world
	client *http.Client
	base   string
	files  [][]byte
	invs   []application.Invitation // the candidates not used yet
	res    *ingestResult
}

// run returns a measurement that uploads every file in PATCHes of chunk
// bytes, with sync followed by an fsync of the file in the store, and an
// after that checks what arrived.
func (t *tusRuns) run(chunk int, sync bool) (run func(context.Context) error, after func() error) {
	var ids []string
	run = func(ctx context.Context) error {
		ids = ids[:0]
		for _, data := range t.files {
			c := &tusClient{http: t.client, base: t.base, token: t.invs[0].Token}
			t.invs = t.invs[1:]
			id, err := c.upload(ctx, t.w.iv.Steps[0].ID, data, chunk)
			if err != nil {
				return err
			}
			if sync {
				if err := fsyncFile(t.w.uploadPath(id)); err != nil {
					return err
				}
			}
			ids = append(ids, id)
		}
		return nil
	}
	return run, func() error { return t.verify(ids) }
}

// verify checks the uploads' files against what was sent, then removes
// them, so that the disk holds one measurement at a time.
func (t *tusRuns) verify(ids []string) error {
	for i, id := range ids {
		got, err := os.ReadFile(t.w.uploadPath(id))
		if err != nil {
			return err
		}
		t.res.uploads++
		if bytes.Equal(got, t.files[i]) {
			t.res.verified++
		}
		for _, p := range []string{"", ".info", ".lock"} {
			os.Remove(t.w.uploadPath(id) + p)
		}
	}
	return nil
}

func fsyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// newHTTPClient is a client that keeps a connection per concurrent
// upload, instead of net/http's default of two idle ones per host.
func newHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024, DisableCompression: true}}
}
