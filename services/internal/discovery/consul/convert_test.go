package consul

import (
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

func TestInstance(t *testing.T) {
	node := &api.Node{Node: "n1", Address: "10.0.0.9"}
	tests := []struct {
		name string
		in   *api.ServiceEntry
		want discovery.Instance
	}{
		{
			name: "service address and meta",
			in: &api.ServiceEntry{Node: node, Service: &api.AgentService{
				ID: "chan-1", Service: "channel", Address: "10.0.0.1", Port: 9090,
				Meta: map[string]string{discovery.MetaPollURL: "http://10.0.0.1:8080"},
			}},
			want: discovery.Instance{
				ID: "chan-1", Service: "channel", Addr: "10.0.0.1:9090",
				Meta: map[string]string{discovery.MetaPollURL: "http://10.0.0.1:8080"},
			},
		},
		{
			name: "empty address falls back to the node's",
			in:   &api.ServiceEntry{Node: node, Service: &api.AgentService{ID: "p-1", Service: "presence", Port: 9091}},
			want: discovery.Instance{ID: "p-1", Service: "presence", Addr: "10.0.0.9:9091"},
		},
		{
			name: "IPv6 address is bracketed",
			in:   &api.ServiceEntry{Service: &api.AgentService{ID: "l-1", Service: "chatlog", Address: "::1", Port: 9092}},
			want: discovery.Instance{ID: "l-1", Service: "chatlog", Addr: "[::1]:9092"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := instance(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("instance() = %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestViewSkipsEntriesWithoutService(t *testing.T) {
	v := view([]*api.ServiceEntry{nil, {Node: &api.Node{}}, {Service: &api.AgentService{ID: "a", Port: 1}}})
	if v.Len() != 1 || v.Instances()[0].ID != "a" {
		t.Fatalf("view() = %+v; want just instance a", v.Instances())
	}
}

func TestNextIndex(t *testing.T) {
	tests := []struct{ prev, last, want uint64 }{
		{0, 7, 7}, // first answer: wait on it
		{7, 9, 9}, // moved on
		{9, 9, 9}, // timed out with no change
		{9, 3, 0}, // went backwards: start over
		{0, 0, 1}, // zero would not block
		{5, 0, 0}, // backwards to zero: start over first
	}
	for _, tt := range tests {
		if got := nextIndex(tt.prev, tt.last); got != tt.want {
			t.Errorf("nextIndex(%d, %d) = %d; want %d", tt.prev, tt.last, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	s := newSettings([]Option{WithBackoff(100*time.Millisecond, time.Second)})
	for attempt, ceil := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 50: time.Second} {
		for range 100 {
			if d := s.backoff(attempt); d < ceil/2 || d > ceil {
				t.Fatalf("backoff(%d) = %s; want within [%s, %s]", attempt, d, ceil/2, ceil)
			}
		}
	}
}
