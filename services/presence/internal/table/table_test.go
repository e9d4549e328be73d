package table

import (
	"errors"
	"testing"
	"time"
)

// step is one moment of a transition scenario: advance the clock, optionally
// report the user (idle for idle), then check what a read sees.
type step struct {
	advance  time.Duration
	report   bool
	reporter string // default "chan-a"
	idle     time.Duration
	want     State
	version  time.Duration // when the current state began, from t0
	lastSeen time.Duration // user's last input, from t0; -1: never seen
}

func TestTransitions(t *testing.T) {
	never := time.Duration(-1)
	tests := []struct {
		name  string
		steps []step
	}{
		{"never seen is offline", []step{
			{want: Offline, version: 0, lastSeen: never},
		}},
		{"report makes active", []step{
			{report: true, want: Active, version: 0, lastSeen: 0},
		}},
		{"refresh keeps the version", []step{
			{report: true, want: Active, version: 0, lastSeen: 0},
			{advance: 5 * time.Second, report: true, want: Active, version: 0, lastSeen: 5 * time.Second},
			{advance: 5 * time.Second, report: true, want: Active, version: 0, lastSeen: 10 * time.Second},
		}},
		{"lapses after three missed intervals, at the lapse instant", []step{
			{report: true, want: Active, version: 0, lastSeen: 0},
			{advance: 15*time.Second - time.Microsecond, want: Active, version: 0, lastSeen: 0},
			{advance: time.Microsecond, want: Offline, version: 15 * time.Second, lastSeen: 0},
			{advance: time.Hour, want: Offline, version: 15 * time.Second, lastSeen: 0},
		}},
		{"the lapse restarts with every report", []step{
			{report: true, want: Active, version: 0, lastSeen: 0},
			{advance: 14 * time.Second, report: true, want: Active, version: 0, lastSeen: 14 * time.Second},
			{advance: 14 * time.Second, want: Active, version: 0, lastSeen: 14 * time.Second},
			{advance: time.Second, want: Offline, version: 29 * time.Second, lastSeen: 14 * time.Second},
		}},
		{"offline then reported again is active, with a new version", []step{
			{report: true, want: Active, version: 0, lastSeen: 0},
			{advance: time.Minute, report: true, want: Active, version: time.Minute, lastSeen: time.Minute},
		}},
		{"idle at the threshold after the last input", []step{
			{report: true, idle: 105 * time.Second, want: Active, version: 0, lastSeen: -105 * time.Second},
			{advance: 5 * time.Second, report: true, idle: 110 * time.Second, want: Active, version: 0, lastSeen: -105 * time.Second},
			{advance: 10*time.Second - time.Microsecond, want: Active, version: 0, lastSeen: -105 * time.Second},
			{advance: time.Microsecond, want: Idle, version: 15 * time.Second, lastSeen: -105 * time.Second},
		}},
		{"a report at the idle instant keeps that instant as the version", []step{
			{report: true, idle: 100 * time.Second, want: Active, version: 0, lastSeen: -100 * time.Second},
			{advance: 10 * time.Second, report: true, idle: 110 * time.Second, want: Active, version: 0, lastSeen: -100 * time.Second},
			{advance: 10 * time.Second, report: true, idle: 120 * time.Second, want: Idle, version: 20 * time.Second, lastSeen: -100 * time.Second},
			{advance: 5 * time.Second, report: true, idle: 125 * time.Second, want: Idle, version: 20 * time.Second, lastSeen: -100 * time.Second},
		}},
		{"reported idle past the threshold is idle at once", []step{
			{report: true, idle: 300 * time.Second, want: Idle, version: 0, lastSeen: -300 * time.Second},
		}},
		{"input again makes an idle user active", []step{
			{report: true, idle: 300 * time.Second, want: Idle, version: 0, lastSeen: -300 * time.Second},
			{advance: 5 * time.Second, report: true, idle: 0, want: Active, version: 5 * time.Second, lastSeen: 5 * time.Second},
		}},
		{"last seen survives the lapse", []step{
			{report: true, idle: 300 * time.Second, want: Idle, version: 0, lastSeen: -300 * time.Second},
			{advance: 20 * time.Second, want: Offline, version: 15 * time.Second, lastSeen: -300 * time.Second},
		}},
		{"idle then lapsed: the lapse is the later change", []step{
			{report: true, idle: 100 * time.Second, want: Active, version: 0, lastSeen: -100 * time.Second},
			{advance: 10 * time.Second, report: true, idle: 110 * time.Second, want: Active, version: 0, lastSeen: -100 * time.Second},
			{advance: 10 * time.Second, want: Idle, version: 20 * time.Second, lastSeen: -100 * time.Second},
			{advance: 5 * time.Second, want: Offline, version: 25 * time.Second, lastSeen: -100 * time.Second},
		}},
		{"two reporters: the latest input either saw wins", []step{
			{report: true, reporter: "chan-a", idle: 0, want: Active, version: 0, lastSeen: 0},
			{advance: time.Second, report: true, reporter: "chan-b", idle: 500 * time.Second, want: Active, version: 0, lastSeen: 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			tab := newTable(t, c)
			base := us(t0.Add(-time.Second))
			for i, s := range tt.steps {
				c.Advance(s.advance)
				if s.report {
					r := s.reporter
					if r == "" {
						r = "chan-a"
					}
					report(t, tab, r, Entry{User: 7, Idle: s.idle})
				}
				got := get(tab, 7)
				wantVersion := us(t0.Add(s.version))
				if i == 0 && !s.report {
					wantVersion = base
				}
				if got.State != s.want || got.Version != wantVersion {
					t.Fatalf("step %d at t0+%v: %v at version t0%+v; want %v at t0%+v", i,
						c.Now().Sub(t0), got.State, time.Duration(got.Version-us(t0))*time.Microsecond, s.want, s.version)
				}
				switch {
				case s.lastSeen == never && !got.LastActive.IsZero():
					t.Fatalf("step %d: LastActive = %v; want never", i, got.LastActive)
				case s.lastSeen != never && !got.LastActive.Equal(t0.Add(s.lastSeen)):
					t.Fatalf("step %d: LastActive = t0%+v; want t0%+v", i, got.LastActive.Sub(t0), s.lastSeen)
				}
			}
		})
	}
}

func TestIdleThresholdInstant(t *testing.T) {
	c := newClock()
	tab := newTable(t, c)
	report(t, tab, "chan-a", Entry{User: 1, Idle: 0})
	c.Advance(idleAfter - time.Microsecond)
	report(t, tab, "chan-a", Entry{User: 1, Idle: idleAfter - time.Second}) // whole seconds only
	if got := get(tab, 1); got.State != Active {
		t.Fatalf("just before the idle threshold: %v; want active", got.State)
	}
	c.Advance(time.Microsecond)
	if got := get(tab, 1); got.State != Idle || got.Version != us(t0.Add(idleAfter)) {
		t.Fatalf("at the idle threshold: %v at %d; want idle at %d", got.State, got.Version, us(t0.Add(idleAfter)))
	}
}

func TestReportInvalid(t *testing.T) {
	long := string(make([]byte, MaxReporterLen+1))
	tests := []struct {
		name     string
		reporter string
		interval time.Duration
		entries  []Entry
		field    string
	}{
		{"empty reporter", "", interval, []Entry{{User: 1}}, "reporter"},
		{"reporter too long", long, interval, []Entry{{User: 1}}, "reporter"},
		{"zero interval", "chan-a", 0, []Entry{{User: 1}}, "intervalMs"},
		{"interval too short", "chan-a", MinInterval - time.Millisecond, []Entry{{User: 1}}, "intervalMs"},
		{"interval too long", "chan-a", MaxInterval + time.Millisecond, []Entry{{User: 1}}, "intervalMs"},
		{"zero user", "chan-a", interval, []Entry{{User: 1}, {User: 0}}, "entries"},
		{"negative user", "chan-a", interval, []Entry{{User: -5}}, "entries"},
		{"negative idle", "chan-a", interval, []Entry{{User: 1}, {User: 2, Idle: -time.Second}}, "entries"},
		{"idle beyond a year", "chan-a", interval, []Entry{{User: 2, Idle: MaxIdle + time.Second}}, "entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := newTable(t, newClock())
			n, err := tab.Report(tt.reporter, tt.interval, tt.entries)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Fatalf("Report = %d, %v; want an InputError on %q", n, err, tt.field)
			}
			if n != 0 {
				t.Errorf("Report took %d entries of a refused batch", n)
			}
			if got := get(tab, 1); got.State != Offline {
				t.Errorf("user 1 is %v after a refused batch; want nothing applied", got.State)
			}
		})
	}
}

