package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/gameday-sre/gameday/sandbox/supervisor"
)

// Real HTTP load on the frontend drives its tasks' CPU above the 70 % target
// (ECS Service Auto-scaling Configuration), and the first scale-out comes
// inside the window AWS's target tracking predicts. Datapoints are
// one-minute periods aligned to the minute, so the minute the load begins
// in may already count if enough of it is loaded: the scale-out can come no
// earlier than the end of the third period from that minute, and no later
// than the third full period plus a minute of evaluation and one of
// publishing.
func TestFrontendScalesOutInsideTheWindow(t *testing.T) {
	dir := startSandbox(t)
	st := status(t, dir)
	loadStart := st.PlatformTime

	// Two 0.5 vCPU tasks serve about 50 requests/s; 42/s keeps them near
	// 84 % busy, well above the 70 % target and below shedding.
	attacker := vegeta.NewAttacker(vegeta.Timeout(5*time.Second), vegeta.KeepAlive(true))
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: st.Endpoints.LoadBalancers["us-east-1"] + "/"})
	results := attacker.Attack(targeter, vegeta.Rate{Freq: 42, Per: time.Second}, 12*time.Second, "frontend ramp")
	defer attacker.Stop()
	done := make(chan vegeta.Metrics, 1)
	go func() {
		var m vegeta.Metrics
		for r := range results {
			m.Add(r)
		}
		m.Close()
		done <- m
	}()

	var first *supervisor.Activity
	deadline := time.Now().Add(15 * time.Second)
	for first == nil && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		for _, a := range status(t, dir).Activities {
			if a.Region == sandboxRegion && strings.HasSuffix(a.Resource, "/frontend-service") && a.Status == "Successful" && strings.Contains(a.Description, "desired count") {
				first = &a
			}
		}
	}
	m := <-done
	if m.Success < 0.95 {
		t.Errorf("only %.0f%% of the load succeeded: %v", 100*m.Success, m.StatusCodes)
	}
	if first == nil {
		t.Fatalf("no frontend scale-out under load; activities: %+v", status(t, dir).Activities)
	}
	earliest, latest := loadStart.Truncate(time.Minute).Add(3*time.Minute), loadStart.Truncate(time.Minute).Add(6*time.Minute)
	if first.Start.Before(earliest) || first.Start.After(latest) {
		t.Errorf("first scale-out at %s, %s after load began; want between %s and %s (AlarmHigh: 3 of 3 one-minute datapoints above 70)",
			first.Start.Format(time.RFC3339), first.Start.Sub(loadStart), earliest.Format(time.RFC3339), latest.Format(time.RFC3339))
	}
	t.Logf("first scale-out %s after load began: %s", first.Start.Sub(loadStart), first.Description)
}

// startSandbox brings a sandbox up at 60x with the given deviations and
// takes it down when the test ends.
func startSandbox(t *testing.T, deviations ...string) (dir string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "state")
	args := []string{"sandbox", "up", "--state-dir", dir, "--spec", shippedSpec, "--time-scale", "60"}
	for _, d := range deviations {
		args = append(args, "--deviate", d)
	}
	if out, code := gameday(t, args...); code != 0 {
		t.Fatalf("sandbox up exited %d:\n%s", code, out)
	}
	t.Cleanup(func() { gameday(t, "sandbox", "down", "--state-dir", dir) })
	return dir
}

