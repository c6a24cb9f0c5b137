// Command takehome measures take-home repositories, in one run, against
// the goals of the take-home issue, and prints a Markdown report (see
// BENCHMARKS.md, "Take-homes"):
//
//   - (a) push to results: a candidate pushes a small Python repository
//     20 times, one change each; the wall time of git push until its
//     output holds the grading (median and p95), and the share of it the
//     grading itself took.
//   - (b) 50 candidates push at the same moment: all accepted, all graded
//     once; this process's peak memory.
//   - (c) clone of a 20 MB repository through anyhour against git clone
//     of the same repository from a plain git http-backend without
//     anyhour, medians of 10 interleaved rounds, as a ratio.
//   - (d) push to results as (a), for a small Go module: its hidden
//     tests compiled against the module's bridge and the module built,
//     its own tests run with go test.
//
// anyhour runs in this process, SQLite in a temporary directory, served by
// net/http on 127.0.0.1, with its worker running. It needs git, bubblewrap
// and python3-pytest; about three minutes.
//
//	go run ./bench/takehome [-only a,b,c,d] [-out FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/anyhour/anyhour/bench/machine"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/githttp"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/takehome"
)

func main() {
	only := flag.String("only", "a,b,c,d", "parts to run: a (push to results), b (50 at once), c (clone against plain git), d (push to results in Go)")
	out := flag.String("out", "", "also write the Markdown report to this file")
	flag.Parse()
	report, err := run(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/takehome:", err)
		os.Exit(1)
	}
	fmt.Print(report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench/takehome:", err)
			os.Exit(1)
		}
	}
}

// world is anyhour with one take-home interview, served on loopback.
type world struct {
	dir   string
	app   *app.App
	srv   *httptest.Server
	owner account.Member
	iv    opening.Interview
	stop  func()
}

func newWorld(ctx context.Context, maxRepoMB int, lang opening.Language) (*world, error) {
	dir, err := os.MkdirTemp("", "anyhour-bench-takehome-")
	if err != nil {
		return nil, err
	}
	a, err := app.Open(ctx, app.Config{DataDir: dir}, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	box, err := sandbox.New(sandbox.Options{})
	if err != nil {
		return nil, err
	}
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		return nil, err
	}
	a.Gradings.SetGrader(g, nil)
	w := &world{dir: dir, app: a, srv: httptest.NewServer(a.Handler())}
	token, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Bench", Email: "owner@bench.example"})
	if err != nil {
		return nil, err
	}
	if w.owner, err = a.Accounts.TokenMember(ctx, token); err != nil {
		return nil, err
	}
	title := "Engineer"
	job, err := a.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: &title})
	if err != nil {
		return nil, err
	}
	ivTitle := "Take-home"
	w.iv, err = a.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: &ivTitle, Steps: &[]opening.Step{{
		Kind: opening.KindTakehome, Title: "Pricing", Takehome: task(lang, maxRepoMB)}}})
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { a.Worker().Run(wctx); close(done) }()
	w.stop = func() { cancel(); <-done }
	return w, nil
}

// task is the take-home measured: a small repository, a package, three
// hidden tests and two visible ones.
func task(lang opening.Language, maxRepoMB int) *opening.TakehomeTask {
	t := &opening.TakehomeTask{Language: lang, Hours: 2, MaxRepoMB: maxRepoMB, MaxFileMB: 10}
	if lang == opening.Go {
		t.Starter = map[string]string{"go.mod": "module example.com/shop\n\ngo 1.22\n", "pricing/pricing.go": "package pricing\n\nfunc Total(xs []int) int {\n\treturn 0\n}\n"}
		t.Visible = map[string]string{"pricing/pricing_test.go": "package pricing\n\nimport \"testing\"\n\nfunc TestEmpty(t *testing.T) {\n\tif Total(nil) != 0 {\n\t\tt.Fatal()\n\t}\n}\n\n" +
			"func TestOne(t *testing.T) {\n\tif Total([]int{2}) != 2 {\n\t\tt.Fatal()\n\t}\n}\n"}
		t.Hidden = map[string]string{"pricing/hidden_test.go": "package pricing_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/pricing\"\n)\n\n" +
			"func TestSum(t *testing.T) {\n\tif pricing.Total([]int{1, 2}) != 3 {\n\t\tt.Fatal()\n\t}\n}\n\n" +
			"func TestMany(t *testing.T) {\n\txs := make([]int, 100)\n\tfor i := range xs {\n\t\txs[i] = i\n\t}\n\tif pricing.Total(xs) != 4950 {\n\t\tt.Fatal()\n\t}\n}\n\n" +
			"func TestNegative(t *testing.T) {\n\tif pricing.Total([]int{-1, 1}) != 0 {\n\t\tt.Fatal()\n\t}\n}\n"}
		return t
	}
	t.Starter = map[string]string{"app/__init__.py": "", "app/pricing.py": "def total(items):\n    return 0\n"}
	t.Visible = map[string]string{"tests/test_pricing.py": "from app.pricing import total\n\n\ndef test_empty():\n    assert total([]) == 0\n\n\ndef test_one():\n    assert total([2]) == 2\n"}
	t.Hidden = map[string]string{"hidden/test_total.py": "from app.pricing import total\n\n\ndef test_sum():\n    assert total([1, 2]) == 3\n\n\n" +
		"def test_many():\n    assert total(list(range(100))) == 4950\n\n\ndef test_negative():\n    assert total([-1, 1]) == 0\n"}
	return t
}

