package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

// checkReport is `gameday check -o json`.
type checkReport struct {
	Summary  summary        `json:"summary"`
	Findings []rows.Finding `json:"findings"`
}

// checkSandbox runs `gameday check` against the sandbox in dir, as an SRE
// would, and returns its exit code and report.
func checkSandbox(t *testing.T, dir string) (int, checkReport) {
	t.Helper()
	all, out, code := gamedaySplit(t, "check", "--target", filepath.Join(dir, "target.yaml"), "--spec", shippedSpec, "-o", "json")
	var r checkReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("check -o json exited %d and is not JSON: %v\n%s", code, err, all)
	}
	return code, r
}

func failures(r checkReport) []rows.Finding {
	var out []rows.Finding
	for _, f := range r.Findings {
		if f.Verdict == rows.Fail || f.Verdict == rows.Error {
			out = append(out, f)
		}
	}
	return out
}

// A clean sandbox passes every compliance row; with one deviation from
// the runbook, exactly the row it departs from fails, and the failure
// names the runbook section, what the runbook says and what the sandbox
// has (design principle 7: a harness is only as good as what it catches).
func TestComplianceCatchesEachDeviation(t *testing.T) {
	t.Run("clean", func(t *testing.T) {
		code, r := checkSandbox(t, startSandbox(t))
		if f := failures(r); code != 0 || len(f) > 0 {
			t.Fatalf("a clean sandbox: exit %d, failures %v", code, f)
		}
		if r.Summary.Passed < 60 {
			t.Errorf("only %d rows passed against a clean sandbox: %+v", r.Summary.Passed, r.Summary)
		}
	})
	tests := []struct {
		deviation string
		// actual is what the failure must report the sandbox has.
		actual string
	}{
		{"frontend.scaleInCooldown=60s", "60s"},
		{"frontend.scaleOutCooldown=60s", "60s"},
		{"ai.scaleOutCooldown=300s", "300s"},
		{"frontend.minCapacity=3", "3"},
		{"ai.maxCapacity=50", "50"},
		{"api.maxCapacity=15", "15"},
		{"frontend.targetValue=50", "50"},
		{"ai.policy=absent", "absent"},
		{"alarm.APILatencyHigh.statistic=Average", "Average"},
		{"alarm.APILatencyHigh.evaluationPeriods=1", "1"},
		{"alarm.APILatencyHigh.period=60s", "60s"},
		{"alarm.AutoScalingFailure.threshold=5", "5"},
		{"alarm.AutoScalingFailure=absent", "absent"},
		{"scheduled.business-hours-scaling.schedule=cron(0 9 ? * MON-FRI *)", "cron(0 9 ? * MON-FRI *)"},
		{"scheduled.night-hours-scaling=absent", "absent"},
		{"scheduled.business-hours-scaling.maxCapacity=12", "12"},
		{"healthcheck.primary.failureThreshold=6", "6"},
		{"healthcheck.primary.requestInterval=10s", "10s"},
		{"healthcheck.primary.resourcePath=/status", "/status"},
		{"failover.Primary.healthCheck=absent", "no health check"},
		{"failover.Secondary.evaluateTargetHealth=false", "false"},
	}
	for _, tt := range tests {
		key, _, _ := strings.Cut(tt.deviation, "=")
		t.Run(tt.deviation, func(t *testing.T) {
			code, r := checkSandbox(t, startSandbox(t, tt.deviation))
			f := failures(r)
			if code != 1 || len(f) != 1 || f[0].Row != key {
				t.Fatalf("exit %d, failed rows %v; want exit 1 and exactly row %s", code, f, key)
			}
			if f[0].Section == "" || f[0].Expected == "" || !strings.Contains(f[0].Actual, tt.actual) || f[0].Resource == "" {
				t.Errorf("failure %+v: want the runbook section, expected value, actual %q and the resource", f[0], tt.actual)
			}
		})
	}
}