// scaleOuts runs heavy load on the frontend of a sandbox started with the
// given deviations and returns its successful scale-out activities, oldest
// first, and the frontend's final desired count.
func scaleOuts(t *testing.T, load time.Duration, deviations ...string) ([]supervisor.Activity, int) {
	t.Helper()
	dir := startSandbox(t, deviations...)
	st := status(t, dir)
	// Far beyond what even ten 0.5 vCPU tasks serve at 70 %: utilisation
	// stays pinned high, so every minute asks for more capacity.
	attacker := vegeta.NewAttacker(vegeta.Timeout(3*time.Second), vegeta.KeepAlive(true))
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: st.Endpoints.LoadBalancers["us-east-1"] + "/"})
	for range attacker.Attack(targeter, vegeta.Rate{Freq: 240, Per: time.Second}, load, "frontend overload") {
	}
	final := status(t, dir)
	var outs []supervisor.Activity
	for _, a := range final.Activities {
		if a.Region == sandboxRegion && strings.HasSuffix(a.Resource, "/frontend-service") && a.Status == "Successful" {
			outs = append([]supervisor.Activity{a}, outs...)
		}
	}
	for _, s := range final.Services {
		if s.Region == sandboxRegion && s.Name == "frontend-service" {
			return outs, s.Desired
		}
	}
	t.Fatal("no frontend-service in status")
	return nil, 0
}

// cooldownViolations judges scale-outs by AWS's rule for a scale-out
// cooldown (../shared/aws-semantics.md): inside it, another scale-out needs
// a larger computed capacity, computed from the capacity before the
// scale-out that began the cooldown, which a further scale-out extends
// without moving that base. Utilisation cannot exceed 100 %, so inside the
// cooldown no scale-out may go beyond ceil(base x 100 / target).
func cooldownViolations(outs []supervisor.Activity, min int, cooldown time.Duration, target float64) []string {
	var bad []string
	var cdStart time.Time
	prev, base := min, min
	for _, a := range outs {
		var n int
		if _, err := fmt.Sscanf(a.Description, "Setting desired count to %d.", &n); err != nil || n <= prev {
			prev = max(prev, n)
			continue
		}
		if !cdStart.IsZero() && a.Start.Sub(cdStart) < cooldown {
			if limit := int(math.Ceil(float64(base) * 100 / target)); n > limit {
				bad = append(bad, fmt.Sprintf("%s after the cooldown began: %d -> %d, beyond %d computable from base %d", a.Start.Sub(cdStart), prev, n, limit, base))
			}
		} else {
			base = prev
		}
		cdStart, prev = a.Start, n
	}
	return bad
}

// Later scale-outs respect the 180 s ScaleOutCooldown as AWS applies it and
// scaling stops at the maximum of 10.
func TestScaleOutsRespectTheCooldownAndStopAtMax(t *testing.T) {
	outs, desired := scaleOuts(t, 20*time.Second)
	if len(outs) < 2 {
		t.Fatalf("want several scale-outs under sustained overload, got %+v", outs)
	}
	for _, v := range cooldownViolations(outs, 2, 180*time.Second, 70) {
		t.Errorf("scale-out inside the 180s cooldown: %s", v)
	}
	if desired != 10 {
		t.Errorf("desired count %d after sustained overload, want the maximum 10 (activities %+v)", desired, outs)
	}
}

// The same overload with ScaleOutCooldown deviated to 60 s scales out where
// the runbook's 180 s would have blocked it: a deviation is real behaviour,
// not relabelled configuration.
func TestShorterScaleOutCooldownScalesSooner(t *testing.T) {
	outs, _ := scaleOuts(t, 8*time.Second, "frontend.scaleOutCooldown=60s")
	if len(cooldownViolations(outs, 2, 180*time.Second, 70)) == 0 {
		t.Errorf("with a 60s cooldown no scale-out broke the 180s rule: %+v", outs)
	}
}

