package autoscaling

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The runbook's scheduled scaling of api-service: business hours
// cron(0 8 ? * MON-FRI *) sets min 4 max 20, night hours
// cron(0 20 ? * MON-FRI *) sets min 2 max 10.
func TestRunbookScheduledScaling(t *testing.T) {
	h := newHarness(t, map[string]int{api: 2})
	h.register(api, 2, 10)
	h.scheduled(PutScheduledActionInput{ScheduledActionName: "business-hours-scaling", ResourceId: api, Schedule: "cron(0 8 ? * MON-FRI *)",
		ScalableTargetAction: &ScalableTargetAction{MinCapacity: i32(4), MaxCapacity: i32(20)}})
	h.scheduled(PutScheduledActionInput{ScheduledActionName: "night-hours-scaling", ResourceId: api, Schedule: "cron(0 20 ? * MON-FRI *)",
		ScalableTargetAction: &ScalableTargetAction{MinCapacity: i32(2), MaxCapacity: i32(10)}})

	steps := []struct {
		name           string
		at             time.Time
		setCurrent     int
		min, max, want int32
	}{
		{"Monday 07:59: nothing yet", monday.Add(7*time.Hour + 59*time.Minute), 0, 2, 10, 2},
		{"Monday 08:00: business hours raise 2 to min 4", monday.Add(8 * time.Hour), 0, 4, 20, 4},
		{"Monday 08:01: nothing more", monday.Add(8*time.Hour + time.Minute), 0, 4, 20, 4},
		{"Monday 20:00: night hours scale 15 in to max 10", monday.Add(20 * time.Hour), 15, 2, 10, 10},
	}
	for _, s := range steps {
		if s.setCurrent != 0 {
			h.cap.set(api, s.setCurrent)
		}
		h.e.Tick(s.at)
		tg := h.target(api)
		if tg.MinCapacity != s.min || tg.MaxCapacity != s.max || int32(h.cap.get(api)) != s.want {
			t.Fatalf("%s: min %d max %d desired %d, want %d %d %d", s.name, tg.MinCapacity, tg.MaxCapacity, h.cap.get(api), s.min, s.max, s.want)
		}
	}

	acts := h.activities(api, false)
	want := []struct{ description, cause, message string }{
		{"Setting desired count to 10.", "maximum capacity was set to 10", "Successfully set desired count to 10. Change successfully fulfilled by ecs."},
		{"Setting min capacity to 2 and max capacity to 10", "scheduled action name night-hours-scaling was triggered", "Successfully set min capacity to 2 and max capacity to 10"},
		{"Setting desired count to 4.", "minimum capacity was set to 4", "Successfully set desired count to 4. Change successfully fulfilled by ecs."},
		{"Setting min capacity to 4 and max capacity to 20", "scheduled action name business-hours-scaling was triggered", "Successfully set min capacity to 4 and max capacity to 20"},
	}
	if len(acts) != len(want) {
		t.Fatalf("activities = %+v, want %d", acts, len(want))
	}
	for i, w := range want {
		a := acts[i]
		if a.Description != w.description || a.Cause != w.cause || a.StatusMessage != w.message || a.StatusCode != StatusSuccessful {
			t.Errorf("activity %d = %q / %q / %q / %s, want %q / %q / %q", i, a.Description, a.Cause, a.StatusMessage, a.StatusCode, w.description, w.cause, w.message)
		}
	}

	out, err := h.e.DescribeScheduledActions(DescribeScheduledActionsInput{ServiceNamespace: "ecs", ResourceId: api})
	if err != nil || len(out.ScheduledActions) != 2 {
		t.Fatalf("DescribeScheduledActions = %+v, %v", out, err)
	}
	b := out.ScheduledActions[0]
	if b.ScheduledActionName != "business-hours-scaling" || b.Schedule != "cron(0 8 ? * MON-FRI *)" || *b.ScalableTargetAction.MinCapacity != 4 ||
		!regexp.MustCompile(`^arn:aws:autoscaling:us-east-1:123456789012:scheduledAction:[0-9a-f-]{36}:resource/ecs/service/main-cluster/api-service:scheduledActionName/business-hours-scaling$`).MatchString(b.ScheduledActionARN) {
		t.Errorf("business-hours-scaling = %+v", b)
	}
}

