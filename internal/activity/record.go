package activity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A record is the editor's frames, sent as JSON arrays, each first the
// milliseconds since the frame before it:
//
//	[dt, from, to, "text", from, to, "text", …]  changes, at once
//	[dt, "P", length, "first line"]                 a paste follows
//	[dt, "D", length, "first line"]                 a drop follows
//	[dt, "B"]                                       the page was left
//	[dt, "F"]                                       the page came back
//	[dt, "L", "go"]                                 the language was switched
//
// A change replaces the document's text from from to to (in UTF-16 code
// units, as the editor counts, in the document before the frame) with
// text; a frame's changes are in order and apart, as the editor's change
// sets are. Line ends are "\n".

// Event kinds, as stored and shown.
const (
	// Open is not sent: it is a session's start after the first, the
	// editor opened again.
	Open     = "open"
	Paste    = "paste"
	Drop     = "drop"
	Leave    = "leave"
	Return   = "return"
	Language = "language"
)

var eventCodes = map[string]string{"P": Paste, "D": Drop, "B": Leave, "F": Return, "L": Language}

// Limits on what the editor may send.
const (
	maxDT        = 24 * 60 * 60 * 1000 // a frame's wait, in ms
	maxPosition  = 10_000_000          // a change's place, in code units
	maxFirstLine = 200                 // characters of a paste's first line kept
)

// Change replaces From to To with Insert.
type Change struct {
	From, To int
	Insert   string
}

// Frame is one step of a record: after DT milliseconds, either Changes or
// an event (Event set, with a paste's Length and first line, or a
// language switch's language, in Detail).
type Frame struct {
	DT      int64
	Changes []Change
	Event   string
	Length  int
	Detail  string
}

// ParseFrame reads one frame, or says what is wrong with it.
func ParseFrame(raw json.RawMessage) (Frame, error) {
	var f Frame
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) < 2 {
		return f, fmt.Errorf("a frame is an array of at least two values")
	}
	dt, err := integer(parts[0], maxDT)
	if err != nil {
		return f, fmt.Errorf("its time: %v", err)
	}
	f.DT = int64(dt)
	var code string
	if json.Unmarshal(parts[1], &code) == nil {
		return event(f, code, parts[2:])
	}
	if (len(parts)-1)%3 != 0 {
		return f, fmt.Errorf("changes come as from, to and text")
	}
	end := 0
	for i := 1; i < len(parts); i += 3 {
		from, err := integer(parts[i], maxPosition)
		if err != nil {
			return f, fmt.Errorf("a change's start: %v", err)
		}
		to, err := integer(parts[i+1], maxPosition)
		if err != nil {
			return f, fmt.Errorf("a change's end: %v", err)
		}
		var text string
		if err := json.Unmarshal(parts[i+2], &text); err != nil {
			return f, fmt.Errorf("a change's text is not a string")
		}
		if to < from || from < end {
			return f, fmt.Errorf("a frame's changes must be in order and apart")
		}
		end = to
		f.Changes = append(f.Changes, Change{From: from, To: to, Insert: text})
	}
	return f, nil
}

func event(f Frame, code string, args []json.RawMessage) (Frame, error) {
	kind, ok := eventCodes[code]
	if !ok {
		return f, fmt.Errorf("%q is not an event the editor sends", code)
	}
	f.Event = kind
	switch kind {
	case Paste, Drop:
		if len(args) != 2 {
			return f, fmt.Errorf("a %s has a length and a first line", kind)
		}
		n, err := integer(args[0], maxPosition)
		if err != nil {
			return f, fmt.Errorf("a %s's length: %v", kind, err)
		}
		if err := json.Unmarshal(args[1], &f.Detail); err != nil {
			return f, fmt.Errorf("a %s's first line is not a string", kind)
		}
		f.Length, f.Detail = n, firstLine(f.Detail)
	case Language:
		if len(args) != 1 || json.Unmarshal(args[0], &f.Detail) != nil || len(f.Detail) > 20 {
			return f, fmt.Errorf("a language switch names the language")
		}
	default:
		if len(args) != 0 {
			return f, fmt.Errorf("a %s has no values", kind)
		}
	}
	return f, nil
}

