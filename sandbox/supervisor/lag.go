package supervisor

import (
	"slices"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// lagMinutes is how many platform minutes the status lists lags for: an
// hour of platform time, a minute of real time at 60x.
const lagMinutes = 60

// LagStatus is how late the platform minutes' work completed, in platform
// time: the metrics the load balancers and ECS publish as each minute
// ends, and the control loop's alarm evaluation and scaling tick at its
// half. A platform clock that runs ahead of the work it paces shows here:
// a run whose minutes completed late judged a platform slower than the
// one it meant to.
type LagStatus struct {
	// Minutes are the latest platform minutes, oldest first, each with the
	// lag of its latest work.
	Minutes []MinuteLag `json:"minutes"`
	// LastSeconds is the lag of the latest minute; WorstSeconds the
	// largest since the sandbox was ready, in WorstMinute.
	LastSeconds  float64   `json:"lastSeconds"`
	WorstSeconds float64   `json:"worstSeconds"`
	WorstMinute  time.Time `json:"worstMinute,omitzero"`
	// SkippedTicks counts control-loop minutes that never ran because the
	// loop was more than a platform minute late.
	SkippedTicks int `json:"skippedTicks,omitempty"`
}

// MinuteLag is the lag of the work due in one platform minute.
type MinuteLag struct {
	Minute  time.Time `json:"minute"`
	Seconds float64   `json:"seconds"`
}

// minuteLag records how late each platform minute's work completes.
type minuteLag struct {
	clock clock.Clock

	mu      sync.Mutex
	minutes []MinuteLag // oldest first, at most lagMinutes
	ready   bool
	worst   MinuteLag
	skipped int
}

// done records that work due at due has completed now.
func (l *minuteLag) done(due time.Time) {
	l.record(due, l.clock.Now().Sub(due))
}

// skippedTick records a control-loop minute that never ran, noticed at now.
func (l *minuteLag) skippedTick(due, now time.Time) {
	l.mu.Lock()
	l.skipped++
	l.mu.Unlock()
	l.record(due, now.Sub(due))
}

func (l *minuteLag) record(due time.Time, lag time.Duration) {
	lag = max(0, lag)
	minute := due.Truncate(time.Minute)
	seconds := lag.Seconds()
	l.mu.Lock()
	defer l.mu.Unlock()
	i, found := slices.BinarySearchFunc(l.minutes, minute, func(m MinuteLag, t time.Time) int { return m.Minute.Compare(t) })
	if !found {
		l.minutes = slices.Insert(l.minutes, i, MinuteLag{Minute: minute})
		if len(l.minutes) > lagMinutes {
			l.minutes = l.minutes[1:]
			i--
		}
	}
	if i >= 0 {
		l.minutes[i].Seconds = max(l.minutes[i].Seconds, seconds)
	}
	if l.ready && seconds > l.worst.Seconds {
		l.worst = MinuteLag{Minute: minute, Seconds: seconds}
	}
}

// markReady starts the worst lag from now: start-up's minutes, when every
// process is starting, are not the sandbox's running lag.
func (l *minuteLag) markReady() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ready = true
}

func (l *minuteLag) status() LagStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := LagStatus{Minutes: append([]MinuteLag{}, l.minutes...), WorstSeconds: l.worst.Seconds, WorstMinute: l.worst.Minute, SkippedTicks: l.skipped}
	if n := len(l.minutes); n > 0 {
		st.LastSeconds = l.minutes[n-1].Seconds
	}
	return st
}