// When a schedule fires, tick by tick. Each case ticks every minute from
// its first tick to its last and lists the minutes the action ran in.
func TestScheduleTiming(t *testing.T) {
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, time.UTC) }
	july := func(hour, minute int) time.Time { return time.Date(2026, 7, 6, hour, minute, 0, 0, time.UTC) }
	cases := []struct {
		name        string
		created     time.Time
		in          PutScheduledActionInput
		first, last time.Time
		ticks       []time.Time // instead of every minute from first to last
		want        []time.Time
	}{
		{
			name:  "America/New_York shifts 08:00 to 13:00 UTC in winter",
			in:    PutScheduledActionInput{Schedule: "cron(0 8 ? * MON-FRI *)", Timezone: "America/New_York"},
			ticks: []time.Time{at(2, 8, 0), at(2, 12, 59), at(2, 13, 0), at(2, 13, 1)},
			want:  []time.Time{at(2, 13, 0)},
		},
		{
			name:  "and to 12:00 UTC in summer (DST)",
			in:    PutScheduledActionInput{Schedule: "cron(0 8 ? * MON-FRI *)", Timezone: "America/New_York"},
			ticks: []time.Time{july(8, 0), july(11, 59), july(12, 0), july(12, 1)},
			want:  []time.Time{july(12, 0)},
		},
		{
			name:  "business hours run on Friday",
			in:    PutScheduledActionInput{Schedule: "cron(0 8 ? * MON-FRI *)"},
			first: at(6, 7, 58), last: at(6, 8, 2),
			want: []time.Time{at(6, 8, 0)},
		},
		{
			name:  "but not on Saturday",
			in:    PutScheduledActionInput{Schedule: "cron(0 8 ? * MON-FRI *)"},
			first: at(7, 7, 58), last: at(7, 8, 2),
		},
		{
			name:  "at(...) runs once",
			in:    PutScheduledActionInput{Schedule: "at(2026-03-02T09:30:00)"},
			first: at(2, 9, 28), last: at(2, 9, 35),
			want: []time.Time{at(2, 9, 30)},
		},
		{
			name:  "at(...) with seconds runs in its minute",
			in:    PutScheduledActionInput{Schedule: "at(2026-03-02T09:30:45)"},
			first: at(2, 9, 28), last: at(2, 9, 35),
			want: []time.Time{at(2, 9, 30)},
		},
		{
			name:  "at(...) in Asia/Tokyo",
			in:    PutScheduledActionInput{Schedule: "at(2026-03-02T18:30:00)", Timezone: "Asia/Tokyo"},
			first: at(2, 9, 28), last: at(2, 9, 35),
			want: []time.Time{at(2, 9, 30)},
		},
		{
			name:    "rate runs relative to its creation",
			created: at(2, 10, 0).Add(30 * time.Second),
			in:      PutScheduledActionInput{Schedule: "rate(5 minutes)"},
			first:   at(2, 10, 1), last: at(2, 10, 16),
			want: []time.Time{at(2, 10, 5), at(2, 10, 10), at(2, 10, 15)},
		},
		{
			name:  "rate from its StartTime, starting there",
			in:    PutScheduledActionInput{Schedule: "rate(1 hour)", StartTime: at(2, 10, 7)},
			first: at(2, 10, 0), last: at(2, 12, 10),
			want: []time.Time{at(2, 10, 7), at(2, 11, 7), at(2, 12, 7)},
		},
		{
			name:  "StartTime and EndTime bound a cron",
			in:    PutScheduledActionInput{Schedule: "cron(* * * * ? *)", StartTime: at(2, 10, 3), EndTime: at(2, 10, 5)},
			first: at(2, 10, 0), last: at(2, 10, 8),
			want: []time.Time{at(2, 10, 3), at(2, 10, 4), at(2, 10, 5)},
		},
		{
			name:  "a recurring action also runs at its StartTime",
			in:    PutScheduledActionInput{Schedule: "cron(0 8 ? * MON-FRI *)", StartTime: at(2, 6, 30)},
			ticks: []time.Time{at(2, 6, 29), at(2, 6, 30), at(2, 6, 31), at(2, 8, 0)},
			want:  []time.Time{at(2, 6, 30), at(2, 8, 0)},
		},
		{
			name:  "a missed minute is caught up on the next tick",
			in:    PutScheduledActionInput{Schedule: "cron(30 9 * * ? *)"},
			ticks: []time.Time{at(2, 9, 0), at(2, 9, 45), at(2, 9, 46)},
			want:  []time.Time{at(2, 9, 45)},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{api: 2})
			h.register(api, 2, 10)
			created := c.created
			if created.IsZero() {
				created = monday
			}
			h.clock.set(created)
			in := c.in
			in.ScheduledActionName, in.ResourceId = "a", api
			in.ScalableTargetAction = &ScalableTargetAction{MaxCapacity: i32(12)}
			h.scheduled(in)
			ticks := c.ticks
			for m := c.first; !c.first.IsZero() && !m.After(c.last); m = m.Add(time.Minute) {
				ticks = append(ticks, m)
			}
			var ran []time.Time
			for _, tick := range ticks {
				h.e.Tick(tick)
				if acts := h.activities(api, false); len(acts) > len(ran) {
					ran = append(ran, tick)
				}
			}
			if len(ran) != len(c.want) {
				t.Fatalf("ran at %v, want %v", ran, c.want)
			}
			for i := range ran {
				if !ran[i].Equal(c.want[i]) {
					t.Fatalf("ran at %v, want %v", ran, c.want)
				}
			}
		})
	}
}

