package runtime

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// NewLogger builds the process logger: JSON for machines, console text on a
// terminal (format "auto"), with service and instance on every line.
func NewLogger(out io.Writer, service, instance, level, format string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || lvl == zerolog.NoLevel {
		return zerolog.Nop(), fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	switch format {
	case "json":
	case "console":
		out = zerolog.ConsoleWriter{Out: out, TimeFormat: time.TimeOnly}
	case "auto":
		if f, ok := out.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			out = zerolog.ConsoleWriter{Out: out, TimeFormat: time.TimeOnly}
		}
	default:
		return zerolog.Nop(), fmt.Errorf("log format %q: want json, console or auto", format)
	}
	return zerolog.New(out).Level(lvl).With().Timestamp().
		Str("service", service).Str("instance", instance).Logger(), nil
}
