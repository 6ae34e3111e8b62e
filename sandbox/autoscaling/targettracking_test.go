package autoscaling

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The runbook's frontend policy: target 70 % CPU, ScaleOutCooldown 180 s,
// ScaleInCooldown 600 s, on a target of min 2 max 10, played minute by
// minute. Each step sets both alarms (with the same newest datapoint),
// ticks, and checks the desired count and any not-scaled activity.
func TestFrontendTargetTracking(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 2})
	h.register(frontend, 2, 10)
	high, low := h.targetTracking(frontend, "cpu-scaling-policy", tpl(70, ECSServiceAverageCPUUtilization, 180, 600))

	steps := []struct {
		name      string
		at        time.Duration
		high, low AlarmState
		metric    float64
		want      int
		notScaled string
	}{
		{"AlarmHigh at 95 scales 2 to ceil(2×95/70)=3", 0, StateAlarm, StateOK, 95, 3, ""},
		{"same computed capacity inside the 180 s cooldown does not scale", time.Minute, StateAlarm, StateOK, 95, 3, AlreadyAtDesiredCapacity},
		{"larger computed capacity inside the cooldown scales: ceil(2×120/70)=4", 2 * time.Minute, StateAlarm, StateOK, 120, 4, ""},
		{"the larger scale-out restarted the cooldown, base still 2", 3 * time.Minute, StateAlarm, StateOK, 120, 4, AlreadyAtDesiredCapacity},
		{"cooldown over 180 s after the last scale-out: ceil(4×95/70)=6", 5 * time.Minute, StateAlarm, StateOK, 95, 6, ""},
		{"clamped to max: ceil(6×200/70)=18 → 10", 8 * time.Minute, StateAlarm, StateOK, 200, 10, ""},
		{"at max", 11 * time.Minute, StateAlarm, StateOK, 95, 10, AlreadyAtMaxCapacity},
		{"metric at the target with no alarm does nothing", 12 * time.Minute, StateOK, StateOK, 70, 10, ""},
		{"AlarmLow at 30 scales in: remove floor(10−10×30/70)=5", 13 * time.Minute, StateOK, StateAlarm, 30, 5, ""},
		{"scale-in cooldown blocks the next scale-in", 14 * time.Minute, StateOK, StateAlarm, 30, 5, ""},
		{"still inside 600 s", 22 * time.Minute, StateOK, StateAlarm, 30, 5, ""},
		{"600 s after the scale-in: remove floor(5−5×30/70)=2", 23 * time.Minute, StateOK, StateAlarm, 30, 3, ""},
		{"scale-out during the scale-in cooldown happens at once: ceil(3×80/70)=4", 24 * time.Minute, StateAlarm, StateOK, 80, 4, ""},
		{"that scale-out ended the scale-in cooldown: remove floor(4−4×30/70)=2", 25 * time.Minute, StateOK, StateAlarm, 30, 2, ""},
		{"inside the new scale-in cooldown", 30 * time.Minute, StateOK, StateAlarm, 30, 2, ""},
		{"stops at min 2", 35 * time.Minute, StateOK, StateAlarm, 30, 2, AlreadyAtMinCapacity},
		{"removing a task would overshoot the target: no change", 46 * time.Minute, StateOK, StateAlarm, 60, 2, AlreadyAtDesiredCapacity},
	}
	seen := 0
	for _, s := range steps {
		h.cw.setState(t, high, s.high, s.metric)
		h.cw.setState(t, low, s.low, s.metric)
		h.e.Tick(monday.Add(s.at))
		if got := h.cap.get(frontend); got != s.want {
			t.Fatalf("%s: desired count = %d, want %d", s.name, got, s.want)
		}
		all := h.activities(frontend, true)
		fresh := all[:len(all)-seen]
		seen = len(all)
		var reasons []string
		for _, a := range fresh {
			for _, r := range a.NotScaledReasons {
				reasons = append(reasons, r.Code)
			}
		}
		want := []string(nil)
		if s.notScaled != "" {
			want = []string{s.notScaled}
		}
		if !slices.Equal(reasons, want) {
			t.Fatalf("%s: not-scaled reasons %v, want %v", s.name, reasons, want)
		}
	}

	acts := h.activities(frontend, false)
	if len(acts) != 8 {
		t.Fatalf("scaled activities = %d, want 8: %+v", len(acts), acts)
	}
	first := acts[len(acts)-1]
	wantFirst := ScalingActivity{
		ActivityId:        first.ActivityId,
		ServiceNamespace:  "ecs",
		ResourceId:        frontend,
		ScalableDimension: "ecs:service:DesiredCount",
		Description:       "Setting desired count to 3.",
		Cause:             "monitor alarm " + high + " in state ALARM triggered policy cpu-scaling-policy",
		StartTime:         monday,
		EndTime:           monday,
		StatusCode:        StatusSuccessful,
		StatusMessage:     "Successfully set desired count to 3. Change successfully fulfilled by ecs.",
	}
	if !equalActivity(first, wantFirst) {
		t.Errorf("first activity\n got %+v\nwant %+v", first, wantFirst)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(first.ActivityId) {
		t.Errorf("ActivityId %q is not a UUID", first.ActivityId)
	}
	if c := acts[len(acts)-5].Cause; !strings.Contains(c, "alarm "+low+" in state ALARM") {
		t.Errorf("scale-in cause %q does not name AlarmLow", c)
	}
	maxed := h.activities(frontend, true)
	for _, a := range maxed {
		if len(a.NotScaledReasons) > 0 && a.NotScaledReasons[0].Code == AlreadyAtMaxCapacity {
			if a.StatusCode != StatusFailed || a.Description != "Attempting to scale due to alarm triggered" || *a.NotScaledReasons[0].MaxCapacity != 10 {
				t.Errorf("AlreadyAtMaxCapacity activity = %+v", a)
			}
		}
	}
}