// Scheduled actions ignore cooldowns: a raised minimum applies inside a
// scale-out cooldown, a lowered maximum inside a scale-in cooldown.
func TestScheduledIgnoresCooldowns(t *testing.T) {
	cases := []struct {
		name        string
		start       int
		high, low   AlarmState
		metric      float64
		afterPolicy int
		action      ScalableTargetAction
		want        int
	}{
		{"min raised during the scale-out cooldown", 2, StateAlarm, StateOK, 95, 3, ScalableTargetAction{MinCapacity: i32(8)}, 8},
		{"max lowered during the scale-in cooldown", 10, StateOK, StateAlarm, 60, 9, ScalableTargetAction{MaxCapacity: i32(3)}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{api: c.start})
			h.register(api, 1, 20)
			high, low := h.targetTracking(api, "cpu", tpl(70, ECSServiceAverageCPUUtilization, 180, 600))
			h.cw.setState(t, high, c.high, c.metric)
			h.cw.setState(t, low, c.low, c.metric)
			h.e.Tick(monday.Add(8 * time.Hour))
			if got := h.cap.get(api); got != c.afterPolicy {
				t.Fatalf("after the policy: desired count = %d, want %d", got, c.afterPolicy)
			}
			h.scheduled(PutScheduledActionInput{ScheduledActionName: "s", ResourceId: api, Schedule: "cron(1 8 * * ? *)", ScalableTargetAction: &c.action})
			h.e.Tick(monday.Add(8*time.Hour + time.Minute))
			if got := h.cap.get(api); got != c.want {
				t.Errorf("after the scheduled action: desired count = %d, want %d", got, c.want)
			}
		})
	}
}

// Suspended scheduled scaling skips what falls due meanwhile, for good;
// a deleted action never runs; a bound that crosses the other fails.
func TestScheduledSuspendDeleteAndFailure(t *testing.T) {
	h := newHarness(t, map[string]int{api: 2})
	h.register(api, 2, 10)
	h.scheduled(PutScheduledActionInput{ScheduledActionName: "raise", ResourceId: api, Schedule: "cron(0 9 * * ? *)",
		ScalableTargetAction: &ScalableTargetAction{MinCapacity: i32(4)}})
	h.scheduled(PutScheduledActionInput{ScheduledActionName: "gone", ResourceId: api, Schedule: "cron(0 9 * * ? *)",
		ScalableTargetAction: &ScalableTargetAction{MaxCapacity: i32(3)}})
	if err := h.e.DeleteScheduledAction(DeleteScheduledActionInput{ScheduledActionName: "gone", ServiceNamespace: "ecs", ScalableDimension: ScalableDimensionECSServiceDesiredCount, ResourceId: api}); err != nil {
		t.Fatal(err)
	}
	h.suspend(api, SuspendedState{ScheduledScalingSuspended: ptr(true)})
	h.e.Tick(monday.Add(8*time.Hour + 59*time.Minute))
	h.e.Tick(monday.Add(9 * time.Hour))
	h.suspend(api, SuspendedState{ScheduledScalingSuspended: ptr(false)})
	h.e.Tick(monday.Add(9*time.Hour + time.Minute))
	if tg := h.target(api); tg.MinCapacity != 2 || h.cap.get(api) != 2 {
		t.Fatalf("suspended action ran: min %d desired %d", tg.MinCapacity, h.cap.get(api))
	}
	h.e.Tick(monday.Add(33 * time.Hour))
	if tg := h.target(api); tg.MinCapacity != 4 || tg.MaxCapacity != 10 || h.cap.get(api) != 4 {
		t.Fatalf("next day: min %d max %d desired %d, want 4 10 4", tg.MinCapacity, tg.MaxCapacity, h.cap.get(api))
	}

	h.scheduled(PutScheduledActionInput{ScheduledActionName: "cross", ResourceId: api, Schedule: "cron(0 10 * * ? *)",
		ScalableTargetAction: &ScalableTargetAction{MaxCapacity: i32(3)}})
	h.e.Tick(monday.Add(34 * time.Hour))
	acts := h.activities(api, false)
	if a := acts[0]; a.StatusCode != StatusFailed || !strings.Contains(a.StatusMessage, "minimum capacity 4 would exceed maximum capacity 3") {
		t.Errorf("crossing action = %+v", a)
	}
	if tg := h.target(api); tg.MaxCapacity != 10 {
		t.Errorf("failed action changed max to %d", tg.MaxCapacity)
	}
	if n := len(h.failedActivities()); n != 1 {
		t.Errorf("OnFailedActivity called %d times, want 1", n)
	}
}
