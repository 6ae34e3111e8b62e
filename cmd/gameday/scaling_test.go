package main

import (
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
	dir := filepath.Join(t.TempDir(), "state")
	out, code := gameday(t, "sandbox", "up", "--state-dir", dir, "--spec", shippedSpec, "--time-scale", "60")
	if code != 0 {
		t.Fatalf("sandbox up exited %d:\n%s", code, out)
	}
	t.Cleanup(func() { gameday(t, "sandbox", "down", "--state-dir", dir) })
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
			if strings.HasSuffix(a.Resource, "/frontend-service") && a.Status == "Successful" && strings.Contains(a.Description, "desired count") {
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
