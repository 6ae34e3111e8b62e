package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/timeline"
)

// The failover and data suites against a clean sandbox, selected as an
// SRE would, by label: every failover spec passes for the load balancer
// refusing (region-down) and for the whole region lost (region-outage),
// every Redis spec passes, and the MongoDB specs skip, saying that no
// replica set runs here.
func TestFailoverAndDataPassAgainstACleanSandbox(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH (apt-get install redis-server redis-sentinel)")
	}
	// A Saturday: no scheduled action moves the API's capacity.
	state := startSandboxAt(t, "Sat 12:00")
	code, vs, out := runWith(t, filepath.Join(state, "target.yaml"), shippedSpec, "--label-filter", "failover || data")
	got := judged(vs)
	want := statuses(map[timeline.Status][]string{
		timeline.Passed:  append(append(failoverSpecs("refuse"), failoverSpecs("outage")...), redisSpecs...),
		timeline.Skipped: mongoSpecs,
	})
	for _, id := range mongoSpecs {
		if m := got[id].Message; !strings.Contains(m, "requires mongodb") {
			t.Errorf("%s: skipped with %q, want the reason that no replica set runs here", id, m)
		}
	}
	expectVerdicts(t, code, got, want, "", "")
	for _, id := range []string{"failover.outage.client-recovery", "data.redis.primary-loss.rpo", "data.redis.region-outage.rpo"} {
		t.Logf("%s: %s", id, got[id].Observed)
	}
	if t.Failed() {
		t.Logf("run output:\n%s", out)
	}
}

// failoverSpecs are the spec ids of one failover experiment.
func failoverSpecs(experiment string) []string {
	var ids []string
	for _, s := range []string{"detection", "dns-failover", "client-recovery", "failback"} {
		ids = append(ids, "failover."+experiment+"."+s)
	}
	return ids
}

// With the deployed health check slower than the runbook's
// (FailureThreshold 6 for 3), exactly the detection spec fails, naming
// the health check's runbook section and the window it missed, while the
// answer still follows the check, the clients recover (the alias
// evaluating the load balancer's health moves them first) and the
// failback follows the check back. With no health check on the primary
// record, the alias's view of the load balancer still moves the clients
// away, but brings them back as soon as it listens again, before the
// health check calls the region healthy: the failback spec fails, too
// early.
func TestFailoverSuiteCatchesEachDeviation(t *testing.T) {
	tests := []struct {
		name      string
		deviation string
		// failed is the spec that must fail, with says in its message
		// besides the section and a time; the others must pass.
		failed, says string
	}{
		{name: "FailureThreshold 6", deviation: "route53.failureThreshold=6", failed: "failover.refuse.detection", says: "want it between"},
		{name: "no health check on the primary record", deviation: "failover.Primary.healthCheck=absent", failed: "failover.refuse.failback", says: "too early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := startSandboxAt(t, "Sat 12:00", tt.deviation)
			code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), shippedSpec, "failover", `failover\.refuse\.`)
			want := statuses(map[timeline.Status][]string{timeline.Passed: failoverSpecs("refuse")})
			want[tt.failed] = timeline.Failed
			expectVerdicts(t, code, judged(vs), want, tt.failed, tt.says)
			if t.Failed() {
				t.Logf("run output:\n%s", out)
			}
		})
	}
}
