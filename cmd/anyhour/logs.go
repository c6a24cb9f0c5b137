package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// newLogger makes the logger of a format: "text" (or "") writes slog's
// key=value lines, "json" one JSON object a line, for log collectors.
// Logs go to stderr.
func newLogger(format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("ANYHOUR_LOG_FORMAT (--log-format) is %q: use text or json", format)
}

// inFormat returns logger if it writes format already (main made it from
// the environment, or a test gave its own), else a new one.
func inFormat(logger *slog.Logger, format string) (*slog.Logger, error) {
	switch logger.Handler().(type) {
	case *slog.TextHandler:
		if format == "" || format == "text" {
			return logger, nil
		}
	case *slog.JSONHandler:
		if format == "json" {
			return logger, nil
		}
	}
	return newLogger(format)
}

// logFormat is the format args (--log-format) or the environment
// (ANYHOUR_LOG_FORMAT) ask for, read before the command parses its flags,
// so that the lines logged until then are in it too.
func logFormat(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, v, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "log-format" {
			continue
		}
		if ok {
			return v
		}
		if i+1 < len(args) {
			return args[i+1]
		}
	}
	return os.Getenv("ANYHOUR_LOG_FORMAT")
}
