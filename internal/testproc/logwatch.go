package testproc

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// LogWatch is a slog handler that keeps the messages logged, for a test
// that waits for a process to say something (a renewal failed, an email
// was sent but not recorded).
type LogWatch struct {
	mu   sync.Mutex
	msgs []string
}

func (l *LogWatch) Enabled(context.Context, slog.Level) bool { return true }
func (l *LogWatch) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *LogWatch) WithGroup(string) slog.Handler            { return l }
func (l *LogWatch) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}

// Count is how many messages logged so far start with prefix.
func (l *LogWatch) Count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if strings.HasPrefix(m, prefix) {
			n++
		}
	}
	return n
}