func equalActivity(a, b ScalingActivity) bool {
	return a.ActivityId == b.ActivityId && a.ServiceNamespace == b.ServiceNamespace && a.ResourceId == b.ResourceId &&
		a.ScalableDimension == b.ScalableDimension && a.Description == b.Description && a.Cause == b.Cause &&
		a.StartTime.Equal(b.StartTime) && a.EndTime.Equal(b.EndTime) && a.StatusCode == b.StatusCode &&
		a.StatusMessage == b.StatusMessage && len(a.NotScaledReasons) == len(b.NotScaledReasons)
}

// What may stop a target tracking policy from scaling: alarm states,
// DisableScaleIn, suspension and deployments. The target starts at 6 of
// [2, 10]; AlarmHigh at 95 would scale to 9, AlarmLow at 30 to 3.
func TestTargetTrackingGuards(t *testing.T) {
	cases := []struct {
		name           string
		high, low      AlarmState
		metric         float64
		disableScaleIn bool
		suspended      *SuspendedState
		deploying      bool
		want           int
	}{
		{"scale-in", StateOK, StateAlarm, 30, false, nil, false, 3},
		{"AlarmHigh INSUFFICIENT_DATA blocks scale-in", StateInsufficientData, StateAlarm, 30, false, nil, false, 6},
		{"AlarmLow INSUFFICIENT_DATA: nothing", StateOK, StateInsufficientData, 30, false, nil, false, 6},
		{"DisableScaleIn", StateOK, StateAlarm, 30, true, nil, false, 6},
		{"DisableScaleIn still scales out", StateAlarm, StateOK, 95, true, nil, false, 9},
		{"DynamicScalingInSuspended", StateOK, StateAlarm, 30, false, &SuspendedState{DynamicScalingInSuspended: ptr(true)}, false, 6},
		{"DynamicScalingInSuspended still scales out", StateAlarm, StateOK, 95, false, &SuspendedState{DynamicScalingInSuspended: ptr(true)}, false, 9},
		{"DynamicScalingOutSuspended", StateAlarm, StateOK, 95, false, &SuspendedState{DynamicScalingOutSuspended: ptr(true)}, false, 6},
		{"DynamicScalingOutSuspended still scales in", StateOK, StateAlarm, 30, false, &SuspendedState{DynamicScalingOutSuspended: ptr(true)}, false, 3},
		{"deployment blocks scale-in", StateOK, StateAlarm, 30, false, nil, true, 6},
		{"deployment lets scale-out through", StateAlarm, StateOK, 95, false, nil, true, 9},
		{"ALARM without datapoints", StateAlarm, StateOK, math.NaN(), false, nil, false, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{frontend: 6}, WithDeployments(fakeDeployments{frontend: c.deploying}))
			h.register(frontend, 2, 10)
			cfg := tpl(70, ECSServiceAverageCPUUtilization, 180, 600)
			cfg.DisableScaleIn = c.disableScaleIn
			high, low := h.targetTracking(frontend, "cpu", cfg)
			if c.suspended != nil {
				h.suspend(frontend, *c.suspended)
			}
			h.cw.setState(t, high, c.high, c.metric)
			h.cw.setState(t, low, c.low, c.metric)
			h.e.Tick(monday)
			if got := h.cap.get(frontend); got != c.want {
				t.Errorf("desired count = %d, want %d", got, c.want)
			}
		})
	}
}

