package grader

import "strings"

// units turns a test run into graded units, one per top-level test of the
// plan. label names the one unit of a run whose tests are unknown (the
// file has none the host can see, and the run ended before the harness
// listed them).
func (tr *testRun) units(named map[string]float64, label string) []unit {
	results := map[string]result{}
	started := map[string]bool{}
	var order []string
	seen := map[string]bool{}
	note := func(n string) {
		if !seen[n] {
			seen[n] = true
			order = append(order, n)
		}
	}
	for _, n := range tr.started {
		started[n] = true
		note(n)
	}
	for _, r := range tr.results {
		// Two results under one name (two tests the team gave one name):
		// a failure is never hidden behind a pass.
		if prev, ok := results[r.Name]; !ok || prev.Passed {
			results[r.Name] = r
		}
		note(r.Name)
	}
	hasChild := func(n string) bool {
		for _, o := range order {
			if strings.HasPrefix(o, n+"/") {
				return true
			}
		}
		return false
	}
	entry := func(n string) Test {
		if r, ok := results[n]; ok {
			return Test{Name: n, Passed: r.Passed, Hidden: tr.hidden, Message: message(r.Message), DurationMS: max(r.MS, 0)}
		}
		return Test{Name: n, Hidden: tr.hidden, Message: message(tr.stopReason(started[n]))}
	}

	plan, dups := dedupePlan(tr.plan)
	if len(plan) == 0 {
		msg := tr.stopReason(false)
		if tr.done && tr.failure == "" && tr.compile == "" {
			msg = "the test file has no tests"
		}
		plan, results = []string{label}, map[string]result{label: {Name: label, Message: msg}}
	}
	var out []unit
	for _, u := range plan {
		un := unit{name: u, hidden: tr.hidden, points: named[u], graded: true}
		allPassed := true
		for _, n := range order {
			if strings.HasPrefix(n, u+"/") && !hasChild(n) {
				e := entry(n)
				allPassed = allPassed && e.Passed
				un.entries = append(un.entries, e)
			}
		}
		if self := entry(u); len(un.entries) == 0 || (allPassed && !self.Passed) {
			un.entries = append(un.entries, self)
		}
		out = append(out, un)
	}
	for _, d := range dups {
		out = append(out, unit{name: d, hidden: tr.hidden, graded: true, entries: []Test{{Name: d, Hidden: tr.hidden,
			Message: "not run: another test has the same name; each test needs a name of its own"}}})
	}
	if len(tr.tampered) > 0 {
		for i := range out {
			for j := range out[i].entries {
				e := &out[i].entries[j]
				e.Passed = false
				e.Message = "not graded: " + tr.tampered[0]
			}
		}
	}
	return out
}

// dedupePlan splits a plan into its first occurrences and the repeats of
// a name, which never count as passed: a second test of the same name
// would otherwise hide the first one's result.
func dedupePlan(plan []string) (first, repeats []string) {
	seen := map[string]bool{}
	for _, n := range plan {
		if seen[n] {
			repeats = append(repeats, n)
			continue
		}
		seen[n] = true
		first = append(first, n)
	}
	return first, repeats
}

// ungraded returns units for tests that were not run, worth their share
// of the points but not part of the outcome, or failing with why when
// fail is set.
func ungraded(names []string, named map[string]float64, hidden bool, fail string) []unit {
	var out []unit
	for _, n := range names {
		u := unit{name: n, hidden: hidden, points: named[n]}
		if fail != "" {
			u.graded = true
			u.entries = []Test{{Name: n, Hidden: hidden, Message: fail}}
		}
		out = append(out, u)
	}
	return out
}

// DeclaredTests lists the tests a test file declares, as the grader finds
// them before running anything, and the names declared more than once. In
// JavaScript only tests registered at the top of the file with a literal
// name can be seen this way; a repeat among the others shows when the
// tests run, as a failing test.
func DeclaredTests(lang Language, src string) (names, repeated []string) {
	return dedupePlan(staticPlan(lang, src))
}
