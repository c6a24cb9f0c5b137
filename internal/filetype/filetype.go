// Package filetype is the catalogue of file types a file step may accept:
// each with the extensions a name may end in, the Content-Type it is
// served with (never the one a client claims) and a check of its first
// bytes, so that a file named .pdf is a PDF. Nothing here unpacks a file:
// a zip is checked by its signature and stored as it came.
package filetype

import (
	"bytes"
	"path"
	"slices"
	"strings"
)

// Type is a kind of file.
type Type struct {
	Name        string   // as settings and JSON name it: "pdf"
	Label       string   // for people: "PDF"
	Extensions  []string // lower case, with the dot
	ContentType string
	// Preview says how a reviewer's page shows it without downloading:
	// "image" in an <img>, "pdf" in a new tab, "" not at all.
	Preview string
	magic   func(head []byte) bool
}

var zipMagic = func(h []byte) bool {
	return bytes.HasPrefix(h, []byte("PK\x03\x04")) || bytes.HasPrefix(h, []byte("PK\x05\x06"))
}

// textMagic accepts text: UTF-16 with its byte-order mark (as Excel
// saves "Unicode text"), or anything without NUL bytes (UTF-8, and the
// Windows code pages spreadsheets export CSV in). Text is only ever
// downloaded, never shown, so its encoding is the reader's business.
func textMagic(h []byte) bool {
	if bytes.HasPrefix(h, []byte{0xff, 0xfe}) || bytes.HasPrefix(h, []byte{0xfe, 0xff}) {
		return true
	}
	return bytes.IndexByte(h, 0) < 0
}

// All is the catalogue, in the order the editor lists it.
var All = []Type{
	{Name: "pdf", Label: "PDF", Extensions: []string{".pdf"}, ContentType: "application/pdf", Preview: "pdf",
		magic: func(h []byte) bool { return bytes.HasPrefix(h, []byte("%PDF-")) }},
	{Name: "docx", Label: "Word document (.docx)", Extensions: []string{".docx"},
		ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", magic: zipMagic},
	{Name: "text", Label: "Plain text or Markdown", Extensions: []string{".txt", ".md"}, ContentType: "text/plain; charset=utf-8", magic: textMagic},
	{Name: "csv", Label: "CSV", Extensions: []string{".csv"}, ContentType: "text/csv; charset=utf-8", magic: textMagic},
	{Name: "zip", Label: "Zip archive", Extensions: []string{".zip"}, ContentType: "application/zip", magic: zipMagic},
	{Name: "png", Label: "PNG image", Extensions: []string{".png"}, ContentType: "image/png", Preview: "image",
		magic: func(h []byte) bool { return bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")) }},
	{Name: "jpeg", Label: "JPEG image", Extensions: []string{".jpg", ".jpeg"}, ContentType: "image/jpeg", Preview: "image",
		magic: func(h []byte) bool { return bytes.HasPrefix(h, []byte("\xff\xd8\xff")) }},
}

// Names lists every type's name.
func Names() []string {
	out := make([]string, len(All))
	for i, t := range All {
		out[i] = t.Name
	}
	return out
}

// ByName finds a type.
func ByName(name string) (Type, bool) {
	for _, t := range All {
		if t.Name == name {
			return t, true
		}
	}
	return Type{}, false
}

// ForName finds, among allowed (every type when empty), the type a file
// name's extension says.
func ForName(filename string, allowed []string) (Type, bool) {
	ext := strings.ToLower(path.Ext(filename))
	for _, t := range All {
		if len(allowed) > 0 && !slices.Contains(allowed, t.Name) {
			continue
		}
		if slices.Contains(t.Extensions, ext) {
			return t, true
		}
	}
	return Type{}, false
}

// HeadSize is how many of a file's first bytes Matches needs.
const HeadSize = 512

// Matches reports whether a file starting with head is of type t.
func (t Type) Matches(head []byte) bool { return t.magic(head) }

// Accept is the list of extensions for an <input type=file accept=…>.
func Accept(allowed []string) string {
	var exts []string
	for _, t := range All {
		if len(allowed) == 0 || slices.Contains(allowed, t.Name) {
			exts = append(exts, t.Extensions...)
		}
	}
	return strings.Join(exts, ",")
}

// Labels names the allowed types for people: "PDF or Zip archive".
func Labels(allowed []string) string {
	var ls []string
	for _, t := range All {
		if len(allowed) == 0 || slices.Contains(allowed, t.Name) {
			ls = append(ls, t.Label)
		}
	}
	switch len(ls) {
	case 0:
		return ""
	case 1:
		return ls[0]
	}
	return strings.Join(ls[:len(ls)-1], ", ") + " or " + ls[len(ls)-1]
}