// After load stops, scale-in waits for the AlarmLow that target tracking
// creates (15 one-minute datapoints below 90 % of the target), and stops at
// the minimum of 2.
func TestScaleInWaitsForTheLowAlarmAndStopsAtMin(t *testing.T) {
	dir := startSandbox(t)
	st := status(t, dir)
	attacker := vegeta.NewAttacker(vegeta.Timeout(3*time.Second), vegeta.KeepAlive(true))
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: st.Endpoints.LoadBalancers["us-east-1"] + "/"})
	for range attacker.Attack(targeter, vegeta.Rate{Freq: 120, Per: time.Second}, 8*time.Second, "frontend burst") {
	}
	loadEnd := status(t, dir).PlatformTime

	var in *supervisor.Activity
	deadline := time.Now().Add(40 * time.Second)
	for in == nil && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		for _, a := range status(t, dir).Activities {
			if a.Region == sandboxRegion && strings.HasSuffix(a.Resource, "/frontend-service") && a.Status == "Successful" && a.Start.After(loadEnd) && strings.Contains(a.Description, "desired count to 2.") {
				in = &a
			}
		}
	}
	if in == nil {
		t.Fatalf("no scale-in to the minimum of 2 within 40 platform minutes of the load ending: %+v", status(t, dir))
	}
	// The minute the load ended in may already be low, as in the scale-out
	// window: periods are aligned to the minute.
	if earliest := loadEnd.Truncate(time.Minute).Add(15 * time.Minute); in.Start.Before(earliest) {
		t.Errorf("scaled in %s after the load ended, before %s; AlarmLow needs 15 one-minute datapoints", in.Start.Sub(loadEnd), earliest.Format(time.RFC3339))
	}
	for _, s := range status(t, dir).Services {
		if s.Region == sandboxRegion && s.Name == "frontend-service" && s.Desired != 2 {
			t.Errorf("desired %d after scale-in, want the minimum 2", s.Desired)
		}
	}
}

// Scale-ins keep the ScaleInCooldown between them (600 s in the runbook's
// frontend policy). Load falls in two steps: overload scales the frontend
// out, a moderate load lets AlarmLow scale it in part of the way, and the
// moment that first scale-in lands the load stops, so AlarmLow stays in
// ALARM and asks for the minimum every minute: only the cooldown holds the
// second scale-in back. With the cooldown deviated to 60 s the same
// sequence scales in again within minutes, which shows the 600 s gap is
// the cooldown's doing.
func TestScaleInsKeepTheCooldownApart(t *testing.T) {
	tests := []struct {
		name      string
		deviation []string
		gap       func(time.Duration) bool
		want      string
	}{
		{"runbook", nil, func(g time.Duration) bool { return g >= 600*time.Second && g <= 600*time.Second+2*time.Minute },
			"600 s, the ScaleInCooldown, released within the next two evaluations"},
		{"scaleInCooldown=60s", []string{"frontend.scaleInCooldown=60s"}, func(g time.Duration) bool { return g < 600*time.Second },
			"under 600 s: a 60 s cooldown lets AlarmLow scale in again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, second := twoStepScaleIn(t, tt.deviation...)
			if gap := second.Start.Sub(first.Start); !tt.gap(gap) {
				t.Errorf("second scale-in %s after the first (%q, then %q); want %s", gap, first.Description, second.Description, tt.want)
			}
		})
	}
}