func TestReporters(t *testing.T) {
	c := newClock()
	tab := newTable(t, c, func(cfg *Config) { cfg.Reporters = []string{"chan-a", "chan-b"} })
	report(t, tab, "chan-a", Entry{User: 1})
	report(t, tab, "chan-b", Entry{User: 2})
	_, err := tab.Report("chan-z\n", interval, []Entry{{User: 3}})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "reporter" {
		t.Fatalf("unlisted reporter: %v; want an InputError on reporter", err)
	}
	if want := `unknown reporter "chan-z\n"`; ie.Reason != want {
		t.Errorf("reason %q; want %q (quoted, so it cannot forge a log line)", ie.Reason, want)
	}
	for user, want := range map[int64]string{1: "chan-a", 2: "chan-b"} {
		if got, ok := tab.Reporter(user); !ok || got != want {
			t.Errorf("Reporter(%d) = %q, %v; want %q", user, got, ok, want)
		}
	}
	report(t, tab, "chan-b", Entry{User: 1})
	if got, _ := tab.Reporter(1); got != "chan-b" {
		t.Errorf("after chan-b reported user 1: Reporter = %q; want chan-b", got)
	}
	if _, ok := tab.Reporter(3); ok {
		t.Error("Reporter(3) found an entry for a user never taken")
	}
}

func TestConfigCheck(t *testing.T) {
	ok := Config{ExpireAfter: 3, IdleAfter: time.Minute, MaxOffline: 10}
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"expire after zero", func(c *Config) { c.ExpireAfter = 0 }},
		{"expire after too many", func(c *Config) { c.ExpireAfter = 101 }},
		{"idle after under a second", func(c *Config) { c.IdleAfter = time.Millisecond }},
		{"negative max offline", func(c *Config) { c.MaxOffline = -1 }},
		{"empty listed reporter", func(c *Config) { c.Reporters = []string{"a", ""} }},
	}
	if _, err := New(ok); err != nil {
		t.Fatalf("New(valid) = %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mod(&cfg)
			if _, err := New(cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
}
