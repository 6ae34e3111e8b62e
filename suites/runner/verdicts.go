package runner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gameday-sre/gameday/timeline"
)

// Verdict is one spec's line in verdicts.json.
type Verdict struct {
	ID       string          `json:"id"`
	Labels   []string        `json:"labels"`
	Runbook  string          `json:"runbook"`
	Status   timeline.Status `json:"status"`
	Expected string          `json:"expected"`
	Observed string          `json:"observed"`
	Message  string          `json:"message,omitempty"`
	Waiver   string          `json:"waiver,omitempty"`
}

// Verdicts are the verdict events of a timeline, one per spec.
func Verdicts(events []timeline.Event) []Verdict {
	out := []Verdict{}
	for _, e := range events {
		v, ok := e.Data.(timeline.Verdict)
		if !ok {
			continue
		}
		expected := v.Expected
		if !v.WindowStart.IsZero() {
			expected += fmt.Sprintf(" (window %s to %s)", v.WindowStart.Format("15:04:05"), v.WindowEnd.Format("15:04:05"))
		}
		out = append(out, Verdict{ID: v.Spec, Labels: v.Labels, Runbook: v.RunbookRef, Status: v.Status, Expected: expected, Observed: v.Observed, Message: v.Message, Waiver: v.Waiver})
	}
	return out
}

// Failed says whether any verdict fails the run's exit code.
func Failed(vs []Verdict) bool {
	return slices.ContainsFunc(vs, func(v Verdict) bool { return v.Status.Failing() })
}

// Count counts verdicts by status, as "5 passed, 1 failed, 1 waived".
func Count(vs []Verdict) string {
	n := map[timeline.Status]int{}
	for _, v := range vs {
		n[v.Status]++
	}
	var parts []string
	for _, s := range timeline.Statuses {
		if n[s] > 0 || s == timeline.Passed || s == timeline.Failed {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

func sortByTime(events []timeline.Event) {
	slices.SortStableFunc(events, func(a, b timeline.Event) int { return a.At.Compare(b.At) })
}

func progressText(suite string, p map[string]any) string {
	parts := []string{suite}
	for _, k := range []string{"spec", "phase", "status"} {
		if s, ok := p[k].(string); ok && s != "" {
			parts = append(parts, s)
		}
	}
	if at, ok := p["at"].(string); ok && at != "" {
		parts = append(parts, "platform "+at)
	}
	if w, ok := p["window"].(string); ok && w != "" {
		parts = append(parts, "window "+w)
	}
	if r, ok := p["rate"].(float64); ok && r > 0 {
		parts = append(parts, fmt.Sprintf("load %.0f req/s", r))
	}
	if st, ok := p["state"].(string); ok && st != "" {
		parts = append(parts, st)
	}
	return strings.Join(parts, " | ")
}