// twoStepScaleIn drives the frontend through overload, moderate load and
// no load, and returns its first two scale-ins.
func twoStepScaleIn(t *testing.T, deviations ...string) (first, second supervisor.Activity) {
	t.Helper()
	dir := startSandbox(t, deviations...)
	url := status(t, dir).Endpoints.LoadBalancers["us-east-1"] + "/"
	attack := func(rate int, d time.Duration, name string) *vegeta.Attacker {
		a := vegeta.NewAttacker(vegeta.Timeout(3*time.Second), vegeta.KeepAlive(true))
		results := a.Attack(vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: url}), vegeta.Rate{Freq: rate, Per: time.Second}, d, name)
		go func() {
			for range results {
			}
		}()
		return a
	}
	desired := func() int {
		for _, s := range status(t, dir).Services {
			if s.Region == sandboxRegion && s.Name == "frontend-service" {
				return s.Desired
			}
		}
		return 0
	}
	scaleIns := func() []supervisor.Activity {
		var ins []supervisor.Activity
		prev := -1
		acts := status(t, dir).Activities
		for i := len(acts) - 1; i >= 0; i-- {
			a := acts[i]
			var n int
			if a.Region != sandboxRegion || !strings.HasSuffix(a.Resource, "/frontend-service") || a.Status != "Successful" {
				continue
			}
			if _, err := fmt.Sscanf(a.Description, "Setting desired count to %d.", &n); err != nil {
				continue
			}
			if prev >= 0 && n < prev {
				ins = append(ins, a)
			}
			prev = n
		}
		return ins
	}

	overload := attack(240, time.Minute, "frontend overload")
	waitFor(t, 30*time.Second, "the frontend to scale out to 6 or more tasks", func() bool { return desired() >= 6 })
	overload.Stop()
	// About 60 requests/s: a quarter of six or more 0.5 vCPU tasks, under
	// AlarmLow's 63 %, and more than two tasks serve at 70 %, so the first
	// scale-in stops above the minimum.
	moderate := attack(60, 2*time.Minute, "frontend moderate")
	defer moderate.Stop()
	waitFor(t, 45*time.Second, "a first scale-in under moderate load", func() bool { return len(scaleIns()) >= 1 })
	moderate.Stop()
	first = scaleIns()[0]
	if strings.HasSuffix(first.Description, "to 2.") {
		t.Fatalf("the first scale-in went straight to the minimum (%q): the moderate load did not hold capacity above it", first.Description)
	}
	waitFor(t, 30*time.Second, "a second scale-in with no load", func() bool { return len(scaleIns()) >= 2 })
	second = scaleIns()[1]
	t.Logf("%q, then %s later %q", first.Description, second.Start.Sub(first.Start), second.Description)
	return first, second
}

// APILatencyHigh (p90 TargetResponseTime > 0.5 s over 300 s, 3 evaluation
// periods; the spec's reading of the runbook's alarm) reaches ALARM while
// latency is injected into the api service and returns to OK once it is
// removed.
func TestAPILatencyAlarm(t *testing.T) {
	dir := startSandbox(t)
	st := status(t, dir)
	var since time.Time
	alarm := func() string {
		for _, a := range status(t, dir).Alarms {
			if a.Region == sandboxRegion && a.Name == "APILatencyHigh" {
				since = a.Since
				return a.State
			}
		}
		return "(missing)"
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(5*time.Second), vegeta.KeepAlive(true), vegeta.Connections(64))
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: st.Endpoints.LoadBalancers["us-east-1"] + "/v1/documents/d1"})
	load := attacker.Attack(targeter, vegeta.Rate{Freq: 20, Per: time.Second}, 45*time.Second, "api steady")
	defer attacker.Stop()
	go func() {
		for range load {
		}
	}()

	injected := status(t, dir).PlatformTime
	out, code := gameday(t, "sandbox", "fault", "inject", "latency", "api-service", "800ms", "--state-dir", dir)
	if code != 0 {
		t.Fatalf("fault inject latency exited %d: %s", code, out)
	}
	id, _, _ := strings.Cut(out, "\t")
	waitFor(t, 25*time.Second, "APILatencyHigh in ALARM with 800ms injected", func() bool { return alarm() == "ALARM" })
	// Three breaching 300 s datapoints, evaluated every minute over sliding
	// windows: the oldest must already hold slow requests, so the latency
	// has lasted more than two periods, and at most three plus a minute.
	if took := since.Sub(injected); took < 10*time.Minute || took > 16*time.Minute {
		t.Errorf("ALARM %s after latency was injected; want after two full 300 s periods and within three (plus a minute)", took)
	}
	t.Logf("ALARM %s after latency was injected", since.Sub(injected))
	if out, code := gameday(t, "sandbox", "fault", "revert", id, "--state-dir", dir); code != 0 {
		t.Fatalf("fault revert %s exited %d: %s", id, code, out)
	}
	waitFor(t, 20*time.Second, "APILatencyHigh back to OK with latency removed", func() bool { return alarm() == "OK" })
}

func waitFor(t testing.TB, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("gave up after %s (real) waiting for %s", limit, what)
}
