package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/filetype"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/stash"
)

//go:embed templates
var templateFS embed.FS

// page is what every template receives: the layout's fields and the
// page's own Data.
type page struct {
	Title     string
	Member    *account.Member // the signed-in team member, if any
	Org       *account.Org
	Candidate bool // a candidate page: no team navigation
	Wide      bool // a candidate page that needs the width (the code step)
	// Preview: a candidate page shown to a team member as a preview, with
	// this way back to the interview; nothing on it is saved.
	Preview string
	Nav     string // which team navigation item is current
	Flash   string // a one-line confirmation after a redirect
	Error   string // a form error shown above the form
	Data    any
	Waiting int // team pages: threads whose candidate waits for a reply
	Reviews int // team pages: applications waiting for the member's review

	// StyleNonce lets the page's scripts add style elements (the code
	// editor's); render sets it.
	StyleNonce string
}

type views struct {
	pages map[string]*template.Template
}

// mustParseViews parses the layout and partials once for every page
// template, so each page is its own template set and a name clash between
// pages cannot happen. It panics on a broken template.
func mustParseViews() *views {
	v := &views{pages: map[string]*template.Template{}}
	partials, err := fs.Glob(templateFS, "templates/partials/*.html")
	if err != nil {
		panic(err)
	}
	// Each step kind's fragments (templates/kinds/<kind>.html), which
	// pages reach through the kind func.
	kinds, err := fs.Glob(templateFS, "templates/kinds/*.html")
	if err != nil {
		panic(err)
	}
	partials = append(partials, kinds...)
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		files := append([]string{"templates/layout.html"}, partials...)
		files = append(files, p)
		t := template.Must(template.New("layout.html").Funcs(funcs).Funcs(reviewFuncs).ParseFS(templateFS, files...))
		t.Funcs(template.FuncMap{"kind": kindFunc(t)})
		v.pages[name] = t
	}
	return v
}

