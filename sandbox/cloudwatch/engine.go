package cloudwatch

import (
	"fmt"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/notify"
)

const (
	// DefaultRegion and DefaultAccountID go into alarm and dashboard ARNs.
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"

	// DefaultRetention is how long metric data is kept. AWS keeps 1-minute
	// data for 15 days, but a game day on a scaled clock runs through many
	// platform days in a few real hours, and nothing in a game day reads
	// data older than a day; alarms that look further back extend the
	// horizon themselves (see WithRetention).
	DefaultRetention = 24 * time.Hour

	// HistoryRetention is how long alarm history is kept: "CloudWatch
	// preserves alarm history for two weeks" (AlarmThatSendsEmail.html,
	// common features of CloudWatch alarms).
	HistoryRetention = 14 * 24 * time.Hour
)

// Option configures an Engine.
type Option func(*Engine)

// WithRegion sets the region used in alarm ARNs (default DefaultRegion).
func WithRegion(region string) Option { return func(e *Engine) { e.region = region } }

// WithAccountID sets the account used in ARNs (default DefaultAccountID).
func WithAccountID(id string) Option { return func(e *Engine) { e.accountID = id } }

// WithRetention sets how long metric data is kept (default
// DefaultRetention). The engine never drops data an alarm still needs: a
// metric watched by alarms keeps the longer of d and their longest
// evaluation range.
func WithRetention(d time.Duration) Option { return func(e *Engine) { e.retention = d } }

// WithAlarmQuota makes PutMetricAlarm fail with LimitExceeded once n alarms
// exist. AWS no longer has an alarm quota ("You can create as many alarms
// as you want", AlarmThatSendsEmail.html), so by default there is none;
// the option lets a test exercise the error path clients still handle.
func WithAlarmQuota(n int) Option { return func(e *Engine) { e.alarmQuota = n } }

// Engine is one region's CloudWatch. It is safe for concurrent use.
type Engine struct {
	clock      clock.Clock
	region     string
	accountID  string
	retention  time.Duration
	alarmQuota int

	mu         sync.RWMutex
	series     map[string]*series
	alarms     map[string]*alarm
	history    []historyRecord
	historySeq uint64
	dashboards map[string]*dashboard
	// transitions are queued under mu and delivered after it is released.
	transitions notify.Feed[Transition]
}

// New returns an empty engine reading platform time from c.
func New(c clock.Clock, opts ...Option) *Engine {
	e := &Engine{
		clock:      c,
		region:     DefaultRegion,
		accountID:  DefaultAccountID,
		retention:  DefaultRetention,
		series:     map[string]*series{},
		alarms:     map[string]*alarm{},
		dashboards: map[string]*dashboard{},
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// String describes the engine's configuration for reports.
func (e *Engine) String() string {
	quota := "none"
	if e.alarmQuota > 0 {
		quota = fmt.Sprint(e.alarmQuota)
	}
	return fmt.Sprintf("cloudwatch %s account %s, retention %s, alarm quota %s", e.region, e.accountID, e.retention, quota)
}

// OnTransition subscribes f to alarm state changes, from evaluation and from
// SetAlarmState alike. f runs on the goroutine that caused the change, after
// the engine's lock is released, so it may call back into the engine; calls
// are in the order the changes happened. The returned function unsubscribes.
func (e *Engine) OnTransition(f func(Transition)) (cancel func()) {
	return e.transitions.Subscribe(f)
}

// needsLocked maps each metric that alarms watch to the longest history
// one of them needs.
func (e *Engine) needsLocked() map[string]time.Duration {
	needs := make(map[string]time.Duration, len(e.alarms))
	for _, a := range e.alarms {
		needs[a.key] = max(needs[a.key], a.lookback())
	}
	return needs
}

// cutoff is the Unix second before which a metric's data is dropped: the
// retention, extended to what the alarms on the metric need.
func (e *Engine) cutoff(now time.Time, need time.Duration) int64 {
	return now.Add(-max(e.retention, need)).Unix()
}

// pruneLocked drops metric data and alarm history that have aged out.
func (e *Engine) pruneLocked(now time.Time) {
	needs := e.needsLocked()
	for k, s := range e.series {
		s.prune(e.cutoff(now, needs[k]))
		if len(s.samples) == 0 {
			delete(e.series, k)
		}
	}
	old := now.Add(-HistoryRetention)
	i := 0
	for i < len(e.history) && e.history[i].item.Timestamp.Before(old) {
		i++
	}
	if i > 0 {
		clear(e.history[:i])
		e.history = e.history[i:]
	}
}
