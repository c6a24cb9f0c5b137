package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md renders the Markdown of coding tasks' prompts: CommonMark with
// tables and strikethrough. Raw HTML is dropped and links to
// javascript:, vbscript: and data: addresses lose their target: both are
// goldmark's defaults while its WithUnsafe option is not set.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

// markdown renders s as safe HTML.
func markdown(s string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(s), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(buf.String())
}
