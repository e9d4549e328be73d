// Package browserapi is a Go client for the web tier's browser API — what
// the chat UI does, without a browser. End-to-end tests use it to sign in,
// send, and long-poll through the published web port.
package browserapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"time"
)

// Message is a chat message as the browser API returns it.
type Message struct {
	ID           string `json:"id"`
	Conversation string `json:"conversation"`
	Seq          int64  `json:"seq"`
	Sender       int64  `json:"sender"`
	Recipient    int64  `json:"recipient"`
	Text         string `json:"text"`
	SentAtMs     int64  `json:"sentAtMs"`
	ClientMsgID  string `json:"clientMsgId"`
}

// Buddy is one friend with presence.
type Buddy struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	State string `json:"state"`
}

// Boot is the answer of GET /api/boot.
type Boot struct {
	User struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
	Token   string `json:"token"`
	CSRF    string `json:"csrf"`
	PollURL string `json:"pollUrl"`
	Epoch   int64  `json:"epoch"`
	Seq     int64  `json:"seq"`
	Buddies struct {
		Version int64   `json:"version"`
		Buddies []Buddy `json:"buddies"`
	} `json:"buddies"`
}

// Client is one signed-in browser session.
type Client struct {
	base   *url.URL
	http   *http.Client
	Boot   Boot
	newest int64 // sentAtMs of the newest message seen, where gap fills start
}

// Error is a non-2xx answer.
type Error struct {
	Status int
	Body   string
}

func (e *Error) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

// New makes a client for the web tier at base (http://host:port).
func New(base string) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("web url %q: %w", base, err)
	}
	jar, _ := cookiejar.New(nil)
	return &Client{base: u, http: &http.Client{Jar: jar, Timeout: 90 * time.Second}}, nil
}

// DemoLogin signs in as a demo user (web tier in dev mode) and boots.
func (c *Client) DemoLogin(ctx context.Context, user int64) error {
	if err := c.do(ctx, "POST", "/api/demo/login", map[string]int64{"user": user}, nil); err != nil {
		return fmt.Errorf("demo login %d: %w", user, err)
	}
	return c.Reboot(ctx)
}

// TokenLogin exchanges a host application's session token for a cookie.
func (c *Client) TokenLogin(ctx context.Context, token string) error {
	if err := c.do(ctx, "POST", "/api/session", map[string]string{"token": token}, nil); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	return c.Reboot(ctx)
}

// Reboot fetches /api/boot again (after `moved`, or to refresh).
func (c *Client) Reboot(ctx context.Context) error {
	return c.do(ctx, "GET", "/api/boot", nil, &c.Boot)
}

// Send sends text to a friend with the given client message id.
func (c *Client) Send(ctx context.Context, to int64, text, clientMsgID string) (Message, error) {
	var out struct {
		Message Message `json:"message"`
	}
	err := c.do(ctx, "POST", "/api/send", map[string]any{"to": to, "text": text, "clientMsgId": clientMsgID}, &out)
	return out.Message, err
}

// History returns the newest page of the conversation with peer.
func (c *Client) History(ctx context.Context, peer int64, limit int) ([]Message, error) {
	var out struct {
		Messages []Message `json:"messages"`
	}
	q := url.Values{"peer": {strconv.FormatInt(peer, 10)}, "before": {"0"}, "after": {"-1"}, "limit": {strconv.Itoa(limit)}}
	err := c.do(ctx, "GET", "/api/history?"+q.Encode(), nil, &out)
	return out.Messages, err
}

// Buddies returns the full buddy list.
func (c *Client) Buddies(ctx context.Context) ([]Buddy, error) {
	var out struct {
		Buddies []Buddy `json:"buddies"`
	}
	err := c.do(ctx, "GET", "/api/buddies?since=0", nil, &out)
	return out.Buddies, err
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.JoinPath().String()+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Boot.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.Boot.CSRF)
	}
	return c.roundTrip(req, out)
}

func (c *Client) roundTrip(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &Error{Status: resp.StatusCode, Body: string(b)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode %q: %w", req.Method, req.URL.Path, b, err)
	}
	return nil
}
