package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/suites/runner"
	"github.com/gameday-sre/gameday/timeline"
)

// runFocused runs the specs of one suite whose ids match focus against a
// target, with a spec file, and reads its verdicts.
func runFocused(t *testing.T, target, specPath, suite, focus string) (int, []runner.Verdict, string) {
	t.Helper()
	return runWith(t, target, specPath, "--suite", suite, "--focus", focus)
}

// runWith is gameday run against target with the given selection flags,
// and the verdicts it wrote.
func runWith(t *testing.T, target, specPath string, selection ...string) (int, []runner.Verdict, string) {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"run", "--target", target, "--spec", specPath}, selection...)
	out, code := gameday(t, append(args, "--reports", filepath.Join(dir, "run"), "--ledger", filepath.Join(dir, "ledger.jsonl"))...)
	data, err := os.ReadFile(filepath.Join(dir, "run", "verdicts.json"))
	var vs []runner.Verdict
	if err == nil {
		err = json.Unmarshal(data, &vs)
	}
	if err != nil {
		t.Fatalf("run exited %d and left no verdicts (%v):\n%s", code, err, out)
	}
	return code, vs, out
}

// judged are the verdicts of the specs the focus kept, by id: Ginkgo
// skips the others without a word.
func judged(vs []runner.Verdict) map[string]runner.Verdict {
	out := map[string]runner.Verdict{}
	for _, v := range vs {
		if v.Status != timeline.Skipped || v.Message != "" {
			out[v.ID] = v
		}
	}
	return out
}

// Each behaviour the runbook promises outside scaling's CPU policy, broken
// on its own, fails exactly the spec that judges it, naming the runbook
// section, the window or budget and what the platform did, while the
// experiment's other specs pass (the whole game day against a clean
// sandbox is TestMakeGamedayScript's). Each row runs only its experiment
// (--focus) on a sandbox of its own, whose clock starts where the row
// needs it.
func TestBehaviourCatchesEachDeviation(t *testing.T) {
	tests := []struct {
		name      string
		deviation string
		startAt   string
		suite     string
		focus     string
		// failed is the one spec that must fail; empty for a clean row.
		failed string
		// says is what its message must hold besides the section: how it
		// names the window or the budget.
		says string
		// passed, skipped, waived and inconclusive are specs that must
		// end so; an inconclusive one's message must hold says.
		passed, skipped, waived, inconclusive []string
		// observed is what the first passed spec must have seen.
		observed string
	}{
		{name: "APILatencyHigh fires too early", deviation: "alarm.APILatencyHigh.evaluationPeriods=1", suite: "alarms", focus: `APILatencyHigh\.(alarm-on|ok-after)`,
			failed: "alarms.APILatencyHigh.alarm-on-latency", says: "too early", passed: []string{"alarms.APILatencyHigh.ok-after-revert"}},
		{name: "APILatencyHigh absent", deviation: "alarm.APILatencyHigh=absent", suite: "alarms", focus: `APILatencyHigh\.(alarm-on|ok-after)`,
			failed: "alarms.APILatencyHigh.alarm-on-latency", says: "has no CloudWatch alarm APILatencyHigh", skipped: []string{"alarms.APILatencyHigh.ok-after-revert"}},
		{name: "AutoScalingFailure absent", deviation: "alarm.AutoScalingFailure=absent", suite: "alarms", focus: `AutoScalingFailure`,
			failed: "alarms.AutoScalingFailure.alarm-on-launch-failures", says: "has no CloudWatch alarm AutoScalingFailure"},
		// Only the first spec: a target five times the runbook's leaves the
		// queue too deep for the experiment's later phases to finish.
		{name: "AI target 50", deviation: "ai.targetValue=50", suite: "scaling", focus: `scaling\.ai\.queue-scale-out$`,
			failed: "scaling.ai.queue-scale-out", says: "want it between"},
		{name: "AI cooldown 30s", deviation: "ai.scaleOutCooldown=30s", suite: "scaling", focus: `scaling\.ai\.`,
			failed: "scaling.ai.queue-scale-out-cooldown", says: "ScaleOutCooldown", passed: []string{"scaling.ai.queue-scale-out", "scaling.ai.queue-scale-in-to-min"}},
		{name: "no business hours", deviation: "scheduled.business-hours-scaling=absent", startAt: "Mon 07:58", suite: "scaling", focus: `scheduled\.`,
			failed: "scaling.api.scheduled.business-hours-scaling", says: "want it between", skipped: []string{"scaling.api.scheduled.night-hours-scaling"}},
		{name: "night hours as the runbook says", startAt: "Mon 19:58", suite: "scaling", focus: `scheduled\.`,
			passed: []string{"scaling.api.scheduled.night-hours-scaling"}, skipped: []string{"scaling.api.scheduled.business-hours-scaling"}},
		{name: "an emergency desired count set back at night", startAt: "Mon 19:55", suite: "drills", focus: `emergency`,
			passed: []string{"drills.emergency-manual-scaling"}, observed: "above its maximum 10 was set back to 10"},
		{name: "night hours at 22:00", deviation: "scheduled.night-hours-scaling.schedule=cron(0 22 ? * MON-FRI *)", startAt: "Mon 19:58", suite: "scaling", focus: `scheduled\.`,
			failed: "scaling.api.scheduled.night-hours-scaling", says: "want it between", skipped: []string{"scaling.api.scheduled.business-hours-scaling"}},
		{name: "API step scaling keeps the promise", deviation: "api.policy=step", suite: "scaling", focus: `request-count-promise`,
			passed: []string{"scaling.api.request-count-promise"}},
		{name: "slow replacement", deviation: "frontend.taskStartDelay=8m", suite: "resilience", focus: `resilience\.frontend\.`,
			failed: "resilience.frontend.stop-1.replaced", says: "want it between", passed: []string{"resilience.frontend.stop-1.error-budget"}},
		// The host, not the platform: every minute's alarm evaluation and
		// scaling tick 20 s late, beyond the 12 s a verdict tolerates.
		{name: "the platform clock runs ahead of the sandbox", deviation: "clock.lag=20s", suite: "scaling", focus: `scaling\.frontend\.scale-out-window`,
			inconclusive: []string{"scaling.frontend.scale-out-window"}, says: "platform clock ran ahead of its platform"},
		{name: "no draining", deviation: "frontend.draining=absent", suite: "resilience", focus: `resilience\.frontend\.`,
			failed: "resilience.frontend.stop-1.error-budget", says: "the budget is", passed: []string{"resilience.frontend.stop-1.replaced"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dev []string
			if tt.deviation != "" {
				dev = []string{tt.deviation}
			}
			state := startSandboxAt(t, tt.startAt, dev...)
			code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), shippedSpec, tt.suite, tt.focus)
			got := judged(vs)
			want := statuses(map[timeline.Status][]string{timeline.Passed: tt.passed, timeline.Skipped: tt.skipped, timeline.Waived: tt.waived, timeline.Inconclusive: tt.inconclusive})
			if tt.failed != "" {
				want[tt.failed] = timeline.Failed
			}
			expectVerdicts(t, code, got, want, tt.failed, tt.says)
			for _, id := range tt.inconclusive {
				if !strings.Contains(got[id].Message, tt.says) {
					t.Errorf("%s: %q, want it to say %q", id, got[id].Message, tt.says)
				}
			}
			if tt.observed != "" && !strings.Contains(got[tt.passed[0]].Observed, tt.observed) {
				t.Errorf("%s observed %q, want %q", tt.passed[0], got[tt.passed[0]].Observed, tt.observed)
			}
			if t.Failed() {
				t.Logf("run output:\n%s", out)
			}
		})
	}
}

