package autoscaling

import (
	"testing"
	"time"
)

// PercentChangeInCapacity rounding, with the examples of
// application-auto-scaling-step-scaling-policies.html.
func TestPercentChange(t *testing.T) {
	cases := []struct {
		name        string
		base        int
		pct, minMag int32
		want        int
	}{
		{"10% of 10", 10, 10, 0, 1},
		{"12.7 rounds down to 12", 100, 127, 0, 127},
		{"12.7 rounds down to 12 (small base)", 10, 127, 0, 12},
		{".67 rounds to 1", 1, 67, 0, 1},
		{"-.58 rounds to -1", 1, -58, 0, -1},
		{"-6.67 rounds up to -6", 1, -667, 0, -6},
		{"30% of 11 = 3.3 → 3", 11, 30, 0, 3},
		{"-10% of 14 = -1.4 → -1", 14, -10, 0, -1},
		{"-30% of 13 = -3.9 → -3", 13, -30, 0, -3},
		{"exactly 1", 10, 10, 0, 1},
		{"exactly -1", 10, -10, 0, -1},
		{"zero", 10, 0, 5, 0},
		{"MinAdjustmentMagnitude: 25% of 4 is 1, at least 2", 4, 25, 2, 2},
		{"MinAdjustmentMagnitude applies to scale-in too", 4, -25, 2, -2},
		{"MinAdjustmentMagnitude below the change", 40, 25, 2, 10},
	}
	for _, c := range cases {
		if got := percentChange(c.base, c.pct, c.minMag); got != c.want {
			t.Errorf("%s: percentChange(%d, %d, %d) = %d, want %d", c.name, c.base, c.pct, c.minMag, got, c.want)
		}
	}
}

// The example of the step scaling guide: threshold 50, scale-out steps
// [0,10) 0 / [10,20) +10 / [20,∞) +30, scale-in steps (-10,0] 0 /
// (-20,-10] -10 / (-∞,-20] -30.
var (
	outSteps = []StepAdjustment{
		{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(10), ScalingAdjustment: 0},
		{MetricIntervalLowerBound: f64(10), MetricIntervalUpperBound: f64(20), ScalingAdjustment: 10},
		{MetricIntervalLowerBound: f64(20), ScalingAdjustment: 30},
	}
	inSteps = []StepAdjustment{
		{MetricIntervalLowerBound: f64(-10), MetricIntervalUpperBound: f64(0), ScalingAdjustment: 0},
		{MetricIntervalLowerBound: f64(-20), MetricIntervalUpperBound: f64(-10), ScalingAdjustment: -10},
		{MetricIntervalUpperBound: f64(-20), ScalingAdjustment: -30},
	}
)

func TestFindStep(t *testing.T) {
	cases := []struct {
		steps  []StepAdjustment
		metric float64
		want   int32
		found  bool
	}{
		{outSteps, 50, 0, true},
		{outSteps, 59.9, 0, true},
		{outSteps, 60, 10, true},
		{outSteps, 69.9, 10, true},
		{outSteps, 70, 30, true},
		{outSteps, 1e6, 30, true},
		{outSteps, 49, 0, false},
		{inSteps, 50, 0, true},
		{inSteps, 40.1, 0, true},
		{inSteps, 40, -10, true},
		{inSteps, 30.1, -10, true},
		{inSteps, 30, -30, true},
		{inSteps, 51, 0, false},
	}
	for _, c := range cases {
		s, ok := findStep(c.steps, c.metric-50)
		if ok != c.found || (ok && s.ScalingAdjustment != c.want) {
			t.Errorf("metric %v: step %+v, %v; want adjustment %d, %v", c.metric, s, ok, c.want, c.found)
		}
	}
}

// The guide's walk-through, played through the engine: 10 → 11 (+10 %),
// 11 → 14 (+30 % of 11 = 3.3 → 3), 14 → 13 (−10 % of 14 = −1.4 → −1),
// 13 → 10 (−30 % of 13 = −3.9 → −3).
func TestStepScalingGuideExample(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 10})
	h.register(frontend, 1, 100)
	h.stepPolicy(frontend, "out", StepScalingPolicyConfiguration{AdjustmentType: PercentChangeInCapacity, StepAdjustments: outSteps}, "cpu-high", 50, "GreaterThanOrEqualToThreshold")
	h.stepPolicy(frontend, "in", StepScalingPolicyConfiguration{AdjustmentType: PercentChangeInCapacity, StepAdjustments: inSteps}, "cpu-low", 50, "LessThanOrEqualToThreshold")
	h.cw.setState(t, "cpu-low", StateOK, 55)
	steps := []struct {
		at        time.Duration
		high, low AlarmState
		metric    float64
		want      int
	}{
		{0, StateAlarm, StateOK, 60, 11},
		{5 * time.Minute, StateAlarm, StateOK, 70, 14},
		{10 * time.Minute, StateOK, StateAlarm, 40, 13},
		{15 * time.Minute, StateOK, StateAlarm, 30, 10},
		{20 * time.Minute, StateOK, StateAlarm, 45, 10},
	}
	for _, s := range steps {
		h.cw.setState(t, "cpu-high", s.high, s.metric)
		h.cw.setState(t, "cpu-low", s.low, s.metric)
		h.e.Tick(monday.Add(s.at))
		if got := h.cap.get(frontend); got != s.want {
			t.Fatalf("at %s metric %v: desired count = %d, want %d", s.at, s.metric, got, s.want)
		}
	}
}

