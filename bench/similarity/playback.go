package main

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/activity"
)

// playbackSize writes thirty minutes of a candidate writing code as the
// editor records it (code_record.js: one frame per keystroke, as
// CodeMirror makes a transaction per key), and reports its size and how
// long the server takes to replay it. The typist: about 200 characters
// a minute in bursts, one key in twelve a mistake put right with
// Backspace, pauses to think, three pastes and an undo of a whole line
// now and then. The source typed is the dataset's originals, one after
// another, until the time is up.
func playbackSize(cases []caseSet) (bytes int, minutes float64, replay time.Duration, ok bool) {
	var src strings.Builder
	for _, c := range cases {
		for _, s := range c.subs {
			for _, f := range s.files {
				src.Write(f.Data)
			}
		}
	}
	text := []rune(src.String())
	r := rand.New(rand.NewPCG(1, 2))
	var frames []json.RawMessage
	doc := []rune{}
	add := func(dt int, v ...any) {
		b, _ := json.Marshal(append([]any{dt}, v...))
		frames = append(frames, b)
	}
	elapsed, i := 0, 0
	for elapsed < 30*60*1000 && i < len(text) {
		dt := 150 + r.IntN(300) // a key every 0.15–0.45 s
		switch {
		case r.IntN(400) == 0: // a pause to think
			dt = 10_000 + r.IntN(50_000)
		case r.IntN(12) == 0 && len(doc) > 0: // a slip, put right
			pos := utf16Len(doc)
			add(dt, pos, pos, "x")
			add(200, pos, pos+1, "")
			elapsed += dt + 200
			continue
		case r.IntN(900) == 0: // a paste of the next few lines
			n := min(len(text)-i, 120+r.IntN(200))
			chunk := string(text[i : i+n])
			add(dt, "P", len([]rune(chunk)), strings.TrimSpace(strings.SplitN(chunk, "\n", 2)[0]))
			pos := utf16Len(doc)
			add(3, pos, pos, chunk)
			doc = append(doc, text[i:i+n]...)
			i += n
			elapsed += dt + 3
			continue
		}
		pos := utf16Len(doc)
		add(dt, pos, pos, string(text[i]))
		doc = append(doc, text[i])
		i++
		elapsed += dt
	}
	for _, f := range frames {
		bytes += len(f) + 1
	}
	rec := activity.Record{Sessions: []activity.Session{{Frames: frames}}}
	start := time.Now()
	got, err := rec.Replay()
	replay = time.Since(start)
	return bytes, float64(elapsed) / 60000, replay, err == nil && got == string(doc)
}

func utf16Len(rs []rune) int {
	n := 0
	for _, r := range rs {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
