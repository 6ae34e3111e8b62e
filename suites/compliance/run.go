package compliance

import (
	"context"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

// Label is the suite's label; each row also carries its area's.
const Label = "compliance"

// Run judges every row of the runbook against a target and returns one
// finding per row, in the runbook's order. Only an unusable target is an
// error; an unreadable API is a finding of each row that needs it.
func Run(ctx context.Context, clients *gdaws.Clients, p *spec.Platform, target Target) ([]rows.Finding, error) {
	if err := target.check(); err != nil {
		return nil, err
	}
	r := newReader(clients, p, target)
	all := rows.Rows(p, target.Names)
	out := make([]rows.Finding, len(all))
	for i, row := range all {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = judge(ctx, r, target, row)
	}
	return out, nil
}

func judge(ctx context.Context, r *reader, target Target, row rows.Row) rows.Finding {
	if !target.serves(row.Needs) {
		return row.NotServed(target.Name)
	}
	o, err := r.read(ctx, row.Area)
	if err != nil {
		return row.Unreadable(err)
	}
	return row.Judge(o)
}

// WriteJUnit writes findings as Ginkgo's JUnit report, one test case per
// row labelled with the suite and the row's area, so CI shows them as it
// shows every other suite's.
func WriteJUnit(path, target string, findings []rows.Finding, started, ended time.Time) error {
	report := types.Report{
		SuitePath:        "suites/compliance",
		SuiteDescription: "compliance against " + target,
		SuiteLabels:      []string{Label},
		SuiteSucceeded:   true,
		StartTime:        started,
		EndTime:          ended,
		RunTime:          ended.Sub(started),
	}
	for _, f := range findings {
		spec := types.SpecReport{
			LeafNodeType:   types.NodeTypeIt,
			LeafNodeText:   f.Row,
			LeafNodeLabels: []string{Label, string(f.Area)},
			StartTime:      started,
			EndTime:        ended,
			State:          types.SpecStatePassed,
			CapturedStdOutErr: fmt.Sprintf("section: %s\nexpected: %s\nactual: %s\nresource: %s\n",
				f.Section, f.Expected, f.Actual, f.Resource),
		}
		switch f.Verdict {
		case rows.Skip:
			spec.State = types.SpecStateSkipped
			spec.Failure = types.Failure{Message: f.Reason}
		case rows.Fail, rows.Error:
			spec.State = types.SpecStateFailed
			spec.Failure = types.Failure{Message: f.String(), FailureNodeType: types.NodeTypeIt}
			report.SuiteSucceeded = false
		}
		report.SpecReports = append(report.SpecReports, spec)
	}
	if err := reporters.GenerateJUnitReport(report, path); err != nil {
		return fmt.Errorf("writing JUnit report %s: %w", path, err)
	}
	return nil
}
