package text_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
	"github.com/gameday-sre/gameday/reports/text"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/timeline"
)

func TestDrift(t *testing.T) {
	rows := []timeline.Verdict{
		{Spec: "frontend.maxCapacity", RunbookRef: "ECS Service Auto-scaling Configuration", Expected: "10", Observed: "15 (service/main-cluster/frontend-service)", Status: timeline.Failed},
		{Spec: "frontend.minCapacity", RunbookRef: "ECS Service Auto-scaling Configuration", Expected: "2", Observed: "2 (service/main-cluster/frontend-service)", Status: timeline.Passed},
		{Spec: "budget.AI-Service-Monthly", RunbookRef: "Budget Alerts", Expected: "present", Observed: "not read", Status: timeline.Skipped, Message: "requires budgets (target local does not serve it)"},
		{Spec: "dashboard.ScalingActivities", RunbookRef: "Monitoring Scaling Events", Expected: strings.Repeat("x", 80), Observed: "timeout", Status: timeline.Error, Message: "GetDashboard: context deadline exceeded"},
	}
	var b strings.Builder
	if err := text.Drift(&b, "local", rows); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"ROW                          EXPECTED",
		"frontend.maxCapacity         10",
		"FAIL\n",
		strings.Repeat("x", 59) + "…",
		"\nFAIL ECS Service Auto-scaling Configuration [frontend.maxCapacity]: expected 10, actual 15 (service/main-cluster/frontend-service)\n",
		"\nSKIP budget.AI-Service-Monthly: requires budgets (target local does not serve it)",
		"\nERROR Monitoring Scaling Events [dashboard.ScalingActivities]: expected " + strings.Repeat("x", 80) + ", actual timeout: GetDashboard: context deadline exceeded",
		"target local: 1 passed, 1 failed, 1 skipped, 1 unreadable\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the drift table lacks %q:\n%s", want, out)
		}
	}
	if s := text.SummarizeDrift(rows); s != (text.DriftSummary{Passed: 1, Failed: 1, Skipped: 1, Errors: 1}) {
		t.Errorf("summary %+v", s)
	}
}

func TestVerdicts(t *testing.T) {
	f := runtest.Read(t, runtest.Synthetic(t))
	var b strings.Builder
	if err := text.Verdicts(&b, folder.Verdicts(f.Events)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"SPEC                          RUNBOOK",
		"failover.api.client-recovery  Failover Configuration               served again 2m after the region went down  FAILED",
		"\nFAILED failover.api.client-recovery: clients were served again at 10:03:00, after the window closed at 10:02:00\n  expected clients served again within 1m (window 10:01:00 to 10:02:00)",
		"\nSKIPPED data.mongo.rpo: requires mongodb",
		"\n1 passed, 1 failed, 1 skipped\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the verdicts lack %q:\n%s", want, out)
		}
	}
}

func TestSpec(t *testing.T) {
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		only    []string
		want    []string
		notWant []string
	}{
		{nil, []string{"SCALING (Scaling Types", "POLICIES (", "cpu-scaling-policy", "180s / 600s", "ALARMS (", "APILatencyHigh", "DECISIONS ("}, nil},
		{[]string{"alarms"}, []string{"ALARMS (Recommended Monitoring Alerts)", "TargetResponseTime"}, []string{"SCALING (", "cpu-scaling-policy"}},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := text.Spec(&b, p, tt.only); err != nil {
			t.Fatal(err)
		}
		for _, want := range tt.want {
			if !strings.Contains(b.String(), want) {
				t.Errorf("spec tables %v lack %q", tt.only, want)
			}
		}
		for _, not := range tt.notWant {
			if strings.Contains(b.String(), not) {
				t.Errorf("spec tables %v have %q", tt.only, not)
			}
		}
	}
	if areas := text.SpecAreas(); len(areas) < 10 || areas[0] != "scaling" || !slices.Contains(areas, "decisions") {
		t.Errorf("areas %v", areas)
	}
}
