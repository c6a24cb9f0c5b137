// Package domain builds anyhour's domain services over one database, in
// the order they depend on each other (account ← opening ← application ←
// review, assign, video, grading, filestep, message ← decision ← appview; outbox and webhook beside
// them, with notify hooking the emails onto them), so that the app, the
// pages, the API, the demo, the benchmarks and the tests all work with the
// same set, wired the same way.
package domain

import (
	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/assign"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/grading"

	// The step kinds, registered with opening as the program starts.
	_ "github.com/anyhour/anyhour/internal/kinds"
	"github.com/anyhour/anyhour/internal/matching"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/notify"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/search"
	"github.com/anyhour/anyhour/internal/share"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/stash"
	"github.com/anyhour/anyhour/internal/takehome"
	"github.com/anyhour/anyhour/internal/video"
	"github.com/anyhour/anyhour/internal/webhook"
)

// Services is the set of domain services.
type Services struct {
	Accounts     *account.Service
	Openings     *opening.Service
	Applications *application.Service
	Reviews      *review.Service
	Videos       *video.Service
	Gradings     *grading.Service
	// Activity keeps what the code editor records as candidates write.
	Activity  *activity.Service
	Files     *filestep.Service
	Messages  *message.Service
	Outbox    *outbox.Service
	Webhooks  *webhook.Service
	Decisions *decision.Service
	Digests   *notify.Digests
	// Views build an application as a member or its candidate sees it,
	// for the pages and the API alike.
	Views *appview.Service
	// Takehomes keep take-home steps' repositories and their pushes.
	Takehomes *takehome.Service
	// Shares keep the links that share applications with guests.
	Shares *share.Service
	// Stashes keep a form's result, sealed, for the page the form
	// redirects to.
	Stashes *stash.Store
	// Matchings compare candidates' code, step by step.
	Matchings *matching.Service
	// Assignments ask members to review applications, by hand or by
	// turns, and list what waits for each.
	Assignments *assign.Service
	// Search finds applications by what was written about them.
	Search *search.Service
}

// New builds every domain service over db, keeping files in blobs.
func New(db *sqldb.DB, blobs blob.Store) Services {
	var s Services
	s.Accounts = account.New(db)
	s.Openings = opening.New(db, s.Accounts)
	s.Applications = application.New(db, s.Accounts, s.Openings)
	s.Reviews = review.New(db, s.Accounts, s.Openings, s.Applications)
	s.Assignments = assign.New(db, s.Accounts, s.Openings, s.Applications)
	s.Videos = video.New(db, blobs, s.Openings, s.Applications)
	s.Gradings = grading.New(db, s.Openings, s.Applications)
	s.Activity = activity.New(db, s.Openings, s.Applications)
	s.Files = filestep.New(db, blobs, s.Openings, s.Applications)
	s.Takehomes = takehome.New(db, blobs, s.Accounts, s.Openings, s.Applications)
	s.Matchings = matching.New(db, s.Accounts, s.Openings, s.Applications, s.Takehomes)
	s.Messages = message.New(db, blobs, s.Accounts, s.Applications)
	s.Outbox = outbox.New(db, s.Accounts)
	s.Decisions = decision.New(db, s.Accounts, s.Openings, s.Applications, s.Reviews, s.Messages)
	s.Webhooks = webhook.New(db, s.Accounts)
	var n *notify.Notifier
	n, s.Digests = notify.New(db, s.Accounts, s.Openings, s.Applications, s.Messages, s.Assignments, s.Outbox)
	s.Views = appview.New(s.Accounts, s.Openings, s.Applications, s.Reviews, s.Videos, s.Gradings, s.Files, s.Takehomes, s.Messages, s.Decisions, s.Activity)
	s.Shares = share.New(db, s.Accounts, s.Openings, s.Applications)
	s.Stashes = stash.New(db)
	s.Search = search.New(db, s.Applications)
	s.react(n)
	return s
}
