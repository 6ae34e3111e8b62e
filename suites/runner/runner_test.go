package runner

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// The suites' timelines merge into one in platform time order, and
// verdicts.json has one line per verdict event with its window; only
// failed and error verdicts fail the run.
func TestMergeAndVerdicts(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	write := func(name string, events ...timeline.Event) string {
		path := filepath.Join(dir, name)
		tl, err := timeline.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if _, err := tl.Append(e.At, e.Data); err != nil {
				t.Fatal(err)
			}
		}
		tl.Close()
		return path
	}
	a := write("a.jsonl",
		timeline.Event{At: at, Data: timeline.Verdict{Spec: "scaling.x", RunbookRef: "R", Expected: "e", WindowStart: at, WindowEnd: at.Add(3 * time.Minute), Status: timeline.Passed, Labels: []string{"scaling"}}},
		timeline.Event{At: at.Add(2 * time.Minute), Data: timeline.Verdict{Spec: "scaling.y", Status: timeline.Waived, Waiver: "f", Labels: []string{}}})
	b := write("b.jsonl",
		timeline.Event{At: at.Add(time.Minute), Data: timeline.Verdict{Spec: "alarms.z", Status: timeline.Inconclusive, Message: "load short", Labels: []string{}}})
	events, err := merge([]string{a, b, filepath.Join(dir, "missing.jsonl")}, filepath.Join(dir, "timeline.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := timeline.ReadFile(filepath.Join(dir, "timeline.jsonl"))
	if err != nil || len(back) != 3 || len(events) != 3 {
		t.Fatalf("merged %d events, read back %d, %v", len(events), len(back), err)
	}
	vs := Verdicts(back)
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	if got := ids[0] + " " + ids[1] + " " + ids[2]; got != "scaling.x alarms.z scaling.y" {
		t.Errorf("order %s, want platform time order", got)
	}
	if vs[0].Expected != "e (window 10:00:00 to 10:03:00)" {
		t.Errorf("expected %q", vs[0].Expected)
	}
	if Failed(vs) || Count(vs) != "1 passed, 0 failed, 1 waived, 1 inconclusive" {
		t.Errorf("failed %v, count %q", Failed(vs), Count(vs))
	}
	if !Failed(append(vs, Verdict{Status: timeline.Error})) {
		t.Error("an error verdict does not fail the run")
	}
}
