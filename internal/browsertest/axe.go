package browsertest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, Deque's accessibility engine, as published on npm
// (MPL-2.0; see axe/LICENSE). To upgrade, replace the file with the
// axe.min.js of `npm pack axe-core@VERSION`, keep the version in its name,
// and change the embed line.
//
//go:embed axe/axe-core-4.14.1.min.js
var axeSource string

// accessibilityTags are the axe-core rule tags that Violations runs: WCAG
// 2.1 levels A and AA, the level that EN 301 549 and most accessibility laws
// refer to.
var accessibilityTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// Violation is one axe-core rule that the page breaks.
type Violation struct {
	ID      string          `json:"id"`      // the rule, such as "image-alt"
	Impact  string          `json:"impact"`  // "minor", "moderate", "serious" or "critical"
	Help    string          `json:"help"`    // what the rule asks for, in one line
	HelpURL string          `json:"helpUrl"` // Deque's page about the rule
	Nodes   []ViolationNode `json:"nodes"`   // the elements that break it
}

// ViolationNode is one element that breaks a rule.
type ViolationNode struct {
	// Target is a CSS selector for the element. Inside an iframe or a
	// shadow root, the selectors of each level are joined by " >>> ".
	Target string `json:"target"`
	// HTML is the start of the element's markup.
	HTML string `json:"html"`
	// FailureSummary says what to fix.
	FailureSummary string `json:"failureSummary"`
}

// runAxeJS runs axe-core on the document with the tags %s and returns the
// violations in the shape of Violation.
const runAxeJS = `axe.run(document, {
	runOnly: {type: 'tag', values: %s},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || '',
	help: v.help,
	helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : s).join(' >>> '),
		html: n.html,
		failureSummary: n.failureSummary || '',
	})),
})))`

// Violations runs axe-core against the page as it is now, for the rules
// tagged wcag2a, wcag2aa, wcag21a or wcag21aa, and returns what it finds.
// It injects axe into each document the first time it checks it.
func (p *Page) Violations() []Violation {
	p.t.Helper()
	if !run(p, "Violations(): looking for axe", chromedp.Evaluate[bool](`typeof window.axe === 'object'`)) {
		p.do("Violations(): injecting axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	tags, _ := json.Marshal(accessibilityTags) // strings always encode
	js := fmt.Sprintf(runAxeJS, tags)
	return runWithin(p, axeTimeout, "Violations()", chromedp.Evaluate[[]Violation](js, chromedp.EvalAwaitPromise))
}

// axeTimeout bounds one axe-core run. axe reads every element's styles; on
// a long page it takes a second or two, and on a shared machine under a
// load of 20 it passed Timeout. A bound on a hang, not a measurement.
const axeTimeout = 60 * time.Second

// CheckAccessibility fails the test, listing each violation, when axe-core
// finds any WCAG 2.1 A or AA problem on the page as it is now. Call it after
// each state worth checking: a page, an open dialog, a form with errors.
func (p *Page) CheckAccessibility() {
	p.t.Helper()
	vs := p.Violations()
	if len(vs) == 0 {
		return
	}
	p.t.Fatalf("browsertest: CheckAccessibility on %s: %d axe-core violation(s) of WCAG 2.1 A/AA:\n%s",
		p.where(), len(vs), strings.TrimSuffix(FormatViolations(vs), "\n"))
}

// maxNodesShown is how many elements FormatViolations lists per rule.
const maxNodesShown = 3

// FormatViolations lists violations for a person: for each, the rule, its
// impact, what it asks for, where to read more, and the first few elements
// that break it.
func FormatViolations(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "- %s (%s): %s\n  %s\n", v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == maxNodesShown {
				fmt.Fprintf(&b, "    … and %d more\n", len(v.Nodes)-maxNodesShown)
				break
			}
			fmt.Fprintf(&b, "    at %s\n       %s\n", n.Target, abbreviate(n.HTML, 160))
		}
	}
	return b.String()
}
