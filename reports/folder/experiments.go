package folder

import (
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// Experiment is what one group of specs did to the platform and saw of
// it: the verdicts sharing an experiment id (Verdict.Experiment) and the
// events of the stretch of the timeline they judged.
type Experiment struct {
	ID string
	// From and To bound the experiment in platform time: From is where
	// the experiment before it ended (the timeline's start for the
	// first), To its last verdict or observed moment (the timeline's end
	// for the last).
	From, To time.Time
	Verdicts []Verdict
	// Events are the timeline's events other than verdicts from From to
	// To: the load, capacity, scaling activities, alarms, health checks,
	// DNS answers, data probes and faults the verdicts rest on.
	Events []timeline.Event
}

// Experiments cuts a run's timeline into its experiments. The suites run
// one after another and each experiment's specs one after another, so an
// experiment's events are those after the experiment before it ended and
// up to its own end; events after the last experiment's end (a fault
// reverted, the last load window) are the last experiment's.
func Experiments(events []timeline.Event) []Experiment {
	var out []Experiment
	for _, v := range Verdicts(events) {
		if n := len(out); n > 0 && out[n-1].ID == v.Experiment() {
			out[n-1].Verdicts = append(out[n-1].Verdicts, v)
			continue
		}
		out = append(out, Experiment{ID: v.Experiment(), Verdicts: []Verdict{v}})
	}
	if len(out) == 0 {
		return nil
	}
	for i := range out {
		x := &out[i]
		for _, v := range x.Verdicts {
			x.To = latest(x.To, v.At, v.ObservedAt)
		}
		if i > 0 {
			x.From = out[i-1].To
		}
	}
	out[0].From = events[0].At
	last := &out[len(out)-1]
	last.To = latest(last.To, events[len(events)-1].At)
	for _, e := range events {
		if e.Kind() == timeline.KindVerdict {
			continue
		}
		for i := range out {
			x := &out[i]
			if e.At.Before(x.From) || e.At.After(x.To) || (i > 0 && e.At.Equal(x.From)) {
				continue
			}
			x.Events = append(x.Events, e)
			break
		}
	}
	return out
}

func latest(ts ...time.Time) time.Time {
	var l time.Time
	for _, t := range ts {
		if t.After(l) {
			l = t
		}
	}
	return l
}
