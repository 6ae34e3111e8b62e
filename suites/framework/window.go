package framework

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/gameday-sre/gameday/clock"
)

// Event is something a spec waits for: when the target says it happened,
// or ok false while it has not.
type Event func(ctx context.Context) (at time.Time, ok bool, err error)

// poll is how often, in platform time, a wait asks the target again: a
// fifth of the one-minute period every AWS metric and alarm here has.
const poll = 12 * time.Second

// grace is how long, in platform time, a wait goes on past a window's end
// before it gives up: an event stamped inside the window may be reported a
// moment later.
const grace = 30 * time.Second

var errNotYet = errors.New("not yet")

// ExpectWithin waits on the target's clock for event and fails the spec
// when it happens before w.Earliest (too early fails as surely as too
// late), after w.Latest, or not at all. It records the window and what
// was observed on v, and returns when the event happened. An event may
// keep v.Observed up to date with what it last saw, for the failure to
// say.
func (f *Framework) ExpectWithin(ctx context.Context, v *Verdict, what string, event Event, w Window) time.Time {
	v.Window = w
	at, seen, err := f.await(ctx, v, "waiting for "+what, event, w.Latest)
	if ctx.Err() != nil {
		// Interrupted: Ginkgo ends the spec as such; nothing was judged.
		return time.Time{}
	}
	if err != nil {
		f.Errorf(v, "%s: reading %s from target %s: %v", v.Section, what, f.Target.Name, err)
	}
	if !seen {
		last := v.Observed
		v.Observed = "not seen by " + w.Latest.Format(time.RFC3339)
		if last != "" {
			v.Observed += "; last seen " + last
		}
		f.Fail(v, fmt.Sprintf("%s: %s %s; want it %s", v.Section, what, v.Observed, w))
		return time.Time{}
	}
	v.ObservedAt = at
	if v.Observed == "" {
		v.Observed = at.Format(time.RFC3339)
	}
	if m := inWindow(w); !must(m.Match(at)) {
		f.Fail(v, fmt.Sprintf("%s: %s %s", v.Section, what, m.FailureMessage(at)))
	}
	return at
}

func must(ok bool, _ error) bool { return ok }

// await polls event until it happens or the platform clock passes
// latest plus grace. An error that persists to the end is returned: a
// target that stopped answering is not a platform that missed its window.
func (f *Framework) await(ctx context.Context, v *Verdict, phase string, event Event, latest time.Time) (time.Time, bool, error) {
	var at time.Time
	var last error
	deadline := latest.Add(grace)
	// A Gomega of its own: the window's verdict is this package's to
	// word, not Eventually's.
	g := gomega.NewGomega(func(string, ...int) {})
	g.Eventually(ctx, func(ctx context.Context) error {
		f.Progress(v, phase)
		t, ok, err := event(ctx)
		last = err
		switch {
		case err != nil:
			return err
		case ok:
			at = t
			return nil
		case f.Now().After(deadline):
			return gomega.StopTrying("past the window")
		}
		return errNotYet
	}).WithTimeout(f.Real(deadline.Sub(f.Now())) + time.Minute).WithPolling(f.Real(poll)).Should(gomega.Succeed())
	if !at.IsZero() {
		last = nil
	}
	return at, !at.IsZero(), last
}

// ExpectNever checks on the target's clock, until the platform time until,
// that violation finds nothing wrong; the first violation fails the spec
// with what it says.
func (f *Framework) ExpectNever(ctx context.Context, v *Verdict, violation func(ctx context.Context) (string, error), until time.Time) {
	v.Window = Window{Earliest: f.Now(), Latest: until}
	var seen string
	var readErr error
	g := gomega.NewGomega(func(string, ...int) {})
	g.Consistently(ctx, func(ctx context.Context) string {
		if f.Now().After(until) {
			return ""
		}
		f.Progress(v, "watching until "+until.Format(time.TimeOnly))
		seen, readErr = violation(ctx)
		return seen
	}).WithTimeout(f.Real(until.Sub(f.Now()))).WithPolling(f.Real(poll)).Should(gomega.BeEmpty())
	switch {
	case ctx.Err() != nil:
	case readErr != nil:
		f.Errorf(v, "%s: reading the target %s: %v", v.Section, f.Target.Name, readErr)
	case seen != "":
		v.Observed, v.ObservedAt = seen, f.Now()
		f.Fail(v, fmt.Sprintf("%s: want %s, watched %s; saw %s", v.Section, v.Expected, v.Window, seen))
	}
}

// Fail fails the running spec, unless the load it rests on fell short of
// its plan: then the platform was not tested as planned, and the spec is
// inconclusive instead.
func (f *Framework) Fail(v *Verdict, msg string) {
	for _, l := range v.loads {
		if why := f.shortfall(l); why != "" {
			f.Inconclusive(v, why)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), evidenceTimeout)
	defer cancel()
	for _, e := range v.evidence {
		if why := e(ctx); why != "" {
			f.Inconclusive(v, why)
		}
	}
	ginkgo.Fail(msg, 2)
}

// evidenceTimeout bounds the reads that decide whether a failing spec's
// evidence held.
const evidenceTimeout = 30 * time.Second

// Eventually waits on the target's clock, at most the platform duration
// limit, for ok to hold; what names it in the failure.
func (f *Framework) Eventually(ctx context.Context, what string, limit time.Duration, ok func(ctx context.Context) (bool, error)) {
	gomega.Eventually(ctx, ok).WithTimeout(f.Real(limit)).WithPolling(f.Real(poll)).Should(gomega.BeTrue(), "waited %s (platform) for %s", limit, what)
}

// Sleep waits a platform duration on the target's clock.
func (f *Framework) Sleep(ctx context.Context, d time.Duration) error {
	return f.Target.Clock.Sleep(ctx, d)
}

// Real is a platform duration in real time on the target's clock: what a
// rate per real second must be scaled by to mean a rate per platform
// minute.
func (f *Framework) Real(d time.Duration) time.Duration { return realDuration(f.Target.Clock, d) }

func realDuration(c clock.Clock, d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	if s, ok := c.(*clock.Scaled); ok {
		return time.Duration(float64(d) / s.Scale())
	}
	return d
}

func inWindow(w Window) gomega.OmegaMatcher {
	return &windowMatcher{w: w}
}

type windowMatcher struct{ w Window }

func (m *windowMatcher) Match(actual any) (bool, error) {
	t, ok := actual.(time.Time)
	if !ok {
		return false, fmt.Errorf("inWindow wants a time.Time, got %T", actual)
	}
	return !t.Before(m.w.Earliest) && !t.After(m.w.Latest), nil
}

// FailureMessage says which side of the window the event fell on, and by
// how much, in words that stay the same from night to night.
func (m *windowMatcher) FailureMessage(actual any) string {
	t := actual.(time.Time)
	if t.Before(m.w.Earliest) {
		return fmt.Sprintf("too early: at %s, %s before the window opens; want %s", t.Format(time.RFC3339), m.w.Earliest.Sub(t), m.w)
	}
	return fmt.Sprintf("too late: at %s, %s after the window closes; want %s", t.Format(time.RFC3339), t.Sub(m.w.Latest), m.w)
}

func (m *windowMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("at %s, inside the window %s", actual.(time.Time).Format(time.RFC3339), m.w)
}
