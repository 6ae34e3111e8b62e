package clock

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
)

// Scaled is a Clock whose platform time runs scale times faster than real
// time, starting from a chosen platform instant. It is immutable after
// NewScaled and safe for concurrent use. The zero value is not usable.
//
// Timers and tickers follow package time: a timer for d <= 0 fires at once,
// NewTicker and Ticker.Reset panic for d <= 0, and a slow receiver misses
// ticks rather than queueing them. Platform durations are converted to real
// durations rounding up, with a minimum of 1ns for any d > 0, so that a
// timer never fires before its platform duration has elapsed and a tiny
// ticker period cannot become the zero period that time.NewTicker rejects.
//
// Unlike package time, a Ticker that is dropped without Stop keeps running,
// so callers must Stop every Ticker they create.
type Scaled struct {
	start  time.Time // platform time at origin
	origin time.Time // real time at construction; carries the monotonic reading
	scale  float64
}

var _ Clock = (*Scaled)(nil)

// NewScaled returns a clock reading start now and advancing scale platform
// seconds per real second. scale must be finite and greater than zero.
func NewScaled(start time.Time, scale float64) (*Scaled, error) {
	// The negated comparison also rejects NaN, which fails every comparison.
	if !(scale > 0) || math.IsInf(scale, 1) {
		return nil, fmt.Errorf("clock: invalid scale %v: must be a finite number greater than 0 (1 is real speed, 60 runs a platform minute per real second)", scale)
	}
	return &Scaled{
		// Platform instants have no relation to this process's monotonic
		// clock; stripping it makes comparisons of platform times use the
		// wall-clock value they represent.
		start:  start.Round(0),
		origin: time.Now(),
		scale:  scale,
	}, nil
}

// Scale reports how many platform seconds pass per real second.
func (s *Scaled) Scale() float64 { return s.scale }

// Start reports the platform time at which the clock was constructed.
func (s *Scaled) Start() time.Time { return s.start }

// String describes the clock for reports, e.g. "scaled 60x from
// 2026-11-30T07:59:00Z".
func (s *Scaled) String() string {
	return fmt.Sprintf("scaled %sx from %s", strconv.FormatFloat(s.scale, 'f', -1, 64), s.start.Format(time.RFC3339Nano))
}

// Now derives platform time from the monotonic clock so that wall-clock
// adjustments on the host (NTP steps, manual changes) cannot make platform
// time jump or run backwards.
func (s *Scaled) Now() time.Time {
	p := float64(time.Since(s.origin)) * s.scale
	if p >= math.MaxInt64 {
		return s.start.Add(math.MaxInt64)
	}
	return s.start.Add(time.Duration(p))
}

func (s *Scaled) Since(t time.Time) time.Duration { return s.Now().Sub(t) }

func (s *Scaled) After(d time.Duration) <-chan time.Time { return s.NewTimer(d).C() }

func (s *Scaled) Sleep(ctx context.Context, d time.Duration) error { return sleep(ctx, s, d) }

// realDuration converts a platform duration to the real duration to wait.
func (s *Scaled) realDuration(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	r := math.Ceil(float64(d) / s.scale)
	if r >= math.MaxInt64 {
		return math.MaxInt64
	}
	return max(1, time.Duration(r))
}

func (s *Scaled) NewTimer(d time.Duration) Timer {
	t := &scaledTimer{clock: s, c: make(chan time.Time, 1)}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.arm(d)
	return t
}

// scaledTimer delivers through its own channel so that the value sent is
// platform time; the real timer underneath only decides when.
type scaledTimer struct {
	clock *Scaled
	c     chan time.Time

	mu sync.Mutex
	rt *time.Timer // nil once fired or stopped
	// gen identifies the current arming. A real timer's callback may
	// already be running when Stop or Reset is called; it compares gen to
	// find out that its arming was superseded and must not send.
	gen uint64
}

func (t *scaledTimer) C() <-chan time.Time { return t.c }

func (t *scaledTimer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.disarm()
}

func (t *scaledTimer) Reset(d time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	active := t.disarm()
	t.arm(d)
	return active
}

// arm requires t.mu.
func (t *scaledTimer) arm(d time.Duration) {
	gen := t.gen
	t.rt = time.AfterFunc(t.clock.realDuration(d), func() { t.fire(gen) })
}

func (t *scaledTimer) fire(gen uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	t.rt = nil
	// Cannot block: each arming sends at most once and every re-arming is
	// preceded by disarm, which empties the one-slot buffer.
	t.c <- t.clock.Now()
}

// disarm requires t.mu. Like time.Timer since Go 1.23, it reports true if
// the program had not yet received the value, even when the real timer had
// already expired, and discards that value.
func (t *scaledTimer) disarm() bool {
	active := t.rt != nil
	if active {
		t.rt.Stop()
		t.rt = nil
	}
	t.gen++
	select {
	case <-t.c:
		active = true
	default:
	}
	return active
}

// NewTicker panics if d <= 0, as time.NewTicker does.
func (s *Scaled) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := &scaledTicker{clock: s, c: make(chan time.Time, 1)}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start(d)
	return t
}

type scaledTicker struct {
	clock *Scaled
	c     chan time.Time

	mu     sync.Mutex
	period time.Duration // real
	next   time.Time     // real deadline of the next tick
	rt     *time.Timer   // nil while stopped
	gen    uint64        // as in scaledTimer
}

func (t *scaledTicker) C() <-chan time.Time { return t.c }

func (t *scaledTicker) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.halt()
}

// Reset panics if d <= 0, as time.Ticker.Reset does.
func (t *scaledTicker) Reset(d time.Duration) {
	if d <= 0 {
		panic("clock: non-positive interval for Ticker.Reset")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.halt()
	t.start(d)
}

// start requires t.mu.
func (t *scaledTicker) start(d time.Duration) {
	t.period = t.clock.realDuration(d)
	t.next = time.Now().Add(t.period)
	t.schedule()
}

// schedule requires t.mu.
func (t *scaledTicker) schedule() {
	gen := t.gen
	t.rt = time.AfterFunc(time.Until(t.next), func() { t.tick(gen) })
}

// halt requires t.mu.
func (t *scaledTicker) halt() {
	if t.rt != nil {
		t.rt.Stop()
		t.rt = nil
	}
	t.gen++
	select {
	case <-t.c:
	default:
	}
}

func (t *scaledTicker) tick(gen uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	select {
	case t.c <- t.clock.Now():
	default:
		// As with time.Ticker, a receiver that has not taken the previous
		// tick misses this one instead of receiving a backlog.
	}
	// Deadlines advance by whole periods from the previous deadline, not
	// from now, so callback latency does not accumulate into drift; any
	// deadlines already missed are skipped, as time.Ticker does.
	now := time.Now()
	t.next = t.next.Add(t.period)
	if !t.next.After(now) {
		t.next = t.next.Add((now.Sub(t.next)/t.period + 1) * t.period)
	}
	t.schedule()
}
