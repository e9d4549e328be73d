package channelclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newClient(t *testing.T, res discovery.Resolver) *Client {
	c := New(res, WithTimeout(2*time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

func payload(u int64) []byte { return []byte(fmt.Sprintf(`{"kind":"typing","from":%d}`, u)) }

func TestDeliverOneBatchPerOwner(t *testing.T) {
	tr := startTier(t, 2)
	c := newClient(t, tr.view)
	var ds []Delivery
	for u := int64(1); u <= 40; u++ {
		ds = append(ds, Delivery{User: u, Payload: payload(u)})
	}
	res, err := c.Deliver(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		st, serr := tr.shards[tr.owner(r.User)].State(r.User)
		if r.User != ds[i].User || r.Status != Delivered || r.Err != nil || r.Seq != 1 || serr != nil || r.Epoch != st.Epoch || st.Seq != 1 {
			t.Fatalf("result %d = %+v; owner's state %+v, %v", i, r, st, serr)
		}
	}
	for i := range tr.insts {
		if n := tr.deliverCalls(t, i); n != 1 {
			t.Errorf("instance %d served %d deliver calls, want 1", i, n)
		}
	}
}

func TestDeliverChunksLargeBatches(t *testing.T) {
	tr := startTier(t, 1)
	c := newClient(t, tr.view)
	ds := make([]Delivery, 2500)
	for i := range ds {
		ds[i] = Delivery{User: int64(i + 1), Payload: payload(int64(i))}
	}
	res, err := c.Deliver(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Status != Delivered {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	if n := tr.deliverCalls(t, 0); n != 3 {
		t.Fatalf("%d deliver calls for 2500 deliveries, want 3 of at most 1000", n)
	}
}

// TestDeliverStaleView: the client still thinks instance 0 owns everyone;
// instance 0 answers NOT_OWNER for instance 1's users, naming it, and the
// client delivers there.
func TestDeliverStaleView(t *testing.T) {
	tr := startTier(t, 2)
	c := newClient(t, discovery.NewStatic(tr.insts[0]))
	var ds []Delivery
	for u := int64(1); u <= 20; u++ {
		ds = append(ds, Delivery{User: u, Payload: payload(u)})
	}
	res, err := c.Deliver(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, r := range res {
		if r.Status != Delivered || r.Seq != 1 {
			t.Fatalf("%+v", r)
		}
		if tr.owner(r.User) == 1 {
			moved++
			if st, _ := tr.shards[1].State(r.User); st.Seq != 1 {
				t.Fatalf("user %d not on its owner: %+v", r.User, st)
			}
		}
	}
	if moved == 0 {
		t.Fatal("no user of instance 1 among 20: the test proves nothing")
	}
}

func TestDeliverUnreachableOwner(t *testing.T) {
	tr := startTier(t, 1)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := discovery.Instance{ID: "dead", Addr: ln.Addr().String()}
	ln.Close()
	view := discovery.NewStatic(tr.insts[0], dead)
	c := newClient(t, view)
	var ds []Delivery
	for u := int64(1); u <= 20; u++ {
		ds = append(ds, Delivery{User: u, Payload: payload(u)})
	}
	res, err := c.Deliver(context.Background(), ds)
	if err != nil {
		t.Fatalf("one dead owner failed the whole call: %v", err)
	}
	var ok, down int
	for _, r := range res {
		in, _ := view.View().Owner(discovery.HashUser(r.User))
		switch {
		case in.ID == "dead" && r.Status == Unreachable && errors.Is(r.Err, ErrUnavailable):
			down++
		case in.ID != "dead" && r.Status == Delivered:
			ok++
		default:
			t.Fatalf("user %d (owner %s): %+v", r.User, in.ID, r)
		}
	}
	if ok == 0 || down == 0 {
		t.Fatalf("%d delivered, %d unreachable: want some of each", ok, down)
	}
}

func TestDeliverInvalid(t *testing.T) {
	tr := startTier(t, 1)
	c := newClient(t, tr.view)
	res, err := c.Deliver(context.Background(), []Delivery{
		{User: 0, Payload: []byte(`{}`)},
		{User: 1, Payload: []byte(`{"x":"` + strings.Repeat("y", MaxPayload) + `"}`)},
		{User: 1, Payload: []byte(`not json`)},
		{User: 1, Payload: []byte(`{}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []Status{Invalid, Invalid, Invalid, Delivered} {
		if res[i].Status != want || (want == Invalid && !errors.Is(res[i].Err, ErrInvalid)) {
			t.Errorf("result %d = %+v, want %v", i, res[i], want)
		}
	}
}

func TestState(t *testing.T) {
	tr := startTier(t, 2)
	var user int64 = 1
	for tr.owner(user) != 1 {
		user++
	}
	// Through a stale view: instance 0 says NotOwner and names instance 1.
	c := newClient(t, discovery.NewStatic(tr.insts[0]))
	st, err := c.State(context.Background(), user)
	want, _ := tr.shards[1].State(user)
	if err != nil || st.Epoch != want.Epoch || st.Seq != 0 || st.Owner != "chan-1" || st.PollURL != tr.insts[1].Meta[discovery.MetaPollURL] {
		t.Fatalf("state = %+v, %v; want epoch %d on chan-1", st, err, want.Epoch)
	}
	if _, err := c.State(context.Background(), 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("user 0: %v", err)
	}
	if _, err := newClient(t, discovery.NewStatic()).State(context.Background(), user); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("empty view: %v", err)
	}
}
