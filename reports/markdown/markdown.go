// Package markdown renders a run folder as summary.md: a short table fit
// for a CI job summary or a pull-request comment. Passed, failed and
// skipped per area, each failure in one line with its runbook section,
// the timings, and where the full report is.
package markdown

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/timings"
	"github.com/gameday-sre/gameday/timeline"
)

// mark is a status at a glance, where GitHub renders the emoji.
var mark = map[timeline.Status]string{
	timeline.Passed: "✅", timeline.Failed: "❌", timeline.Error: "💥",
	timeline.Waived: "🟠", timeline.Skipped: "⏭️", timeline.Inconclusive: "❔",
	timeline.Aborted: "🛑",
}

// Render writes the summary of a run folder.
func Render(w io.Writer, f *folder.Folder) error {
	vs := folder.Verdicts(f.Events)
	m := f.Manifest
	result := folder.Result(vs)
	var b strings.Builder
	fmt.Fprintf(&b, "## %s Game day %s against %s: %s\n\n", mark[result], m.ID, m.Target, result)
	fmt.Fprintf(&b, "gameday `%s` · spec `%s` (sha256 `%.12s`) · %s of platform time in %s",
		m.Version, m.Spec.Path, m.Spec.SHA256, m.Ended.Platform.Sub(m.Started.Platform).Round(time.Second), m.Ended.Real.Sub(m.Started.Real).Round(time.Second))
	if m.Interrupted {
		b.WriteString(" · **interrupted**: what was judged before the stop")
	}
	if m.Aborted != "" {
		b.WriteString(" · **aborted**: " + m.Aborted + "; every fault was reverted")
	}
	b.WriteString("\n\n| area | verdict | passed | failed | skipped | other |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	groups := folder.GroupBy(vs, folder.ByArea)
	compliance := folder.Verdicts(f.Compliance)
	if f.Compliance != nil {
		groups = append(groups, folder.Group{Key: "compliance", Status: folder.Worst(compliance), Verdicts: compliance})
	}
	for _, g := range groups {
		n := folder.Counts(g.Verdicts)
		other := len(g.Verdicts) - n[timeline.Passed] - n[timeline.Failed] - n[timeline.Skipped]
		fmt.Fprintf(&b, "| %s | %s %s | %d | %d | %d | %d |\n", g.Key, mark[g.Status], g.Status, n[timeline.Passed], n[timeline.Failed], n[timeline.Skipped], other)
	}
	var failures []string
	for _, v := range append(vs, compliance...) {
		if v.Status.Failing() || v.Status == timeline.Inconclusive || v.Status == timeline.Waived || v.Status == timeline.Aborted {
			failures = append(failures, fmt.Sprintf("- %s **%s** `%s` (%s): %s", mark[v.Status], v.Status, v.Spec, v.RunbookRef, oneLine(v)))
		}
	}
	if len(failures) > 0 {
		b.WriteString("\n" + strings.Join(failures, "\n") + "\n")
	}
	if ts := timings.Measure(f.Events); len(ts) > 0 {
		b.WriteString("\nTimings: ")
		for i, t := range ts {
			if i > 0 {
				b.WriteString(" · ")
			}
			fmt.Fprintf(&b, "%s **%s**", t.Name(), timings.Readable(t.Value))
		}
		b.WriteString("\n")
	}
	if f.Lint != nil {
		undecided := 0
		for _, l := range f.Lint.Findings {
			if l.Decision == nil {
				undecided++
			}
		}
		fmt.Fprintf(&b, "\nSpec lint: %d findings where the runbook contradicts itself or AWS, %d undecided.\n", len(f.Lint.Findings), undecided)
	}
	fmt.Fprintf(&b, "\nCharts, every verdict and its evidence: `%s` and `%s` in the run folder.\n", folder.HTMLFile, folder.EvidenceFile)
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine is why a spec did not pass, as one line a table cell keeps:
// the message, else what was expected against what was observed.
func oneLine(v folder.Verdict) string {
	s := v.Message
	if s == "" {
		s = fmt.Sprintf("expected %s, observed %s", v.Expected, v.Observed)
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 240 {
		s = string(r[:239]) + "…"
	}
	return s
}
