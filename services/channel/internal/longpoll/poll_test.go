package longpoll

import (
	"net/http"
	"testing"
	"time"
)

const (
	msg1 = `{"kind":"message","message":{"id":"m1","conversation":"d:1:2","seq":7,"sender":2,"recipient":1,"text":"hi <b>","sentAtMs":0,"clientMsgId":"c1"}}`
	msg2 = `{"kind":"typing","from":2,"to":1,"typing":true}`
)

func TestMessageArrivesWhileParked(t *testing.T) {
	e := start(t)
	epoch, seq := e.handshake(t, 1)
	ch := async(func() answer { return e.poll(t, 1, epoch, seq) })
	e.waitParked(t, 1)
	e.deliver(t, 1, msg1)
	a := recv(t, ch)
	if a.status != 200 || a.Type != "messages" || a.Epoch != epoch || a.Seq != 1 || payloads(a) != "1:"+msg1 {
		t.Fatalf("answer %d %s", a.status, a.raw)
	}
	if a.header.Get("Cache-Control") != "no-store" || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", a.header)
	}
	if e.parked() != 0 {
		t.Fatalf("%d polls still parked", e.parked())
	}
}

func TestMessageBeforePoll(t *testing.T) {
	e := start(t)
	epoch, seq := e.handshake(t, 1)
	e.deliver(t, 1, msg1, msg2)
	a := e.poll(t, 1, epoch, seq)
	if a.Type != "messages" || a.Seq != 2 || payloads(a) != "1:"+msg1+" 2:"+msg2 {
		t.Fatalf("answer %s", a.raw)
	}
	// Answering did not remove them: a poll that did not acknowledge gets them again.
	if again := e.poll(t, 1, epoch, seq); payloads(again) != payloads(a) {
		t.Fatalf("second poll at the same seq: %s", again.raw)
	}
	// Acknowledging 1 leaves 2.
	if rest := e.poll(t, 1, epoch, 1); payloads(rest) != "2:"+msg2 {
		t.Fatalf("poll at seq 1: %s", rest.raw)
	}
}

func TestSeveralTabs(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	tabs := make([]<-chan answer, 3)
	for i := range tabs {
		tabs[i] = async(func() answer { return e.poll(t, 1, epoch, 0) })
	}
	e.waitParked(t, 3)
	e.deliver(t, 1, msg2)
	for i, ch := range tabs {
		if a := recv(t, ch); a.Type != "messages" || payloads(a) != "1:"+msg2 {
			t.Fatalf("tab %d: %s", i, a.raw)
		}
	}
	// One tab acknowledges and parks again; a slower tab still at 0 gets
	// the payload within the ack grace.
	ch := async(func() answer { return e.poll(t, 1, epoch, 1) })
	e.waitParked(t, 1)
	if a := e.poll(t, 1, epoch, 0); payloads(a) != "1:"+msg2 {
		t.Fatalf("slow tab: %s", a.raw)
	}
	e.deliver(t, 1, msg1)
	if a := recv(t, ch); payloads(a) != "2:"+msg1 {
		t.Fatalf("fast tab: %s", a.raw)
	}
}

func TestContinueAfterHold(t *testing.T) {
	e := start(t, func(o *Options, _ *queueLimits) { o.Hold, o.Jitter = 300*time.Millisecond, 100*time.Millisecond })
	epoch, seq := e.handshake(t, 1)
	began := time.Now()
	a := e.poll(t, 1, epoch, seq)
	if a.Type != "continue" || a.Epoch != epoch || a.Seq != seq {
		t.Fatalf("answer %s", a.raw)
	}
	if took := time.Since(began); took < 200*time.Millisecond || took > 5*time.Second {
		t.Fatalf("continue after %v, want 300ms ± 100ms", took)
	}
}

func TestResetAfterRestart(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	e.deliver(t, 1, msg1)
	// A restarted instance has a fresh hub: same user, new epoch.
	restarted := start(t)
	a := restarted.get(t, "epoch="+itoa(epoch)+"&seq=1&idle=0", e.token(1))
	if a.Type != "reset" || a.Epoch == epoch || a.Epoch <= 0 || a.Seq != 0 {
		t.Fatalf("after restart: %s", a.raw)
	}
	// Polling on from the reset cursor parks, as usual.
	ch := async(func() answer { return restarted.poll(t, 1, a.Epoch, a.Seq) })
	restarted.waitParked(t, 1)
	restarted.deliver(t, 1, msg2)
	if got := recv(t, ch); got.Epoch != a.Epoch || payloads(got) != "1:"+msg2 {
		t.Fatalf("after reset: %s", got.raw)
	}
}

func TestMovedAfterOwnershipChange(t *testing.T) {
	e := start(t)
	user := ownedBy(other.ID)
	epoch, _ := e.handshake(t, user)
	ch := async(func() answer { return e.poll(t, user, epoch, 0) })
	e.waitParked(t, 1)
	e.view.Set(self, other)
	a := recv(t, ch)
	if a.status != 200 || a.Type != "moved" || a.Owner != other.ID || a.URL != other.Meta["poll_url"] {
		t.Fatalf("parked poll after the view changed: %s", a.raw)
	}
	if a := e.poll(t, user, epoch, 0); a.Type != "moved" {
		t.Fatalf("new poll: %s", a.raw)
	}
	// The user comes back: a new epoch, never the old one.
	e.view.Set(self)
	eventually(t, "the user to come back", func() bool { _, mine := e.shard.Owns(user); return mine })
	if a := e.poll(t, user, epoch, 0); a.Type != "reset" || a.Epoch == epoch {
		t.Fatalf("back home: %s", a.raw)
	}
}

func TestTooManyPollers(t *testing.T) {
	e := start(t, func(_ *Options, l *queueLimits) { l.MaxPollers = 2 })
	epoch, _ := e.handshake(t, 1)
	tabs := []<-chan answer{async(func() answer { return e.poll(t, 1, epoch, 0) }), async(func() answer { return e.poll(t, 1, epoch, 0) })}
	e.waitParked(t, 2)
	if a := e.poll(t, 1, epoch, 0); a.status != http.StatusTooManyRequests || a.Type != "error" {
		t.Fatalf("third tab: %d %s", a.status, a.raw)
	}
	e.deliver(t, 1, msg2)
	for _, ch := range tabs {
		recv(t, ch)
	}
}
