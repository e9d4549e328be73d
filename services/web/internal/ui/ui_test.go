package ui

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, method, p string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestHandlerServesAssets(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for _, tc := range []struct {
		path, wantType, wantBody string
		wantCode                 int
	}{
		{"/", "text/html", `<script type="module" src="app.js">`, 200},
		{"/index.html", "text/html", `<div id="chatbar"`, 200},
		{"/app.js", "text/javascript", "new App().start()", 200},
		{"/app.css", "text/css", ".chatbar", 200},
		{"/js/poller.js", "text/javascript", "export class Poller", 200},
		{"/favicon.svg", "image/svg+xml", "<svg", 200},
		{"/js/../app.css", "text/css", ".chatbar", 200},
		{"/nope.js", "", "", 404},
		{"/js/", "", "", 404},
		{"/assets/app.js", "", "", 404},
		{"/../ui.go", "", "", 404},
		{"/ui.go", "", "", 404},
	} {
		resp, body := get(t, srv, http.MethodGet, tc.path, nil)
		if resp.StatusCode != tc.wantCode {
			t.Errorf("GET %s: status %d, want %d", tc.path, resp.StatusCode, tc.wantCode)
			continue
		}
		if tc.wantCode != 200 {
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.wantType) {
			t.Errorf("GET %s: Content-Type %q, want %s", tc.path, ct, tc.wantType)
		}
		if !strings.Contains(body, tc.wantBody) {
			t.Errorf("GET %s: body lacks %q", tc.path, tc.wantBody)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: headers %v", tc.path, resp.Header)
		}
	}
}

func TestHandlerRevalidates(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	first, _ := get(t, srv, http.MethodGet, "/app.js", nil)
	etag := first.Header.Get("ETag")
	if !regexp.MustCompile(`^"[A-Za-z0-9_-]{16}"$`).MatchString(etag) {
		t.Fatalf("ETag %q", etag)
	}
	again, body := get(t, srv, http.MethodGet, "/app.js", http.Header{"If-None-Match": {etag}})
	if again.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match: status %d, %d bytes; want 304, none", again.StatusCode, len(body))
	}
	other, _ := get(t, srv, http.MethodGet, "/app.css", nil)
	if other.Header.Get("ETag") == etag {
		t.Error("two files share an ETag")
	}
	stale, body := get(t, srv, http.MethodGet, "/app.js", http.Header{"If-None-Match": {`"old"`}})
	if stale.StatusCode != http.StatusOK || body == "" {
		t.Errorf("stale ETag: status %d", stale.StatusCode)
	}
}

func TestHandlerMethods(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	head, body := get(t, srv, http.MethodHead, "/", nil)
	if head.StatusCode != http.StatusOK || body != "" || head.ContentLength <= 0 {
		t.Errorf("HEAD /: status %d, length %d, body %d bytes", head.StatusCode, head.ContentLength, len(body))
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		resp, _ := get(t, srv, m, "/", nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /: status %d, Allow %q", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

// TestAssetsAreSafe holds the page to its promises: scripts only from
// files (the web tier's CSP allows no other), and never a way for text to
// become markup.
func TestAssetsAreSafe(t *testing.T) {
	files := readAssets(t)
	html := files["index.html"]
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1) {
		if !strings.Contains(m, ` src="`) {
			t.Errorf("index.html: inline script %s", m)
		}
	}
	if m := regexp.MustCompile(`(?i)\s(on[a-z]+|style)\s*=`).FindString(html); m != "" {
		t.Errorf("index.html: inline handler or style %q", m)
	}
	banned := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\(\s*['"]on|\.style\s*=`)
	for name, body := range files {
		if !strings.HasSuffix(name, ".js") {
			continue
		}
		if m := banned.FindString(body); m != "" {
			t.Errorf("%s: uses %s", name, m)
		}
	}
}

// TestModuleImportsResolve checks every relative import names an embedded
// file, so a typo fails here and not only in a browser.
func TestModuleImportsResolve(t *testing.T) {
	files := readAssets(t)
	imports := regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'`)
	n := 0
	for name, body := range files {
		for _, m := range imports.FindAllStringSubmatch(body, -1) {
			n++
			target := path.Join(path.Dir(name), m[1])
			if !strings.HasPrefix(m[1], "./") && !strings.HasPrefix(m[1], "../") {
				t.Errorf("%s: import %q is not relative", name, m[1])
			} else if _, ok := files[target]; !ok {
				t.Errorf("%s: import %q: no %s", name, m[1], target)
			}
		}
	}
	if n < 10 {
		t.Errorf("found %d imports; the pattern is broken", n)
	}
}

func readAssets(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		files[strings.TrimPrefix(p, "assets/")] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
