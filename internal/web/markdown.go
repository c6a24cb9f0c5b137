package web

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// md renders the Markdown the team writes for candidates (every prompt,
// option and introduction): CommonMark with tables and strikethrough,
// and a line break where the author broke the line, so that text written
// without Markdown in mind reads as typed. Raw HTML is dropped and links
// to javascript:, vbscript: and data: addresses lose their target: both
// are goldmark's defaults while its WithUnsafe option is not set.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithRendererOptions(html.WithHardWraps()))

// markdown renders s as safe HTML.
func markdown(s string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(s), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(buf.String())
}

// markdownInline renders a line of Markdown (a choice's option) without
// the paragraph around it.
func markdownInline(s string) template.HTML {
	out := strings.TrimSpace(string(markdown(s)))
	if inner, ok := strings.CutPrefix(out, "<p>"); ok && strings.Count(out, "<p>") == 1 {
		if inner, ok := strings.CutSuffix(inner, "</p>"); ok {
			return template.HTML(inner)
		}
	}
	return template.HTML(out)
}
