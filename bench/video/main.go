// Command video measures anyhour's video uploads on loopback, in one run,
// against the three goals of the video issue, and prints a Markdown
// report (see BENCHMARKS.md, "Video uploads"):
//
//   - (a) tus ingest: 256 MiB as four uploads of 64 MiB of deferred
//     length, PATCHed in 8 MiB chunks (a recorder catching up) and in
//     1 MiB chunks (a live recording) through the whole HTTP stack into
//     the disk store, against os.File writes of the same bytes in the
//     same directory. Goal: at least 80% of the raw speed.
//   - (b) a 3-minute answer recorded in headless Chromium (fake camera and
//     microphone) on an emulated 1 Mbit/s uplink: seconds from pressing
//     stop to "saved" while the recorder uploads as it records, against
//     the same bytes uploaded from the same tab only after stop. Goal:
//     under 3 s. Recorded twice: a camera-like 720p picture, whose
//     recording outruns the uplink, and a low-motion one, whose does not.
//   - (c) 200 candidates uploading 2 MiB each at once to `anyhour serve`,
//     built from this module and run as a child process: all complete,
//     none corrupted, and the server's peak resident memory (VmHWM)
//     under 300 MB.
//
// (a) and (b) run anyhour in this process, SQLite and the disk blob store
// in a temporary directory, served by net/http on 127.0.0.1; no worker
// runs, so no processing competes with the uploads. (b) needs Chromium
// (ANYHOUR_CHROMIUM, default /usr/bin/chromium), ffmpeg and, for a voice,
// espeak-ng. Each camera records for -seconds, then waits for "saved" and
// for the upload after stop: about a quarter of an hour in all with the
// default 180.
//
//   - (d) the compare page with four candidates' video answers side by
//     side (processed as the worker does), in headless Chromium on
//     loopback: the time from asking each player to play to its first
//     frame shown, over ten page loads.
//
// Run it so:
//
//	go run ./bench/video [-only a,b,c,d] [-seconds 180] [-out FILE] [-cpuprofile FILE]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

// results is everything one run measured; a part not run is nil.
type results struct {
	ingest     *ingestResult
	throttled  *throttledResult
	concurrent *concurrentResult
	compare    *compareResult
	elapsed    time.Duration
}

func main() {
	only := flag.String("only", "a,b,c,d", "parts to run, comma-separated: a (tus ingest), b (throttled recording), c (200 concurrent uploads), d (the compare page's four players)")
	seconds := flag.Int("seconds", 180, "length of the answer recorded in (b), in seconds")
	out := flag.String("out", "", "also write the Markdown report to this file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process (client and in-process server) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		stop, err := startProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/video:", err)
			os.Exit(1)
		}
		defer stop()
	}
	if err := benchmark(*only, *seconds, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench/video:", err)
		os.Exit(1)
	}
}

// startProfile starts a CPU profile into path; stop ends it.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func benchmark(only string, seconds int, out string) error {
	parts := map[string]bool{}
	for _, p := range strings.Split(only, ",") {
		p = strings.TrimSpace(p)
		if p != "a" && p != "b" && p != "c" && p != "d" {
			return fmt.Errorf("-only takes a, b, c and d, not %q", p)
		}
		parts[p] = true
	}
	if seconds < 5 || seconds > 1700 {
		return fmt.Errorf("-seconds must be between 5 and 1700")
	}
	ctx := context.Background()
	start := time.Now()
	var res results
	var err error
	// The quick parts first, so that a broken setup shows in a minute.
	if parts["a"] {
		fmt.Println("== (a) tus ingest against raw disk writes")
		if res.ingest, err = ingest(ctx); err != nil {
			return fmt.Errorf("(a): %w", err)
		}
	}
	if parts["c"] {
		fmt.Printf("== (c) %d concurrent uploads to anyhour serve\n", concUploads)
		if res.concurrent, err = concurrent(ctx); err != nil {
			return fmt.Errorf("(c): %w", err)
		}
	}
	if parts["d"] {
		fmt.Println("== (d) the compare page with four video answers")
		if res.compare, err = comparePage(ctx); err != nil {
			return fmt.Errorf("(d): %w", err)
		}
	}
	if parts["b"] {
		fmt.Printf("== (b) a %d s answer on a %d B/s uplink\n", seconds, uplink)
		if res.throttled, err = throttled(ctx, seconds); err != nil {
			return fmt.Errorf("(b): %w", err)
		}
	}
	res.elapsed = time.Since(start)
	var report bytes.Buffer
	writeReport(&report, res)
	fmt.Printf("\n%s", report.String())
	if out != "" {
		return os.WriteFile(out, report.Bytes(), 0o644)
	}
	return nil
}
