package sqldb

import (
	"fmt"
	"time"
)

// Time scans a timestamp that SQLite returns as text: an expression such
// as MIN(run_at) has no declared type, so modernc hands back the string
// it stored, where PostgreSQL gives a time.Time. A NULL scans as the zero
// time.
type Time struct{ time.Time }

// sqliteTimeLayouts are the forms modernc writes and reads timestamps in.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

// Scan implements sql.Scanner.
func (t *Time) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	return fmt.Errorf("sqldb: cannot scan %T into a time", v)
}

func (t *Time) parse(s string) error {
	for _, layout := range sqliteTimeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("sqldb: %q is not a timestamp", s)
}
