package text

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/timeline"
)

// Verdicts writes one line per behavioural spec, then what each spec
// that did not pass needs said, then the count.
func Verdicts(w io.Writer, vs []folder.Verdict) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SPEC\tRUNBOOK\tOBSERVED\tSTATUS")
	for _, v := range vs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Spec, v.RunbookRef, Cell(v.Observed), strings.ToUpper(string(v.Status)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, v := range vs {
		if v.Message == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s %s: %s\n  expected %s", strings.ToUpper(string(v.Status)), v.Spec, v.Message, v.Expected)
		if !v.WindowStart.IsZero() {
			fmt.Fprintf(w, " (window %s to %s)", v.WindowStart.Format(time.TimeOnly), v.WindowEnd.Format(time.TimeOnly))
		}
	}
	_, err := fmt.Fprintf(w, "\n\n%s\n", Count(vs))
	return err
}

// Count counts verdicts by status, as "5 passed, 1 failed, 1 waived":
// passed and failed always, the others when there are any.
func Count(vs []folder.Verdict) string {
	n := folder.Counts(vs)
	var parts []string
	for _, s := range timeline.Statuses {
		if n[s] > 0 || s == timeline.Passed || s == timeline.Failed {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
