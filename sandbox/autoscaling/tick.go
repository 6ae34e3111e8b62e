package autoscaling

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Tick advances the engine to now. The sandbox calls it once per platform
// minute (TickInterval), with platform time. For each scalable target, in
// ResourceId order, it
//
//  1. runs the scheduled actions that fell due since the previous Tick
//     (see runScheduledLocked), then
//  2. executes every scaling policy whose alarm is in ALARM, unless an
//     alarm action already ran the target's policies this minute
//     (InvokePolicy). "An alarm invokes an Auto Scaling action once each
//     minute when the alarm remains in a new state, regardless of the
//     configured time period"
//     (repost.aws/knowledge-center/autoscaling-policy-cloudwatch-alarm), so
//     each Tick is one invocation; cooldowns, not the alarm's state change,
//     space the activities out.
//
// A Tick for a minute already processed does nothing, so a late or doubled
// call cannot invoke policies twice in one minute; after a gap, due
// scheduled actions are caught up (at most maxCatchUp back) and policies
// run once.
func (e *Engine) Tick(now time.Time) {
	minute := now.Truncate(time.Minute)
	e.mu.Lock()
	defer e.unlock()
	if !e.lastMinute.IsZero() && !minute.After(e.lastMinute) {
		return
	}
	first := minute
	if !e.lastMinute.IsZero() {
		first = e.lastMinute.Add(time.Minute)
		if earliest := minute.Add(-maxCatchUp); first.Before(earliest) {
			first = earliest
		}
	}
	e.lastMinute = minute
	for _, id := range slices.Sorted(maps.Keys(e.targets)) {
		t := e.targets[id]
		e.runScheduledLocked(t, first, minute, now)
		if !t.invoked.Equal(minute) {
			e.runPoliciesLocked(t, now)
		}
	}
}

// InvokePolicy executes the scaling policy with this ARN now, as an alarm
// action does when the alarm changes state ("When the updated state
// differs from the previous value, the action configured for the
// appropriate state is invoked", API_SetAlarmState). The target's policies
// are weighed together with their alarms as they stand, exactly as in a
// Tick, so a state SetAlarmState forced is what they act on until the next
// evaluation, with the datapoints its StateReasonData gives. An unknown
// ARN is an ObjectNotFoundException, which the alarm records as a failed
// action.
func (e *Engine) InvokePolicy(arn string) error {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.unlock()
	for _, t := range e.targets {
		for _, p := range t.policies {
			if p.PolicyARN == arn {
				e.runPoliciesLocked(t, now)
				t.invoked = now.Truncate(time.Minute)
				return nil
			}
		}
	}
	return newError(ErrCodeObjectNotFound, "No scaling policy found for policy ARN %s", arn)
}

// decision is a policy's wish to move capacity to capacity, triggered by
// alarm.
type decision struct {
	p        *policy
	alarm    string
	capacity int
}

func (d decision) cause() string {
	return fmt.Sprintf("monitor alarm %s in state ALARM triggered policy %s", d.alarm, d.p.PolicyName)
}

type notScaled struct {
	d      decision
	reason NotScaledReason
}

// round collects what the policies of one target want in one Tick.
type round struct {
	now               time.Time
	current, min, max int
	outs, ins         []decision
	// ttVoters counts target tracking policies with scale-in enabled;
	// ttAgree holds the scale-ins of those that are ready to scale in.
	ttVoters  int
	ttAgree   []decision
	notScaled []notScaled
}

// scaleOut weighs a computed scale-out capacity, clamped to [min, max]:
// "Application Auto Scaling scaling policies will not scale capacity to
// values that are outside of the minimum and maximum range"
// (API_RegisterScalableTarget).
func (r *round) scaleOut(p *policy, alarm string, raw int) {
	d := decision{p: p, alarm: alarm, capacity: min(max(raw, r.min), r.max)}
	switch {
	case d.capacity > r.current:
		r.outs = append(r.outs, d)
	case raw > r.current:
		r.notScaled = append(r.notScaled, notScaled{d, NotScaledReason{Code: AlreadyAtMaxCapacity, MaxCapacity: ptr(int32(r.max))}})
	default:
		r.notScaled = append(r.notScaled, notScaled{d, NotScaledReason{Code: AlreadyAtDesiredCapacity, CurrentCapacity: ptr(int32(r.current))}})
	}
}

