package compliance

import (
	"fmt"
	"slices"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/timeline"
)

// Phase names a compliance run's phase on the timeline.
const Phase = "compliance"

// Record appends one verdict per finding to the timeline, each at the
// platform time its spec ended in Ginkgo's report (platform converts the
// report's real times), so that a report rendered from the timeline has
// every row and when it was judged. They go on in the order they were
// judged, which is not the runbook's when Ginkgo shuffles its containers:
// a timeline runs forward.
func Record(log *timeline.Log, report types.Report, findings []rows.Finding, platform func(time.Time) time.Time) error {
	ended := map[string]time.Time{}
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			ended[sr.LeafNodeText] = sr.EndTime
		}
	}
	findings = slices.Clone(findings)
	slices.SortStableFunc(findings, func(a, b rows.Finding) int { return ended[a.Row].Compare(ended[b.Row]) })
	for _, f := range findings {
		if _, err := log.Append(platform(ended[f.Row]), Verdict(f)); err != nil {
			return fmt.Errorf("recording the verdict of row %s on the timeline: %w", f.Row, err)
		}
	}
	return nil
}

// Verdict is a finding as the timeline records it: Observed is the actual
// value with its resource, as in "15 (service/main-cluster/frontend-service)",
// and Message the reason of a skip or error.
func Verdict(f rows.Finding) timeline.Verdict {
	return timeline.Verdict{Spec: f.Row, RunbookRef: f.Section, Expected: f.Expected, Observed: fmt.Sprintf("%s (%s)", f.Actual, f.Resource),
		Status: status[f.Verdict], Labels: []string{Label, string(f.Area)}, Message: f.Reason}
}

var status = map[rows.Verdict]timeline.Status{rows.Pass: timeline.Passed, rows.Fail: timeline.Failed, rows.Skip: timeline.Skipped, rows.Error: timeline.Error}
