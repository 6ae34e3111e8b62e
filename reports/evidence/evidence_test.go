package evidence_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gameday-sre/gameday/reports/evidence"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
	"github.com/gameday-sre/gameday/reports/schema"
	"github.com/gameday-sre/gameday/timeline"
)

var update = flag.Bool("update", false, "rewrite testdata/evidence.golden.json from the recorded run")

// The recorded run's evidence.json is pinned whole: a change to its
// shape (a field renamed, dropped or added, an event no longer cited)
// shows in review as a change to the golden file. go test -update
// rewrites it.
func TestEvidenceGolden(t *testing.T) {
	got, err := evidence.Marshal(evidence.Build(runtest.Read(t, runtest.Recorded())))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "evidence.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("evidence.json of the recorded run differs from %s (go test ./reports/evidence -update rewrites it, for review):\n%s", golden, firstDifference(got, want))
	}
}

func firstDifference(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return "one is a prefix of the other"
}

// Both runs' evidence validates against the schema, and what it says is
// what the runs did: every verdict, every cited event present, each
// verdict resting on events of its experiment.
func TestEvidenceValidatesAndCitesItsEvents(t *testing.T) {
	for name, dir := range map[string]string{"recorded": runtest.Recorded(), "synthetic": runtest.Synthetic(t)} {
		t.Run(name, func(t *testing.T) {
			f := runtest.Read(t, dir)
			e := evidence.Build(f)
			data, err := evidence.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.ValidateEvidence(data); err != nil {
				t.Fatal(err)
			}
			if len(e.Verdicts) != len(folder.Verdicts(f.Events)) {
				t.Errorf("%d verdicts in evidence.json, %d on the timeline", len(e.Verdicts), len(folder.Verdicts(f.Events)))
			}
			cited := map[uint64]bool{}
			for _, ev := range e.Events {
				cited[ev.Seq] = true
			}
			for _, v := range e.Verdicts {
				if v.Status != timeline.Skipped && len(v.Evidence) == 0 {
					t.Errorf("verdict %s (%s) cites no event", v.Spec, v.Status)
				}
				for _, s := range v.Evidence {
					if !cited[s] || s >= v.Seq {
						t.Errorf("verdict %s (seq %d) cites event %d, which evidence.json lacks or which came after it", v.Spec, v.Seq, s)
					}
				}
			}
			for _, tm := range e.Timings {
				for _, s := range tm.Evidence {
					if !cited[s] {
						t.Errorf("timing %s cites event %d, which evidence.json lacks", tm.Name, s)
					}
				}
			}
		})
	}
}

// The synthetic run's failing spec carries what an auditor asks: the
// runbook section, the window, the observed moment and why it failed;
// its evidence is the fault, the health check, the DNS answer and the
// load that show it.
func TestEvidenceOfAFailure(t *testing.T) {
	e := evidence.Build(runtest.Read(t, runtest.Synthetic(t)))
	i := slices.IndexFunc(e.Verdicts, func(v evidence.Verdict) bool { return v.Spec == "failover.api.client-recovery" })
	if i < 0 {
		t.Fatal("no verdict failover.api.client-recovery")
	}
	v := e.Verdicts[i]
	if e.Result != timeline.Failed || v.Status != timeline.Failed || v.Runbook != "Failover Configuration" || v.Window == nil ||
		!v.Window.Start.Equal(runtest.At(1, 0)) || v.ObservedAt == nil || !v.ObservedAt.Equal(runtest.At(3, 0)) || v.Message == "" || v.Experiment != "failover.api" {
		t.Errorf("verdict %+v", v)
	}
	var kinds []timeline.Kind
	for _, ev := range e.Events {
		if slices.Contains(v.Evidence, ev.Seq) && !slices.Contains(kinds, ev.Kind) {
			kinds = append(kinds, ev.Kind)
		}
	}
	for _, k := range []timeline.Kind{timeline.KindFaultInjected, timeline.KindHealthCheckChange, timeline.KindDNSAnswer, timeline.KindLoadWindow, timeline.KindFaultReverted} {
		if !slices.Contains(kinds, k) {
			t.Errorf("the failure's evidence lacks a %s event: it cites %v", k, kinds)
		}
	}
	var names []string
	for _, tm := range e.Timings {
		names = append(names, tm.Name+" "+tm.Value)
	}
	want := []string{"failover detection primary 30s", "client recovery region-down region=us-east-1 1m0s", "RPO redis 1.5s"}
	if !slices.Equal(names, want) {
		t.Errorf("timings %q, want %q", names, want)
	}
	if e.Compliance != nil || e.Lint != nil {
		t.Errorf("a folder without a compliance timeline or lint report has compliance %v and lint %v, want null", e.Compliance, e.Lint)
	}
}

// The schema refuses what a reader could not rely on: each change below
// breaks one promise of evidence.json, and each must fail validation.
func TestSchemaRefuses(t *testing.T) {
	good, err := evidence.Marshal(evidence.Build(runtest.Read(t, runtest.Synthetic(t))))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		spoil func(doc map[string]any)
	}{
		{"an unknown status", func(d map[string]any) { d["result"] = "green" }},
		{"no run", func(d map[string]any) { delete(d, "run") }},
		{"a spec hash that is not sha256", func(d map[string]any) { d["run"].(map[string]any)["spec"].(map[string]any)["sha256"] = "abc" }},
		{"a time that is not a time", func(d map[string]any) { d["run"].(map[string]any)["started"].(map[string]any)["real"] = "yesterday" }},
		{"a verdict without its runbook section", func(d map[string]any) { delete(d["verdicts"].([]any)[0].(map[string]any), "runbook") }},
		{"a field nobody documented", func(d map[string]any) { d["verdicts"].([]any)[0].(map[string]any)["colour"] = "red" }},
		{"a timing that is not a duration", func(d map[string]any) { d["timings"].([]any)[0].(map[string]any)["value"] = "90" }},
		{"an event of an unknown kind", func(d map[string]any) { d["events"].([]any)[0].(map[string]any)["kind"] = "weather" }},
		{"a load window without its latency", func(d map[string]any) {
			for _, e := range d["events"].([]any) {
				if e.(map[string]any)["kind"] == "load.window" {
					delete(e.(map[string]any)["data"].(map[string]any), "p90")
				}
			}
		}},
		{"a verdict citing an event by name", func(d map[string]any) { d["verdicts"].([]any)[0].(map[string]any)["evidence"] = []any{"the fault"} }},
	}
	if err := schema.ValidateEvidence(good); err != nil {
		t.Fatalf("the unspoilt document: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(good, &doc); err != nil {
				t.Fatal(err)
			}
			tt.spoil(doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.ValidateEvidence(data); err == nil {
				t.Error("validated; want the schema to refuse it")
			}
		})
	}
}
