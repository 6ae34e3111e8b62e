package load

import (
	"fmt"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/gameday-sre/gameday/timeline"
)

// Summary is what an attack delivered.
type Summary struct {
	Target  Target
	Profile Profile
	// Scale is the clock's: platform seconds per real second.
	Scale float64
	// Start and End bound the attack in platform time; End is before the
	// profile's end when the attack was cancelled.
	Start, End time.Time
	// Windows are the LoadWindows recorded, in order.
	Windows []Window
	// Metrics are vegeta's over the whole attack.
	Metrics vegeta.Metrics
}

// Window is one recorded LoadWindow with its start and its plan in requests.
type Window struct {
	// Start is platform time; the LoadWindow's Duration is the platform
	// span, shorter than the window width for the first and last windows of
	// an attack that does not start and end on the clock's minutes.
	Start time.Time
	// PlannedRequests is how many requests the profile called for in the
	// window: its Planned rate times its real duration. 0 under Max.
	PlannedRequests float64
	timeline.LoadWindow
}

// Short reports whether the window delivered fewer requests than planned by
// more than tolerance (0.1 is 10%). Comparing counts over the window's own
// span keeps partial first and last windows fair, and one request of slack
// absorbs the rounding of a plan to whole requests at the window's edges.
func (w Window) Short(tolerance float64) bool {
	return float64(w.Requests) < w.PlannedRequests*(1-tolerance)-1
}

func (w Window) String() string {
	return fmt.Sprintf("%s +%v: delivered %.1f req/s of %.1f planned (%d of %.1f requests)",
		w.Start.UTC().Format(time.RFC3339Nano), w.Duration, w.Rate, w.Planned, w.Requests, w.PlannedRequests)
}

// Shortfall returns the windows that fell short of the plan by more than
// tolerance (see Window.Short). A verdict resting on any of them is
// inconclusive: the platform did not get the load the experiment planned.
func (s *Summary) Shortfall(tolerance float64) []Window {
	var short []Window
	for _, w := range s.Windows {
		if w.Short(tolerance) {
			short = append(short, w)
		}
	}
	return short
}

func (s *Summary) String() string {
	return fmt.Sprintf("%s %s: %s at %sx: %d requests at %.1f req/s, %.1f%% success, %d windows",
		s.Target.name(), s.Target.URL, s.Profile, num(s.Scale), s.Metrics.Requests, s.Metrics.Rate, 100*s.Metrics.Success, len(s.Windows))
}

// windows cuts an attack's results into platform windows as they stream in
// and records each window once no result still in flight can belong to it.
type windows struct {
	plan   *plan
	width  time.Duration
	target Target
	log    *timeline.Log
	scale  float64

	realStart  time.Time // real time at the plan's offset 0
	start, end time.Time // platform; end is the planned end until finish
	epoch      time.Time // window k starts at epoch + k·width

	total vegeta.Metrics
	open  map[int64]*vegeta.Metrics
	next  int64 // the first window not yet recorded
	// vegeta numbers results in the order of their timestamps, but they
	// arrive in the order their responses do. seq is the lowest Seq not yet
	// arrived; early holds the timestamps of results that overtook it, at
	// most as many as there are requests in flight.
	seq   uint64
	early map[uint64]time.Time
	done  []Window
}

func newWindows(a *Attacker, t Target, pl *plan) *windows {
	w := &windows{
		plan: pl, width: a.cfg.window, target: t, log: a.cfg.log, scale: a.scale,
		open: map[int64]*vegeta.Metrics{}, early: map[uint64]time.Time{},
	}
	// Read together, so that real and platform time share an origin. The
	// monotonic reading is dropped from platform times: they are compared
	// with times derived from each other, never with this process's clock.
	w.realStart, w.start = time.Now(), a.clock.Now().Round(0)
	w.end = w.start.Add(pl.total)
	w.epoch = w.start.Truncate(w.width)
	return w
}

// platformAt maps a result's real timestamp to platform time.
func (w *windows) platformAt(real time.Time) time.Time {
	return w.start.Add(w.plan.platform(real.Sub(w.realStart)))
}

