package compliance

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

// Findings reads a report as gameday check does, back from Ginkgo's JSON
// report, whatever order Ginkgo ran the specs in.
func TestFindings(t *testing.T) {
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(&targets.Target{Spec: p, Profile: &profile.Profile{Name: "test", Serves: []profile.Capability{profile.AutoScaling}}})
	if err != nil {
		t.Fatal(err)
	}
	first, second := s.rows[0], s.rows[1]
	judged := func(r rows.Row, v rows.Verdict) types.SpecReport {
		f := rows.Finding{Row: r.ID, Area: r.Area, Section: r.Section, Expected: r.Expected, Actual: "x", Resource: r.Resource, Verdict: v}
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: r.ID, State: types.SpecStatePassed,
			ReportEntries: types.ReportEntries{{Name: findingEntry, Value: types.WrapEntryValue(f)}}}
	}
	tests := []struct {
		name  string
		specs []types.SpecReport
		// want is each finding's row and verdict.
		want []string
	}{
		{"in the runbook's order, not Ginkgo's", []types.SpecReport{judged(second, rows.Fail), judged(first, rows.Pass)},
			[]string{first.ID + " pass", second.ID + " fail"}},
		{"a row a label filter left out is left out", []types.SpecReport{judged(second, rows.Skip)},
			[]string{second.ID + " skip"}},
		{"a spec that ended without its finding is an error, never a pass", []types.SpecReport{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: first.ID, State: types.SpecStateTimedout, Failure: types.Failure{Message: "A node timeout occurred"}},
		}, []string{first.ID + " error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(types.Report{SpecReports: tt.specs})
			if err != nil {
				t.Fatal(err)
			}
			var report types.Report
			if err := json.Unmarshal(data, &report); err != nil {
				t.Fatal(err)
			}
			findings, err := s.Findings(report)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				got = append(got, f.Row+" "+string(f.Verdict))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}
