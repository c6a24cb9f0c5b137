package opening

import (
	"fmt"
	"sync"

	"github.com/anyhour/anyhour/internal/apperr"
)

// Kind is a step's kind.
type Kind string

// Step kinds (docs/step-kinds.md).
const (
	KindVideo      Kind = "video"
	KindText       Kind = "text"
	KindChoice     Kind = "choice"
	KindCode       Kind = "code"
	KindTakehome   Kind = "takehome"
	KindCodeReview Kind = "codereview"
	KindFile       Kind = "file"
)

// KindFacts are what is fixed about a kind: every part of anyhour that
// asks "is this kind scored?" or "what is it called?" reads them here
// rather than listing kinds of its own.
type KindFacts struct {
	Kind      Kind
	Label     string   // for people: "Written answer"
	Add       string   // the editor's button: "Add a written-answer step"
	Available bool     // steps of it can be made in this version
	Scored    bool     // answers are scored automatically and count in the total
	Settings  []string // its settings, as the API names them
}

// A KindUnit is the code of one step kind, in a package of its own under
// internal/kinds (docs/step-kinds.md). Every unit states its facts and
// checks its settings. The other layers ask a unit for an interface of
// their own (application.Answerer, appview.Viewer, the API's and the
// pages' readers) by type assertion, as io.Copy asks a Writer for
// ReaderFrom, so a kind without, say, a form of its own lacks the method.
type KindUnit interface {
	Facts() KindFacts
	// Settings returns step, which holds from's common fields already
	// checked, with the kind's settings from from checked and tidied.
	// A unit copies only settings of its own, so another kind's are
	// dropped.
	Settings(at At, step, from Step) (Step, error)
}

// units are the kinds registered, in the editor's order. They are fixed
// once the program starts (package kinds registers them as it is
// initialised), like image's formats, and only read after.
var units struct {
	sync.RWMutex
	list []KindUnit
}

// planned are kinds a later version makes: an interview that names one
// hears that it is not available yet, not that it is unknown.
var planned []KindFacts

// RegisterKind adds a kind's unit. It panics if the kind is registered
// already: two units for one kind is a mistake in the program.
func RegisterKind(u KindUnit) {
	units.Lock()
	defer units.Unlock()
	k := u.Facts().Kind
	for _, v := range units.list {
		if v.Facts().Kind == k {
			panic(fmt.Sprintf("opening: step kind %q registered twice", k))
		}
	}
	units.list = append(units.list, u)
}

// Unit returns kind k's unit; ok is false for a kind this build does not
// make.
func (k Kind) Unit() (u KindUnit, ok bool) {
	units.RLock()
	defer units.RUnlock()
	for _, u := range units.list {
		if u.Facts().Kind == k {
			return u, true
		}
	}
	return nil, false
}

// AvailableKinds are the facts of the kinds steps can be made of, in the
// editor's order.
func AvailableKinds() []KindFacts {
	units.RLock()
	defer units.RUnlock()
	var out []KindFacts
	for _, u := range units.list {
		if f := u.Facts(); f.Available {
			out = append(out, f)
		}
	}
	return out
}

// Facts are k's facts; an unknown kind has none but its name.
func (k Kind) Facts() KindFacts {
	if u, ok := k.Unit(); ok {
		return u.Facts()
	}
	for _, f := range planned {
		if f.Kind == k {
			return f
		}
	}
	return KindFacts{Kind: k, Label: string(k)}
}

// Available reports whether steps of kind k can be created in this version.
func (k Kind) Available() bool { return k.Facts().Available }

// Known reports whether k is a step kind at all, made in this version or
// planned.
func (k Kind) Known() bool {
	_, ok := k.Unit()
	for _, f := range planned {
		ok = ok || f.Kind == k
	}
	return ok
}

// Label is the kind's name for people.
func (k Kind) Label() string { return k.Facts().Label }

// Scored reports whether answers of kind k are scored automatically and
// count in the total.
func (k Kind) Scored() bool { return k.Facts().Scored }

// KindsWithSetting names the kinds that have the API setting name.
func KindsWithSetting(name string) []Kind {
	var out []Kind
	for _, f := range AvailableKinds() {
		for _, s := range f.Settings {
			if s == name {
				out = append(out, f.Kind)
			}
		}
	}
	return out
}

// At is a step's index in an interview, which errors about its settings
// name: field "steps[2].points", message "step 3: …".
type At int

// Field names a setting of the step, as a request spells it.
func (i At) Field(name string) string { return fmt.Sprintf("steps[%d].%s", int(i), name) }

// Invalid is an error about the step's setting name.
func (i At) Invalid(name, format string, args ...any) error {
	return apperr.Invalid(i.Field(name), "step %d: %s", int(i)+1, fmt.Sprintf(format, args...))
}

// Label is how a message names the step's part: At(2).Label("prompt") is
// "step 3's prompt".
func (i At) Label(part string) string { return fmt.Sprintf("step %d's %s", int(i)+1, part) }

// As returns kind k's unit as T, an interface of the layer asking; ok is
// false when the kind is not made in this version or has no such part.
func As[T any](k Kind) (T, bool) {
	u, ok := k.Unit()
	if !ok {
		var zero T
		return zero, false
	}
	t, ok := u.(T)
	return t, ok
}

// An Estimator is a kind that works out a step's time estimate from its
// settings when none is given (video: think time and every take).
type Estimator interface {
	Estimate(st Step) int
}
