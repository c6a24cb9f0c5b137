package outbox

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Content is what an email says, in a form both the text and the HTML
// bodies are made from: a greeting, paragraphs of plain text, an optional
// button, and a footer naming the organisation.
type Content struct {
	OrgName    string
	Subject    string
	Greeting   string   // "Hello Ada,"
	Paragraphs []string // plain text; a blank line between them
	Quote      string   // a message quoted as it was written, if any
	Action     *Action
	After      []string // paragraphs after the button
	Colour     string   // the organisation's colour for the button, #rrggbb
}

// Action is the email's one button.
type Action struct {
	Label string
	URL   string
}

//go:embed templates
var templateFS embed.FS

var (
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/email.txt"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("email.html").Funcs(htmltemplate.FuncMap{
		// safeCSS admits the colour, which render has checked is #rrggbb.
		"safeCSS": func(s string) htmltemplate.CSS { return htmltemplate.CSS(s) },
	}).ParseFS(templateFS, "templates/email.html"))
)

// defaultColour is anyhour's accent, for organisations without their own.
const defaultColour = "#2450c4"

func (c Content) render() (text, html string, err error) {
	if c.Colour == "" || !isColour(c.Colour) {
		c.Colour = defaultColour
	}
	var t, h bytes.Buffer
	if err := textTmpl.Execute(&t, c); err != nil {
		return "", "", err
	}
	if err := htmlTmpl.Execute(&h, c); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}

// isColour reports whether s is #rrggbb.
func isColour(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	return strings.Trim(strings.ToLower(s[1:]), "0123456789abcdef") == ""
}
