package httpapi

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

func TestDemoSignInAndBoot(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	users := b.do("GET", "/api/demo/users", nil)
	if users.status != 200 || !strings.HasPrefix(users.raw, `[{"id":1,"name":"alice"}`) {
		t.Fatalf("demo users: %d %s", users.status, users.raw)
	}
	login := b.do("POST", "/api/demo/login", map[string]int64{"user": 1})
	expect(t, "login", login, 200)
	c := cookie(t, login.header)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || c.MaxAge != 12*3600 {
		t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Strict, Path=/, 12h", c)
	}
	boot := b.do("GET", "/api/boot", nil)
	expect(t, "boot", boot, 200)
	user := boot.json["user"].(map[string]any)
	buddies := boot.json["buddies"].(map[string]any)
	if user["id"] != 1.0 || user["name"] != "alice" || boot.str("token") != c.Value || boot.str("pollUrl") != "/poll" ||
		boot.json["epoch"] != 42.0 || buddies["full"] != true || len(buddies["buddies"].([]any)) != 5 {
		t.Fatalf("boot %s", boot.raw)
	}
	if !h.env.Sessions.CheckCSRF(c.Value, boot.str("csrf")) {
		t.Fatal("boot's csrf is not the session's CSRF token")
	}
	if boot.header.Get("Cache-Control") != "no-store" {
		t.Fatal("API answers must not be cached")
	}
	expect(t, "unknown demo user", b.do("POST", "/api/demo/login", map[string]int64{"user": 99}), 404)
}

func TestDemoOffOutsideDev(t *testing.T) {
	h := newHarness(t, harnessOpts{api: func(o *Options) { o.Dev = false }})
	b := h.browser()
	expect(t, "demo users", b.do("GET", "/api/demo/users", nil), 404)
	r := b.do("POST", "/api/demo/login", map[string]int64{"user": 1})
	expect(t, "demo login", r, 404)
	if len(r.header.Values("Set-Cookie")) != 0 {
		t.Fatal("demo login set a cookie outside dev mode")
	}
}

func TestSecureCookies(t *testing.T) {
	h := newHarness(t, harnessOpts{api: func(o *Options) { o.SecureCookies = true }})
	r := h.browser().do("POST", "/api/demo/login", map[string]int64{"user": 1})
	if c := cookie(t, r.header); !c.Secure {
		t.Fatal("-secure-cookies: cookie not Secure")
	}
}

func TestSessionFromToken(t *testing.T) {
	h := newHarness(t, harnessOpts{api: func(o *Options) { o.Dev = false }})
	opened, err := h.env.Service.OpenSession(t.Context(), 2, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := h.browser()
	r := b.do("POST", "/api/session", map[string]string{"token": opened.Token})
	expect(t, "session", r, 200)
	if c := cookie(t, r.header); c.Value != opened.Token || c.MaxAge != 3600 {
		t.Fatalf("cookie %+v; want the token for an hour", c)
	}
	boot := b.do("GET", "/api/boot", nil)
	expect(t, "boot", boot, 200)
	if boot.json["user"].(map[string]any)["name"] != "bob" {
		t.Fatalf("boot %s", boot.raw)
	}
}

func TestForgedAndExpiredTokens(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	other, _ := session.NewManager([]byte(strings.Repeat("q", 32)), h.env.Clock.Now)
	forged, _ := other.Open(1, time.Hour)
	old, _ := h.env.Sessions.Open(1, time.Minute)
	h.env.Clock.Add(2 * time.Minute)
	for name, tok := range map[string]string{
		"forged": forged.Token, "expired": old.Token, "garbage": "v1.1.99999999999.AAAA", "empty": "",
		"huge": strings.Repeat("a", 4096),
	} {
		t.Run(name, func(t *testing.T) {
			b := h.browser()
			r := b.do("POST", "/api/session", map[string]string{"token": tok})
			expect(t, "/api/session", r, 401)
			if c := cookie(t, r.header); c.MaxAge >= 0 {
				t.Fatalf("a refused token must clear the cookie, got %+v", c)
			}
			// The same token planted as the cookie gets nowhere either.
			req, _ := http.NewRequest("GET", h.srv.URL+"/api/boot", nil)
			req.AddCookie(&http.Cookie{Name: CookieName, Value: tok})
			resp, err := b.hc.Transport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 {
				t.Fatalf("boot with a %s cookie: %d; want 401", name, resp.StatusCode)
			}
			r = b.do("GET", "/api/boot", nil, "Authorization", "Bearer "+tok)
			expect(t, "boot with bearer", r, 401)
		})
	}
	expect(t, "boot without a session", h.browser().do("GET", "/api/boot", nil), 401)
}

// TestBasicAuthIgnored: a proxy's basic auth beside the cookie is not
// mistaken for a session.
func TestBasicAuthIgnored(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	expect(t, "boot", b.do("GET", "/api/boot", nil, "Authorization", "Basic dXNlcjpwYXNz"), 200)
}

func TestLogout(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	r := b.do("POST", "/api/logout", map[string]any{})
	expect(t, "logout", r, 200)
	if c := cookie(t, r.header); c.MaxAge >= 0 {
		t.Fatalf("logout must clear the cookie, got %+v", c)
	}
	expect(t, "boot after logout", b.do("GET", "/api/boot", nil), 401)
}

func cookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", CookieName, h.Values("Set-Cookie"))
	return nil
}

// TestSlowBody: a body trickled past the server's ReadTimeout gets a JSON
// 408 rather than holding the connection.
func TestSlowBody(t *testing.T) {
	h := newHarness(t, harnessOpts{readTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"tok")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("status %d, want 408", resp.StatusCode)
	}
}
