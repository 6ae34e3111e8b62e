package folder

import (
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// Verdict is a verdict event with its place on the timeline, so a report
// can point at the line of timeline.jsonl it came from.
type Verdict struct {
	Seq uint64
	At  time.Time
	timeline.Verdict
}

// Verdicts are the verdict events of a timeline, in its order.
func Verdicts(events []timeline.Event) []Verdict {
	var out []Verdict
	for _, e := range events {
		if v, ok := e.Data.(timeline.Verdict); ok {
			out = append(out, Verdict{Seq: e.Seq, At: e.At, Verdict: v})
		}
	}
	return out
}

// Area is the runbook area a verdict belongs to: its first label, where
// every suite puts its area (scaling, alarms, compliance...).
func (v Verdict) Area() string {
	if len(v.Labels) == 0 {
		return "unlabelled"
	}
	return v.Labels[0]
}

// Experiment is the spec id without its last part: the specs
// scaling.frontend.scale-out-window and scaling.frontend.max-capacity
// judge one experiment, scaling.frontend, under one load.
func (v Verdict) Experiment() string {
	if i := strings.LastIndexByte(v.Spec, '.'); i > 0 {
		return v.Spec[:i]
	}
	return v.Spec
}

// severity orders statuses from the one a reader must see first: an area
// with one error and nine passes reads as error.
var severity = []timeline.Status{timeline.Aborted, timeline.Error, timeline.Failed, timeline.Inconclusive, timeline.Waived, timeline.Passed, timeline.Skipped}

// Worst is the status a group of verdicts reads as: the most severe of
// theirs; skipped only when every one was skipped.
func Worst(vs []Verdict) timeline.Status {
	worst := len(severity) - 1
	for _, v := range vs {
		if i := slices.Index(severity, v.Status); i >= 0 && i < worst {
			worst = i
		}
	}
	return severity[worst]
}

// Result is a run's outcome as its exit code reads it: failed when a
// verdict fails the run (failed or error), else the most severe of the
// rest.
func Result(vs []Verdict) timeline.Status {
	if slices.ContainsFunc(vs, func(v Verdict) bool { return v.Status.Failing() }) {
		return timeline.Failed
	}
	return Worst(vs)
}

// Counts counts verdicts by status.
func Counts(vs []Verdict) map[timeline.Status]int {
	n := map[timeline.Status]int{}
	for _, v := range vs {
		n[v.Status]++
	}
	return n
}

// Group is verdicts that share a key (an area, a runbook section), with
// the status they read as together.
type Group struct {
	Key      string
	Status   timeline.Status
	Verdicts []Verdict
}

// Judged counts the verdicts that judged the platform: every one but
// the skipped, which say what the target lacked instead.
func (g Group) Judged() int {
	return len(g.Verdicts) - Counts(g.Verdicts)[timeline.Skipped]
}

// GroupBy groups verdicts by key, in the order each key first appears.
func GroupBy(vs []Verdict, key func(Verdict) string) []Group {
	var out []Group
	for _, v := range vs {
		k := key(v)
		i := slices.IndexFunc(out, func(g Group) bool { return g.Key == k })
		if i < 0 {
			out, i = append(out, Group{Key: k}), len(out)
		}
		out[i].Verdicts = append(out[i].Verdicts, v)
	}
	for i := range out {
		out[i].Status = Worst(out[i].Verdicts)
	}
	return out
}

// ByArea and BySection are the keys a report groups by.
func ByArea(v Verdict) string    { return v.Area() }
func BySection(v Verdict) string { return v.RunbookRef }