// scaleIn weighs a computed scale-in capacity and returns it if it is one.
func (r *round) scaleIn(p *policy, alarm string, raw int) (decision, bool) {
	d := decision{p: p, alarm: alarm, capacity: min(max(raw, r.min), r.max)}
	switch {
	case d.capacity < r.current:
		return d, true
	case raw < r.current:
		r.notScaled = append(r.notScaled, notScaled{d, NotScaledReason{Code: AlreadyAtMinCapacity, MinCapacity: ptr(int32(r.min))}})
	default:
		r.notScaled = append(r.notScaled, notScaled{d, NotScaledReason{Code: AlreadyAtDesiredCapacity, CurrentCapacity: ptr(int32(r.current))}})
	}
	return decision{}, false
}

// runPoliciesLocked executes the target's triggered policies and applies
// the combined result. Several policies combine as
// application-auto-scaling-target-tracking.html says: "It will scale out
// the scalable target if any of the target tracking policies are ready for
// scale out, but will scale in only if all of the target tracking policies
// (with the scale-in portion enabled) are ready to scale in", and "scales
// based on the policy that provides the largest capacity for both scale in
// and scale out". A step policy's scale-in is not held back by target
// tracking ("the scale-in activity will not be blocked",
// API_PutScalingPolicy). Scale-out takes precedence over scale-in in the
// same minute, availability first.
//
// Not-scaled activities are recorded only when nothing scaled, one per
// triggered policy that computed no change.
func (e *Engine) runPoliciesLocked(t *target, now time.Time) {
	if len(t.policies) == 0 {
		return
	}
	current, err := e.capacity.DesiredCount(t.ResourceId)
	if err != nil {
		// The service is gone or unreadable: nothing to scale from.
		return
	}
	r := &round{now: now, current: current, min: int(t.MinCapacity), max: int(t.MaxCapacity)}
	for _, p := range t.sortedPolicies() {
		statuses, err := e.alarms.AlarmsWithAction(p.PolicyARN)
		if err != nil {
			// Alarms that cannot be read cannot trigger anything; an
			// unreadable target tracking policy cannot agree to scale in.
			if c := p.TargetTrackingScalingPolicyConfiguration; c != nil && !c.DisableScaleIn {
				r.ttVoters++
			}
			continue
		}
		slices.SortFunc(statuses, func(a, b AlarmStatus) int { return strings.Compare(a.AlarmName, b.AlarmName) })
		if p.PolicyType == PolicyTypeTargetTracking {
			e.evalTargetTracking(r, p, statuses)
		} else {
			evalStep(r, p, statuses)
		}
	}

	if len(r.outs) > 0 {
		// "DynamicScalingOutSuspended: Application Auto Scaling does not add
		// capacity when a target tracking scaling policy or a step scaling
		// policy is triggered" (…-suspend-resume-scaling.html).
		if t.outSuspended() {
			return
		}
		best := largest(r.outs)
		if e.setCapacityLocked(t, best.capacity, best.cause(), now) {
			for _, d := range r.outs {
				d.p.scaledOut(current, now)
			}
			// "if another alarm triggers a scale-out activity during the
			// scale-in cooldown period, Application Auto Scaling scales out
			// the target immediately. In this case, the scale-in cooldown
			// period stops and doesn't complete."
			for _, p := range t.policies {
				p.inUntil = time.Time{}
			}
		}
		return
	}

	ins := r.ins
	if r.ttVoters > 0 && len(r.ttAgree) == r.ttVoters {
		ins = append(ins, r.ttAgree...)
	}
	if len(ins) > 0 {
		// DynamicScalingInSuspended likewise; and "Scale-in is suspended
		// during an ECS deployment" (service-autoscaling-targettracking.html).
		if t.inSuspended() || (e.deployments != nil && e.deployments.InDeployment(t.ResourceId)) {
			return
		}
		best := largest(ins)
		if e.setCapacityLocked(t, best.capacity, best.cause(), now) {
			for _, d := range ins {
				_, in := d.p.cooldowns()
				d.p.inUntil = now.Add(in)
			}
		}
		return
	}

	for _, n := range r.notScaled {
		e.recordNotScaledLocked(t, n.d.cause(), n.reason, now)
	}
}

