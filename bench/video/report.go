package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/bench/machine"
)

// The goals.
const (
	goalIngest = 0.80             // of the comparable raw disk speed
	goalSaved  = 3 * time.Second  // from stop to saved
	goalRSS    = int64(300 * 1e6) // peak resident memory of the server
)

// writeReport writes the machine and one section per part measured.
func writeReport(w io.Writer, res results) {
	fmt.Fprintf(w, "Machine: %s, %d cores, %s %s/%s; scratch directories in %s (%s). Date: %s. The whole run took %s.\n",
		machine.CPU(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, os.TempDir(), fsType(os.TempDir()),
		time.Now().UTC().Format("2006-01-02 15:04 MST"), res.elapsed.Round(time.Second))
	if res.ingest != nil {
		writeIngest(w, res.ingest)
	}
	if res.throttled != nil {
		writeThrottled(w, res.throttled)
	}
	if res.concurrent != nil {
		writeConcurrent(w, res.concurrent)
	}
	if res.compare != nil {
		c := res.compare
		fmt.Fprintf(w, "\n### (d) The compare page with four video answers\n\n")
		fmt.Fprintf(w, "Four 20-second takes side by side, %d page loads, each player asked to play at once (muted):\n\n", c.loads)
		fmt.Fprintf(w, "| measurement | median |\n|---|---:|\n")
		fmt.Fprintf(w, "| the page, to DOMContentLoaded | %s |\n", c.page.Round(time.Millisecond))
		fmt.Fprintf(w, "| a player, from play to its first frame shown (p95 %s) | %s |\n", c.p95.Round(time.Millisecond), c.median.Round(time.Millisecond))
		fmt.Fprintf(w, "| the last of the four to show a frame | %s |\n", c.slowestMedian.Round(time.Millisecond))
	}
}

func writeIngest(w io.Writer, r *ingestResult) {
	fmt.Fprintf(w, "\n#### (a) tus ingest into the disk store\n\n")
	fmt.Fprintf(w, "%d MiB per measurement, as %d files or uploads of %d MiB; MB/s is 10^6 bytes per second, the median of %d rounds after a warm-up round (slowest–fastest in brackets).\n\n",
		ingestFiles*ingestFileSize>>20, ingestFiles, ingestFileSize>>20, ingestRounds)
	fmt.Fprintln(w, "| measurement | MB/s | against | ratio |")
	fmt.Fprintln(w, "|---|---:|---|---:|")
	for _, row := range r.rows {
		s := slices.Clone(row.rates)
		slices.Sort(s)
		against, ratio := "", ""
		if c := r.row(row.against); c != nil {
			x := row.median() / c.median()
			against = c.name
			ratio = fmt.Sprintf("%.2f", x)
			if row.goal {
				ratio += verdict(x >= goalIngest, "≥ 0.80 ok", "**misses 0.80**")
			}
		}
		fmt.Fprintf(w, "| %s | %.0f (%.0f–%.0f) | %s | %s |\n", row.name, row.median()/1e6, s[0]/1e6, s[len(s)-1]/1e6, against, ratio)
	}
	fmt.Fprintf(w, "\nUploads whose file in the store is byte for byte what was sent: %d of %d.\n", r.verified, r.uploads)
}

func writeThrottled(w io.Writer, r *throttledResult) {
	fmt.Fprintf(w, "\n#### (b) From stop to saved on a 1 Mbit/s uplink\n\n")
	fmt.Fprintf(w, "Uplink %d bytes/s emulated by Chromium for the tab; an answer of %d s (%s) per camera.\n\n", uplink, r.seconds, clockString(r.seconds))
	fmt.Fprintln(w, "| camera | format | recorded | size | bitrate | on the server at stop (average rate while recording) | left at stop | stop → saved, uploading while recording | upload after stop (same tab, same bytes) | after / while |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, run := range r.runs {
		rate := float64(run.bytes) * 8 / run.recorded / 1e6
		left := run.bytes - run.atStop
		fmt.Fprintf(w, "| %s | %s | %.1f s | %.1f MB | %.2f Mbit/s | %.1f MB (%.0f B/s) | %.1f MB | %s%s | %s (%.0f B/s) | %s |\n",
			run.camera, run.mimeType, run.recorded, float64(run.bytes)/1e6, rate, float64(run.atStop)/1e6, float64(run.atStop)/run.recorded, float64(left)/1e6,
			seconds(run.saved), verdict(run.saved < goalSaved, "< 3 s ok", "**misses 3 s**"),
			seconds(run.after), float64(run.bytes)/run.after.Seconds(), times(run.after.Seconds()/run.saved.Seconds()))
	}
}

func writeConcurrent(w io.Writer, r *concurrentResult) {
	fmt.Fprintf(w, "\n#### (c) %d concurrent uploads to `anyhour serve`\n\n", concUploads)
	fmt.Fprintf(w, "Each of %d candidates uploads %d MiB of random bytes in PATCHes of %d KiB (deferred length), all released at once; the server runs with --workers %d.\n\n",
		concUploads, concSize>>20, concChunk>>10, concWorkers)
	fmt.Fprintln(w, "| measure | value |")
	fmt.Fprintln(w, "|---|---:|")
	rows := [][2]string{
		{"uploads complete (last PATCH answered 204)", fmt.Sprintf("%d of %d", r.completed, concUploads)},
		{"files in the store identical to what was sent (SHA-256)", fmt.Sprintf("%d of %d", r.verified, concUploads)},
		{"recordings the database holds as finished, at full size", fmt.Sprintf("%d of %d", r.finished, concUploads)},
		{"wall time, first request to last answer", seconds(r.total)},
		{"throughput", fmt.Sprintf("%.0f MB/s", float64(concUploads*concSize)/r.total.Seconds()/1e6)},
		{"per upload: median (p95, slowest)", fmt.Sprintf("%s (%s, %s)", seconds(r.p50), seconds(r.p95), seconds(r.max))},
		{"server RSS when idle, after start", megabytes(r.idleRSS)},
		{"server RSS, highest sampled every 10 ms", megabytes(r.sampled)},
		{"server VmHWM at the end", megabytes(r.hwm)},
		{"server peak RSS (the larger of the two above)", megabytes(r.peak()) + verdict(r.peak() < goalRSS, "< 300 MB ok", "**misses 300 MB**")},
	}
	for _, row := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", row[0], row[1])
	}
	for _, f := range r.failures {
		fmt.Fprintf(w, "\nFailed: %s\n", f)
	}
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return " " + yes
	}
	return " " + no
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func times(x float64) string {
	if x < 10 {
		return fmt.Sprintf("%.1fx", x)
	}
	return fmt.Sprintf("%.0fx", x)
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func clockString(s int) string { return fmt.Sprintf("%d:%02d", s/60, s%60) }

// fsType is the file system holding dir, from /proc/mounts: the mount
// with the longest path that contains dir.
func fsType(dir string) string {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return "file system unknown"
	}
	defer f.Close()
	best, typ := "", "file system unknown"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 {
			continue
		}
		mnt := fields[1]
		inside := dir == mnt || strings.HasPrefix(dir, strings.TrimSuffix(mnt, "/")+"/")
		if inside && len(mnt) > len(best) {
			best, typ = mnt, fields[2]+" on "+fields[0]
		}
	}
	return typ
}
