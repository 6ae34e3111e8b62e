package compliance

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/timeline"
)

// Each finding goes on the timeline whole, at the platform time its spec
// ended, in the order they ended, and reads back as it was written.
func TestRecord(t *testing.T) {
	start := time.Date(2026, 11, 28, 15, 0, 1, 0, time.UTC)
	ended := func(i int) time.Time { return start.Add(-time.Duration(i) * time.Second) }
	platform := func(real time.Time) time.Time { return real.Add(time.Hour) }
	tests := []struct {
		finding rows.Finding
		want    timeline.Verdict
	}{
		{rows.Finding{Row: "frontend.maxCapacity", Area: rows.ScalableTargets, Section: "ECS Service Auto-scaling Configuration", Expected: "10", Actual: "15", Resource: "service/main-cluster/frontend-service", Verdict: rows.Fail},
			timeline.Verdict{Spec: "frontend.maxCapacity", RunbookRef: "ECS Service Auto-scaling Configuration", Expected: "10", Observed: "15 (service/main-cluster/frontend-service)",
				Status: timeline.Failed, Labels: []string{Label, "scalable-targets"}}},
		{rows.Finding{Row: "frontend.minCapacity", Area: rows.ScalableTargets, Section: "ECS Service Auto-scaling Configuration", Expected: "2", Actual: "2", Resource: "service/main-cluster/frontend-service", Verdict: rows.Pass},
			timeline.Verdict{Spec: "frontend.minCapacity", RunbookRef: "ECS Service Auto-scaling Configuration", Expected: "2", Observed: "2 (service/main-cluster/frontend-service)",
				Status: timeline.Passed, Labels: []string{Label, "scalable-targets"}}},
		{rows.Finding{Row: "budget.AI-Service-Monthly", Area: rows.Budget, Section: "Budget Alerts", Expected: "present", Actual: "not read", Resource: "budget AI-Service-Monthly", Verdict: rows.Skip,
			Reason: "requires budgets (target local does not serve it)"},
			timeline.Verdict{Spec: "budget.AI-Service-Monthly", RunbookRef: "Budget Alerts", Expected: "present", Observed: "not read (budget AI-Service-Monthly)",
				Status: timeline.Skipped, Labels: []string{Label, "budget"}, Message: "requires budgets (target local does not serve it)"}},
	}
	// Ginkgo judged them last first.
	var report types.Report
	var findings []rows.Finding
	for i, tt := range tests {
		findings = append(findings, tt.finding)
		report.SpecReports = append(report.SpecReports, types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: tt.finding.Row, EndTime: ended(i)})
	}
	var file bytes.Buffer
	if err := Record(timeline.New(&file), report, findings, platform); err != nil {
		t.Fatal(err)
	}
	events, err := timeline.Read(&file)
	if err != nil || len(events) != len(tests) {
		t.Fatalf("read back %d events, %v; want %d", len(events), err, len(tests))
	}
	for i, tt := range tests {
		got := events[len(tests)-1-i]
		if !reflect.DeepEqual(got.Data, tt.want) || !got.At.Equal(ended(i).Add(time.Hour)) {
			t.Errorf("event %d = %+v at %v, want %+v at %v", got.Seq, got.Data, got.At, tt.want, ended(i).Add(time.Hour))
		}
	}
}
