package codereviewkind

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// FormAnswer reads the review from the step page's form, which holds the
// whole of it: each comment as comment.N.file, .side, .start, .end and
// .body, in order, and the summary. A comment left blank is dropped (a
// comment opened and not written), and so is the one whose Delete
// button sent the form (delete=N).
func (Unit) FormAnswer(st opening.Step, form url.Values) (application.AnswerInput, application.Answer, error) {
	r := &application.CodeReview{Comments: []application.LineComment{}, Summary: form.Get("summary")}
	drop := form.Get("delete")
	// The comments by their numbers, which a page may leave gaps in.
	var nums []int
	for key := range form {
		rest, ok := strings.CutPrefix(key, "comment.")
		if !ok || !strings.HasSuffix(rest, ".file") {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSuffix(rest, ".file")); err == nil && n >= 0 {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		p := "comment." + strconv.Itoa(n) + "."
		if drop == strconv.Itoa(n) || blank(form.Get(p+"body")) {
			continue
		}
		start, _ := strconv.Atoi(strings.TrimSpace(form.Get(p + "start")))
		end, _ := strconv.Atoi(strings.TrimSpace(form.Get(p + "end")))
		r.Comments = append(r.Comments, application.LineComment{File: form.Get(p + "file"), Side: form.Get(p + "side"),
			LineStart: start, LineEnd: end, Body: form.Get(p + "body")})
	}
	return application.AnswerInput{CodeReview: r}, application.Answer{StepID: st.ID, CodeReview: r}, nil
}

func blank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}
