package rpc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// metrics counts calls per method and outcome.
type metrics struct {
	calls    *prometheus.CounterVec
	duration *prometheus.HistogramVec
	panics   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "thrift_server_calls_total", Help: "Thrift calls handled, by method and outcome.",
		}, []string{"method", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "thrift_server_call_seconds", Help: "Thrift call duration, by method.",
			Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
		}, []string{"method"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "thrift_server_panics_total", Help: "Handler panics recovered.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.calls, m.duration, m.panics)
	}
	return m
}

// observe times each call and counts its outcome: ok, exception (a typed IDL
// exception the caller branches on) or error (anything else). The method's
// series are resolved here, once per method, not on every call.
func (m *metrics) observe(name string, next thrift.TProcessorFunction) thrift.TProcessorFunction {
	duration := m.duration.WithLabelValues(name)
	var calls [3]prometheus.Counter
	for o := range calls {
		calls[o] = m.calls.WithLabelValues(name, outcomes[o])
	}
	return thrift.WrappedTProcessorFunction{Wrapped: func(ctx context.Context, seq int32, in, out thrift.TProtocol) (bool, thrift.TException) {
		start := time.Now()
		ok, err := next.Process(ctx, seq, in, out)
		duration.Observe(time.Since(start).Seconds())
		calls[outcome(err)].Inc()
		return ok, err
	}}
}

// outcomes are the outcome label's values, indexed by outcome's answer.
var outcomes = [3]string{"ok", "exception", "error"}

func outcome(err error) int {
	var te thrift.TException
	switch {
	case err == nil:
		return 0
	case errors.As(err, &te) && te.TExceptionType() == thrift.TExceptionTypeCompiled:
		return 1
	default:
		return 2
	}
}

// recoverer turns a handler panic into an INTERNAL_ERROR for the caller and
// one log line, so a bug in one call never takes the process down.
func recoverer(log zerolog.Logger, m *metrics) thrift.ProcessorMiddleware {
	return func(name string, next thrift.TProcessorFunction) thrift.TProcessorFunction {
		return thrift.WrappedTProcessorFunction{Wrapped: func(ctx context.Context, seq int32, in, out thrift.TProtocol) (ok bool, err thrift.TException) {
			defer func() {
				r := recover()
				if r == nil {
					return
				}
				m.panics.Inc()
				log.Error().Str("method", name).Interface("panic", r).Bytes("stack", debug.Stack()).Msg("thrift handler panicked")
				x := thrift.NewTApplicationException(thrift.INTERNAL_ERROR, "internal error in "+name)
				// The arguments were read before the handler ran, so the
				// connection is in step: answer and keep serving it.
				if werr := writeException(ctx, out, name, seq, x); werr != nil {
					ok, err = false, thrift.WrapTException(fmt.Errorf("reply after panic in %s: %w", name, werr))
					return
				}
				ok, err = true, nil
			}()
			return next.Process(ctx, seq, in, out)
		}}
	}
}

func writeException(ctx context.Context, out thrift.TProtocol, name string, seq int32, x thrift.TApplicationException) error {
	if err := out.WriteMessageBegin(ctx, name, thrift.EXCEPTION, seq); err != nil {
		return err
	}
	if err := x.Write(ctx, out); err != nil {
		return err
	}
	if err := out.WriteMessageEnd(ctx); err != nil {
		return err
	}
	return out.Flush(ctx)
}