// Several policies: scale out if any says so, to the largest capacity;
// scale in only if every target tracking policy with scale-in enabled
// agrees, to the largest capacity; a step policy's scale-in is not held
// back.
func TestMultiplePolicies(t *testing.T) {
	type alarm struct {
		state  AlarmState
		metric float64
	}
	cases := []struct {
		name                             string
		cpuHigh, cpuLow, memHigh, memLow alarm
		step                             *alarm
		want                             int
	}{
		{"one asks for scale-out", alarm{StateAlarm, 95}, alarm{StateOK, 95}, alarm{StateOK, 35}, alarm{StateAlarm, 35}, nil, 6},
		{"both scale out: largest wins", alarm{StateAlarm, 95}, alarm{StateOK, 95}, alarm{StateAlarm, 140}, alarm{StateOK, 140}, nil, 8},
		{"one of two asks for scale-in: none", alarm{StateOK, 30}, alarm{StateAlarm, 30}, alarm{StateOK, 60}, alarm{StateOK, 60}, nil, 4},
		{"both scale in: largest capacity", alarm{StateOK, 30}, alarm{StateAlarm, 30}, alarm{StateOK, 50}, alarm{StateAlarm, 50}, nil, 3},
		{"step scale-in is not held back by target tracking", alarm{StateOK, 60}, alarm{StateOK, 60}, alarm{StateOK, 60}, alarm{StateOK, 60}, &alarm{StateAlarm, 10}, 3},
		{"scale-out beats a step scale-in", alarm{StateAlarm, 95}, alarm{StateOK, 95}, alarm{StateOK, 60}, alarm{StateOK, 60}, &alarm{StateAlarm, 10}, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{frontend: 4})
			h.register(frontend, 1, 10)
			cpuHigh, cpuLow := h.targetTracking(frontend, "cpu", tpl(70, ECSServiceAverageCPUUtilization, 180, 600))
			memHigh, memLow := h.targetTracking(frontend, "memory", tpl(70, ECSServiceAverageMemoryUtilization, 180, 600))
			h.stepPolicy(frontend, "queue-drain", StepScalingPolicyConfiguration{
				AdjustmentType:  ChangeInCapacity,
				StepAdjustments: []StepAdjustment{{MetricIntervalUpperBound: f64(0), ScalingAdjustment: -1}},
			}, "queue-low", 20, LessThanThreshold)
			h.cw.setState(t, cpuHigh, c.cpuHigh.state, c.cpuHigh.metric)
			h.cw.setState(t, cpuLow, c.cpuLow.state, c.cpuLow.metric)
			h.cw.setState(t, memHigh, c.memHigh.state, c.memHigh.metric)
			h.cw.setState(t, memLow, c.memLow.state, c.memLow.metric)
			if c.step != nil {
				h.cw.setState(t, "queue-low", c.step.state, c.step.metric)
			}
			h.e.Tick(monday)
			if got := h.cap.get(frontend); got != c.want {
				t.Errorf("desired count = %d, want %d", got, c.want)
			}
		})
	}
}

