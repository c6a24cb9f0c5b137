package web

import (
	"fmt"
	"math"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// agreementPage is a job's report of how far its reviewers agree: a
// chart of Krippendorff's alpha per criterion, drawn on the server so it
// needs no script, with the same figures in a table for screen readers
// and for copying, and each reviewer's offset from the others.
type agreementPage struct {
	Job       opening.Job
	Agreement review.Agreement
	Chart     agreementChart
}

// agreementChart is the alpha chart's geometry: bars from 0 along a
// scale from -0.5 to 1.
type agreementChart struct {
	Width, Height int
	Zero          float64 // x of alpha 0
	Marks         []chartMark
	Bars          []chartBar
}

type chartMark struct {
	X     float64
	Label string
}

type chartBar struct {
	Label   string
	Y       float64
	TextY   float64 // the baseline of its label and value
	ValueX  float64 // where its value is written: past the bar's end
	X, W    float64
	Value   string
	Defined bool
	Good    bool // at 0.8 or above: reliable by Krippendorff's rule
	Fair    bool // from 0.667: tentative conclusions only
}

const (
	chartLeft  = 190.0 // room for the criteria's names
	chartRight = 60.0
	chartWidth = 720
	chartBarH  = 26.0
	chartMin   = -0.5
)

func newAgreementChart(a review.Agreement) agreementChart {
	c := agreementChart{Width: chartWidth, Height: int(30 + chartBarH*float64(len(a.Criteria)) + 10)}
	span := float64(chartWidth) - chartLeft - chartRight
	x := func(v float64) float64 {
		return chartLeft + (math.Max(chartMin, math.Min(1, v))-chartMin)/(1-chartMin)*span
	}
	c.Zero = x(0)
	for _, v := range []float64{-0.5, 0, 0.667, 0.8, 1} {
		c.Marks = append(c.Marks, chartMark{X: x(v), Label: fmt.Sprintf("%.3g", v)})
	}
	for i, row := range a.Criteria {
		b := chartBar{Label: row.Name, Y: 24 + chartBarH*float64(i), Defined: row.Defined, Value: "—"}
		b.TextY, b.ValueX = b.Y+13, c.Zero+4
		if row.Defined {
			b.Value = fmt.Sprintf("%.2f", row.Alpha)
			b.X, b.W = math.Min(c.Zero, x(row.Alpha)), math.Abs(x(row.Alpha)-c.Zero)
			b.Good, b.Fair = row.Alpha >= 0.8, row.Alpha >= 0.667
			b.ValueX = math.Max(c.Zero, x(row.Alpha)) + 4
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// showAgreement is GET /jobs/{id}/agreement.
func (s *Server) showAgreement(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	job, err := s.Openings.Job(r.Context(), m, id)
	if err != nil {
		return err
	}
	a, err := s.Reviews.Agreement(r.Context(), m, id)
	if err != nil {
		return err
	}
	d := agreementPage{Job: job, Agreement: a, Chart: newAgreementChart(a)}
	s.render(w, r, http.StatusOK, "job_agreement", s.teamPage(r.Context(), m, "jobs", "Reviewer agreement: "+job.Title, d))
	return nil
}
