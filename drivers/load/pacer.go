package load

import (
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// plan is a validated profile at a clock scale: how many requests it calls
// for by a platform offset, and the reverse. Offsets are platform time from
// the start of the profile.
type plan struct {
	stages Profile
	scale  float64
	starts []time.Duration // platform offset at which each stage starts
	// cum[i] is the number of requests planned before stage i; its last
	// element is the plan's total.
	cum   []float64
	total time.Duration
	// unlimited is where a Max stage starts, or total when there is none;
	// nothing after it has a plan.
	unlimited time.Duration
}

func newPlan(p Profile, scale float64) *plan {
	pl := &plan{stages: p, scale: scale, starts: make([]time.Duration, len(p)), cum: make([]float64, len(p)+1)}
	var at time.Duration
	var sum float64
	pl.unlimited = -1
	for i, s := range p {
		pl.starts[i], pl.cum[i] = at, sum
		if s.Unlimited() && pl.unlimited < 0 {
			pl.unlimited = at
		}
		if !s.Unlimited() {
			sum += (s.From + s.To) / 2 * s.Duration.Seconds() / scale
		}
		at += s.Duration
	}
	pl.total, pl.cum[len(p)] = at, sum
	if pl.unlimited < 0 {
		pl.unlimited = at
	}
	return pl
}

// platform converts a real duration since the start to a platform offset.
func (pl *plan) platform(real time.Duration) time.Duration {
	return time.Duration(float64(real) * pl.scale)
}

// real converts a platform offset to the real duration since the start,
// rounding up so that a wait never ends before the plan calls for a hit.
func (pl *plan) real(platform time.Duration) time.Duration {
	return time.Duration(math.Ceil(float64(platform) / pl.scale))
}

// requests is the number of requests planned before platform offset x, as a
// fraction so that pacing can tell how far behind it is. Within a stage the
// rate is linear, so its integral is a + (b−a)·u/(2D) times u, divided by the
// scale because the rate counts real seconds and u platform seconds.
func (pl *plan) requests(x time.Duration) float64 {
	if x <= 0 {
		return 0
	}
	for i, s := range pl.stages {
		if x >= pl.starts[i]+s.Duration && i < len(pl.stages)-1 {
			continue
		}
		if s.Unlimited() {
			return pl.cum[i]
		}
		u, d := min(x-pl.starts[i], s.Duration).Seconds(), s.Duration.Seconds()
		return pl.cum[i] + (s.From*u+(s.To-s.From)*u*u/(2*d))/pl.scale
	}
	return 0
}

// offsetOf is the platform offset at which the plan reaches h requests. When
// it never does, it is where the unlimited stage starts, or not ok when
// there is none. Within a stage it solves a·u + k·u²/2 = c for u, with k the
// stage's slope, in the form 2c / (a + √(a² + 2kc)), which stays exact when k
// is 0 or negative.
func (pl *plan) offsetOf(h float64) (x time.Duration, ok bool) {
	for i, s := range pl.stages {
		if s.Unlimited() {
			return pl.unlimited, true
		}
		if h > pl.cum[i+1] {
			continue
		}
		c := (h - pl.cum[i]) * pl.scale
		a, k := s.From, (s.To-s.From)/s.Duration.Seconds()
		den := a + math.Sqrt(max(0, a*a+2*k*c))
		if den <= 0 {
			return pl.starts[i], true
		}
		u := time.Duration(2 * c / den * float64(time.Second))
		return min(pl.starts[i]+u, pl.starts[i]+s.Duration), true
	}
	return 0, false
}

// pacer paces one attack along a plan; see Profile.Pacer.
type pacer struct {
	*plan
	// forgiven counts requests the attack fell too far behind to catch up
	// on; they are counted as sent so that pacing resumes at the plan's
	// current rate. Only vegeta's attack loop calls Pace, so no lock.
	forgiven float64
}

var _ vegeta.Pacer = (*pacer)(nil)

func newPacer(p Profile, scale float64) *pacer { return &pacer{plan: newPlan(p, scale)} }

// Pace implements vegeta.Pacer: elapsed is real time since the attack began.
func (p *pacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	x := p.platform(elapsed)
	switch {
	case x >= p.total:
		return 0, true
	case x >= p.unlimited:
		return 0, false
	}
	sent := float64(hits) + p.forgiven
	if sent < p.requests(x) {
		if floor := p.requests(x - p.platform(maxLag)); sent < floor {
			p.forgiven += floor - sent
		}
		return 0, false
	}
	// The next hit is due when the plan reaches sent+1. When the plan has
	// no more, the attack ends; Run waits out the rest of the profile.
	next, ok := p.offsetOf(sent + 1)
	if !ok {
		return 0, true
	}
	return max(0, p.real(next)-elapsed), false
}

// Rate implements vegeta.Pacer: the planned rate in requests per real second
// at real time elapsed, +Inf in an unlimited stage.
func (p *pacer) Rate(elapsed time.Duration) float64 {
	x := p.platform(elapsed)
	if x >= p.unlimited && x < p.total {
		return math.Inf(1)
	}
	return p.stages.RateAt(x)
}