// kindFunc is the template func kind: {{kind "review" .Step.Kind .}}
// renders the fragment "<kind>-review" of t with the data, so that a page
// shows every step kind through the one line, and a new kind brings its
// fragments in templates/kinds/<kind>.html.
func kindFunc(t *template.Template) func(part string, k opening.Kind, data any) (template.HTML, error) {
	return func(part string, k opening.Kind, data any) (template.HTML, error) {
		name := string(k) + "-" + part
		if t.Lookup(name) == nil {
			return "", fmt.Errorf("web: step kind %q has no %q fragment (templates/kinds/%s.html)", k, part, k)
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil
	}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.views.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	if p.Flash == "" {
		p.Flash = takeFlash(w, r)
	}
	p.StyleNonce = httpx.StyleNonce(w)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("render", "template", name, "error", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderFragment writes one named template of a page's set, without the
// layout, for a script that swaps it into the page it already shows.
func (s *Server) renderFragment(w http.ResponseWriter, status int, name, fragment string, data any) {
	var buf bytes.Buffer
	if err := s.views.pages[name].ExecuteTemplate(&buf, fragment, data); err != nil {
		s.log.Error("render", "template", name, "fragment", fragment, "error", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

var funcs = template.FuncMap{
	"static": staticURL,
	"inZone": func(t time.Time, tz string) string {
		return inZone(t, tz).Format("Mon 2 Jan 2006, 15:04 MST")
	},
	"date":           func(t time.Time, tz string) string { return inZone(t, tz).Format("2 Jan 2006") },
	"ago":            ago,
	"markdownInline": markdownInline,
	"auditAction":    auditAction,
	"zoneGroups":     zoneGroups,
	// points is "point" for one, else "points": "worth 1 point".
	"points": func(n float64) string {
		if n == 1 {
			return "point"
		}
		return "points"
	},
	"deref": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"score": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", *v), "0"), ".")
	},
	"num": func(v float64) string {
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
	},
	"add":  func(a, b int) int { return a + b },
	"list": func(v ...int) []int { return v },
	"clock": func(seconds any) string {
		var s float64
		switch v := seconds.(type) {
		case int:
			s = float64(v)
		case float64:
			s = v
		case *float64:
			if v == nil {
				return ""
			}
			s = *v
		}
		n := int(s + 0.5)
		return fmt.Sprintf("%d:%02d", n/60, n%60)
	},
	"passed": passed,
	// duration is a span of time in words: "under a minute", "12
	// minutes", "1 h 05 min".
	"duration": func(d time.Duration) string {
		m := int(d.Minutes())
		switch {
		case m < 1:
			return "under a minute"
		case m < 60:
			return fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes"))
		}
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	},
	"deref64": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"mb":  func(n int64) string { return fmt.Sprintf("%.0f", float64(n)/(1<<20)) },
	"div": func(a, b int) int { return a / b },
	"recordingSources": func(base string, r any) any {
		return struct {
			Base      string
			Recording any
		}{base, r}
	},
	"plural":      plural,
	"shortCommit": ShortCommit,
	"split":       func(s, sep string) []string { a, b, _ := strings.Cut(s, sep); return []string{a, b} },
	"workRow":     func(d workPage, f workFile, r any) workRowData { return workRowData{d, f, rowOf(r)} },
	"workExtras": func(d workPage, f workFile, r any, cols int, suffix string) workExtrasData {
		return workExtrasData{d, f, rowOf(r), cols, suffix}
	},
	"sub":        func(a, b int) int { return a - b },
	"languages":  func() []opening.Language { return opening.Languages },
	"paragraphs": paragraphs,
	"snippet":    snippet,
	"kb": func(n int64) string {
		if n < 1<<20 {
			return fmt.Sprintf("%d KB", (n+1023)/1024)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	},
	"markdown":     markdown,
	"outcome":      func(o string) string { return decision.Outcome(o).Done() },
	"addr":         addr,
	"sentence":     sentence,
	"stashMinutes": func() int { return int(stash.TTL.Minutes()) },
	"stepKinds":    opening.AvailableKinds,
	"fileTypes":    func() []filetype.Type { return filetype.All },
	"stepEdit": func(i int, st stepForm, interviewID int64) stepEdit {
		return stepEdit{I: i, Step: st, InterviewID: interviewID}
	},
	// kind is bound to each page's set in mustParseViews.
	"kind": func(string, opening.Kind, any) (template.HTML, error) { return "", nil },
}

// inZone converts t to the zone named tz, falling back to UTC.
func inZone(t time.Time, tz string) time.Time {
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		return t.In(loc)
	}
	return t.UTC()
}

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// paragraphs turns plain text into escaped paragraphs, keeping line breaks.
func paragraphs(s string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return template.HTML(b.String())
}

// plural picks the word for n of something.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// addr is an email address that may break only before its @, as a
// <span class="addr">; the parts are escaped.
func addr(email string) template.HTML {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return template.HTML(`<span class="addr">` + template.HTMLEscapeString(email) + `</span>`)
	}
	return template.HTML(`<span class="addr">` + template.HTMLEscapeString(local) + `<wbr>@` + template.HTMLEscapeString(domain) + `</span>`)
}

// sentence starts msg with a capital and ends it with a full stop.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// workRowData is what the work page's row template gets.
type workRowData struct {
	Page workPage
	File workFile
	Row  workRow
}

// workExtrasData is what a row's comments and form get: how many columns
// they span, and what keeps their ids apart between the two tables.
type workExtrasData struct {
	Page   workPage
	File   workFile
	Row    workRow
	Cols   int
	Suffix string
}

// rowOf is a work row, given as a value (the unified table's) or a
// pointer (the side-by-side table's).
func rowOf(r any) workRow {
	if p, ok := r.(*workRow); ok {
		return *p
	}
	row, _ := r.(workRow)
	return row
}