// The alarms target tracking creates: names, metric, thresholds, periods;
// replaced in place on update, deleted with the policy or the target.
func TestTargetTrackingAlarms(t *testing.T) {
	ecsDims := []MetricDimension{{"ClusterName", "main-cluster"}, {"ServiceName", "frontend-service"}}
	cases := []struct {
		name      string
		cfg       TargetTrackingScalingPolicyConfiguration
		namespace string
		metric    string
		statistic string
		unit      string
		dims      []MetricDimension
		high, low float64
	}{
		{"CPU", tpl(70, ECSServiceAverageCPUUtilization, 180, 600), "AWS/ECS", "CPUUtilization", "Average", "", ecsDims, 70, 63},
		{"memory", tpl(80, ECSServiceAverageMemoryUtilization, 180, 600), "AWS/ECS", "MemoryUtilization", "Average", "", ecsDims, 80, 72},
		{"ALB requests per target", TargetTrackingScalingPolicyConfiguration{
			TargetValue: 1000,
			PredefinedMetricSpecification: &PredefinedMetricSpecification{
				PredefinedMetricType: ALBRequestCountPerTarget,
				ResourceLabel:        "app/main-alb/778d41231b141a0f/targetgroup/frontend-tg/943f017f100becff",
			},
		}, "AWS/ApplicationELB", "RequestCountPerTarget", "Sum", "", []MetricDimension{{"TargetGroup", "targetgroup/frontend-tg/943f017f100becff"}}, 1000, 900},
		{"customized queue depth", TargetTrackingScalingPolicyConfiguration{
			TargetValue: 10,
			CustomizedMetricSpecification: &CustomizedMetricSpecification{
				MetricName: "AIServiceQueueDepth", Namespace: "AIWritingEnhancement",
				Dimensions: []MetricDimension{{"ServiceName", "ai-service"}}, Statistic: "Average", Unit: "Count",
			},
		}, "AIWritingEnhancement", "AIServiceQueueDepth", "Average", "Count", []MetricDimension{{"ServiceName", "ai-service"}}, 10, 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{frontend: 2})
			h.register(frontend, 2, 10)
			out := h.putPolicy(PutScalingPolicyInput{PolicyName: "p", ResourceId: frontend, PolicyType: PolicyTypeTargetTracking, TargetTrackingScalingPolicyConfiguration: &c.cfg})
			wantARN := regexp.MustCompile(`^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource/ecs/service/main-cluster/frontend-service:policyName/p$`)
			if !wantARN.MatchString(out.PolicyARN) {
				t.Errorf("PolicyARN = %q", out.PolicyARN)
			}
			if len(out.Alarms) != 2 {
				t.Fatalf("Alarms = %+v, want 2", out.Alarms)
			}
			for i, kind := range []string{"AlarmHigh", "AlarmLow"} {
				name := out.Alarms[i].AlarmName
				if !regexp.MustCompile(`^TargetTracking-service/main-cluster/frontend-service-` + kind + `-[0-9a-f-]{36}$`).MatchString(name) {
					t.Errorf("alarm name %q", name)
				}
				if arn := out.Alarms[i].AlarmARN; arn != "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"+name {
					t.Errorf("alarm ARN %q", arn)
				}
				a, ok := h.cw.get(name)
				if !ok {
					t.Fatalf("alarm %s was not created", name)
				}
				want := MetricAlarm{
					AlarmName:          name,
					AlarmDescription:   "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + out.PolicyARN + ".",
					AlarmActions:       []string{out.PolicyARN},
					Namespace:          c.namespace,
					MetricName:         c.metric,
					Dimensions:         c.dims,
					Statistic:          c.statistic,
					Unit:               c.unit,
					Period:             time.Minute,
					EvaluationPeriods:  3,
					DatapointsToAlarm:  3,
					Threshold:          c.high,
					ComparisonOperator: GreaterThanThreshold,
					TreatMissingData:   "missing",
				}
				if kind == "AlarmLow" {
					want.EvaluationPeriods, want.DatapointsToAlarm = 15, 15
					want.Threshold, want.ComparisonOperator = c.low, LessThanThreshold
				}
				if !equalAlarm(a, want) {
					t.Errorf("%s\n got %+v\nwant %+v", kind, a, want)
				}
			}

			// An update keeps the names and moves the thresholds.
			upd := c.cfg
			upd.TargetValue *= 2
			again := h.putPolicy(PutScalingPolicyInput{PolicyName: "p", ResourceId: frontend, TargetTrackingScalingPolicyConfiguration: &upd})
			if again.PolicyARN != out.PolicyARN || again.Alarms[0] != out.Alarms[0] || again.Alarms[1] != out.Alarms[1] {
				t.Errorf("update changed identities: %+v then %+v", out, again)
			}
			if a, _ := h.cw.get(out.Alarms[0].AlarmName); a.Threshold != 2*c.high {
				t.Errorf("updated AlarmHigh threshold = %v, want %v", a.Threshold, 2*c.high)
			}

			desc, err := h.e.DescribeScalingPolicies(DescribeScalingPoliciesInput{ServiceNamespace: "ecs", ResourceId: frontend, ScalableDimension: ScalableDimensionECSServiceDesiredCount})
			if err != nil || len(desc.ScalingPolicies) != 1 || !slices.Equal(desc.ScalingPolicies[0].Alarms, out.Alarms) {
				t.Fatalf("DescribeScalingPolicies = %+v, %v", desc, err)
			}

			if err := h.e.DeleteScalingPolicy(DeleteScalingPolicyInput{PolicyName: "p", ServiceNamespace: "ecs", ScalableDimension: ScalableDimensionECSServiceDesiredCount, ResourceId: frontend}); err != nil {
				t.Fatal(err)
			}
			if n := h.cw.count(); n != 0 {
				t.Errorf("%d alarms left after DeleteScalingPolicy", n)
			}
		})
	}
}

