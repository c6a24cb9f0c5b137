package similarity

import (
	"strings"
	"sync"
	"sync/atomic"
	"text/scanner"

	"github.com/alecthomas/chroma/v2/lexers"
)

// scanned are the languages of C's family, whose tokens Go's text/scanner
// reads (names, numbers, strings and characters, comments, one
// character of punctuation at a time) many times faster than chroma's
// regular expressions; chroma still says which names are the language's
// keywords or builtins, once per word. Python's layout and comments are
// its own, so chroma reads it whole.
var scanned = map[Language]bool{Java: true, C: true, Cpp: true, JavaScript: true, Go: true}

// words caches chroma's word on each name, per language: the keyword or
// builtin itself, or "N". It keeps at most maxWords, so that code full of
// made-up names cannot grow it without end.
var (
	words  sync.Map // wordKey → string
	cached atomic.Int64
)

const maxWords = 200_000

type wordKey struct {
	lang Language
	word string
}

// word is a name as compared: itself when chroma's lexer for lang takes
// it for a keyword or builtin (called, as builtins are), else "N".
func word(lang Language, w string) string {
	k := wordKey{lang, w}
	if v, ok := words.Load(k); ok {
		return v.(string)
	}
	out := "N"
	if it, err := lexers.Get(lexerNames[lang]).Tokenise(nil, w+"()\n"); err == nil {
		for _, t := range it.Tokens() {
			if strings.TrimSpace(t.Value) == w {
				out = normal(t)
				break
			}
		}
	}
	if out == "" || out == "S" || out == "0" {
		out = "N"
	}
	if cached.Add(1) <= maxWords {
		words.Store(k, out)
	}
	return out
}

// operators are the characters that make operators.
const operators = "=+-*/%<>!&|^~?:"

// scan reads src, of a scanned language, into tokens.
func scan(lang Language, src string) []Token {
	var s scanner.Scanner
	s.Init(strings.NewReader(src))
	s.Mode = scanner.ScanIdents | scanner.ScanInts | scanner.ScanFloats | scanner.ScanChars |
		scanner.ScanStrings | scanner.ScanRawStrings | scanner.ScanComments | scanner.SkipComments
	s.Error = func(*scanner.Scanner, string) {} // a stray quote: read on
	var out []Token
	end := -1 // where the last operator character ended
	for tok := s.Scan(); tok != scanner.EOF; tok = s.Scan() {
		var text string
		if tok > 0 && strings.ContainsRune(operators, tok) {
			// Operators of more than one character ("==", "+=", "->")
			// are one token, as chroma reads them.
			if n := len(out); n > 0 && s.Position.Offset == end {
				out[n-1].Text += string(tok)
			} else {
				out = append(out, Token{Text: string(tok), Line: s.Position.Line})
			}
			end = s.Position.Offset + 1
			continue
		}
		switch tok {
		case scanner.Ident:
			text = word(lang, s.TokenText())
		case scanner.Int, scanner.Float:
			text = "0"
		case scanner.String, scanner.RawString, scanner.Char:
			// A string weighs as chroma reads it: its opening quote,
			// its text and its closing quote.
			line := s.Position.Line
			out = append(out, Token{Text: "S", Line: line}, Token{Text: "S", Line: line})
			text = "S"
		default:
			text = s.TokenText()
		}
		out = append(out, Token{Text: text, Line: s.Position.Line})
	}
	return out
}
