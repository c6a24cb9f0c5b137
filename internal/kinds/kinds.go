// Package kinds puts together the step kinds this build makes, one unit
// each in a package of its own (docs/step-kinds.md), and registers them
// with opening as it is initialised. Importing it, as package domain
// does, is what makes the kinds known; adding a kind is its package, its
// templates (web/templates/kinds/<kind>.html), a line here and, if it
// stores something new, a migration.
package kinds

import (
	"github.com/anyhour/anyhour/internal/kinds/choicekind"
	"github.com/anyhour/anyhour/internal/kinds/codekind"
	"github.com/anyhour/anyhour/internal/kinds/codereviewkind"
	"github.com/anyhour/anyhour/internal/kinds/filekind"
	"github.com/anyhour/anyhour/internal/kinds/takehomekind"
	"github.com/anyhour/anyhour/internal/kinds/textkind"
	"github.com/anyhour/anyhour/internal/kinds/videokind"
	"github.com/anyhour/anyhour/internal/opening"
)

// All are the units, in the editor's order.
var All = []opening.KindUnit{textkind.Unit{}, choicekind.Unit{}, videokind.Unit{}, codekind.Unit{}, filekind.Unit{}, takehomekind.Unit{}, codereviewkind.Unit{}}

func init() {
	for _, u := range All {
		opening.RegisterKind(u)
	}
}
