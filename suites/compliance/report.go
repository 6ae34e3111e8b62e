package compliance

import (
	"encoding/json"
	"fmt"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

// Findings reads each row's finding back from Ginkgo's report of this
// suite, in the runbook's order rather than the order Ginkgo ran them in.
// A row the report lacks (a label filter left it out) is left out. A spec
// that ended without leaving its finding (its area's read timed out, the
// run was interrupted) is an error finding with Ginkgo's reason, so that
// it can never read as a pass.
func (s *Suite) Findings(report types.Report) ([]rows.Finding, error) {
	specs := map[string]types.SpecReport{}
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			specs[sr.LeafNodeText] = sr
		}
	}
	var out []rows.Finding
	for _, row := range s.rows {
		sr, ok := specs[row.ID]
		if !ok {
			continue
		}
		f, err := finding(row, sr)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func finding(row rows.Row, sr types.SpecReport) (rows.Finding, error) {
	for _, e := range sr.ReportEntries {
		if e.Name != findingEntry {
			continue
		}
		// In process the value is the Finding itself; read back from a
		// JSON report it is a map. A round trip through JSON reads both.
		var f rows.Finding
		data, err := json.Marshal(e.GetRawValue())
		if err == nil {
			err = json.Unmarshal(data, &f)
		}
		if err != nil {
			return rows.Finding{}, fmt.Errorf("reading the finding of spec %s from the report: %w", row.ID, err)
		}
		return f, nil
	}
	return row.Unreadable(fmt.Errorf("not judged: the spec ended %s: %s", sr.State, sr.Failure.Message)), nil
}
