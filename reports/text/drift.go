package text

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/gameday-sre/gameday/timeline"
)

// DriftSummary counts a compliance check's rows by verdict; gameday check
// -o json prints it.
type DriftSummary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
}

func (s DriftSummary) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped, %d unreadable", s.Passed, s.Failed, s.Skipped, s.Errors)
}

// SummarizeDrift counts the compliance rows' verdicts, as the timeline
// records them (suites/compliance.Verdict).
func SummarizeDrift(rows []timeline.Verdict) DriftSummary {
	var s DriftSummary
	for _, r := range rows {
		switch r.Status {
		case timeline.Passed:
			s.Passed++
		case timeline.Failed:
			s.Failed++
		case timeline.Skipped:
			s.Skipped++
		case timeline.Error:
			s.Errors++
		}
	}
	return s
}

// rowVerdict is the drift table's word for a row's status: the
// compliance suite's own (PASS, FAIL, SKIP, ERROR), which CI logs have
// been grepped for.
var rowVerdict = map[timeline.Status]string{timeline.Passed: "PASS", timeline.Failed: "FAIL", timeline.Skipped: "SKIP", timeline.Error: "ERROR"}

// Drift writes the drift table of a compliance check: row, expected,
// actual, verdict; then what each row that did not pass needs said (the
// runbook section, expected and actual for a failure, the reason for a
// skip), then the count.
func Drift(w io.Writer, target string, rows []timeline.Verdict) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROW\tEXPECTED\tACTUAL\tVERDICT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Spec, Cell(r.Expected), Cell(r.Observed), rowVerdict[r.Status])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		switch r.Status {
		case timeline.Failed, timeline.Error:
			fmt.Fprintf(w, "\n%s %s [%s]: expected %s, actual %s", rowVerdict[r.Status], r.RunbookRef, r.Spec, r.Expected, r.Observed)
			if r.Message != "" {
				fmt.Fprintf(w, ": %s", r.Message)
			}
		case timeline.Skipped:
			fmt.Fprintf(w, "\nSKIP %s: %s", r.Spec, r.Message)
		}
	}
	_, err := fmt.Fprintf(w, "\n\ntarget %s: %s\n", target, SummarizeDrift(rows))
	return err
}