func equalAlarm(a, b MetricAlarm) bool {
	return a.AlarmName == b.AlarmName && a.AlarmDescription == b.AlarmDescription && slices.Equal(a.AlarmActions, b.AlarmActions) &&
		a.Namespace == b.Namespace && a.MetricName == b.MetricName && slices.Equal(a.Dimensions, b.Dimensions) &&
		a.Statistic == b.Statistic && a.Unit == b.Unit && a.Period == b.Period && a.EvaluationPeriods == b.EvaluationPeriods &&
		a.DatapointsToAlarm == b.DatapointsToAlarm && math.Abs(a.Threshold-b.Threshold) < 1e-9 &&
		a.ComparisonOperator == b.ComparisonOperator && a.TreatMissingData == b.TreatMissingData
}

// Deregistering a target deletes its policies and their alarms, and leaves
// a step policy's alarm without the action.
func TestDeregisterReleasesAlarms(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 2})
	h.register(frontend, 2, 10)
	h.targetTracking(frontend, "cpu", tpl(70, ECSServiceAverageCPUUtilization, 180, 600))
	h.stepPolicy(frontend, "step", StepScalingPolicyConfiguration{
		AdjustmentType:  ChangeInCapacity,
		StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: f64(0), ScalingAdjustment: 1}},
	}, "custom-high", 80, GreaterThanThreshold)
	desc, err := h.e.DescribeScalingPolicies(DescribeScalingPoliciesInput{ServiceNamespace: "ecs", PolicyNames: []string{"step"}})
	if err != nil || len(desc.ScalingPolicies) != 1 ||
		!slices.Equal(desc.ScalingPolicies[0].Alarms, []Alarm{{"custom-high", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:custom-high"}}) {
		t.Fatalf("step policy = %+v, %v; want its alarm custom-high", desc, err)
	}
	err = h.e.DeregisterScalableTarget(DeregisterScalableTargetInput{ServiceNamespace: "ecs", ScalableDimension: ScalableDimensionECSServiceDesiredCount, ResourceId: frontend})
	if err != nil {
		t.Fatal(err)
	}
	if n := h.cw.count(); n != 1 {
		t.Errorf("%d alarms left, want only the step policy's own", n)
	}
	if a, _ := h.cw.get("custom-high"); len(a.AlarmActions) != 0 {
		t.Errorf("custom-high still has actions %v", a.AlarmActions)
	}
	out, err := h.e.DescribeScalableTargets(DescribeScalableTargetsInput{ServiceNamespace: "ecs"})
	if err != nil || len(out.ScalableTargets) != 0 {
		t.Errorf("DescribeScalableTargets after deregister = %+v, %v", out, err)
	}
}

// A Tick for a minute already processed does nothing.
func TestTickOncePerMinute(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 2})
	h.register(frontend, 2, 10)
	cfg := tpl(70, ECSServiceAverageCPUUtilization, 0, 0)
	high, _ := h.targetTracking(frontend, "cpu", cfg)
	h.cw.setState(t, high, StateAlarm, 95)
	h.e.Tick(monday)
	h.e.Tick(monday.Add(30 * time.Second))
	h.e.Tick(monday)
	if got := h.cap.get(frontend); got != 3 {
		t.Fatalf("desired count = %d after three ticks in one minute, want 3", got)
	}
	h.e.Tick(monday.Add(time.Minute))
	if got := h.cap.get(frontend); got != 5 {
		t.Fatalf("desired count = %d after the next minute, want ceil(3×95/70)=5", got)
	}
}