// expectVerdicts checks a focused run: each spec ended as want says and
// no other ran, the exit code says whether one failed, and the failed one
// names its runbook section, says and a time.
// statuses is the status each spec id must end with, from the ids listed
// under each status.
func statuses(ids map[timeline.Status][]string) map[string]timeline.Status {
	want := map[string]timeline.Status{}
	for status, list := range ids {
		for _, id := range list {
			want[id] = status
		}
	}
	return want
}

func expectVerdicts(t *testing.T, code int, got map[string]runner.Verdict, want map[string]timeline.Status, failed, says string) {
	t.Helper()
	for id, status := range want {
		if got[id].Status != status {
			t.Errorf("%s: %s %q, want %s", id, got[id].Status, got[id].Message, status)
		}
	}
	for id, v := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("%s ran (%s %q), but the row does not judge it", id, v.Status, v.Message)
		}
	}
	if wantCode := map[bool]int{true: 1, false: 0}[failed != ""]; code != wantCode {
		t.Errorf("exit %d, want %d", code, wantCode)
	}
	if failed != "" {
		f := got[failed]
		if f.Runbook == "" || !strings.Contains(f.Message, f.Runbook) || !strings.Contains(f.Message, says) || !timestamp.MatchString(f.Message) {
			t.Errorf("message %q: want the runbook section %q, %q and the observed time", f.Message, f.Runbook, says)
		}
	}
}

// The API's request-count promise is waived in the shipped spec until its
// expiry; once the waiver has expired the same failure counts.
func TestExpiredWaiverFailsAgain(t *testing.T) {
	data, err := os.ReadFile(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	expired := strings.Replace(string(data), "expires: 2027-03-31", "expires: 2026-01-01", 1)
	if expired == string(data) {
		t.Fatal("the shipped spec has no waiver expiring 2027-03-31 to expire")
	}
	specPath := filepath.Join(t.TempDir(), "platform.yaml")
	if err := os.WriteFile(specPath, []byte(expired), 0o644); err != nil {
		t.Fatal(err)
	}
	state := startSandbox(t)
	code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), specPath, "scaling", `request-count-promise`)
	v := judged(vs)["scaling.api.request-count-promise"]
	if code != 1 || v.Status != timeline.Failed || !strings.Contains(v.Message, "promises that api scales out above 1000 requests per target") || !strings.Contains(v.Message, "nothing deploys scaling for it") {
		t.Fatalf("exit %d, %s %q; want failed, saying the runbook promises scaling that nothing deploys\n%s", code, v.Status, v.Message, out)
	}
}
