package runtime

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// EnvPrefix starts every environment variable that overrides a flag: the
// flag -admin-addr is also THRIFTCHAT_ADMIN_ADDR.
const EnvPrefix = "THRIFTCHAT_"

// EnvName is the environment variable that overrides the flag name.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs, then applies environment overrides to every
// flag not given on the command line: flags beat the environment, which
// beats the defaults. The usage text names each flag's variable.
func Parse(fs *flag.FlagSet, args []string) error {
	fs.VisitAll(func(f *flag.Flag) {
		f.Usage = fmt.Sprintf("%s (env %s)", f.Usage, EnvName(f.Name))
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := os.LookupEnv(EnvName(f.Name))
		if !ok || set[f.Name] || err != nil {
			return
		}
		if e := f.Value.Set(v); e != nil {
			err = fmt.Errorf("%s=%q: %w", EnvName(f.Name), v, e)
		}
	})
	return err
}

// List splits a comma-separated flag value, trimming spaces and skipping
// empty items, so "a, b,," is [a b].
func List(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
