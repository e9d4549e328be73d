package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

// Channel is our channel service: polls over HTTP, deliveries over Thrift.
type Channel struct {
	HTTP   string // long-poll address, host:port
	Thrift string // ChannelService address
	Admin  string // admin address, for /metrics
	Signer *token.Signer
}

// Name implements Target.
func (c *Channel) Name() string { return "channel" }

func (c *Channel) pollAddr() string { return c.HTTP }

func (c *Channel) subscriber(user int64) subscriber {
	return &channelSub{head: "Host: " + c.HTTP + "\r\nAuthorization: Bearer " + c.Signer.Issue(user, time.Now().Add(24*time.Hour)) + "\r\n\r\n"}
}

type channelSub struct {
	head       string
	epoch, seq int64
}

func (s *channelSub) request(b []byte) []byte {
	b = append(b, "GET /poll?epoch="...)
	b = strconv.AppendInt(b, s.epoch, 10)
	b = append(b, "&seq="...)
	b = strconv.AppendInt(b, s.seq, 10)
	b = append(b, "&idle=0 HTTP/1.1\r\n"...)
	return append(b, s.head...)
}

type channelAnswer struct {
	Type     string `json:"type"`
	Epoch    int64  `json:"epoch"`
	Seq      int64  `json:"seq"`
	Messages []struct {
		Payload json.RawMessage `json:"payload"`
	} `json:"messages"`
}

func (s *channelSub) answer(r *response, got func([]byte)) error {
	if r.status != 200 {
		return fmt.Errorf("poll answered %d: %s", r.status, r.body)
	}
	var a channelAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		return fmt.Errorf("poll answer %q: %w", r.body, err)
	}
	switch a.Type {
	case "messages":
		for _, m := range a.Messages {
			got(m.Payload)
		}
		s.seq = a.Seq
	case "reset":
		s.epoch, s.seq = a.Epoch, a.Seq
	case "continue":
	default:
		return fmt.Errorf("poll answered %s", r.body)
	}
	return nil
}

func (c *Channel) publisher() (publisher, error) {
	return &channelPub{pool: rpc.NewPool(c.Thrift, channelt.NewChannelServiceClient)}, nil
}

type channelPub struct {
	pool *rpc.Pool[*channelt.ChannelServiceClient]
}

func (p *channelPub) publish(ctx context.Context, users []int64, payloads [][]byte) (int, error) {
	wire := make([]channelt.Delivery, len(users))
	ptrs := make([]*channelt.Delivery, len(users))
	for i := range users {
		wire[i] = channelt.Delivery{User: commont.UserId(users[i]), Payload: string(payloads[i])}
		ptrs[i] = &wire[i]
	}
	var out []*channelt.DeliverResult_
	err := p.pool.Call(ctx, func(ctx context.Context, c *channelt.ChannelServiceClient) (err error) {
		out, err = c.Deliver(ctx, ptrs)
		return err
	})
	if err != nil {
		return len(users), err
	}
	rejected := 0
	for _, r := range out {
		if r.Status != channelt.DeliverStatus_OK {
			rejected++
		}
	}
	return rejected, nil
}

func (p *channelPub) close() { p.pool.Close() }

var parkedMetric = regexp.MustCompile(`(?m)^channel_parked_polls ([0-9.e+]+)$`)

func (c *Channel) parked(ctx context.Context) (int, error) {
	return scrape(ctx, "http://"+c.Admin+"/metrics", parkedMetric)
}
