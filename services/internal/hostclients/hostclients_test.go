// Package hostclients tests the PHP and Python examples in clients/ against
// a running system, with the stock Thrift libraries host applications
// already have (Debian's php-thrift and python3-thrift).
package hostclients

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/browserapi"
	"github.com/thriftchat/thriftchat/services/internal/stacktest"
)

// lang runs one language's examples.
type lang struct {
	name string
	cmd  string // interpreter
	dir  string // examples folder
	ext  string
	base int64 // user ids of this language's run, apart from the other's
}

var langs = []lang{
	{"php", "php", "../../../clients/php/examples", ".php", 1000},
	// Debian's python3-thrift serves /usr/bin/python3, which may not be
	// the python3 first on PATH.
	{"python", "/usr/bin/python3", "../../../clients/python/examples", ".py", 2000},
}

// run executes an example and decodes its one line of JSON into out; it
// returns the exit code.
func (l lang) run(t *testing.T, addr string, out any, example string, args ...string) int {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join(l.dir, example+l.ext))
	cmd := exec.Command(l.cmd, append([]string{script}, args...)...)
	cmd.Env = append(cmd.Environ(), "THRIFTCHAT_WEB_THRIFT="+addr)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v (is %s installed? run scripts/install-deps.sh)", l.cmd, example, err, l.cmd)
	}
	line := strings.TrimSpace(string(stdout))
	if err := json.Unmarshal([]byte(line), out); err != nil {
		t.Fatalf("%s %s %v: exit %d, output %q: %v\nstderr: %s", l.name, example, args, code, line, err, stderr.String())
	}
	return code
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

type message struct {
	ID, Text    string
	Sender      int64
	Recipient   int64
	Seq         int64
	ClientMsgID string `json:"clientMsgId"`
}

type failure struct {
	Error, Message, Field string
}

func TestExamples(t *testing.T) {
	s := stacktest.Start(t, stacktest.Options{})
	for _, l := range langs {
		t.Run(l.name, func(t *testing.T) {
			if _, err := exec.LookPath(l.cmd); err != nil {
				t.Fatalf("%s not installed: run scripts/install-deps.sh", l.cmd)
			}
			me, friend, stranger := l.base+1, l.base+2, l.base+3
			addr := s.WebThrift

			var session struct {
				User    int64
				Token   string
				ChatURL string `json:"chatUrl"`
			}
			l.run(t, addr, &session, "open_session", itoa(me), l.name+" user")
			if session.User != me || session.Token == "" || !strings.Contains(session.ChatURL, "#token=") {
				t.Fatalf("open_session: %+v", session)
			}
			// The token the host app got signs a browser in as that user.
			b, err := browserapi.New(s.WebURL)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := b.TokenLogin(ctx, session.Token); err != nil || b.Boot.User.ID != me {
				t.Fatalf("browser with the host app's token: user %d, %v", b.Boot.User.ID, err)
			}

			var friends struct{ Friends []int64 }
			l.run(t, addr, &friends, "sync_friends", itoa(me), itoa(friend))
			if len(friends.Friends) != 1 || friends.Friends[0] != friend {
				t.Fatalf("sync_friends: %+v", friends)
			}

			var sent message
			l.run(t, addr, &sent, "send_message", itoa(me), itoa(friend), "hi from "+l.name+" <b>&</b>", l.name+"-1")
			if sent.ID == "" || sent.Text != "hi from "+l.name+" <b>&</b>" || sent.Sender != me {
				t.Fatalf("send_message: %+v", sent)
			}
			var again message
			l.run(t, addr, &again, "send_message", itoa(me), itoa(friend), "hi from "+l.name+" <b>&</b>", l.name+"-1")
			if again.ID != sent.ID {
				t.Fatalf("retry with the same client id stored a copy: %s then %s", sent.ID, again.ID)
			}
			var refused failure
			if code := l.run(t, addr, &refused, "send_message", itoa(me), itoa(stranger), "hello?"); code != 3 || refused.Error != "NotFriends" {
				t.Fatalf("send to a non-friend: exit %d, %+v; want NotFriends", code, refused)
			}
			var invalid failure
			if code := l.run(t, addr, &invalid, "send_message", itoa(me), itoa(friend), ""); code != 2 || invalid.Error != "InvalidInput" {
				t.Fatalf("empty message: exit %d, %+v; want InvalidInput", code, invalid)
			}

			var hist struct{ Messages []message }
			l.run(t, addr, &hist, "read_history", itoa(friend), itoa(me))
			if len(hist.Messages) != 1 || hist.Messages[0].ID != sent.ID {
				t.Fatalf("read_history: %+v", hist)
			}

			// The browser session keeps polling, so its user shows online.
			pollCtx, stopPolling := context.WithCancel(ctx)
			polled := make(chan struct{})
			go func() {
				defer close(polled)
				for pollCtx.Err() == nil {
					if _, _, err := b.Poll(pollCtx); err != nil {
						time.Sleep(100 * time.Millisecond) // back off after a failed poll
					}
				}
			}()
			defer func() { stopPolling(); <-polled }()
			var states []struct {
				User  int64
				State string
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				l.run(t, addr, &states, "read_presence", itoa(me), itoa(stranger))
				if len(states) == 2 && states[0].State == "active" && states[1].State == "offline" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("read_presence: %+v; want %d active, %d offline", states, me, stranger)
				}
				time.Sleep(500 * time.Millisecond) // polling a condition
			}
		})
	}
}
