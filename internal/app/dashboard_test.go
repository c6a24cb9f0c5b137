package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/queue"
)

// dashboardPath is the Grafana dashboard kept in the repository.
const dashboardPath = "../../deploy/grafana/anyhour.json"

type dashboardPanel struct {
	ID         int              `json:"id"`
	Type       string           `json:"type"`
	Title      string           `json:"title"`
	Datasource *json.RawMessage `json:"datasource"`
	Targets    []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []dashboardPanel `json:"panels"` // a collapsed row's
}

// TestDashboardNamesRealMetrics parses the Grafana dashboard and checks
// every metric its PromQL uses against what /metrics exports after the
// app has served requests, and that every anyhour_ family has a panel.
func TestDashboardNamesRealMetrics(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string           `json:"title"`
		UID    string           `json:"uid"`
		Panels []dashboardPanel `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	if dash.Title == "" || dash.UID == "" {
		t.Error("the dashboard has no title or uid")
	}

	// Exercise the app, so that what it exports is what a running one does.
	ctx := context.Background()
	a := apptest.New(t, app.Config{MetricsToken: metricsToken})
	token, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/jobs", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	// A kind with nothing pending or running has no queue series.
	if _, err := queue.Enqueue(ctx, a.DB, "dashboard.test", nil); err != nil {
		t.Fatal(err)
	}
	exported := scrape(t, a.URL+"/metrics").families
	exports := func(name string) bool {
		if _, ok := exported[name]; ok {
			return true
		}
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && exported[base] == "histogram" {
				return true
			}
		}
		return false
	}

	used := map[string]bool{}
	ids := map[int]bool{}
	var walk func(ps []dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d twice", p.ID)
			}
			ids[p.ID] = true
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if p.Title == "" || p.Datasource == nil || len(p.Targets) == 0 {
				t.Errorf("panel %d %q lacks a title, a data source or a query", p.ID, p.Title)
			}
			for _, tg := range p.Targets {
				names := promqlMetrics(tg.Expr)
				if len(names) == 0 {
					t.Errorf("panel %q: no metric in %q", p.Title, tg.Expr)
				}
				for _, n := range names {
					used[n] = true
					if !exports(n) {
						t.Errorf("panel %q uses %s, which /metrics does not export", p.Title, n)
					}
				}
			}
		}
	}
	walk(dash.Panels)

	for name := range exported {
		if !strings.HasPrefix(name, "anyhour_") {
			continue
		}
		shown := used[name]
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			shown = shown || used[name+suffix]
		}
		if !shown {
			t.Errorf("no panel shows %s", name)
		}
	}
}

var (
	promqlStrings   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promqlMatchers  = regexp.MustCompile(`\{[^}]*\}`)
	promqlRanges    = regexp.MustCompile(`\[[^\]]*\]`)
	promqlGroupings = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promqlVariables = regexp.MustCompile(`\$\{?\w+\}?`)
	promqlIdents    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?`)
	promqlKeywords  = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"}
)

// promqlMetrics returns the metric names a PromQL expression selects:
// the identifiers left once strings, label matchers, ranges, groupings
// and Grafana's variables are taken out, that are neither called (a
// function or an aggregation) nor keywords.
func promqlMetrics(expr string) []string {
	for _, re := range []*regexp.Regexp{promqlStrings, promqlMatchers, promqlRanges, promqlGroupings, promqlVariables} {
		expr = re.ReplaceAllString(expr, " ")
	}
	var names []string
	for _, m := range promqlIdents.FindAllStringSubmatch(expr, -1) {
		if m[1] != "" || slices.Contains(promqlKeywords, strings.ToLower(m[0])) {
			continue
		}
		names = append(names, m[0])
	}
	return names
}

func TestPromqlMetrics(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string
	}{
		{`histogram_quantile(0.99, sum by (route, le) (rate(anyhour_http_request_duration_seconds_bucket{job=~"$job", status="5xx"}[$__rate_interval])))`,
			[]string{"anyhour_http_request_duration_seconds_bucket"}},
		{`sum(rate(a_total[5m])) / sum(rate(b_total{x="y z"}[5m])) > bool 0.5`, []string{"a_total", "b_total"}},
		{`max by (kind) (anyhour_queue_tasks) or on (kind) vector(0)`, []string{"anyhour_queue_tasks"}},
		{`up`, []string{"up"}},
	} {
		if got := promqlMetrics(c.expr); !slices.Equal(got, c.want) {
			t.Errorf("promqlMetrics(%q) = %q, want %q", c.expr, got, c.want)
		}
	}
}
