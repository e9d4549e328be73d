package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
)

// BenchmarkSendHTTP is a browser's send through the real HTTP stack
// (cookie, CSRF check, JSON both ways) over loopback, in parallel; the tiers
// behind are in-memory fakes.
func BenchmarkSendHTTP(b *testing.B) {
	h := newHarness(b, harnessOpts{chat: func(c *chat.Config) { c.SendRate = 0 }})
	br := h.browser()
	br.login(1)
	u := br.hc.Jar.Cookies(mustURL(h.srv.URL))
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4) // 8 browsers on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		defer client.CloseIdleConnections()
		for pb.Next() {
			body := fmt.Sprintf(`{"to":2,"text":"hello there","clientMsgId":"c%d"}`, n.Add(1))
			req, _ := http.NewRequest("POST", h.srv.URL+"/api/send", bytes.NewBufferString(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(CSRFHeader, br.csrf)
			req.AddCookie(u[0])
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("send: %v %v", resp, err)
			}
			io.Copy(io.Discard, resp.Body) // read to EOF so the connection is reused
			resp.Body.Close()
		}
	})
}
