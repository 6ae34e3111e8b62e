// Package timings measures, from a run's timeline, the durations an SRE
// compares from one game day to the next: how long the platform took to
// scale out under load, to detect a failed region, to serve clients again
// after a fault, and how much data it could lose (RPO). Each is measured
// from events alone, in platform time, with the events it rests on.
package timings

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// Kind is what a timing measures. Its values are part of evidence.json
// and of gameday report --compare's --tolerance.
type Kind string

// The kinds of timing.
const (
	// ScaleOut is from the start of a service's load to the first
	// increase of its desired count.
	ScaleOut Kind = "scale-out"
	// FailoverDetection is from a fault to the first health check
	// changing status after it.
	FailoverDetection Kind = "failover-detection"
	// ClientRecovery is from a fault to the start of the first load
	// window without an error after one with errors.
	ClientRecovery Kind = "client-recovery"
	// RPO is the largest replication lag a store's data probes saw.
	RPO Kind = "rpo"
)

// Kinds lists every kind, in the order a report shows them.
var Kinds = []Kind{ScaleOut, FailoverDetection, ClientRecovery, RPO}

var titles = map[Kind]string{ScaleOut: "first scale-out", FailoverDetection: "failover detection", ClientRecovery: "client recovery", RPO: "RPO"}

// Title is the kind as a report names it.
func (k Kind) Title() string { return titles[k] }

// Timing is one measured duration.
type Timing struct {
	Kind Kind
	// Subject is what was measured: a service, a health check, a fault, a
	// store. Kind and Subject identify a timing across runs.
	Subject string
	Value   time.Duration
	// From and At are the moments measured between; for an RPO, At is
	// the probe that saw the largest lag and From is zero.
	From, At time.Time
	// Evidence are the seq numbers of the events the timing rests on.
	Evidence []uint64
}

// Name is what a report calls the timing: "first scale-out frontend".
func (t Timing) Name() string { return t.Kind.Title() + " " + t.Subject }

func (t Timing) String() string { return fmt.Sprintf("%s: %s", t.Name(), t.Value) }

