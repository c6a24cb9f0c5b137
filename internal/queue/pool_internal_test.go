package queue

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClaimable(t *testing.T) {
	t.Parallel()
	w := New(nil, Config{Concurrency: 1, Pools: []Pool{
		{Name: "grading", Kinds: []string{"code.grade"}, Concurrency: 1},
		{Name: "video", Kinds: []string{"video.process", "video.rendition"}},
	}})
	grading, video, other := w.pools[0], w.pools[1], w.pools[2]
	take := func(p *pool) { p.slots <- struct{}{} }
	type want struct {
		SQL  string
		Args []any
		OK   bool
	}
	check := func(name string, w0 want) {
		t.Helper()
		f, ok := w.claimable()
		sql, args := f.sql(4)
		if diff := cmp.Diff(w0, want{sql, args, ok}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	check("all free", want{"", nil, true})
	take(grading)
	check("grading full", want{"AND t.kind NOT IN ($4)", []any{"code.grade"}, true})
	take(other)
	check("grading and default full", want{"AND t.kind IN ($4, $5)", []any{"video.process", "video.rendition"}, true})
	take(video)
	check("all full", want{"", nil, false})
	if w.poolFor("email.send") != other || w.poolFor("video.rendition") != video {
		t.Error("poolFor sends a kind to the wrong pool")
	}
}