// integer reads a whole number from 0 to max.
func integer(raw json.RawMessage, max int) (int, error) {
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return 0, fmt.Errorf("not a number")
	}
	v, err := n.Int64()
	if err != nil || v < 0 || v > int64(max) {
		return 0, fmt.Errorf("not a whole number from 0 to %d", max)
	}
	return int(v), nil
}

// firstLine is the first line of s that is not blank, trimmed and cut to
// maxFirstLine characters.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > maxFirstLine {
			line = string([]rune(line)[:maxFirstLine]) + "…"
		}
		return line
	}
	return ""
}

// Doc is a document being replayed: UTF-16 code units, as the editor
// counts them, in a gap buffer, since edits come one after another near
// one another.
type Doc struct {
	buf      []uint16
	gapStart int
	gapEnd   int
	// moved counts the code units moved to bring the gap where an edit
	// is: what replaying costs, held to a budget (ErrTooComplex).
	moved int64
}

// maxMoved is the most code units a replay moves: a record of edits
// made far apart on a large document, one after the other, would
// otherwise cost minutes.
const maxMoved = 200_000_000

// ErrTooComplex refuses to replay a record whose edits would cost more
// than any real writing does.
var ErrTooComplex = errors.New("the record's edits jump across too much code to replay")

// NewDoc starts a document with text.
func NewDoc(text string) *Doc {
	units := utf16.Encode([]rune(text))
	d := &Doc{buf: make([]uint16, len(units)+64)}
	copy(d.buf, units)
	d.gapStart, d.gapEnd = len(units), len(d.buf)
	return d
}

// Len is the document's length in code units.
func (d *Doc) Len() int { return len(d.buf) - (d.gapEnd - d.gapStart) }

func (d *Doc) moveGap(at int) {
	switch {
	case at < d.gapStart:
		n := d.gapStart - at
		copy(d.buf[d.gapEnd-n:d.gapEnd], d.buf[at:d.gapStart])
		d.gapStart, d.gapEnd = at, d.gapEnd-n
		d.moved += int64(n)
	case at > d.gapStart:
		n := at - d.gapStart
		copy(d.buf[d.gapStart:d.gapStart+n], d.buf[d.gapEnd:d.gapEnd+n])
		d.gapStart, d.gapEnd = at, d.gapEnd+n
		d.moved += int64(n)
	}
}

// replace puts units in place of from to to.
func (d *Doc) replace(from, to int, units []uint16) {
	d.moveGap(from)
	d.gapEnd += to - from
	if gap := d.gapEnd - d.gapStart; gap < len(units) {
		grow := len(units) - gap + len(d.buf)/2 + 64
		nb := make([]uint16, len(d.buf)+grow)
		copy(nb, d.buf[:d.gapStart])
		tail := len(d.buf) - d.gapEnd
		copy(nb[len(nb)-tail:], d.buf[d.gapEnd:])
		d.buf, d.gapEnd = nb, len(nb)-tail
	}
	copy(d.buf[d.gapStart:], units)
	d.gapStart += len(units)
}

// Apply plays a frame's changes, or says why they do not fit the document.
func (d *Doc) Apply(f Frame) error {
	n := d.Len()
	for i := len(f.Changes) - 1; i >= 0; i-- {
		c := f.Changes[i]
		if c.To > n {
			return fmt.Errorf("a change reaches past the end of the code (%d > %d)", c.To, n)
		}
		d.replace(c.From, c.To, utf16.Encode([]rune(c.Insert)))
		if d.moved > maxMoved {
			return ErrTooComplex
		}
	}
	return nil
}

// String is the document's text.
func (d *Doc) String() string {
	units := make([]uint16, 0, d.Len())
	units = append(units, d.buf[:d.gapStart]...)
	units = append(units, d.buf[d.gapEnd:]...)
	return string(utf16.Decode(units))
}