// largest returns the decision with the largest capacity, the first by
// policy name among equals.
func largest(ds []decision) decision {
	return slices.MaxFunc(ds, func(a, b decision) int {
		if c := cmp.Compare(a.capacity, b.capacity); c != 0 {
			return c
		}
		return strings.Compare(b.p.PolicyName, a.p.PolicyName)
	})
}

// evalTargetTracking weighs a target tracking policy. AlarmHigh in ALARM
// scales out to ceil(base × metric / (ScaleOutAim × target)), base being
// the cooldown base. AlarmLow in ALARM scales in by the floor rule of
// Model.ScaleInAim, but only when AlarmHigh is OK and the scale-in cooldown
// is over: "A target tracking scaling policy does not scale in when the
// state of the alarm is INSUFFICIENT_DATA", and "scale-in activities are
// blocked until the cooldown period has expired"
// (application-auto-scaling-target-tracking.html). A deleted alarm counts
// as one without data.
func (e *Engine) evalTargetTracking(r *round, p *policy, statuses []AlarmStatus) {
	cfg := p.TargetTrackingScalingPolicyConfiguration
	var high, low *AlarmStatus
	for i := range statuses {
		switch statuses[i].AlarmName {
		case p.high:
			high = &statuses[i]
		case p.low:
			low = &statuses[i]
		}
	}
	if high != nil && high.StateValue == StateAlarm {
		if v, ok := newest(high.Datapoints); ok {
			base := p.cooldownBase(r.current, r.now)
			r.scaleOut(p, high.AlarmName, ceilWhole(float64(base)*v/(e.model.ScaleOutAim*cfg.TargetValue)))
		}
	}
	if cfg.DisableScaleIn {
		return
	}
	r.ttVoters++
	if low == nil || low.StateValue != StateAlarm || high == nil || high.StateValue != StateOK || r.now.Before(p.inUntil) {
		return
	}
	v, ok := newest(low.Datapoints)
	if !ok {
		return
	}
	keep := float64(r.current) * v / (e.model.ScaleInAim * cfg.TargetValue)
	remove := max(floorWhole(float64(r.current)-keep), 0)
	if d, ok := r.scaleIn(p, low.AlarmName, r.current-remove); ok {
		r.ttAgree = append(r.ttAgree, d)
	}
}

// evalStep weighs a step policy for each of its alarms in ALARM: the
// aggregated metric minus the alarm's threshold picks a step, whose
// adjustment gives the new capacity. A scale-out inside the cooldown
// computes from the cooldown base; a scale-in inside it is blocked
// (application-auto-scaling-step-scaling-policies.html, Cooldown period).
func evalStep(r *round, p *policy, statuses []AlarmStatus) {
	cfg := p.StepScalingPolicyConfiguration
	for _, s := range statuses {
		if s.StateValue != StateAlarm {
			continue
		}
		v, ok := aggregate(s.Datapoints, cfg.MetricAggregationType)
		if !ok {
			continue
		}
		step, ok := findStep(cfg.StepAdjustments, v-s.Threshold)
		if !ok {
			continue
		}
		switch raw := adjust(r.current, cfg, step); {
		case raw > r.current:
			r.scaleOut(p, s.AlarmName, adjust(p.cooldownBase(r.current, r.now), cfg, step))
		case raw < r.current && r.now.Before(p.inUntil):
		case raw < r.current:
			if d, ok := r.scaleIn(p, s.AlarmName, raw); ok {
				r.ins = append(r.ins, d)
			}
		default:
			r.scaleOut(p, s.AlarmName, raw)
		}
	}
}