// Step scaling cooldown, the guide's example: +2, then during the cooldown
// a +3 step adds only 1, because "the previous increase of 2 is considered
// part of the current capacity"; scale-in waits for the cooldown.
func TestStepScalingCooldown(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 10})
	h.register(frontend, 1, 100)
	h.stepPolicy(frontend, "out", StepScalingPolicyConfiguration{
		AdjustmentType: ChangeInCapacity,
		StepAdjustments: []StepAdjustment{
			{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(10), ScalingAdjustment: 2},
			{MetricIntervalLowerBound: f64(10), ScalingAdjustment: 3},
		},
	}, "high", 50, GreaterThanThreshold)
	h.stepPolicy(frontend, "in", StepScalingPolicyConfiguration{
		AdjustmentType:  ChangeInCapacity,
		Cooldown:        i32(120),
		StepAdjustments: []StepAdjustment{{MetricIntervalUpperBound: f64(0), ScalingAdjustment: -1}},
	}, "low", 20, LessThanThreshold)
	h.cw.setState(t, "low", StateOK, 30)
	steps := []struct {
		at        time.Duration
		high, low AlarmState
		metric    float64
		want      int
	}{
		{0, StateAlarm, StateOK, 55, 12},
		{time.Minute, StateAlarm, StateOK, 55, 12},
		{2 * time.Minute, StateAlarm, StateOK, 65, 13},
		{3 * time.Minute, StateAlarm, StateOK, 65, 13},
		{7 * time.Minute, StateAlarm, StateOK, 55, 15}, // default 300 s cooldown over
		{8 * time.Minute, StateOK, StateAlarm, 10, 14},
		{9 * time.Minute, StateOK, StateAlarm, 10, 14}, // scale-in cooldown 120 s
		{10 * time.Minute, StateOK, StateAlarm, 10, 13},
	}
	for _, s := range steps {
		h.cw.setState(t, "high", s.high, s.metric)
		h.cw.setState(t, "low", s.low, s.metric)
		h.e.Tick(monday.Add(s.at))
		if got := h.cap.get(frontend); got != s.want {
			t.Fatalf("at %s: desired count = %d, want %d", s.at, got, s.want)
		}
	}
}

// ExactCapacity, and MetricAggregationType over the alarm's datapoints.
func TestStepAdjustmentTypes(t *testing.T) {
	steps := []StepAdjustment{
		{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(20), ScalingAdjustment: 1},
		{MetricIntervalLowerBound: f64(20), ScalingAdjustment: 5},
	}
	cases := []struct {
		name        string
		typ         AdjustmentType
		aggregation string
		points      []float64
		want        int
	}{
		{"ChangeInCapacity, Average of 10, 80, 50 is 46.7: +1", ChangeInCapacity, "", []float64{10, 80, 50}, 5},
		{"Maximum 80: +5", ChangeInCapacity, AggregationMaximum, []float64{10, 80, 50}, 9},
		{"Minimum 10 is below the threshold: no step", ChangeInCapacity, AggregationMinimum, []float64{10, 80, 50}, 4},
		{"ExactCapacity", ExactCapacity, AggregationAverage, []float64{70}, 5},
		{"PercentChangeInCapacity 5% of 4 rounds to 1", PercentChangeInCapacity, "", []float64{70}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{frontend: 4})
			h.register(frontend, 1, 20)
			h.stepPolicy(frontend, "p", StepScalingPolicyConfiguration{AdjustmentType: c.typ, MetricAggregationType: c.aggregation, StepAdjustments: steps}, "a", 40, GreaterThanThreshold)
			h.cw.setState(t, "a", StateAlarm, c.points...)
			h.e.Tick(monday)
			if got := h.cap.get(frontend); got != c.want {
				t.Errorf("desired count = %d, want %d", got, c.want)
			}
		})
	}
}

// An alarm action runs the target's policies at once; Tick does not run
// them again in the action's minute,
// and re-invokes them the next minute while the alarm stays in ALARM. An
// unknown policy ARN is ObjectNotFound.
func TestInvokePolicy(t *testing.T) {
	cases := []struct {
		name     string
		cooldown int32
		// want: after the action, after a Tick in its minute, after the
		// next minute's Tick.
		want [3]int
	}{
		{"no cooldown: the next minute adds 2 more", 0, [3]int{6, 6, 8}},
		{"inside the cooldown the next minute computes from the same base", 300, [3]int{6, 6, 6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{api: 4})
			h.register(api, 1, 20)
			h.stepPolicy(api, "out", StepScalingPolicyConfiguration{
				AdjustmentType: ChangeInCapacity, Cooldown: i32(c.cooldown),
				StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: f64(0), ScalingAdjustment: 2}},
			}, "high", 1000, GreaterThanThreshold)
			// The action runs first in its minute, as when the minute's
			// evaluation moves the alarm.
			h.cw.setState(t, "high", StateAlarm, 1500)
			alarm, _ := h.cw.get("high")
			if err := h.e.InvokePolicy(alarm.AlarmActions[0]); err != nil {
				t.Fatal(err)
			}
			got := [3]int{h.cap.get(api)}
			h.e.Tick(monday)
			got[1] = h.cap.get(api)
			h.clock.set(monday.Add(time.Minute))
			h.e.Tick(monday.Add(time.Minute))
			got[2] = h.cap.get(api)
			if got != c.want {
				t.Errorf("desired counts %v, want %v", got, c.want)
			}
		})
	}
	h := newHarness(t, map[string]int{api: 4})
	apiError(t, h.e.InvokePolicy("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:resource/ecs/service/c/s:policyName/gone"), ErrCodeObjectNotFound)
}
