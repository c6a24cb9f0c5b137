// Package search finds applications by what was written about them: the
// candidate's name and email, their written and code answers, the
// conversation, the team's internal notes and reviewers' notes, within
// what the member may see, on SQLite (FTS5) and PostgreSQL (a tsvector
// with a GIN index) alike.
//
// The index is the table search_docs, one row per piece of text, written
// in the same transaction as the text (hooks wired in package domain), so
// a search never finds what was not saved nor misses what was. What may
// be read is decided when searching, in one query:
//
//   - answers are indexed only when the candidate submits, and found only
//     for an application that is shared (application.Application.Shared):
//     the team never reads an answer before submission, searching included;
//   - a reviewer's note is found by its author, and by others once they
//     have reviewed the application too, as the application page shows it;
//   - every row belongs to one organisation, and only the member's is read.
//
// Words are runs of letters and digits, lower-cased, with no stemming
// ('simple' on PostgreSQL, unicode61 on SQLite). A query is never handed
// to either engine as typed: it is cut into such words, each quoted, so
// that quotes, stars, NEAR, OR and minus signs are only text; the last
// word, when no text holds it whole, matches as the start of a word
// ("annab" finds Annabel).
package search

import (
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// MaxQuery is the longest query accepted, in characters.
const MaxQuery = 200

// MaxBody is how much of a text is indexed, in characters: enough for any
// written answer (application.MaxTextAnswer), and within PostgreSQL's
// limits on a tsvector whatever the text.
const MaxBody = 100_000

// Kind is what a piece of text is.
type Kind string

// The kinds of text indexed.
const (
	Candidate Kind = "candidate" // the candidate's name and email
	Answer    Kind = "answer"    // a written answer
	Code      Kind = "code"      // a code answer
	Message   Kind = "message"   // a message to or from the candidate
	Note      Kind = "note"      // an internal note
	Review    Kind = "review"    // a reviewer's note
)

// Label is the kind for people.
func (k Kind) Label() string {
	switch k {
	case Candidate:
		return "Name or email"
	case Answer:
		return "Written answer"
	case Code:
		return "Code answer"
	case Message:
		return "Message"
	case Note:
		return "Internal note"
	case Review:
		return "Review note"
	}
	return string(k)
}

// Query is a search and its filters.
type Query struct {
	Text   string
	JobID  int64              // 0: any
	Status application.Status // "": any
	// From and To bound when the matching text was written: From
	// inclusive, To exclusive; zero for no bound.
	From, To time.Time
	Cursor   string // from Page.Next
	Limit    int    // applications per page, 1..100, default 20
}

// Page is one page of results, an application each, newest application
// first, and the cursor of the next page (empty at the end).
type Page struct {
	// Words are the words searched for; none when the query holds no word
	// (then nothing is searched and Results is empty).
	Words   []string
	Results []Result
	Next    string
}

// Result is an application that matched. The candidate's name and email
// are kept apart from the id (and from Matches of other kinds), so that a
// page that must not show names (blind review, to come) can drop them
// and the Candidate matches, and still link the application.
type Result struct {
	ApplicationID int64
	JobID         int64
	JobTitle      string
	Status        application.Status
	Outcome       string
	Name, Email   string
	Matches       []Match // the newest first, at most MaxMatches
	// More is how many other matching texts the application has.
	More int
}

// MaxMatches is how many matching texts a result shows.
const MaxMatches = 3

// Match is one matching text, as a snippet around its first match.
type Match struct {
	Kind Kind
	// RefID is the row the text comes from: the step for answers, the
	// message, the review, the candidate.
	RefID     int64
	CreatedAt time.Time
	Snippet   []Segment
}

// Segment is a piece of a snippet; Mark is set on the words that matched.
// Pages and the API escape Text like any other text.
type Segment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

// Service searches and keeps the index.
type Service struct {
	db           *sqldb.DB
	applications *application.Service
}

// New returns a Service over db.
func New(db *sqldb.DB, applications *application.Service) *Service {
	return &Service{db: db, applications: applications}
}
