package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/sqldb"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{`Ada Lovelace`, []string{"ada", "lovelace"}},
		{`"ada" NEAR(x*) -y OR z`, []string{"ada", "near", "x", "y", "or", "z"}},
		{`ada@example.com`, []string{"ada", "example", "com"}},
		{`'; DROP TABLE x; --`, []string{"drop", "table", "x"}},
		{`Élodie élodie`, []string{"élodie"}},
		{`"*-`, nil},
	} {
		if got := Words(tc.q); !cmp.Equal(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestEngineQuery(t *testing.T) {
	m := matcher{words: []string{"ada", "near", "lov"}, prefix: true}
	if got, want := m.engineQuery(sqldb.SQLite), `"ada" "near" "lov"*`; got != want {
		t.Errorf("sqlite: %s, want %s", got, want)
	}
	if got, want := m.engineQuery(sqldb.Postgres), `'ada' & 'near' & 'lov':*`; got != want {
		t.Errorf("postgres: %s, want %s", got, want)
	}
	m.prefix = false
	if got, want := m.engineQuery(sqldb.SQLite), `"ada" "near" "lov"`; got != want {
		t.Errorf("sqlite, no prefix: %s, want %s", got, want)
	}
	if got, want := m.engineQuery(sqldb.Postgres), `'ada' & 'near' & 'lov'`; got != want {
		t.Errorf("postgres, no prefix: %s, want %s", got, want)
	}
}

func TestSnippet(t *testing.T) {
	got := matcher{words: []string{"ada"}, prefix: true}.snippet("Dear <b>Ada</b>, adamant about Ada's work.")
	want := []Segment{{Text: "Dear <b>"}, {Text: "Ada", Mark: true}, {Text: "</b>, "}, {Text: "adamant", Mark: true},
		{Text: " about "}, {Text: "Ada", Mark: true}, {Text: "'s work."}}
	if !cmp.Equal(got, want) {
		t.Errorf("Snippet: %s", cmp.Diff(want, got))
	}
	// Only the last word matches as a prefix.
	got = matcher{words: []string{"ada", "love"}, prefix: true}.snippet("adamant ada lovelace")
	want = []Segment{{Text: "adamant "}, {Text: "ada", Mark: true}, {Text: " "}, {Text: "lovelace", Mark: true}}
	if !cmp.Equal(got, want) {
		t.Errorf("Snippet prefix: %s", cmp.Diff(want, got))
	}
	// A long text is cut around its first match, at rune boundaries.
	long := strings.Repeat("ééé ", 200) + "needle " + strings.Repeat("ü", 2000)
	got = matcher{words: []string{"needle"}}.snippet(long)
	var text strings.Builder
	marked := 0
	for _, s := range got {
		text.WriteString(s.Text)
		if s.Mark {
			marked++
		}
	}
	if marked != 1 || !utf8.ValidString(text.String()) || text.Len() > 2*maxSnippet || !strings.HasPrefix(text.String(), "…") {
		t.Errorf("long snippet: %d marked, %d bytes: %q", marked, text.Len(), text.String())
	}
}
