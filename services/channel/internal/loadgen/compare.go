package loadgen

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Targets of the channel issue, as ours/nchan ratios.
const (
	maxMemoryRatio  = 1.0
	maxCPURatio     = 1.5
	maxLatencyRatio = 1.5
)

// Compare prints both results side by side with ours/theirs ratios and
// reports whether every target was met.
func Compare(w io.Writer, ours, theirs Result) bool {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\t%s\tratio\ttarget\t\n", ours.Target, theirs.Target)
	row := func(name string, a, b float64, unit string, target float64) bool {
		ratio := a / b
		ok := target == 0 || ratio <= target
		verdict := ""
		if target > 0 {
			verdict = fmt.Sprintf("<= %.2f %s", target, mark(ok))
		}
		fmt.Fprintf(tw, "%s\t%.1f %s\t%.1f %s\t%.2f\t%s\t\n", name, a, unit, b, unit, ratio, verdict)
		return ok
	}
	count := func(name string, a, b int64) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\t\t\n", name, a, b)
	}
	count("polls parked", int64(ours.Users), int64(theirs.Users))
	count("messages sent", ours.Sent, theirs.Sent)
	fmt.Fprintf(tw, "send rate\t%.0f/s\t%.0f/s\t\t\t\n", ours.AchievedRate, theirs.AchievedRate)
	count("rejected", ours.Rejected, theirs.Rejected)
	count("delivered", ours.Delivered, theirs.Delivered)
	lostOK := ours.Lost == 0
	fmt.Fprintf(tw, "lost\t%d\t%d\t\t0 %s\t\n", ours.Lost, theirs.Lost, mark(lostOK))
	count("duplicated", ours.Duplicated, theirs.Duplicated)
	count("poll errors", ours.PollErrors, theirs.PollErrors)
	ok := lostOK
	ok = row("memory per idle poll", ours.BytesPerIdlePoll/1024, theirs.BytesPerIdlePoll/1024, "KiB", maxMemoryRatio) && ok
	ok = row("CPU per message", ours.CPUPerMessageUs, theirs.CPUPerMessageUs, "µs", maxCPURatio) && ok
	row("latency p50", ours.P50ms, theirs.P50ms, "ms", 0)
	ok = row("latency p99", ours.P99ms, theirs.P99ms, "ms", maxLatencyRatio) && ok
	row("latency p99.9", ours.P999ms, theirs.P999ms, "ms", 0)
	tw.Flush()
	return ok
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
