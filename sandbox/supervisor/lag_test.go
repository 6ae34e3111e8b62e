package supervisor

import (
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// The lag of a minute is that of its latest work; the worst counts from
// ready on; skipped control minutes count; only the latest lagMinutes are
// listed.
func TestMinuteLag(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	minute := func(n int) time.Time { return start.Add(time.Duration(n) * time.Minute) }
	type work struct {
		due     time.Time
		lag     time.Duration
		skipped bool
	}
	for _, tt := range []struct {
		name        string
		beforeReady []work
		afterReady  []work
		wantLast    float64
		wantWorst   float64
		wantWorstM  time.Time
		wantSkip    int
		wantLen     int
	}{
		{
			name:       "latest work of a minute sets its lag",
			afterReady: []work{{due: minute(1), lag: 2 * time.Second}, {due: minute(1).Add(30 * time.Second), lag: 5 * time.Second}, {due: minute(1), lag: time.Second}},
			wantLast:   5, wantWorst: 5, wantWorstM: minute(1), wantLen: 1,
		},
		{
			name:        "start-up is not in the worst",
			beforeReady: []work{{due: minute(0), lag: 40 * time.Second}},
			afterReady:  []work{{due: minute(1), lag: 3 * time.Second}, {due: minute(2), lag: time.Second}},
			wantLast:    1, wantWorst: 3, wantWorstM: minute(1), wantLen: 3,
		},
		{
			name:       "a skipped control minute is at least a minute late",
			afterReady: []work{{due: minute(3).Add(30 * time.Second), lag: 70 * time.Second, skipped: true}},
			wantLast:   70, wantWorst: 70, wantWorstM: minute(3), wantSkip: 1, wantLen: 1,
		},
		{
			name:       "work done early counts as on time",
			afterReady: []work{{due: minute(1), lag: -time.Second}},
			wantLen:    1,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk, err := clock.NewScaled(start, 1)
			if err != nil {
				t.Fatal(err)
			}
			l := &minuteLag{clock: clk}
			apply := func(ws []work) {
				for _, w := range ws {
					if w.skipped {
						l.skippedTick(w.due, w.due.Add(w.lag))
					} else {
						l.record(w.due, w.lag)
					}
				}
			}
			apply(tt.beforeReady)
			l.markReady()
			apply(tt.afterReady)
			st := l.status()
			if st.LastSeconds != tt.wantLast || st.WorstSeconds != tt.wantWorst || !st.WorstMinute.Equal(tt.wantWorstM) || st.SkippedTicks != tt.wantSkip || len(st.Minutes) != tt.wantLen {
				t.Errorf("status %+v, want last %g, worst %g in %s, %d skipped, %d minutes", st, tt.wantLast, tt.wantWorst, tt.wantWorstM, tt.wantSkip, tt.wantLen)
			}
		})
	}

	t.Run("keeps the latest minutes in order", func(t *testing.T) {
		clk, _ := clock.NewScaled(start, 1)
		l := &minuteLag{clock: clk}
		for n := lagMinutes + 5; n >= 0; n-- {
			l.record(minute(n), time.Duration(n)*time.Millisecond)
		}
		l.record(minute(lagMinutes+6), 0)
		st := l.status()
		if len(st.Minutes) != lagMinutes || !st.Minutes[0].Minute.Equal(minute(7)) || !st.Minutes[lagMinutes-1].Minute.Equal(minute(lagMinutes+6)) {
			t.Errorf("%d minutes from %s to %s, want %d from %s to %s", len(st.Minutes), st.Minutes[0].Minute, st.Minutes[len(st.Minutes)-1].Minute,
				lagMinutes, minute(7), minute(lagMinutes+6))
		}
	})
}
