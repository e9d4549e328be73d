package longpoll

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// answer is any answer of the poll protocol.
type answer struct {
	status   int
	header   http.Header
	Type     string `json:"type"`
	Epoch    int64  `json:"epoch"`
	Seq      int64  `json:"seq"`
	Owner    string `json:"owner"`
	URL      string `json:"url"`
	Error    string `json:"error"`
	Messages []struct {
		Seq     int64           `json:"seq"`
		Payload json.RawMessage `json:"payload"`
	} `json:"messages"`
	raw string
}

// get polls with query q and token tok ("" for none) in the Authorization header.
func (e *env) get(t *testing.T, q, tok string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+"/poll?"+q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.do(t, req)
}

func (e *env) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := e.client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", req.Method, req.URL, err)
		return answer{}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(body)}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Errorf("answer %q is not JSON: %v", body, err)
		}
	}
	return a
}

// poll polls as user at (epoch, seq).
func (e *env) poll(t *testing.T, user, epoch, seq int64) answer {
	t.Helper()
	return e.get(t, fmt.Sprintf("epoch=%d&seq=%d&idle=0", epoch, seq), e.token(user))
}

// handshake returns user's cursor the way a fresh client learns it: epoch 0
// is answered "reset".
func (e *env) handshake(t *testing.T, user int64) (epoch, seq int64) {
	t.Helper()
	a := e.poll(t, user, 0, 0)
	if a.status != http.StatusOK || a.Type != "reset" || a.Epoch <= 0 {
		t.Fatalf("handshake: %d %s", a.status, a.raw)
	}
	return a.Epoch, a.Seq
}

// deliver enqueues payloads for user through the shard, as the Thrift API does.
func (e *env) deliver(t *testing.T, user int64, payloads ...string) {
	t.Helper()
	ds := make([]shard.Delivery, len(payloads))
	for i, p := range payloads {
		ds[i] = shard.Delivery{User: user, Payload: p}
	}
	out, err := e.shard.Deliver(ds)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Status != shard.Delivered {
			t.Fatalf("deliver to %d: %+v", user, o)
		}
	}
}

// parked reads the parked-polls gauge.
func (e *env) parked() int {
	var m dto.Metric
	e.m.Parked.Write(&m)
	return int(m.GetGauge().GetValue())
}

// waitParked waits until n polls are parked.
func (e *env) waitParked(t *testing.T, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d polls parked", n), func() bool { return e.parked() == n })
}

// eventually waits up to 10 s for cond, checking every millisecond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// async runs a poll in the background.
func async(fn func() answer) <-chan answer {
	ch := make(chan answer, 1)
	go func() { ch <- fn() }()
	return ch
}

func recv(t *testing.T, ch <-chan answer) answer {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no answer within 10s")
		return answer{}
	}
}

func payloads(a answer) string {
	var out []string
	for _, m := range a.Messages {
		out = append(out, fmt.Sprintf("%d:%s", m.Seq, m.Payload))
	}
	return strings.Join(out, " ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ownedBy returns a user that the view {self, other} gives to instance id.
func ownedBy(id string) int64 {
	v := discovery.NewView([]discovery.Instance{self, other})
	for u := int64(1); ; u++ {
		if in, _ := v.Owner(discovery.HashUser(u)); in.ID == id {
			return u
		}
	}
}
