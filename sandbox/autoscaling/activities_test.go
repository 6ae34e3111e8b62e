package autoscaling

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// A SetDesiredCount error makes a Failed activity with the error as its
// reason, calls OnFailedActivity, and starts no cooldown.
func TestFailedActivity(t *testing.T) {
	var h *harness
	var seen []ScalingActivity
	var mu sync.Mutex
	h = newHarness(t, map[string]int{frontend: 2}, OnFailedActivity(func(a ScalingActivity) {
		// The hook may call back into the engine.
		if _, err := h.e.DescribeScalingActivities(DescribeScalingActivitiesInput{ServiceNamespace: "ecs"}); err != nil {
			t.Errorf("DescribeScalingActivities from the hook: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, a)
	}))
	h.register(frontend, 2, 10)
	high, _ := h.targetTracking(frontend, "cpu", tpl(70, ECSServiceAverageCPUUtilization, 180, 600))
	h.cap.failWith(frontend, errors.New("unable to place a task: RESOURCE:ENI"))
	h.cw.setState(t, high, StateAlarm, 95)

	h.e.Tick(monday)
	acts := h.activities(frontend, false)
	if len(acts) != 1 {
		t.Fatalf("activities = %+v", acts)
	}
	a := acts[0]
	if a.StatusCode != StatusFailed || a.StatusMessage != "Failed to set desired count to 3. Reason: unable to place a task: RESOURCE:ENI" || a.Description != "Setting desired count to 3." {
		t.Errorf("failed activity = %+v", a)
	}
	mu.Lock()
	if len(seen) != 1 || seen[0].ActivityId != a.ActivityId {
		t.Errorf("hook saw %+v, want the failed activity", seen)
	}
	mu.Unlock()

	// No cooldown started: the next minute tries again, from 2.
	h.cap.failWith(frontend, nil)
	h.e.Tick(monday.Add(time.Minute))
	if got := h.cap.get(frontend); got != 3 {
		t.Errorf("desired count after the retry = %d, want 3", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 {
		t.Errorf("hook called %d times, want 1", len(seen))
	}
}

// RegisterScalableTarget moves the desired count into the new range at
// once, with AWS's causes; a failure there is a failed activity too.
func TestRegisterEnforcesBounds(t *testing.T) {
	cases := []struct {
		name          string
		current       int
		lo, hi        int32
		fail          bool
		want          int
		cause, status string
	}{
		{"inside: nothing", 5, 2, 10, false, 5, "", ""},
		{"below min", 1, 2, 10, false, 2, "minimum capacity was set to 2", string(StatusSuccessful)},
		{"above max", 12, 2, 10, false, 10, "maximum capacity was set to 10", string(StatusSuccessful)},
		{"ECS refuses", 1, 2, 10, true, 1, "minimum capacity was set to 2", string(StatusFailed)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{frontend: c.current})
			if c.fail {
				h.cap.failWith(frontend, errors.New("service is draining"))
			}
			h.register(frontend, c.lo, c.hi)
			if got := h.cap.get(frontend); got != c.want {
				t.Errorf("desired count = %d, want %d", got, c.want)
			}
			acts := h.activities(frontend, false)
			if c.cause == "" {
				if len(acts) != 0 {
					t.Errorf("activities = %+v, want none", acts)
				}
				return
			}
			if len(acts) != 1 || acts[0].Cause != c.cause || string(acts[0].StatusCode) != c.status {
				t.Errorf("activities = %+v, want one %s caused by %q", acts, c.status, c.cause)
			}
			if failed := h.failedActivities(); (len(failed) == 1) != c.fail {
				t.Errorf("OnFailedActivity saw %+v", failed)
			}
		})
	}

	// An update that names only SuspendedState keeps the capacities.
	h := newHarness(t, map[string]int{frontend: 3})
	h.register(frontend, 2, 10)
	h.suspend(frontend, SuspendedState{DynamicScalingInSuspended: ptr(true)})
	tg := h.target(frontend)
	if tg.MinCapacity != 2 || tg.MaxCapacity != 10 || !*tg.SuspendedState.DynamicScalingInSuspended || *tg.SuspendedState.ScheduledScalingSuspended {
		t.Errorf("target after a SuspendedState update = %+v", tg)
	}
}

// Activities page newest first with stable tokens; not-scaled ones only
// on request; ResourceId filters.
func TestActivityPagination(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 1, api: 1})
	h.register(frontend, 1, 8)
	h.register(api, 1, 8)
	h.stepPolicy(frontend, "grow", StepScalingPolicyConfiguration{
		AdjustmentType:  ChangeInCapacity,
		Cooldown:        i32(0),
		StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: f64(0), ScalingAdjustment: 1}},
	}, "always", 0, GreaterThanThreshold)
	h.cw.setState(t, "always", StateAlarm, 1)
	for i := range 9 {
		h.e.Tick(monday.Add(time.Duration(i) * time.Minute))
	}
	// 7 scale-outs (1 → 8), then 2 minutes at max.
	describe := func(in DescribeScalingActivitiesInput) DescribeScalingActivitiesOutput {
		t.Helper()
		in.ServiceNamespace = "ecs"
		out, err := h.e.DescribeScalingActivities(in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	descriptions := func(acts []ScalingActivity) []string {
		var out []string
		for _, a := range acts {
			out = append(out, a.Description)
		}
		return out
	}

	p1 := describe(DescribeScalingActivitiesInput{ResourceId: frontend, MaxResults: 3})
	if got, want := descriptions(p1.ScalingActivities), []string{"Setting desired count to 8.", "Setting desired count to 7.", "Setting desired count to 6."}; !slices.Equal(got, want) || p1.NextToken == "" {
		t.Fatalf("page 1 = %v (next %q), want %v", got, p1.NextToken, want)
	}
	// A new activity between pages neither repeats nor shifts the listing.
	h.cap.set(frontend, 9)
	h.register(frontend, 1, 8)
	p2 := describe(DescribeScalingActivitiesInput{MaxResults: 3, NextToken: p1.NextToken, ResourceId: frontend})
	p3 := describe(DescribeScalingActivitiesInput{MaxResults: 3, NextToken: p2.NextToken, ResourceId: frontend})
	if got, want := descriptions(append(p2.ScalingActivities, p3.ScalingActivities...)), []string{
		"Setting desired count to 5.", "Setting desired count to 4.", "Setting desired count to 3.", "Setting desired count to 2.",
	}; !slices.Equal(got, want) || p3.NextToken != "" {
		t.Fatalf("pages 2 and 3 = %v (last next %q), want %v", got, p3.NextToken, want)
	}
	if _, err := h.e.DescribeScalingActivities(DescribeScalingActivitiesInput{ServiceNamespace: "ecs", NextToken: encodeToken("policies", "x")}); err == nil {
		t.Error("a policies token was accepted for activities")
	}

	withNotScaled := describe(DescribeScalingActivitiesInput{ResourceId: frontend, IncludeNotScaledActivities: true})
	if n := len(withNotScaled.ScalingActivities); n != 10 {
		t.Errorf("with not-scaled activities: %d, want 10", n)
	}
	if r := withNotScaled.ScalingActivities[1].NotScaledReasons; len(r) != 1 || r[0].Code != AlreadyAtMaxCapacity || *r[0].MaxCapacity != 8 {
		t.Errorf("newest not-scaled reasons = %+v", r)
	}
	all := describe(DescribeScalingActivitiesInput{})
	if n := len(all.ScalingActivities); n != 8 || all.ScalingActivities[0].Cause != "maximum capacity was set to 8" {
		t.Errorf("all resources: %d activities, newest %+v; want 8, newest the register", n, all.ScalingActivities[0])
	}
	if none := describe(DescribeScalingActivitiesInput{ResourceId: api}); len(none.ScalingActivities) != 0 {
		t.Errorf("api-service has activities %+v", none.ScalingActivities)
	}
}

func TestTargetAndPolicyPagination(t *testing.T) {
	counts := map[string]int{}
	for i := range 5 {
		counts[fmt.Sprintf("service/c/s%d", i)] = 1
	}
	h := newHarness(t, counts)
	for id := range counts {
		h.register(id, 1, 5)
		for _, name := range []string{"a", "b"} {
			h.targetTracking(id, name, tpl(70, ECSServiceAverageCPUUtilization, 60, 60))
			h.scheduled(PutScheduledActionInput{ScheduledActionName: name, ResourceId: id, Schedule: "rate(1 day)", ScalableTargetAction: &ScalableTargetAction{MaxCapacity: i32(5)}})
		}
	}
	var ids []string
	token := ""
	for {
		out, err := h.e.DescribeScalableTargets(DescribeScalableTargetsInput{ServiceNamespace: "ecs", MaxResults: 2, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range out.ScalableTargets {
			ids = append(ids, tg.ResourceId)
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	if !slices.Equal(ids, []string{"service/c/s0", "service/c/s1", "service/c/s2", "service/c/s3", "service/c/s4"}) {
		t.Errorf("targets paged as %v", ids)
	}

	var policies []string
	token = ""
	for {
		out, err := h.e.DescribeScalingPolicies(DescribeScalingPoliciesInput{ServiceNamespace: "ecs", MaxResults: 3, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.ScalingPolicies {
			policies = append(policies, p.ResourceId[len("service/c/"):]+"/"+p.PolicyName)
		}
		if token = out.NextToken; token == "" {
			break
		}
	}
	if len(policies) != 10 || policies[0] != "s0/a" || policies[9] != "s4/b" {
		t.Errorf("policies paged as %v", policies)
	}

	out, err := h.e.DescribeScheduledActions(DescribeScheduledActionsInput{ServiceNamespace: "ecs", ResourceId: "service/c/s3", ScheduledActionNames: []string{"b"}})
	if err != nil || len(out.ScheduledActions) != 1 || out.ScheduledActions[0].ScheduledActionName != "b" || out.ScheduledActions[0].ResourceId != "service/c/s3" {
		t.Errorf("filtered scheduled actions = %+v, %v", out, err)
	}
}

// History keeps six weeks, and at most the configured number.
func TestActivityRetention(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 1}, WithMaxActivities(4))
	h.register(frontend, 1, 100)
	h.stepPolicy(frontend, "grow", StepScalingPolicyConfiguration{
		AdjustmentType:  ChangeInCapacity,
		Cooldown:        i32(0),
		StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: f64(0), ScalingAdjustment: 1}},
	}, "always", 0, GreaterThanThreshold)
	h.cw.setState(t, "always", StateAlarm, 1)
	for i := range 6 {
		h.e.Tick(monday.Add(time.Duration(i) * time.Minute))
	}
	acts := h.activities(frontend, false)
	if len(acts) != 4 || acts[0].Description != "Setting desired count to 7." || acts[3].Description != "Setting desired count to 4." {
		t.Errorf("kept %d activities, newest %q", len(acts), acts[0].Description)
	}
	h.e.Tick(monday.Add(ActivityRetention + 4*time.Minute))
	acts = h.activities(frontend, false)
	if len(acts) != 3 || acts[0].Description != "Setting desired count to 8." {
		t.Errorf("after six weeks: %+v", acts)
	}
}

// API calls and Tick from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, map[string]int{frontend: 2, api: 2})
	h.register(frontend, 1, 20)
	high, _ := h.targetTracking(frontend, "cpu", tpl(70, ECSServiceAverageCPUUtilization, 0, 0))
	h.cw.setState(t, high, StateAlarm, 80)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			h.e.Tick(monday.Add(time.Duration(i) * time.Minute))
		}
	})
	wg.Go(func() {
		for i := range 50 {
			lo := int32(1 + i%3)
			hi := int32(10 + i%5)
			if _, err := h.e.RegisterScalableTarget(RegisterScalableTargetInput{ServiceNamespace: "ecs", ScalableDimension: ScalableDimensionECSServiceDesiredCount, ResourceId: api, MinCapacity: &lo, MaxCapacity: &hi}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for i := range 50 {
			name := fmt.Sprint("s", i%4)
			if err := h.e.PutScheduledAction(PutScheduledActionInput{ScheduledActionName: name, ServiceNamespace: "ecs", ScalableDimension: ScalableDimensionECSServiceDesiredCount,
				ResourceId: frontend, Schedule: "rate(2 minutes)", ScalableTargetAction: &ScalableTargetAction{MaxCapacity: i32(20)}}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for range 50 {
			if _, err := h.e.DescribeScalingActivities(DescribeScalingActivitiesInput{ServiceNamespace: "ecs", IncludeNotScaledActivities: true}); err != nil {
				t.Error(err)
			}
			if _, err := h.e.DescribeScalingPolicies(DescribeScalingPoliciesInput{ServiceNamespace: "ecs"}); err != nil {
				t.Error(err)
			}
			_ = h.e.String()
		}
	})
	wg.Wait()
	if got := h.cap.get(frontend); got != 20 {
		t.Errorf("desired count = %d after 50 minutes at 80 %% CPU, want the max 20", got)
	}
}
