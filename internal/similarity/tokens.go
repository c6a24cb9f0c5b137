// Package similarity says how alike submissions of source code are, and
// where: each file is read into tokens (Python by chroma's lexer, the
// languages of C's family by Go's text/scanner with chroma's word on
// keywords and builtins, scan.go), with what a
// disguise changes (names, literals, comments, layout) made the same;
// the token stream is fingerprinted by winnowing hashes of its k-grams,
// as MOSS and Dolos do; an index from fingerprints to submissions finds
// the pairs that share any, so that adding a submission costs about what
// it adds. A pair's similarity is the share of each side's fingerprints
// found in the other; its fragments are the runs of matching
// fingerprints, as line ranges on both sides. Fingerprints of the team's
// templates (a starter) count for nobody, nor do those most submissions
// share.
package similarity

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// Language is a source language the package reads.
type Language string

// The languages read.
const (
	Python     Language = "python"
	JavaScript Language = "javascript"
	Go         Language = "go"
	Java       Language = "java"
	C          Language = "c"
	Cpp        Language = "cpp"
)

// Languages lists them.
var Languages = []Language{Python, JavaScript, Go, Java, C, Cpp}

// lexerNames are chroma's names of the languages.
var lexerNames = map[Language]string{Python: "python", JavaScript: "javascript", Go: "go", Java: "java", C: "c", Cpp: "c++"}

// extensions say a file's language by its name.
var extensions = map[string]Language{
	".py": Python, ".js": JavaScript, ".mjs": JavaScript, ".cjs": JavaScript, ".jsx": JavaScript, ".ts": JavaScript,
	".go": Go, ".java": Java, ".c": C, ".h": C, ".cc": Cpp, ".cpp": Cpp, ".cxx": Cpp, ".hpp": Cpp, ".hh": Cpp,
}

// Detect says a file's language by its name.
func Detect(name string) (Language, bool) {
	l, ok := extensions[strings.ToLower(path.Ext(name))]
	return l, ok
}

// Valid says whether l is a language the package reads.
func (l Language) Valid() bool { _, ok := lexerNames[l]; return ok }

// ErrNotText refuses a file that is not source text: invalid UTF-8, or a
// NUL byte (a binary file).
var ErrNotText = errors.New("similarity: not a text file")

// MaxFile is the largest file read, in bytes.
const MaxFile = 4 << 20

// Token is a token as compared: its text after normalising, and the line
// it starts on (from 1).
type Token struct {
	Text string
	Line int
}

// Tokens reads src as lang: names become "N", strings "S", numbers "0";
// comments and white space go; keywords, operators and punctuation stay
// as they are.
func Tokens(lang Language, src []byte) ([]Token, error) {
	name, ok := lexerNames[lang]
	if !ok {
		return nil, fmt.Errorf("similarity: unknown language %q", lang)
	}
	if len(src) > MaxFile {
		return nil, fmt.Errorf("similarity: the file is larger than %d MB", MaxFile>>20)
	}
	if !utf8.Valid(src) || bytes.IndexByte(src, 0) >= 0 {
		return nil, ErrNotText
	}
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	if scanned[lang] {
		return scan(lang, text), nil
	}
	lexer := lexers.Get(name)
	if lexer == nil {
		return nil, fmt.Errorf("similarity: no lexer for %s", lang)
	}
	it, err := lexer.Tokenise(nil, text)
	if err != nil {
		return nil, err
	}
	var out []Token
	line := 1
	for _, t := range it.Tokens() {
		if text := normal(t); text != "" {
			out = append(out, Token{Text: text, Line: line + leading(t.Value)})
		}
		line += strings.Count(t.Value, "\n")
	}
	return out, nil
}

// leading counts the newlines before a token's first character that is
// not white space.
func leading(v string) int {
	return strings.Count(v[:len(v)-len(strings.TrimLeft(v, " \t\r\n"))], "\n")
}

// normal is a token's text as compared, or "" for one that does not count.
func normal(t chroma.Token) string {
	v := strings.TrimSpace(t.Value)
	if v == "" {
		return ""
	}
	switch {
	case t.Type.InCategory(chroma.Comment):
		return ""
	case t.Type.InCategory(chroma.Name):
		if t.Type == chroma.NameBuiltin || t.Type == chroma.NameBuiltinPseudo {
			return v // print, len, self: part of how the code is written
		}
		return "N"
	case t.Type.InSubCategory(chroma.LiteralString):
		return "S"
	case t.Type.InSubCategory(chroma.LiteralNumber):
		return "0"
	case t.Type.InCategory(chroma.Literal):
		return "S"
	case t.Type == chroma.Text || t.Type == chroma.TextWhitespace:
		// Text a lexer did not classify: what it is, minus layout.
		return strings.Join(strings.Fields(v), " ")
	}
	return v
}
