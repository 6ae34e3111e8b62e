// Package text renders gameday's terminal tables: the compliance drift
// table of gameday check (Drift), the verdicts of gameday run (Verdicts),
// the spec's tables of gameday spec show (Spec) and the comparison of two
// runs (in reports/compare). The commands parse flags and call these; the
// tables live here, beside the other formats.
package text

// cellWidth keeps a table readable where a value is long (a dashboard
// widget, a list of scale-outs); the full value follows the table for
// whatever did not pass, and -o json has it for every row.
const cellWidth = 60

// Cell cuts s to the table's cell width.
func Cell(s string) string {
	if r := []rune(s); len(r) > cellWidth {
		return string(r[:cellWidth-1]) + "…"
	}
	return s
}