// newest returns the most recent datapoint.
func newest(points []float64) (float64, bool) {
	if len(points) == 0 || math.IsNaN(points[0]) {
		return 0, false
	}
	return points[0], true
}

// aggregate applies a step policy's MetricAggregationType to the alarm's
// datapoints: "Application Auto Scaling applies your specified aggregation
// type to the most recent metric data points from CloudWatch"; Average
// when unset (API_StepScalingPolicyConfiguration).
func aggregate(points []float64, how string) (float64, bool) {
	if len(points) == 0 {
		return 0, false
	}
	switch how {
	case AggregationMinimum:
		return slices.Min(points), true
	case AggregationMaximum:
		return slices.Max(points), true
	}
	sum := 0.0
	for _, v := range points {
		sum += v
	}
	return sum / float64(len(points)), true
}

// findStep picks the step whose bounds hold diff, the metric's distance
// from the alarm threshold: "If the metric value is above the breach
// threshold, the lower bound is inclusive and the upper bound is
// exclusive. If the metric value is below the breach threshold, the lower
// bound is exclusive and the upper bound is inclusive." At the threshold
// itself both readings apply, above first.
func findStep(steps []StepAdjustment, diff float64) (StepAdjustment, bool) {
	readings := []bool{diff >= 0}
	if diff == 0 {
		readings = append(readings, false)
	}
	for _, above := range readings {
		for _, s := range steps {
			lo, hi := s.MetricIntervalLowerBound, s.MetricIntervalUpperBound
			var inLo, inHi bool
			if above {
				inLo, inHi = lo == nil || diff >= *lo, hi == nil || diff < *hi
			} else {
				inLo, inHi = lo == nil || diff > *lo, hi == nil || diff <= *hi
			}
			if inLo && inHi {
				return s, true
			}
		}
	}
	return StepAdjustment{}, false
}

// adjust applies a step to base (application-auto-scaling-step-scaling-policies.html,
// Scaling adjustment types).
func adjust(base int, cfg *StepScalingPolicyConfiguration, s StepAdjustment) int {
	switch cfg.AdjustmentType {
	case ExactCapacity:
		return int(s.ScalingAdjustment)
	case ChangeInCapacity:
		return base + int(s.ScalingAdjustment)
	}
	var magnitude int32
	if cfg.MinAdjustmentMagnitude != nil {
		magnitude = *cfg.MinAdjustmentMagnitude
	}
	return base + percentChange(base, s.ScalingAdjustment, magnitude)
}

// percentChange is a PercentChangeInCapacity adjustment of base by pct
// percent with AWS's rounding: "Values greater than 1 are rounded down …
// Values between 0 and 1 are rounded to 1 … Values between 0 and -1 are
// rounded to -1 … Values less than -1 are rounded up", so always towards
// zero but never to zero; then at least minMagnitude either way, "the
// minimum amount to scale" (MinAdjustmentMagnitude).
func percentChange(base int, pct, minMagnitude int32) int {
	product := base * int(pct) // the change is product / 100
	if product == 0 {
		return 0
	}
	change := product / 100 // Go division truncates towards zero
	sign := 1
	if product < 0 {
		sign = -1
	}
	if change == 0 {
		change = sign
	}
	if change*sign < int(minMagnitude) {
		change = sign * int(minMagnitude)
	}
	return change
}

// wholeTolerance absorbs binary floating point error, so that 2 × 70 / 70
// is 2 and not 2.0000000000000004 rounded up to 3.
const wholeTolerance = 1e-9

func ceilWhole(x float64) int  { return toInt(math.Ceil(snapWhole(x))) }
func floorWhole(x float64) int { return toInt(math.Floor(snapWhole(x))) }

func snapWhole(x float64) float64 {
	if r := math.Round(x); math.Abs(x-r) < wholeTolerance {
		return r
	}
	return x
}

// toInt converts a computed capacity, kept within int32 like the API's
// capacities so that no metric can overflow it.
func toInt(x float64) int {
	return int(math.Max(math.Min(x, math.MaxInt32), math.MinInt32))
}
