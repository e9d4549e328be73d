package discovery

import "testing"

// closed reports whether ch is closed, without blocking.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestLatestPublish(t *testing.T) {
	base := instances(3)
	withMeta := instances(3)
	withMeta[1].Meta = map[string]string{MetaPollURL: "http://10.0.0.2:8080"}
	tests := []struct {
		name    string
		next    []Instance
		changed bool
	}{
		{"same instances", instances(3), false},
		{"same instances, other order", []Instance{base[2], base[0], base[1]}, false},
		{"one more", instances(4), true},
		{"one fewer", base[:2], true},
		{"new address", []Instance{base[0], base[1], {ID: base[2].ID, Addr: "10.1.1.1:1"}}, true},
		{"new meta", withMeta, true},
		{"empty", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLatest()
			if !l.Publish(NewView(base)) {
				t.Fatal("first Publish over the empty view reported no change")
			}
			prev := l.View()
			next := NewView(tt.next)
			if got := l.Publish(next); got != tt.changed {
				t.Fatalf("Publish = %v; want %v", got, tt.changed)
			}
			if closed(prev.Stale()) != tt.changed {
				t.Errorf("old view's Stale closed = %v; want %v", closed(prev.Stale()), tt.changed)
			}
			if want := map[bool]*View{true: next, false: prev}[tt.changed]; l.View() != want {
				t.Errorf("View() is not the expected view after Publish (changed = %v)", tt.changed)
			}
			if closed(l.View().Stale()) {
				t.Error("current view's Stale is closed")
			}
		})
	}
}

func TestLatestZeroValue(t *testing.T) {
	var l Latest
	old := l.View()
	if old == nil || old.Len() != 0 {
		t.Fatalf("zero Latest: View() = %v; want an empty view", old)
	}
	if !l.Publish(NewView(instances(1))) || !closed(old.Stale()) {
		t.Fatal("zero Latest: Publish of one instance did not replace the empty view")
	}
}

func TestStaticSet(t *testing.T) {
	s := NewStatic(instances(2)...)
	first := s.View()
	if first.Len() != 2 {
		t.Fatalf("NewStatic(2 instances).View().Len() = %d", first.Len())
	}
	s.Set(instances(2)...)
	if s.View() != first || closed(first.Stale()) {
		t.Fatal("Set with the same instances replaced the view")
	}
	s.Set(instances(3)...)
	if !closed(first.Stale()) {
		t.Fatal("Set with a third instance left the old view fresh")
	}
	if got := s.View().Len(); got != 3 {
		t.Fatalf("after Set(3 instances): Len = %d", got)
	}
	if err := s.Close(); err != nil || s.View().Len() != 3 {
		t.Fatalf("Close = %v, Len after = %d; want nil and the view kept", err, s.View().Len())
	}
	var _ Resolver = s
	var _ Registrar = NopRegistrar{}
}
