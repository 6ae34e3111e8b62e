// Package clock provides the notion of time that gameday runs on.
//
// Every duration in a runbook ("fail over within 5 minutes", "alarm fires
// after 15 minutes") is platform time: time as experienced by the system
// under test. Against real AWS, platform time is real time and Real is the
// clock to use. Against a local sandbox, waiting real minutes for every
// documented minute would make suites unusably slow, so the sandbox runs on
// a Scaled clock where platform time advances a fixed multiple faster than
// real (wall-clock) time: at 60x a documented minute passes in one real
// second.
//
// Code that waits must therefore never call time.Sleep, time.After or
// time.Now directly; it takes a Clock and speaks platform durations to it.
// The Clock converts to real time internally, so the same suite runs
// unchanged against either target.
package clock

import (
	"context"
	"time"
)

// Clock is a source of platform time. All durations passed in and all
// times returned, including values received from timer and ticker
// channels, are platform time.
type Clock interface {
	Now() time.Time
	Since(t time.Time) time.Duration
	After(d time.Duration) <-chan time.Time
	NewTimer(d time.Duration) Timer
	NewTicker(d time.Duration) Ticker
	// Sleep blocks for d, or until ctx is done, in which case it returns
	// ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// Timer mirrors time.Timer with Go 1.23+ semantics: after Stop or Reset
// returns, no value from before the call is received from C.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// Ticker mirrors time.Ticker with Go 1.23+ semantics: after Stop or Reset
// returns, no tick from before the call is received from C.
type Ticker interface {
	C() <-chan time.Time
	Stop()
	Reset(d time.Duration)
}

// Real returns the clock for targets where platform time is real time.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) Since(t time.Time) time.Duration        { return time.Since(t) }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) NewTimer(d time.Duration) Timer         { return realTimer{time.NewTimer(d)} }
func (realClock) NewTicker(d time.Duration) Ticker       { return realTicker{time.NewTicker(d)} }

func (c realClock) Sleep(ctx context.Context, d time.Duration) error {
	return sleep(ctx, c, d)
}

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time        { return t.t.C }
func (t realTimer) Stop() bool                 { return t.t.Stop() }
func (t realTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }

type realTicker struct{ t *time.Ticker }

func (t realTicker) C() <-chan time.Time   { return t.t.C }
func (t realTicker) Stop()                 { t.t.Stop() }
func (t realTicker) Reset(d time.Duration) { t.t.Reset(d) }

func sleep(ctx context.Context, c Clock, d time.Duration) error {
	// Checking first makes an already-cancelled context win deterministically
	// instead of racing a zero-length timer in the select below.
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
