package load

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Stage is one part of a load profile: the rate moves linearly from From to
// To over Duration.
//
// Rates are requests per real second, because that is what the load balancer
// and the platform's per-task capacity see whatever the clock's scale;
// Duration is platform time, as every duration in the runbook is. At 60x a
// Stage{From: 42, To: 42, Duration: time.Minute} sends 42 requests in one real
// second.
type Stage struct {
	From, To float64
	Duration time.Duration
}

// Unlimited reports whether the stage sends as fast as the attacker's workers
// allow (see Max).
func (s Stage) Unlimited() bool { return math.IsInf(s.From, 1) }

// Profile is a sequence of stages run one after another. Build one with
// Steady, Ramp, Step and Max, and join profiles with append.
type Profile []Stage

// Steady sends rate requests per real second for d of platform time.
func Steady(rate float64, d time.Duration) Profile {
	return Profile{{From: rate, To: rate, Duration: d}}
}

// Ramp moves linearly from rate from to rate to over d of platform time.
func Ramp(from, to float64, d time.Duration) Profile {
	return Profile{{From: from, To: to, Duration: d}}
}

// Level is one step of a Step profile.
type Level struct {
	Rate     float64       // requests per real second
	Duration time.Duration // platform time
}

// Step holds each level's rate for its duration, one after another.
func Step(levels ...Level) Profile {
	p := make(Profile, 0, len(levels))
	for _, l := range levels {
		p = append(p, Stage{From: l.Rate, To: l.Rate, Duration: l.Duration})
	}
	return p
}

// Max sends as fast as the attacker's workers allow for d of platform time:
// vegeta's max-rate mode, for measuring what the driver or a target can take.
// It needs a MaxWorkers bound, has no plan, and so is never short.
func Max(d time.Duration) Profile {
	return Profile{{From: math.Inf(1), To: math.Inf(1), Duration: d}}
}

// Users turns a number of concurrent users into a request rate, in requests
// per real second. The per-user rate is the caller's: it comes from the spec,
// as do the runbook's 1,000 to 10,000 users.
func Users(n int, requestsPerUserPerSecond float64) float64 {
	return float64(n) * requestsPerUserPerSecond
}

// Validate reports the first thing that makes p unusable.
func (p Profile) Validate() error {
	if len(p) == 0 {
		return errors.New("load: empty profile")
	}
	var total time.Duration
	for i, s := range p {
		if s.Duration <= 0 {
			return fmt.Errorf("load: stage %d: duration %v must be positive", i+1, s.Duration)
		}
		if total > math.MaxInt64-s.Duration {
			return fmt.Errorf("load: stage %d: profile longer than %v", i+1, time.Duration(math.MaxInt64))
		}
		total += s.Duration
		if s.Unlimited() || math.IsInf(s.To, 1) {
			// Hits sent flat out cannot be planned, so a stage after one
			// could not be paced: Max may only end a profile.
			if s.From != s.To || i != len(p)-1 {
				return fmt.Errorf("load: stage %d: an unlimited stage must be the last and unlimited throughout", i+1)
			}
			continue
		}
		if !(s.From >= 0 && s.To >= 0) || math.IsInf(s.From, 0) || math.IsInf(s.To, 0) {
			return fmt.Errorf("load: stage %d: rates %v to %v must be finite and not negative", i+1, s.From, s.To)
		}
	}
	return nil
}

// Duration is the profile's length in platform time.
func (p Profile) Duration() time.Duration {
	var d time.Duration
	for _, s := range p {
		d += s.Duration
	}
	return d
}

// RateAt is the planned rate, in requests per real second, at platform
// offset t from the start of the profile; 0 outside it.
func (p Profile) RateAt(t time.Duration) float64 {
	if t < 0 {
		return 0
	}
	for _, s := range p {
		if t < s.Duration {
			return s.From + (s.To-s.From)*float64(t)/float64(s.Duration)
		}
		t -= s.Duration
	}
	return 0
}

// String describes the profile for reports, e.g.
// "ramp 0→42 req/s over 2m0s, steady 42 req/s for 6m0s".
func (p Profile) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		switch {
		case s.Unlimited():
			parts[i] = "max rate for " + s.Duration.String()
		case s.From == s.To:
			parts[i] = fmt.Sprintf("steady %s req/s for %v", num(s.From), s.Duration)
		default:
			parts[i] = fmt.Sprintf("ramp %s→%s req/s over %v", num(s.From), num(s.To), s.Duration)
		}
	}
	return strings.Join(parts, ", ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Pacer returns the profile as a vegeta Pacer for a clock running scale
// platform seconds per real second (1 for real time).
//
// vegeta hands a pacer the REAL time elapsed since the attack began; the
// pacer maps it to platform time (elapsed × scale), finds where the profile
// is, and waits, in real time, until the plan calls for the next hit. The plan
// counts requests per real second, so over a platform span Δ a stage at rate r
// sends r × Δ/scale requests.
//
// Unlike vegeta's own pacers, the result keeps state: when the attacker has
// fallen behind the plan by more than maxLag of real time (a stalled target,
// a worker cap), it forgives the excess instead of bursting to catch up, since
// a burst would load the platform harder than planned, and a scale-out that
// comes too early is as much a finding as one that comes too late. Use each
// Pacer for one attack only.
func (p Profile) Pacer(scale float64) vegeta.Pacer {
	return newPacer(p, scale)
}

// maxLag is how far, in real time, a pacer lets an attack fall behind its plan
// and still catch up. It absorbs scheduler and GC pauses of a loaded machine;
// a longer lag is a shortfall and is reported as one.
const maxLag = 250 * time.Millisecond
