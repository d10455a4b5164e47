package stub

import (
	"fmt"
	"slices"
)

// DefaultPriority is a mapping's priority when it gives none: WireMock's.
// 1 is the highest.
const DefaultPriority = 5

// Mapping is one stub mapping prenv serves: a request pattern and the
// response it answers with.
type Mapping struct {
	// Name is the mapping's name field, or "" when it has none.
	Name string
	// File is the file the mapping came from, under the directory Load was
	// given, and Index its place in a {"mappings": [...]} file (0 alone).
	File  string
	Index int
	// Priority orders overlapping mappings: the lowest number wins, and
	// among equals the one loaded last (files in name order, then their
	// mappings in order), as WireMock prefers the most recently added.
	Priority int

	multi    bool // from a {"mappings": [...]} file
	order    int
	request  requestPattern
	response response
}

// Label names the mapping in reports: its name, else its file (and index
// in a file of several).
func (m *Mapping) Label() string {
	where := m.File
	if m.Index > 0 || m.multi {
		where = fmt.Sprintf("%s#%d", m.File, m.Index)
	}
	if m.Name != "" {
		return fmt.Sprintf("%s (%s)", m.Name, where)
	}
	return where
}

// sortMappings orders mappings as they are tried: by priority, then the
// most recently loaded first.
func sortMappings(ms []*Mapping) {
	slices.SortStableFunc(ms, func(a, b *Mapping) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return b.order - a.order
	})
}
