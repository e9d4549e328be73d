package discovery

import (
	"slices"
	"strings"
)

// View is an immutable snapshot of a service's healthy instances.
type View struct {
	instances []Instance // sorted by ID
	seeds     []uint64   // hash of each instance's ID, same order
	stale     chan struct{}
}

// NewView builds a view of instances; it copies and sorts them.
func NewView(instances []Instance) *View {
	v := &View{instances: slices.Clone(instances), stale: make(chan struct{})}
	slices.SortFunc(v.instances, func(a, b Instance) int { return strings.Compare(a.ID, b.ID) })
	v.seeds = make([]uint64, len(v.instances))
	for i, in := range v.instances {
		v.seeds[i] = HashString(in.ID)
	}
	return v
}

// Instances returns the instances, sorted by ID. Callers must not modify it.
func (v *View) Instances() []Instance { return v.instances }

// Len is the number of instances.
func (v *View) Len() int { return len(v.instances) }

// Stale is closed once a newer view replaces this one.
func (v *View) Stale() <-chan struct{} { return v.stale }

// Owner returns the instance owning key by rendezvous (highest random weight)
// hashing; ok is false when the view is empty.
func (v *View) Owner(key uint64) (inst Instance, ok bool) {
	best, bestW := -1, uint64(0)
	for i, s := range v.seeds {
		if w := mix(s ^ key); best < 0 || w > bestW {
			best, bestW = i, w
		}
	}
	if best < 0 {
		return Instance{}, false
	}
	return v.instances[best], true
}

// Same reports whether two views list the same instances with the same addresses.
func (v *View) Same(o *View) bool {
	return slices.EqualFunc(v.instances, o.instances, func(a, b Instance) bool {
		return a.ID == b.ID && a.Addr == b.Addr && maps(a.Meta, b.Meta)
	})
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		if y, ok := b[k]; !ok || x != y {
			return false
		}
	}
	return true
}
