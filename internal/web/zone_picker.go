package web

import (
	"slices"
	"strings"
)

// zoneGroup is a region's time zones, for a picker's optgroup.
type zoneGroup struct {
	Label string
	Zones []zoneOption
}

type zoneOption struct {
	Name, Label string
	Selected    bool
}

// zoneGroups are tzNames by region, selected marked; a selected zone
// that is not among them (an older name saved before, or one a form
// refused) comes first, so that the picker shows what is there.
func zoneGroups(selected string) []zoneGroup {
	var out []zoneGroup
	if selected != "" && !slices.Contains(tzNames, selected) {
		out = append(out, zoneGroup{Label: "Current", Zones: []zoneOption{{Name: selected, Label: zoneLabel(selected), Selected: true}}})
	}
	for _, name := range tzNames {
		region, _, ok := strings.Cut(name, "/")
		if !ok {
			region = "Universal"
		}
		if len(out) == 0 || out[len(out)-1].Label != region {
			out = append(out, zoneGroup{Label: region})
		}
		g := &out[len(out)-1]
		g.Zones = append(g.Zones, zoneOption{Name: name, Label: zoneLabel(name), Selected: name == selected})
	}
	return out
}

// zoneLabel is a zone's name as people read it: "America/New York".
func zoneLabel(name string) string { return strings.ReplaceAll(name, "_", " ") }