func (w *world) close() {
	w.stop()
	w.srv.Close()
	w.app.Close()
	os.RemoveAll(w.dir)
}

// candidate invites someone, starts their take-home and clones it.
func (w *world) candidate(ctx context.Context, n int) (application.Application, string, error) {
	res, err := w.app.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: fmt.Sprintf("Candidate %d", n), Email: fmt.Sprintf("c%d@bench.example", n)}})
	if err != nil {
		return application.Application{}, "", err
	}
	a, err := w.app.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		return a, "", err
	}
	c, err := w.app.Takehomes.Start(ctx, a, w.iv.Steps[0].ID)
	if err != nil {
		return a, "", err
	}
	u, _ := url.Parse(w.srv.URL + "/git/" + c.Repo.Path())
	u.User = url.UserPassword(c.Username, c.Password)
	dir := filepath.Join(w.dir, "work", fmt.Sprint(n))
	if _, err := gitRun(filepath.Join(w.dir), "clone", "--quiet", u.String(), dir); err != nil {
		return a, "", err
	}
	return a, dir, nil
}

func gitRun(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = git.Env("GIT_AUTHOR_NAME=C", "GIT_AUTHOR_EMAIL=c@bench.example", "GIT_COMMITTER_NAME=C", "GIT_COMMITTER_EMAIL=c@bench.example")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("git %s: %v: %s", args[0], err, out)
	}
	return string(out), nil
}

