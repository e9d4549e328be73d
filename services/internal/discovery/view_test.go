package discovery

import (
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// nKeys is how many user keys the distribution tests place.
const nKeys = 100_000

// instances returns n channel instances with IDs chan-1 … chan-n.
func instances(n int) []Instance {
	out := make([]Instance, n)
	for i := range out {
		out[i] = Instance{
			ID:      fmt.Sprintf("chan-%d", i+1),
			Service: "channel",
			Addr:    fmt.Sprintf("10.0.0.%d:9090", i+1),
		}
	}
	return out
}

// owners maps each of nKeys user keys to its owner's ID in v.
func owners(t *testing.T, v *View) []string {
	t.Helper()
	out := make([]string, nKeys)
	for i := range out {
		in, ok := v.Owner(HashUser(int64(i)))
		if !ok {
			t.Fatalf("Owner(user %d) on %d instances: ok = false", i, v.Len())
		}
		out[i] = in.ID
	}
	return out
}

func TestOwnerEmptyView(t *testing.T) {
	for _, v := range []*View{NewView(nil), NewView([]Instance{}), NewLatest().View(), new(Latest).View()} {
		if in, ok := v.Owner(HashUser(42)); ok {
			t.Errorf("empty view: Owner = %+v, true; want ok = false", in)
		}
		if v.Len() != 0 || len(v.Instances()) != 0 {
			t.Errorf("empty view: Len = %d, Instances = %v", v.Len(), v.Instances())
		}
	}
}

func TestOwnerDeterministic(t *testing.T) {
	in := instances(4)
	reversed := []Instance{in[3], in[2], in[1], in[0]}
	a, b := NewView(in), NewView(reversed)
	for i := range 1000 {
		key := HashString(fmt.Sprintf("conv-%d", i))
		x, _ := a.Owner(key)
		y, _ := b.Owner(key)
		z, _ := a.Owner(key)
		if x.ID != y.ID || x.ID != z.ID {
			t.Fatalf("key %d: owners %s, %s (input reversed), %s (again); want one owner", i, x.ID, y.ID, z.ID)
		}
	}
}

func TestOwnerBalance(t *testing.T) {
	count := map[string]int{}
	for _, id := range owners(t, NewView(instances(5))) {
		count[id]++
	}
	for id, n := range count {
		if share := float64(n) / nKeys; share < 0.18 || share > 0.22 {
			t.Errorf("%s owns %.3f of the keys; want about 0.2", id, share)
		}
	}
	if len(count) != 5 {
		t.Errorf("%d instances own keys; want 5", len(count))
	}
}

func TestOwnerMembershipChange(t *testing.T) {
	five := instances(5)
	tests := []struct {
		name          string
		before, after []Instance
		lo, hi        float64 // bounds of the moved share of keys
		// moved reports whether a key may move from one owner to another.
		moved func(from, to string) bool
	}{
		{
			name: "add a fifth to four", before: five[:4], after: five, lo: 0.15, hi: 0.25,
			moved: func(_, to string) bool { return to == "chan-5" },
		},
		{
			name: "remove one of five", before: five, after: []Instance{five[0], five[1], five[3], five[4]},
			lo: 0.15, hi: 0.25,
			moved: func(from, _ string) bool { return from == "chan-3" },
		},
		{
			name: "same members, new address", before: five[:4],
			after: []Instance{five[0], five[1], five[2], {ID: "chan-4", Addr: "10.9.9.9:1"}},
			lo:    0, hi: 0,
			moved: func(_, _ string) bool { return false },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			was, now := owners(t, NewView(tt.before)), owners(t, NewView(tt.after))
			moved := 0
			for i := range was {
				if was[i] == now[i] {
					continue
				}
				moved++
				if !tt.moved(was[i], now[i]) {
					t.Fatalf("user %d moved %s → %s; not allowed by this change", i, was[i], now[i])
				}
			}
			if share := float64(moved) / nKeys; share < tt.lo || share > tt.hi {
				t.Errorf("%.3f of the keys moved; want within [%.2f, %.2f]", share, tt.lo, tt.hi)
			}
		})
	}
}
