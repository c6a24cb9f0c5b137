package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/app"
)

// Part (c): many candidates uploading at once to one server process.
const (
	concUploads = 200
	concSize    = 2 << 20   // bytes per upload
	concChunk   = 256 << 10 // bytes per PATCH, deferred length
	concWorkers = 1         // anyhour serve --workers
)

// concurrentResult is part (c)'s report.
type concurrentResult struct {
	completed, verified int
	failures            []string // the first few errors
	total               time.Duration
	p50, p95, max       time.Duration
	idleRSS, sampled    int64 // bytes: after start; the most seen while uploading
	hwm                 int64 // VmHWM at the end: the server's peak resident memory
	finished            int   // recordings the database holds as finished uploads
}

// peak is the server's peak resident memory. The kernel updates VmHWM
// lazily (at unmaps and when it is read), so a sample of VmRSS taken
// between updates can be a little higher.
func (r *concurrentResult) peak() int64 { return max(r.hwm, r.sampled) }

// concurrent runs part (c): seed 200 candidates through the services,
// start `anyhour serve` as a child process over the same data directory,
// and upload one recording per candidate, all at once.
func concurrent(ctx context.Context) (*concurrentResult, error) {
	dir, err := scratch("concurrent")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	w, err := newWorld(ctx, dir, "", []string{"Introduce yourself"}, 600, concUploads)
	if err != nil {
		return nil, err
	}
	w.app.Close() // the child process owns the database from here
	fmt.Println("   (c) building cmd/anyhour")
	bin, err := buildAnyhour(ctx, dir)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(bin, dir, concWorkers)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &concurrentResult{}
	if res.idleRSS, err = srv.memory("VmRSS"); err != nil {
		return nil, err
	}

	files := make([][]byte, concUploads)
	for i := range files {
		files[i] = make([]byte, concSize)
		rand.Read(files[i])
	}
	stopSampling := sampleRSS(srv, &res.sampled)
	ids, times, errs := uploadAll(ctx, srv.base, w, files)
	stopSampling()
	if res.hwm, err = srv.memory("VmHWM"); err != nil {
		return nil, err
	}
	res.total = times[len(times)-1]
	var done []time.Duration
	for i, err := range errs {
		if err != nil {
			if len(res.failures) < 5 {
				res.failures = append(res.failures, err.Error())
			}
			continue
		}
		res.completed++
		done = append(done, times[i])
		got, err := os.ReadFile(w.uploadPath(ids[i]))
		if err == nil && sha256.Sum256(got) == sha256.Sum256(files[i]) {
			res.verified++
		}
	}
	if len(done) > 0 {
		slices.Sort(done)
		res.p50, res.p95, res.max = done[len(done)/2], done[(len(done)*95+99)/100-1], done[len(done)-1]
	}
	srv.stop()
	res.finished, err = finishedUploads(ctx, dir)
	return res, err
}

// uploadAll starts one goroutine per file, releases them together, and
// returns each upload's id, time and error; times ends with the total.
func uploadAll(ctx context.Context, base string, w *world, files [][]byte) ([]string, []time.Duration, []error) {
	client := newHTTPClient()
	ids := make([]string, len(files))
	times := make([]time.Duration, len(files)+1)
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &tusClient{http: client, base: base, token: w.invs[i].Token}
			<-start
			t0 := time.Now()
			ids[i], errs[i] = c.upload(ctx, w.iv.Steps[0].ID, files[i], concChunk)
			times[i] = time.Since(t0)
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	times[len(files)] = time.Since(t0)
	return ids, times, errs
}

// sampleRSS records the largest VmRSS of srv seen every 10 ms into max
// until the returned function is called.
func sampleRSS(srv *childServer, max *int64) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, err := srv.memory("VmRSS"); err == nil && rss > *max {
				*max = rss
			}
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(quit); <-done }
}

// finishedUploads counts the recordings of full size that the database
// no longer holds as uploading: their last PATCH was recorded.
func finishedUploads(ctx context.Context, dir string) (int, error) {
	a, err := app.Open(ctx, app.Config{DataDir: dir, DatabaseURL: filepath.Join(dir, "anyhour.db")}, slog.New(slog.DiscardHandler))
	if err != nil {
		return 0, err
	}
	defer a.Close()
	var n int
	err = a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM media WHERE status <> 'uploading' AND size = $1`, concSize).Scan(&n)
	return n, err
}
