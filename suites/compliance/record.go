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

// Verdict is a finding as the timeline records it. The timeline's verdict
// is pass or not and has no resource, so Observed carries the rest of the
// finding in its own words: the verdict (pass, fail, skip, error), the
// actual value, the resource, and the reason of a skip or error, as in
// "fail: 15 (service/main-cluster/frontend-service)".
func Verdict(f rows.Finding) timeline.Verdict {
	observed := fmt.Sprintf("%s: %s (%s)", f.Verdict, f.Actual, f.Resource)
	if f.Reason != "" {
		observed += ": " + f.Reason
	}
	return timeline.Verdict{Spec: f.Row, RunbookRef: f.Section, Expected: f.Expected, Observed: observed, Passed: f.Verdict == rows.Pass}
}
