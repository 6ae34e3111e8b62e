package markdown_test

import (
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/reports/internal/runtest"
	"github.com/gameday-sre/gameday/reports/markdown"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		want    []string
		notWant []string
	}{
		{"recorded", runtest.Recorded(), []string{
			"## ❌ Game day 20261205T204810Z against local: failed",
			"| area | verdict | passed | failed | skipped | other |",
			"| scaling | ✅ passed | 8 | 0 | 0 | 0 |",
			"| alarms | ❌ failed | 3 | 1 | 0 | 0 |",
			"| compliance | ✅ passed | 82 | 0 | 16 | 0 |",
			"- ❌ **failed** `alarms.AutoScalingFailure.alarm-on-launch-failures` (Recommended Monitoring Alerts): Recommended Monitoring Alerts: AutoScalingFailure in ALARM not seen by",
			"Timings: first scale-out frontend **4m3s**",
			"Spec lint: 22 findings where the runbook contradicts itself or AWS, 0 undecided.",
		}, nil},
		{"synthetic", runtest.Synthetic(t), []string{
			"| failover | ❌ failed | 1 | 1 | 0 | 0 |",
			"| data | ⏭️ skipped | 0 | 0 | 1 | 0 |",
			"- ❌ **failed** `failover.api.client-recovery` (Failover Configuration): clients were served again at 10:03:00, after the window closed at 10:02:00",
			"RPO redis **1.5s**",
		}, []string{"| compliance", "Spec lint", "data.mongo.rpo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := markdown.Render(&b, runtest.Read(t, tt.dir)); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("summary.md lacks %q:\n%s", want, out)
				}
			}
			for _, not := range tt.notWant {
				if strings.Contains(out, not) {
					t.Errorf("summary.md has %q, which the run did not:\n%s", not, out)
				}
			}
			// Each failure on one line: a CI summary keeps lines short.
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "- ") && len([]rune(line)) > 400 {
					t.Errorf("a failure's line runs to %d characters", len([]rune(line)))
				}
			}
		})
	}
}