// WithModel changes the alarm figures and the arithmetic; WithRegion and
// WithAccountID the ARNs.
func TestOptions(t *testing.T) {
	m := DefaultModel()
	m.HighEvaluationPeriods, m.HighDatapointsToAlarm = 2, 2
	m.LowThresholdRatio, m.LowPeriod = 0.8, 5*time.Minute
	m.ScaleOutAim, m.ScaleInAim = 0.5, 0.5
	h := newHarness(t, map[string]int{frontend: 2}, WithModel(m), WithRegion("eu-west-1"), WithAccountID("111122223333"))
	h.register(frontend, 1, 20)
	out := h.putPolicy(PutScalingPolicyInput{PolicyName: "cpu", ResourceId: frontend, PolicyType: PolicyTypeTargetTracking,
		TargetTrackingScalingPolicyConfiguration: ptr(tpl(70, ECSServiceAverageCPUUtilization, 0, 0))})
	if !strings.HasPrefix(out.PolicyARN, "arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:") ||
		!strings.HasPrefix(out.Alarms[0].AlarmARN, "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:") {
		t.Errorf("ARNs %+v", out)
	}
	high, _ := h.cw.get(out.Alarms[0].AlarmName)
	low, _ := h.cw.get(out.Alarms[1].AlarmName)
	if high.EvaluationPeriods != 2 || high.DatapointsToAlarm != 2 || low.Period != 5*time.Minute || math.Abs(low.Threshold-56) > 1e-9 {
		t.Errorf("alarms %+v / %+v", high, low)
	}
	h.cw.setState(t, high.AlarmName, StateAlarm, 77)
	h.cw.setState(t, low.AlarmName, StateOK, 77)
	h.e.Tick(monday)
	if got := h.cap.get(frontend); got != 5 {
		t.Errorf("scale-out aiming at half the target: %d, want ceil(2×77/35)=5", got)
	}
	h.cap.set(frontend, 10)
	h.cw.setState(t, high.AlarmName, StateOK, 30)
	h.cw.setState(t, low.AlarmName, StateAlarm, 30)
	h.e.Tick(monday.Add(time.Minute))
	if got := h.cap.get(frontend); got != 9 {
		t.Errorf("scale-in aiming at half the target: %d, want 10 − floor(10 − 10×30/35) = 9", got)
	}
	if tg := h.target(frontend); !strings.HasPrefix(tg.ScalableTargetARN, "arn:aws:application-autoscaling:eu-west-1:111122223333:scalable-target/") ||
		tg.RoleARN != "arn:aws:iam::111122223333:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService" {
		t.Errorf("target %+v", tg)
	}
	if s := h.e.String(); !strings.Contains(s, "eu-west-1") || !strings.Contains(s, "< 0.8 × target") {
		t.Errorf("String() = %q", s)
	}
}
