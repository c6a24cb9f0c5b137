package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSearch searches through the API: names and notes are found with
// their words marked, an answer not yet submitted is not, another
// organisation's token finds nothing, and bad queries get clear errors.
func TestSearch(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	q := func(v string) string { return "/api/v1/search?q=" + url.QueryEscape(v) }
	w.flow(t, []scenario{
		{name: "ada answers, not submitting", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", want: http.StatusOK,
			body: `{"text": "my secret quasar"}`},
		{name: "a note on bob", method: "POST", path: "/api/v1/applications/{bob_app}/messages", token: "owner", want: http.StatusCreated,
			body: `{"body": "Ask about the <b>nebula</b>", "internal": true}`},
	})
	w.table(t, []scenario{
		{name: "a name", method: "GET", path: q("lovelace"), token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 1), is("results.0.application_id", "{ada_app}"), is("results.0.candidate.name", "Ada Lovelace"),
				is("results.0.matches.0.kind", "candidate"), is("results.0.matches.0.snippet.1.text", "Lovelace"),
				is("results.0.matches.0.snippet.1.mark", true), is("words.0", "lovelace"), is("next_cursor", "")}},
		{name: "a note, as text", method: "GET", path: q("nebula"), token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 1), is("results.0.application_id", "{bob_app}"), is("results.0.matches.0.kind", "note"),
				is("results.0.matches.0.snippet.0.text", "Ask about the <b>"), is("results.0.matches.0.snippet.1.text", "nebula")}},
		{name: "an answer before submission", method: "GET", path: q("quasar"), token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 0)}},
		{name: "another organisation", method: "GET", path: q("lovelace"), token: "other", want: http.StatusOK,
			checks: []check{is("results.#", 0)}},
		{name: "filtered by status", method: "GET", path: q("example") + "&status=submitted", token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 1), is("results.0.application_id", "{bob_app}")}},
		{name: "paged", method: "GET", path: q("example") + "&limit=1", token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 1), is("results.0.application_id", "{bob_app}"), save("next_cursor", "next")}},
		{name: "next page", method: "GET", path: q("example") + "&limit=1&cursor={next}", token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 1), is("results.0.application_id", "{ada_app}"), is("next_cursor", "")}},
		{name: "syntax is text", method: "GET", path: q(`NEAR("ada" lovelace*) -bob OR x`), token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 0)}},
		{name: "an injection is text", method: "GET", path: q(`lovelace' OR '1'='1`), token: "owner", want: http.StatusOK,
			checks: []check{is("results.#", 0)}},
		{name: "a star alone", method: "GET", path: q(`*`), token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "no word")}},
		{name: "an empty query", method: "GET", path: "/api/v1/search?q=", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "no word")}},
		{name: "a 10 KB query", method: "GET", path: q(strings.Repeat("lovelace ", 1200)), token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "at most 200 characters")}},
		{name: "an unknown parameter", method: "GET", path: q("ada") + "&query=x", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "unknown query parameter")}},
		{name: "a bad date", method: "GET", path: q("ada") + "&from=yesterday", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "from")}},
		{name: "no token", method: "GET", path: q("ada"), want: http.StatusUnauthorized},
	})
}
