package browserapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// PollAnswer is one long-poll answer.
type PollAnswer struct {
	Type     string `json:"type"`
	Epoch    int64  `json:"epoch"`
	Seq      int64  `json:"seq"`
	Messages []struct {
		Seq     int64           `json:"seq"`
		Payload json.RawMessage `json:"payload"`
	} `json:"messages"`
}

// Payload is the part of a queued payload tests look at.
type Payload struct {
	Kind    string  `json:"kind"`
	Message Message `json:"message"`
}

// Poll long-polls once from the client's cursor and advances it: after
// messages to their last seq, after reset to the new epoch, after moved by
// booting again; after reset or moved it fills the gap from the chatlog.
// It returns the chat messages received (a gap fill may repeat some).
func (c *Client) Poll(ctx context.Context) (*PollAnswer, []Message, error) {
	poll, err := c.base.Parse(c.Boot.PollURL)
	if err != nil {
		return nil, nil, fmt.Errorf("poll url %q: %w", c.Boot.PollURL, err)
	}
	q := url.Values{"epoch": {strconv.FormatInt(c.Boot.Epoch, 10)}, "seq": {strconv.FormatInt(c.Boot.Seq, 10)}, "idle": {"0"}}
	poll.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, "GET", poll.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Boot.Token)
	var a PollAnswer
	if err := c.roundTrip(req, &a); err != nil {
		return nil, nil, err
	}
	var msgs []Message
	switch a.Type {
	case "messages":
		for _, m := range a.Messages {
			var p Payload
			if json.Unmarshal(m.Payload, &p) == nil && p.Kind == "message" {
				msgs = append(msgs, p.Message)
			}
		}
		c.Boot.Seq = a.Seq
	case "continue":
		c.Boot.Epoch, c.Boot.Seq = a.Epoch, a.Seq
	case "reset":
		// Continuity is gone: what was queued may be lost, so fill the gap
		// from the chatlog, as the chat UI does, then poll on.
		c.Boot.Epoch, c.Boot.Seq = a.Epoch, a.Seq
		if msgs, err = c.Since(ctx, c.newest); err != nil {
			return &a, nil, err
		}
	case "moved":
		if msgs, err = c.Resync(ctx); err != nil {
			return &a, nil, err
		}
	}
	for _, m := range msgs {
		c.newest = max(c.newest, m.SentAtMs)
	}
	return &a, msgs, nil
}

// Resync boots again (to find the owner after `moved` or a failed poll) and
// fills the gap from the chatlog: the new cursor starts after whatever the
// new owner already queued, so those messages come from history.
func (c *Client) Resync(ctx context.Context) ([]Message, error) {
	if err := c.Reboot(ctx); err != nil {
		return nil, err
	}
	msgs, err := c.Since(ctx, c.newest)
	for _, m := range msgs {
		c.newest = max(c.newest, m.SentAtMs)
	}
	return msgs, err
}

// Since returns the messages to or from the user stored after sinceMs.
func (c *Client) Since(ctx context.Context, sinceMs int64) ([]Message, error) {
	var out struct {
		Messages []Message `json:"messages"`
	}
	q := url.Values{"since": {strconv.FormatInt(sinceMs, 10)}, "limit": {"1000"}}
	err := c.do(ctx, "GET", "/api/since?"+q.Encode(), nil, &out)
	return out.Messages, err
}
