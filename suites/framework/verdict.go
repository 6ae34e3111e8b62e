package framework

import (
	"context"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/timeline"
)

// Verdict is what a spec states about the runbook and what it saw. The
// spec's body fills Expected, the window and what was observed as it
// learns them; the framework adds the outcome once the spec has ended and
// puts the verdict on the timeline.
type Verdict struct {
	// ID is the spec's stable id (scaling.frontend.scale-out-window):
	// what verdicts.json, waivers and reports name it by.
	ID string
	// Section is the runbook section the expectation comes from.
	Section string
	Labels  []Label

	Expected   string
	Window     Window
	Observed   string
	ObservedAt time.Time

	inconclusive string
	errored      string
	// started is when the spec's body began, in platform time.
	started  time.Time
	loads    []*Load
	evidence []Evidence
}

// Evidence says what is missing from what a verdict rests on, or "" when
// nothing is: the platform's own metrics, say, that its alarms evaluate.
type Evidence func(ctx context.Context) string

// RestsOn names load the verdict's evidence depends on: if it fell short
// of its plan, a failure is inconclusive instead.
func (v *Verdict) RestsOn(l ...*Load) { v.loads = append(v.loads, l...) }

// Needs names other evidence the verdict depends on: if it is missing
// when the spec would fail, the spec is inconclusive instead.
func (v *Verdict) Needs(e ...Evidence) { v.evidence = append(v.evidence, e...) }

// Window bounds, in platform time, when an expected event must happen.
type Window struct{ Earliest, Latest time.Time }

func (w Window) String() string {
	if w.Earliest.IsZero() && w.Latest.IsZero() {
		return "no window"
	}
	return fmt.Sprintf("between %s and %s", w.Earliest.Format(time.RFC3339), w.Latest.Format(time.RFC3339))
}

// outcome turns how Ginkgo ended a spec, the spec's own inconclusive mark
// and any waiver into the verdict's status and message. A waiver holds
// until the day it expires (today is the real date, in UTC): from that day
// the spec's own result counts again, and the message says the waiver
// lapsed.
func outcome(state types.SpecState, failure string, v *Verdict, w *waiver, today time.Time) (timeline.Status, string) {
	status, msg := raw(state, failure, v)
	if w == nil || status == timeline.Skipped || status == timeline.Inconclusive || status == timeline.Error {
		return status, msg
	}
	result := string(status)
	if msg != "" {
		result += ": " + msg
	}
	if !today.Before(w.Expires.Time) {
		return status, fmt.Sprintf("%s (waiver of finding %s expired on %s)", result, w.finding, w.Expires)
	}
	if status == timeline.Passed {
		// A pass needs no excuse: the platform keeps the promise, and the
		// waiver's owner should hear that it can go.
		return status, fmt.Sprintf("passed; the waiver by finding %s (until %s, owner %s) is no longer needed", w.finding, w.Expires, w.Owner)
	}
	return timeline.Waived, fmt.Sprintf("waived by finding %s until %s (owner %s: %s); result %s", w.finding, w.Expires, w.Owner, w.Reason, result)
}

func raw(state types.SpecState, failure string, v *Verdict) (timeline.Status, string) {
	switch {
	case v.inconclusive != "":
		return timeline.Inconclusive, v.inconclusive
	case v.errored != "":
		return timeline.Error, v.errored
	case state == types.SpecStatePassed:
		return timeline.Passed, ""
	case state == types.SpecStateSkipped || state == types.SpecStatePending:
		return timeline.Skipped, failure
	case state == types.SpecStateFailed:
		return timeline.Failed, failure
	}
	// Panicked, interrupted, aborted, timed out: the platform was not
	// judged.
	return timeline.Error, fmt.Sprintf("%s: %s", state, failure)
}

// waiver is a spec's waiver with the finding that carries it.
type waiver struct {
	spec.Waiver
	finding string
}

// waiverFor finds the waiver of a spec id in the spec's decisions.
func waiverFor(p *spec.Platform, id string) *waiver {
	for finding, d := range p.Decisions {
		for _, w := range d.Waives {
			if w.Spec == id {
				return &waiver{Waiver: w, finding: finding}
			}
		}
	}
	return nil
}

func (v *Verdict) event(status timeline.Status, msg string, waived *waiver) timeline.Verdict {
	e := timeline.Verdict{Spec: v.ID, RunbookRef: v.Section, Expected: v.Expected, WindowStart: v.Window.Earliest, WindowEnd: v.Window.Latest,
		Observed: v.Observed, ObservedAt: v.ObservedAt, Status: status, Labels: labelStrings(v.Labels), Message: msg}
	if waived != nil {
		e.Waiver = waived.finding
	}
	return e
}
