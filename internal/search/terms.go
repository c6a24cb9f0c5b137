package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// maxWords is how many words of a query are searched for; a query of
// MaxQuery characters holds at most half as many anyway.
const maxWords = 32

// wordRune reports whether r belongs to a word, as both engines read
// text: letters, digits and the marks that go with letters.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// Words cuts a query into the words searched for, lower-cased, in order,
// each once. Everything else (quotes, stars, hyphens, brackets) only
// separates words, so no query can say more to the engine than "these
// words".
func Words(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !wordRune(r) }) {
		w = strings.ToLower(w)
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxWords {
			break
		}
	}
	return out
}

// matcher is what a search looks for: every word, the last one also as
// the start of a word when prefix is set.
type matcher struct {
	words  []string
	prefix bool
}

// engineQuery writes the words as a query in d's full-text syntax: every
// word must appear, each quoted (its quotes doubled, though words hold
// none), the last one as a prefix if it is one.
func (m matcher) engineQuery(d sqldb.Dialect) string {
	parts := make([]string, len(m.words))
	for i, w := range m.words {
		last := m.prefix && i == len(m.words)-1
		if d == sqldb.Postgres {
			// to_tsquery: 'word' AND 'word':* .
			parts[i] = "'" + strings.ReplaceAll(w, "'", "''") + "'"
			if last {
				parts[i] += ":*"
			}
		} else {
			// FTS5: "word" "word"* (juxtaposition is AND).
			parts[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
			if last {
				parts[i] += "*"
			}
		}
	}
	if d == sqldb.Postgres {
		return strings.Join(parts, " & ")
	}
	return strings.Join(parts, " ")
}

// snippetWords is how many words of context a snippet keeps before and
// after its first match.
const snippetWords = 12

// maxSnippet bounds a snippet's length in bytes, for texts whose words are
// long (code, a minified line).
const maxSnippet = 400

// snippet cuts from body a few words either side of its first word that
// matches, marking every matching word. A body with no such word gives
// its beginning, unmarked.
func (m matcher) snippet(body string) []Segment {
	type span struct {
		start, end int
		mark       bool
	}
	var spans []span
	first := -1
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRuneInString(body[i:])
		if !wordRune(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(body) {
			r, n := utf8.DecodeRuneInString(body[j:])
			if !wordRune(r) {
				break
			}
			j += n
		}
		hit := m.matches(strings.ToLower(body[i:j]))
		if hit && first < 0 {
			first = len(spans)
		}
		spans = append(spans, span{i, j, hit})
		i = j
	}
	if len(spans) == 0 {
		return []Segment{{Text: clip(body, maxSnippet)}}
	}
	if first < 0 {
		first = 0
	}
	lo, hi := max(first-snippetWords, 0), min(first+snippetWords, len(spans)-1)
	start, end := spans[lo].start, spans[hi].end
	if lo == 0 {
		start = 0
	}
	if hi == len(spans)-1 {
		end = len(body)
	}
	// Keep the match in view when the words around it are long.
	if end-start > maxSnippet {
		start = max(spans[first].start-maxSnippet/4, start)
		for start < len(body) && !utf8.RuneStart(body[start]) {
			start++
		}
		end = min(start+maxSnippet, end)
	}
	var out []Segment
	if start > 0 {
		out = append(out, Segment{Text: "…"})
	}
	pos := start
	for _, sp := range spans[lo : hi+1] {
		if !sp.mark || sp.start < start || sp.end > end {
			continue
		}
		out = appendText(out, body[pos:sp.start])
		out = append(out, Segment{Text: body[sp.start:sp.end], Mark: true})
		pos = sp.end
	}
	out = appendText(out, validPrefix(body[pos:end]))
	if end < len(body) {
		out = appendText(out, "…")
	}
	return out
}

func (m matcher) matches(word string) bool {
	for i, w := range m.words {
		if word == w || (m.prefix && i == len(m.words)-1 && strings.HasPrefix(word, w)) {
			return true
		}
	}
	return false
}

// appendText adds unmarked text, joining it to an unmarked segment before
// it; blank space is kept as it is (pre-wrap pages show line breaks).
func appendText(out []Segment, s string) []Segment {
	if s == "" {
		return out
	}
	if n := len(out); n > 0 && !out[n-1].Mark {
		out[n-1].Text += s
		return out
	}
	return append(out, Segment{Text: s})
}

// clip cuts s to at most n bytes, at a rune boundary, adding "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return validPrefix(s[:n]) + "…"
}

// validPrefix drops a rune cut in half at the end of s.
func validPrefix(s string) string {
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// trimBody cuts a text to what is indexed (MaxBody characters).
func trimBody(s string) string {
	if utf8.RuneCountInString(s) <= MaxBody {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxBody {
			return s[:i]
		}
		n++
	}
	return s
}