// change commits a new version of the solution.
func change(dir string, i int, lang opening.Language) error {
	name, src := filepath.Join("app", "pricing.py"), fmt.Sprintf("def total(items):\n    # version %d\n    return sum(items)\n", i)
	if lang == opening.Go {
		name, src = filepath.Join("pricing", "pricing.go"), fmt.Sprintf("package pricing\n\n// Total, version %d.\nfunc Total(xs []int) int {\n\tsum := 0\n\tfor _, x := range xs {\n\t\tsum += x\n\t}\n\treturn sum\n}\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		return err
	}
	_, err := gitRun(dir, "commit", "--quiet", "-am", fmt.Sprintf("Version %d", i))
	return err
}

func run(only string) (string, error) {
	ctx := context.Background()
	var b strings.Builder
	fmt.Fprintf(&b, "### Take-homes (bench/takehome, %s)\n\n%s, %d cores, %s\n\n", time.Now().UTC().Format("2006-01-02"), machine.CPU(), runtime.NumCPU(), runtime.Version())
	if strings.Contains(only, "a") {
		if err := pushToResults(ctx, &b, opening.Python, "(a)", 20); err != nil {
			return b.String(), err
		}
	}
	if strings.Contains(only, "b") {
		if err := fiftyAtOnce(ctx, &b); err != nil {
			return b.String(), err
		}
	}
	if strings.Contains(only, "c") {
		if err := cloneRatio(ctx, &b); err != nil {
			return b.String(), err
		}
	}
	if strings.Contains(only, "d") {
		if err := pushToResults(ctx, &b, opening.Go, "(d)", 10); err != nil {
			return b.String(), err
		}
	}
	return b.String(), nil
}

func pushToResults(ctx context.Context, b *strings.Builder, lang opening.Language, part string, n int) error {
	w, err := newWorld(ctx, 50, lang)
	if err != nil {
		return err
	}
	defer w.close()
	a, dir, err := w.candidate(ctx, 0)
	if err != nil {
		return err
	}
	var walls []time.Duration
	for i := range n {
		if err := change(dir, i, lang); err != nil {
			return err
		}
		t0 := time.Now()
		out, err := gitRun(dir, "push")
		if err != nil {
			return err
		}
		walls = append(walls, time.Since(t0))
		if !strings.Contains(out, "is in and graded") {
			return fmt.Errorf("push %d's output holds no grading:\n%s", i, out)
		}
	}
	pushes, err := w.app.Takehomes.Pushes(ctx, a.ID, w.iv.Steps[0].ID)
	if err != nil {
		return err
	}
	var grading time.Duration
	for _, p := range pushes {
		grading += time.Duration(p.Grading.WallMS) * time.Millisecond
	}
	var total time.Duration
	for _, d := range walls {
		total += d
	}
	fmt.Fprintf(b, "**%s Push to results** (%d pushes of a small %s repository, one change each; git push's wall time until its output holds the grading):\n\n", part, n, lang.Label())
	fmt.Fprintf(b, "| median | p95 | the grading's own runs, share of the total |\n|---|---|---|\n| %s | %s | %.0f %% |\n\n",
		ms(median(walls)), ms(pct(walls, 95)), 100*float64(grading)/float64(total))
	return nil
}

func fiftyAtOnce(ctx context.Context, b *strings.Builder) error {
	w, err := newWorld(ctx, 50, opening.Python)
	if err != nil {
		return err
	}
	defer w.close()
	w.app.Takehomes.SetReportWait(0) // the push does not wait for its grading here
	const n = 50
	apps := make([]application.Application, n)
	dirs := make([]string, n)
	for i := range n {
		if apps[i], dirs[i], err = w.candidate(ctx, i); err != nil {
			return err
		}
		if err := change(dirs[i], i, opening.Python); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	t0 := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = gitRun(dirs[i], "push", "--quiet")
		}()
	}
	wg.Wait()
	pushed := time.Since(t0)
	accepted := 0
	for _, err := range errs {
		if err == nil {
			accepted++
		}
	}
	var graded, twice int
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		graded, twice = 0, 0
		for _, a := range apps {
			ps, err := w.app.Takehomes.Pushes(ctx, a.ID, w.iv.Steps[0].ID)
			if err != nil {
				return err
			}
			if len(ps) > 1 {
				twice++
			}
			if len(ps) == 1 && ps[0].Grading.Status == takehome.Done {
				graded++
			}
		}
		if graded == n {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	all := time.Since(t0)
	fmt.Fprintf(b, "**(b) 50 candidates push at once**: %d of %d accepted in %s; %d graded once, %d recorded twice, all graded %s after the first push; this process's peak memory %s (anyhour, its worker and the 50 git clients' server side).\n\n",
		accepted, n, pushed.Round(time.Millisecond), graded, twice, all.Round(time.Second), peakRSS())
	return nil
}

func cloneRatio(ctx context.Context, b *strings.Builder) error {
	w, err := newWorld(ctx, 100, opening.Python)
	if err != nil {
		return err
	}
	defer w.close()
	w.app.Takehomes.SetReportWait(0)
	a, dir, err := w.candidate(ctx, 0)
	if err != nil {
		return err
	}
	// 20 MB of files that do not compress: four of 5 MB.
	noise := make([]byte, 5<<20)
	for i := range 4 {
		for j := range noise {
			noise[j] = byte((j*2654435761 + i*40503) >> 13)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("data%d.bin", i)), noise, 0o644); err != nil {
			return err
		}
	}
	if _, err := gitRun(dir, "add", "-A"); err != nil {
		return err
	}
	if _, err := gitRun(dir, "commit", "--quiet", "-m", "Data"); err != nil {
		return err
	}
	if _, err := gitRun(dir, "push", "--quiet"); err != nil {
		return err
	}
	repo, err := w.app.Takehomes.Repo(ctx, a.ID, w.iv.Steps[0].ID)
	if err != nil {
		return err
	}
	c, err := w.app.Takehomes.Start(ctx, a, w.iv.Steps[0].ID) // a new password to clone with
	if err != nil {
		return err
	}
	u, _ := url.Parse(w.srv.URL + "/git/" + repo.Path())
	u.User = url.UserPassword(c.Username, c.Password)
	// The same repository behind a plain git http-backend.
	backend, err := githttp.Backend()
	if err != nil {
		return err
	}
	plain := httptest.NewServer(&cgi.Handler{Path: backend, Root: "/git", Env: append(git.Env(), "GIT_PROJECT_ROOT="+w.app.Takehomes.Root(), "GIT_HTTP_EXPORT_ALL=1")})
	defer plain.Close()
	plainURL := plain.URL + "/git/" + repo.Path()
	var ours, theirs []time.Duration
	for i := range 10 {
		for _, side := range []struct {
			url string
			to  *[]time.Duration
		}{{u.String(), &ours}, {plainURL, &theirs}} {
			target := filepath.Join(w.dir, "clones", fmt.Sprintf("%d-%d", i, len(*side.to)))
			t0 := time.Now()
			if _, err := gitRun(w.dir, "clone", "--quiet", "--bare", side.url, target); err != nil {
				return err
			}
			*side.to = append(*side.to, time.Since(t0))
			os.RemoveAll(target)
		}
	}
	fmt.Fprintf(b, "**(c) Clone of a 20 MB repository** (medians of 10 interleaved rounds):\n\n| through anyhour | plain git http-backend | ratio |\n|---|---|---|\n| %s | %s | %.2f |\n\n",
		ms(median(ours)), ms(median(theirs)), float64(median(ours))/float64(median(theirs)))
	return nil
}

func median(ds []time.Duration) time.Duration { return pct(ds, 50) }

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
