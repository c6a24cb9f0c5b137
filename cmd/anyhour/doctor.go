package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/githttp"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// helloPrograms print "ok" in each language: doctor grades them as a
// stdin/stdout case, through the sandbox, as candidates' code would be.
var helloPrograms = map[grader.Language]string{
	grader.Python:     "print('ok')\n",
	grader.JavaScript: "console.log('ok');\n",
	grader.Go:         "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"ok\") }\n",
}

// doctor prints, for a person, what this machine can do: the sandbox and
// each language's toolchain for coding tasks, and ffmpeg, in the sandbox,
// for video. It exits with an error if any is missing.
func doctor(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := newFlagSet("doctor", "Checks the sandbox, each language of coding tasks and ffmpeg, and says what works on this machine.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	problems := 0
	say := func(ok bool, what, detail string) {
		mark := "ok  "
		if !ok {
			mark, problems = "FAIL", problems+1
		}
		fmt.Fprintf(stdout, "%s  %-12s %s\n", mark, what, detail)
	}
	box, boxErr := sandbox.New(sandbox.Options{UID: sandboxUID()})
	// ffmpeg runs only in the sandbox: without it, recordings wait in
	// the queue rather than be decoded unboxed.
	switch t, err := ffmpeg.Find(); {
	case err != nil:
		say(false, "video", err.Error()+"; recordings wait in the queue")
	case boxErr != nil:
		say(false, "video", "ffmpeg at "+t.FFmpeg+" runs only in the sandbox, and there is none; recordings wait in the queue")
	default:
		t.Runner = box
		if err := t.SelfTest(ctx); err != nil {
			say(false, "video", err.Error()+"; recordings wait in the queue")
		} else {
			say(true, "video", "ffmpeg at "+t.FFmpeg+" runs in the sandbox")
		}
	}
	// Take-home repositories are served by git's own http-backend.
	if backend, err := githttp.Backend(); err != nil {
		say(false, "take-homes", err.Error())
	} else if _, err := os.Stat(backend); err != nil {
		say(false, "take-homes", "git http-backend is not at "+backend+" (install Debian's git)")
	} else {
		say(true, "take-homes", "repositories are served by "+backend)
	}
	if boxErr != nil {
		say(false, "sandbox", boxErr.Error())
		return fmt.Errorf("%d problems: coding tasks cannot be graded here", problems+len(helloPrograms))
	}
	rep := box.Check(ctx)
	say(len(rep.Problems) == 0, "sandbox", rep.String())
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		say(false, "grading", err.Error())
		return fmt.Errorf("%d problems", problems)
	}
	for _, lang := range grader.Languages {
		start := time.Now()
		out, err := g.Grade(ctx, grader.Suite{Language: lang, Code: helloPrograms[lang], Points: 1,
			IOCases: []grader.IOCase{{Name: "hello", Stdout: "ok"}}})
		switch {
		case err != nil:
			say(false, string(lang), err.Error())
		case out.CompileError != "":
			say(false, string(lang), "a hello-world did not build: "+out.CompileError)
		case len(out.Tests) != 1 || !out.Tests[0].Passed:
			say(false, string(lang), fmt.Sprintf("a hello-world failed: %+v", out.Tests))
		default:
			say(true, string(lang), fmt.Sprintf("a hello-world ran in the sandbox in %s", time.Since(start).Round(time.Millisecond)))
		}
	}
	// A take-home's own tests run with pytest, in the sandbox.
	start := time.Now()
	checks, err := g.CandidateChecks(ctx, grader.Python, []sandbox.File{{Path: "test_ok.py", Data: []byte("def test_ok():\n    assert True\n")}}, sandbox.Limits{})
	switch {
	case err != nil:
		say(false, "pytest", err.Error())
	case len(checks.Tests) != 1 || !checks.Tests[0].Passed:
		say(false, "pytest", "a take-home's own tests cannot run (install Debian's python3-pytest): "+checks.CompileError)
	default:
		say(true, "pytest", fmt.Sprintf("a take-home's own tests ran in the sandbox in %s", time.Since(start).Round(time.Millisecond)))
	}
	if problems > 0 {
		return fmt.Errorf("%d problems; the lines marked FAIL say what is missing", problems)
	}
	return nil
}