func (w *windows) index(at time.Time) int64 {
	if !at.Before(w.end) {
		// A hit due just before the end may leave just after it.
		at = w.end.Add(-1)
	}
	// Never into a window already recorded; the watermark below makes that
	// impossible but for rounding.
	return max(int64(at.Sub(w.epoch)/w.width), w.next)
}

func (w *windows) add(r *vegeta.Result) error {
	w.total.Add(r)
	k := w.index(w.platformAt(r.Timestamp))
	m := w.open[k]
	if m == nil {
		m = &vegeta.Metrics{}
		w.open[k] = m
	}
	m.Add(r)
	if r.Seq != w.seq {
		w.early[r.Seq] = r.Timestamp
		return nil
	}
	last := r.Timestamp
	for w.seq++; ; w.seq++ {
		ts, ok := w.early[w.seq]
		if !ok {
			break
		}
		delete(w.early, w.seq)
		last = ts
	}
	// Every result sent before last has arrived, so every window that
	// ends by then is complete.
	at := w.platformAt(last)
	for !w.bounds(w.next).to.After(at) && w.bounds(w.next).to.Before(w.end) {
		if err := w.emit(w.next); err != nil {
			return err
		}
	}
	return nil
}

// finish records the windows left. An attack that was stopped early ends
// now, so its last window is judged on the plan up to the stop.
func (w *windows) finish(stopped bool) error {
	if now := w.platformAt(time.Now()); stopped && now.Before(w.end) {
		w.end = now
	}
	for w.bounds(w.next).from.Before(w.end) {
		if err := w.emit(w.next); err != nil {
			return err
		}
	}
	return nil
}

type span struct{ from, to time.Time }

// bounds is window k's span, cut to the attack.
func (w *windows) bounds(k int64) span {
	s := span{w.epoch.Add(time.Duration(k) * w.width), w.epoch.Add(time.Duration(k+1) * w.width)}
	if s.from.Before(w.start) {
		s.from = w.start
	}
	if s.to.After(w.end) {
		s.to = w.end
	}
	return s
}

// emit records window k and moves on to the next.
func (w *windows) emit(k int64) error {
	w.next = k + 1
	m := w.open[k]
	delete(w.open, k)
	if m == nil {
		m = &vegeta.Metrics{}
	}
	s := w.bounds(k)
	if !s.to.After(s.from) {
		return nil
	}
	m.Close()
	win := w.window(s, m)
	w.done = append(w.done, win)
	if w.log == nil {
		return nil
	}
	// At is the window's end, when its Finished state became true, as a
	// finished Phase is recorded at its end.
	if _, err := w.log.Append(s.to, win.LoadWindow); err != nil {
		return fmt.Errorf("record load window ending %v: %w", s.to, err)
	}
	return nil
}

// window compares what m saw with the plan over s. Both rates are per
// real second over the window's real length, so a partial window is judged
// against the plan for the part of it the attack covered.
func (w *windows) window(s span, m *vegeta.Metrics) Window {
	secs := s.to.Sub(s.from).Seconds() / w.scale
	var planned float64
	if b := s.to.Sub(w.start); b <= w.plan.unlimited {
		planned = w.plan.requests(b) - w.plan.requests(s.from.Sub(w.start))
	}
	return Window{Start: s.from, PlannedRequests: planned, LoadWindow: timeline.LoadWindow{
		Service:     w.target.Service,
		Target:      w.target.URL,
		Planned:     planned / secs,
		Rate:        float64(m.Requests) / secs,
		Duration:    timeline.Duration(s.to.Sub(s.from)),
		State:       timeline.Finished,
		Requests:    int64(m.Requests),
		Success:     m.Success,
		P50:         timeline.Duration(m.Latencies.P50),
		P90:         timeline.Duration(m.Latencies.P90),
		P99:         timeline.Duration(m.Latencies.P99),
		StatusCodes: m.StatusCodes,
	}}
}

func (w *windows) summary(p Profile) *Summary {
	w.total.Close()
	return &Summary{Target: w.target, Profile: p, Scale: w.scale, Start: w.start, End: w.end, Windows: w.done, Metrics: w.total}
}
