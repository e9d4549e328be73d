// Package ui is the chat as a person sees it: one page, a stylesheet and a
// handful of plain JavaScript modules, embedded in the binary and served as
// they are. There is no build step and no framework: the browser loads
// app.js as a module, which boots the session through the web tier's JSON
// API, long-polls the user's channel and draws the buddy list and the chat
// bar. Every script is a file of its own so the web tier's CSP can say
// script-src 'self'; no message text ever reaches the DOM as HTML.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// asset is one embedded file, read once at start-up.
type asset struct {
	body []byte
	etag string
}

// Handler serves the UI: "/" is the page, every other path an asset such as
// "/app.js" or "/js/poller.js"; anything else is 404. Mount it at the root
// of the web tier's mux (or behind http.StripPrefix); the JSON API lives
// beside it under /api/.
//
// Responses carry a strong ETag and "Cache-Control: no-cache": browsers
// revalidate on every load and get 304 while the binary is unchanged, so a
// deploy is never half-cached across modules.
func Handler() http.Handler {
	files, err := load(assets, "assets")
	if err != nil {
		// The files are compiled in; failing to read them is a build defect.
		panic("ui: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		a, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("ETag", a.etag)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		// ServeContent picks the Content-Type from the extension and
		// answers If-None-Match with 304.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
	})
}

// load reads every file under dir of fsys, keyed by its path below dir.
func load(fsys fs.FS, dir string) (map[string]asset, error) {
	files := make(map[string]asset)
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		files[strings.TrimPrefix(p, dir+"/")] = asset{
			body: body,
			etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		}
		return nil
	})
	return files, err
}
