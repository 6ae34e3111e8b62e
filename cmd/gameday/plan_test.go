package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/suites/plan"
)

// Against the sandbox under a profile marked staging, inside the
// runbook's US East maintenance window: plan resolves every fault of every
// suite through reads alone, with its revert, window, limits and calls,
// and says the run would be refused and from when it can run; gameday
// run refuses, before any change, saying the same; without the disruptive
// specs the run may start.
func TestPlanChangesNothingAndRunKeepsTheCalendar(t *testing.T) {
	dir := startSandboxAt(t, "Tue 08:05")
	proxy := startAWSProxy(t, status(t, dir).Endpoints.AWS, motoserver.Start(t))
	target := stagingProfile(t, dir, proxy.URL, []string{"123456789012"}, nil)

	out, code := gameday(t, "plan", "--target", target, "--spec", shippedSpec)
	for _, want := range []string{
		"nothing was changed",
		"stop-task on api-service, 50 % of its running tasks",
		"revert:  none needed: ECS's scheduler replaces the stopped tasks",
		"latency on every running task of api-service",
		"region-down on the load balancer of us-east-1",
		"desired-count on api-service, to 15  [drills.emergency-manual-scaling]",
		"revert:  the desired count read before the change put back (UpdateService)",
		"window:  replacements running within 1m (ECS's scheduler) + 1m30s (task start-up) of the stop",
		"calls:   ecs ListTasks, ecs DescribeTasks, ecs StopTask (one per task)",
		"limits:  within the profile's limits (1 of 2 running task(s) of api-service out, in us-east-1)",
		"tasks of api-service: ",
		"alarms watched: AutoScalingFailure, APILatencyHigh",
		"US East Tuesday 08:00-10:00 UTC: NOW, until 10:00 (this target's region)",
		"ElastiCache TestFailover: at most 15 node groups in any rolling 24 hours: 0 used, 0 planned",
		"gameday run would refuse: target staging-sandbox: a disruptive run may not start now",
		"it can run from Tue ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if code != 0 || t.Failed() {
		t.Fatalf("plan exited %d:\n%s", code, out)
	}
	if m := proxy.Mutating(); len(m) != 0 || len(proxy.Calls()) < 5 {
		t.Errorf("plan made %d calls, these changing the target: %v", len(proxy.Calls()), m)
	}

	_, stdout, code := gamedaySplit(t, "plan", "--target", target, "--spec", shippedSpec, "--label-filter", "!disruptive", "-o", "json")
	var p plan.Plan
	if err := json.Unmarshal([]byte(stdout), &p); code != 0 || err != nil || len(p.Faults) != 0 || p.Err() != nil {
		t.Errorf("plan of the specs that inject nothing: exit %d, %v, %+v", code, err, p)
	}

	before := len(proxy.Calls())
	work := t.TempDir()
	out, code = gameday(t, "run", "--target", target, "--spec", shippedSpec, "--suite", "resilience",
		"--reports", filepath.Join(work, "run"), "--ledger", filepath.Join(work, "ledger.jsonl"))
	if code != 2 || !strings.Contains(out, "inside the runbook's maintenance window US East Tuesday 08:00-10:00 UTC") || !strings.Contains(out, "it can run from Tue ") {
		t.Errorf("run in the window exited %d, want 2, the window and when it can run:\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(work, "run")); err == nil {
		t.Error("the refused run started its suites")
	}
	if m := mutatingOf(proxy.Calls()[before:]); len(m) != 0 {
		t.Errorf("the refused run changed the target: %v", m)
	}
}
