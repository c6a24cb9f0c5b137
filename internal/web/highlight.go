package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// Syntax highlighting of a repository's files on the server (chroma), so
// that a diff reads highlighted without JavaScript: each line is its own
// HTML, tokens as spans of chroma's short classes, coloured by
// /highlight.css, inside an element of class "chroma".

// maxHighlight is the largest file highlighted; larger ones are shown
// plain.
const maxHighlight = 512 << 10

// highlightLines returns src's lines as HTML, highlighted for the
// language its path says (or lang); a file that is not text, or too large,
// is escaped only.
func highlightLines(path, lang string, src []byte) []template.HTML {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	lexer := lexerFor(path, lang)
	if lexer == nil || len(src) > maxHighlight {
		return plainLines(text)
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, text)
	if err != nil {
		return plainLines(text)
	}
	var lines []template.HTML
	var cur strings.Builder
	for _, tok := range it.Tokens() {
		class := chroma.StandardTypes[tok.Type]
		parts := strings.Split(tok.Value, "\n")
		for i, part := range parts {
			if i > 0 {
				lines = append(lines, template.HTML(cur.String()))
				cur.Reset()
			}
			if part == "" {
				continue
			}
			if class != "" {
				cur.WriteString(`<span class="` + class + `">` + template.HTMLEscapeString(part) + `</span>`)
			} else {
				cur.WriteString(template.HTMLEscapeString(part))
			}
		}
	}
	lines = append(lines, template.HTML(cur.String()))
	return lines
}

// lexers.Match tries every lexer's patterns, milliseconds a call: the
// answer is kept by file name (its extension, or the whole name for
// Makefile and the like) and language.
var lexerCache sync.Map

func lexerFor(path, lang string) chroma.Lexer {
	base := path[strings.LastIndexByte(path, '/')+1:]
	key := base
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		key = "*" + base[i:]
	}
	key += "\x00" + lang
	if l, ok := lexerCache.Load(key); ok {
		lexer, _ := l.(chroma.Lexer)
		return lexer
	}
	lexer := lexers.Match(base)
	if lexer == nil && lang != "" {
		lexer = lexers.Get(lang)
	}
	lexerCache.Store(key, lexer)
	return lexer
}

func plainLines(text string) []template.HTML {
	parts := strings.Split(text, "\n")
	out := make([]template.HTML, len(parts))
	for i, p := range parts {
		out[i] = template.HTML(template.HTMLEscapeString(p))
	}
	return out
}

var (
	highlightCSSOnce sync.Once
	highlightCSS     []byte
)

// serveHighlightCSS is GET /highlight.css: the colours of highlighted
// code, chroma's "github" style.
func serveHighlightCSS(w http.ResponseWriter, r *http.Request) {
	highlightCSSOnce.Do(func() {
		var b bytes.Buffer
		f := chromahtml.New(chromahtml.WithClasses(true))
		f.WriteCSS(&b, styles.Get("github"))
		highlightCSS = b.Bytes()
	})
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(highlightCSS)
}
