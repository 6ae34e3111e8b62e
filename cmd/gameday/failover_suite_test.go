package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/gameday-sre/gameday/timeline"
)

// The failover suite against the sandbox: clean, every spec passes, for
// the load balancer refusing (region-down) and for the whole region lost
// (region-outage); with the deployed health check slower than the
// runbook's (FailureThreshold 6 for 3), exactly its detection spec fails,
// naming the health check's runbook section and the window it missed,
// while the answer still follows the check, the clients recover (the
// alias evaluating the load balancer's health moves them first) and the
// failback follows the check back. With no health check on the primary
// record, the alias's view of the load balancer still moves the clients
// away, but brings them back as soon as it listens again, before the
// health check calls the region healthy: the failback spec fails, too
// early.
func TestFailoverSuiteCatchesEachDeviation(t *testing.T) {
	refuse := []string{"failover.refuse.detection", "failover.refuse.dns-failover", "failover.refuse.client-recovery", "failover.refuse.failback"}
	outage := []string{"failover.outage.detection", "failover.outage.dns-failover", "failover.outage.client-recovery", "failover.outage.failback"}
	tests := []struct {
		name      string
		deviation string
		// failed is the spec that must fail, with says in its message
		// besides the section and a time; the others must pass.
		failed, says string
		// outage runs the region-outage experiment too.
		outage bool
	}{
		{name: "clean", outage: true},
		{name: "FailureThreshold 6", deviation: "route53.failureThreshold=6", failed: "failover.refuse.detection", says: "want it between"},
		{name: "no health check on the primary record", deviation: "failover.Primary.healthCheck=absent", failed: "failover.refuse.failback", says: "too early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dev []string
			if tt.deviation != "" {
				dev = []string{tt.deviation}
			}
			// A Saturday: no scheduled action moves the API's capacity.
			state := startSandboxAt(t, "Sat 12:00", dev...)
			focus, all := `failover\.refuse\.`, refuse
			if tt.outage {
				focus, all = `failover\.`, append(slices.Clone(refuse), outage...)
			}
			code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), shippedSpec, "failover", focus)
			want := map[string]timeline.Status{}
			for _, id := range all {
				want[id] = timeline.Passed
			}
			if tt.failed != "" {
				want[tt.failed] = timeline.Failed
			}
			expectVerdicts(t, code, judged(vs), want, tt.failed, tt.says)
			if t.Failed() {
				t.Logf("run output:\n%s", out)
			}
		})
	}
}
