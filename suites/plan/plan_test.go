package plan

import (
	"testing"
	"time"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
)

func TestWindowsAt(t *testing.T) {
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tue := func(h, m int) time.Time { return time.Date(2026, 12, 8, h, m, 0, 0, time.UTC) } // a Tuesday
	tests := []struct {
		name    string
		at      time.Time
		regions []string
		// inside is the window the moment falls in ("" for none), ends
		// when it ends; next is when US East's next one starts.
		inside string
		ends   time.Time
		next   time.Time
	}{
		{"before US East's window", tue(7, 59), []string{"us-east-1", "us-west-2"}, "", time.Time{}, tue(8, 0)},
		{"at its start", tue(8, 0), []string{"us-east-1", "us-west-2"}, "US East Tuesday 08:00-10:00 UTC", tue(10, 0), tue(8, 0).AddDate(0, 0, 7)},
		{"inside it", tue(9, 59), []string{"us-east-1"}, "US East Tuesday 08:00-10:00 UTC", tue(10, 0), tue(8, 0).AddDate(0, 0, 7)},
		{"at its end", tue(10, 0), []string{"us-east-1"}, "", time.Time{}, tue(8, 0).AddDate(0, 0, 7)},
		{"on a Saturday", time.Date(2026, 12, 12, 12, 0, 0, 0, time.UTC), []string{"us-east-1"}, "", time.Time{}, tue(8, 0).AddDate(0, 0, 7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := windowsAt(p.MaintenanceWindows, tt.at, tt.regions...)
			inside := ""
			for _, w := range ws {
				if w.Inside {
					inside = w.String()
					if !w.Ends.Equal(tt.ends) {
						t.Errorf("%s ends %v, want %v", w, w.Ends, tt.ends)
					}
				}
				if w.Region == "US East" && (!w.Applies || !w.Next.Equal(tt.next)) {
					t.Errorf("US East: applies %v, next %v; want applies, next %v", w.Applies, w.Next, tt.next)
				}
				if w.Region == "EU" && w.Applies {
					t.Errorf("the EU window applies to %v", tt.regions)
				}
			}
			if inside != tt.inside {
				t.Errorf("inside %q, want %q", inside, tt.inside)
			}
		})
	}
}

func TestProviderUse(t *testing.T) {
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	entry := func(id, kind string, ago time.Duration, s chaos.State) chaos.Entry {
		return chaos.Entry{ID: id, Kind: kind, State: s, InjectedAt: now.Add(-ago)}
	}
	var fifteen []chaos.Entry
	for i := range 15 {
		fifteen = append(fifteen, entry(string(rune('a'+i)), KindElastiCacheTestFailover, time.Duration(23-i)*time.Hour, chaos.StateInjecting))
	}
	tests := []struct {
		name    string
		history []chaos.Entry
		planned map[string]int
		// kind is the limit the run would break, "" for none; free when
		// it can run.
		kind string
		free time.Time
	}{
		{"nothing used", nil, map[string]int{KindElastiCacheTestFailover: 1}, "", time.Time{}},
		{"15 used in 24 h and one planned", fifteen, map[string]int{KindElastiCacheTestFailover: 1}, KindElastiCacheTestFailover, now.Add(time.Hour)},
		{"15 used, none planned", fifteen, nil, "", time.Time{}},
		{"uses older than 24 h do not count", fifteen[:1], map[string]int{KindElastiCacheTestFailover: 15}, KindElastiCacheTestFailover, now.Add(time.Hour)},
		{"a failed injection does not count", []chaos.Entry{entry("x", KindAtlasOutageSimulation, time.Minute, chaos.StateInjecting), entry("x", KindAtlasOutageSimulation, time.Minute, chaos.StateFailed)},
			map[string]int{KindAtlasOutageSimulation: 1}, "", time.Time{}},
		{"an outage simulation two minutes ago", []chaos.Entry{entry("y", KindAtlasOutageSimulation, 2*time.Minute, chaos.StateInjecting)},
			map[string]int{KindAtlasOutageSimulation: 1}, KindAtlasOutageSimulation, now.Add(3 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, l := range providerUse(ProviderLimits, tt.history, tt.planned, now) {
				if l.exceeded() != "" {
					got = l.Kind
					if !l.FreeAt.Equal(tt.free) {
						t.Errorf("%s free at %v, want %v", l.Kind, l.FreeAt, tt.free)
					}
				}
			}
			if got != tt.kind {
				t.Errorf("exceeded %q, want %q", got, tt.kind)
			}
		})
	}
}

func TestPlanErrSaysWhenItCanRun(t *testing.T) {
	at := time.Date(2026, 12, 8, 8, 30, 0, 0, time.UTC)
	p := &Plan{Target: "staging", At: at, Faults: []Fault{{Kind: "stop-task"}}, KeepsCalendar: true,
		Maintenance: []Window{{Region: "US East", Day: "Tuesday", Start: "08:00", End: "10:00", Applies: true, Inside: true, Ends: at.Add(90 * time.Minute)}}}
	p.refusals()
	err := p.Err()
	want := "target staging: a disruptive run may not start now (platform time 2026-12-08T08:30:00Z): inside the runbook's maintenance window US East Tuesday 08:00-10:00 UTC (Scheduled Maintenance Windows); it can run from Tue 2026-12-08 10:00 UTC (platform time, 1h30m0s from now)"
	if err == nil || err.Error() != want {
		t.Errorf("Err() = %v\nwant %s", err, want)
	}
	p.Refusals, p.CanRunAt, p.KeepsCalendar = nil, time.Time{}, false
	if p.refusals(); p.Err() != nil {
		t.Errorf("a target that keeps no calendar is refused: %v", p.Err())
	}
	p.KeepsCalendar, p.Faults = true, nil
	if p.refusals(); p.Err() != nil {
		t.Errorf("a run that injects nothing is refused: %v", p.Err())
	}
}