// Readable rounds a duration as a report shows it: to the second from a
// minute up, to a tenth of a second below (an RPO, a detection).
func Readable(d time.Duration) string {
	if d.Abs() >= time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// Measure finds every timing on a timeline, grouped by kind in the order
// of Kinds, then by when the subject first appears.
func Measure(events []timeline.Event) []Timing {
	var out []Timing
	out = append(out, scaleOuts(events)...)
	out = append(out, detections(events)...)
	out = append(out, recoveries(events)...)
	out = append(out, rpos(events)...)
	return out
}

// scaleOuts measures, for each service under load, the first scale-out:
// from the start of its first load window to the first capacity sample
// whose desired count is above the one before the load, moved back to the
// scaling activity that set that count when one is on the timeline (the
// samples are polled; the activity is the platform's own moment).
func scaleOuts(events []timeline.Event) []Timing {
	var out []Timing
	for _, service := range subjects(events, func(e timeline.Event) (string, bool) {
		w, ok := e.Data.(timeline.LoadWindow)
		return w.Service, ok && w.Service != ""
	}) {
		if t, ok := scaleOut(events, service); ok {
			out = append(out, t)
		}
	}
	return out
}

func scaleOut(events []timeline.Event, service string) (Timing, bool) {
	i := slices.IndexFunc(events, func(e timeline.Event) bool {
		w, ok := e.Data.(timeline.LoadWindow)
		return ok && w.Service == service
	})
	load := events[i]
	// A load window is recorded at its end.
	began := load.At.Add(-time.Duration(load.Data.(timeline.LoadWindow).Duration))
	baseline := -1
	var prev time.Time
	for _, e := range events {
		s, ok := e.Data.(timeline.CapacitySample)
		if !ok || s.Service != service {
			continue
		}
		switch {
		case !e.At.After(began) || baseline < 0:
			// The last sample before the load, or the first during it,
			// is what the service ran before it scaled.
			baseline = s.Desired
		case s.Desired > baseline:
			t := Timing{Kind: ScaleOut, Subject: service, From: began, At: e.At, Evidence: []uint64{load.Seq, e.Seq}}
			if a, ok := activity(events, prev, e.At, s.Desired); ok {
				t.At, t.Evidence = a.At, append(t.Evidence, a.Seq)
			}
			t.Value = t.At.Sub(began)
			return t, true
		}
		prev = e.At
	}
	return Timing{}, false
}

// activity finds the successful scaling activity that set a desired count
// between two samples.
func activity(events []timeline.Event, after, until time.Time, desired int) (timeline.Event, bool) {
	want := fmt.Sprintf("Setting desired count to %d.", desired)
	for _, e := range events {
		a, ok := e.Data.(timeline.ScalingActivity)
		if ok && a.StatusCode == "Successful" && a.Description == want && a.StartTime.After(after) && !a.StartTime.After(until) {
			return timeline.Event{Seq: e.Seq, At: a.StartTime, Data: a}, true
		}
	}
	return timeline.Event{}, false
}

// detections measures, for each health check, how long after a fault it
// first changed status: how long Route 53 took to see the failure.
func detections(events []timeline.Event) []Timing {
	var out []Timing
	for i, e := range events {
		f, ok := e.Data.(timeline.FaultInjected)
		if !ok {
			continue
		}
		for _, c := range events[i+1:] {
			if r, ok := c.Data.(timeline.FaultReverted); ok && r.ID == f.ID {
				break
			}
			h, ok := c.Data.(timeline.HealthCheckChange)
			if !ok || slices.ContainsFunc(out, func(t Timing) bool { return t.Subject == h.HealthCheckID }) {
				continue
			}
			out = append(out, Timing{Kind: FailoverDetection, Subject: h.HealthCheckID, Value: c.At.Sub(e.At), From: e.At, At: c.At, Evidence: []uint64{e.Seq, c.Seq}})
		}
	}
	return out
}

// recoveries measures, for each fault that cost clients requests, how
// long after it clients were served without error again.
func recoveries(events []timeline.Event) []Timing {
	var out []Timing
	for i, e := range events {
		if f, ok := e.Data.(timeline.FaultInjected); ok {
			if t, ok := recovery(e, f, events[i+1:]); ok {
				out = append(out, t)
			}
		}
	}
	return out
}

// recovery finds, in the events after a fault up to the next fault, the
// first full load window with errors and the first full one of the same
// service without: the clients recovered when that clean window began.
// Only full windows count: the first and last of an attack are cut short,
// and the last one's requests still in flight are cut off with it, which
// is the load stopping, not the platform failing.
func recovery(fault timeline.Event, f timeline.FaultInjected, after []timeline.Event) (Timing, bool) {
	var failing *timeline.Event
	for i, e := range after {
		switch d := e.Data.(type) {
		case timeline.FaultInjected:
			return Timing{}, false
		case timeline.LoadWindow:
			switch {
			case time.Duration(d.Duration) < loadWindow || d.Requests == 0:
			case failing == nil:
				if d.Success < 1 {
					failing = &after[i]
				}
			case d.Service == failing.Data.(timeline.LoadWindow).Service && d.Success == 1:
				at := e.At.Add(-time.Duration(d.Duration))
				return Timing{Kind: ClientRecovery, Subject: faultName(f), Value: at.Sub(fault.At), From: fault.At, At: at,
					Evidence: []uint64{fault.Seq, failing.Seq, e.Seq}}, true
			}
		}
	}
	return Timing{}, false
}

// loadWindow is the width of a full load window: the load driver records
// one per platform minute.
const loadWindow = time.Minute

// faultName names a fault the same way in every run: its kind and
// parameters (its id changes from run to run).
func faultName(f timeline.FaultInjected) string {
	params := make([]string, 0, len(f.Params))
	for k, v := range f.Params {
		params = append(params, k+"="+v)
	}
	slices.Sort(params)
	return strings.TrimSpace(f.Kind + " " + strings.Join(params, " "))
}

// rpos takes, for each data store, the largest lag its probes saw.
func rpos(events []timeline.Event) []Timing {
	var out []Timing
	for _, e := range events {
		p, ok := e.Data.(timeline.DataProbe)
		if !ok {
			continue
		}
		i := slices.IndexFunc(out, func(t Timing) bool { return t.Subject == p.Store })
		switch {
		case i < 0:
			out = append(out, Timing{Kind: RPO, Subject: p.Store, Value: time.Duration(p.Lag), At: e.At, Evidence: []uint64{e.Seq}})
		case time.Duration(p.Lag) > out[i].Value:
			out[i].Value, out[i].At, out[i].Evidence = time.Duration(p.Lag), e.At, []uint64{e.Seq}
		}
	}
	return out
}

// subjects lists the distinct values key gives the events, in the order
// they first appear.
func subjects(events []timeline.Event, key func(timeline.Event) (string, bool)) []string {
	var out []string
	for _, e := range events {
		if k, ok := key(e); ok && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
