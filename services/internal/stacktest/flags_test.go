package stacktest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFlagsDocumented keeps deploy/FLAGS.md in step with the binaries: every
// flag each service accepts must be listed under that service.
func TestFlagsDocumented(t *testing.T) {
	bin := Binaries(t)
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "deploy/FLAGS.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(doc), "\n## ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		sections[name] = body
	}
	flagRE := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	for _, svc := range []string{"channel", "presence", "chatlog", "web"} {
		out, _ := exec.Command(filepath.Join(bin, svc), "-h").CombinedOutput()
		flags := flagRE.FindAllStringSubmatch(string(out), -1)
		if len(flags) == 0 {
			t.Fatalf("%s -h listed no flags:\n%s", svc, out)
		}
		for _, f := range flags {
			if !strings.Contains(sections[svc], "`-"+f[1]+"`") {
				t.Errorf("%s flag -%s is missing from deploy/FLAGS.md: run scripts/flags-doc.sh", svc, f[1])
			}
		}
	}
}
