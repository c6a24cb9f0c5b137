package main

import (
	"context"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/search"
)

// searchMeasurements time the search, as a reviewer, first page (20
// applications), for queries that find a few applications at every size
// and for queries whose matches grow with the organisation.
func searchMeasurements(w *world) []measurement {
	find := func(q search.Query) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			page, err := w.svc.Search.Search(ctx, w.reviewer, q)
			if err == nil && len(page.Results) == 0 {
				err = fmt.Errorf("%q found nothing", q.Text)
			}
			return err
		}
	}
	grows := "matches grow with the organisation"
	return []measurement{
		{name: "(a) a word in 25 applications", run: find(search.Query{Text: rareWord})},
		{name: "(b) one candidate's email", run: find(search.Query{Text: w.email})},
		// The rare word's applications are all in the first job (every
		// n/25th application, and applications go round the jobs).
		{name: "(c) the same word, filtered by job and date", run: find(search.Query{Text: rareWord, JobID: w.jobs[0].ID,
			From: time.Now().AddDate(-1, 0, 0)})},
		{name: "(d) a word in 1% of applications", run: find(search.Query{Text: uncommonWord}), unlike: grows},
		{name: "(e) a surname (2% of applications)", run: find(search.Query{Text: "Nakamura"}), unlike: grows},
		{name: "(f) a surname's first letters, as a prefix", run: find(search.Query{Text: "naka"}), unlike: grows},
		{name: "(g) the commonest word (most texts)", run: find(search.Query{Text: w.common}), unlike: grows},
		{name: "(h) one candidate's first name and surname", run: find(search.Query{Text: w.name}), unlike: grows},
	}
}
