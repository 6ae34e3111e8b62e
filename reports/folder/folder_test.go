package folder_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
	"github.com/gameday-sre/gameday/timeline"
)

func TestReadTheRecordedRun(t *testing.T) {
	f := runtest.Read(t, runtest.Recorded())
	if f.Manifest.Target != "local" || len(f.Manifest.Spec.SHA256) != 64 || f.Manifest.Scale != 60 || !f.Manifest.Ended.Real.After(f.Manifest.Started.Real) {
		t.Errorf("manifest %+v: want the sandbox's run with its spec hash and real start and end", f.Manifest)
	}
	if len(folder.Verdicts(f.Events)) == 0 || len(folder.Verdicts(f.Compliance)) == 0 || f.Lint == nil || len(f.Lint.Findings) == 0 {
		t.Errorf("want behavioural verdicts, compliance rows and lint findings; got %d, %d, %v",
			len(folder.Verdicts(f.Events)), len(folder.Verdicts(f.Compliance)), f.Lint)
	}
}

// A folder without the optional files reads; one without what every run
// writes, or with a damaged optional file, is refused saying which file.
func TestReadRefuses(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(dir string) error
		want  string
	}{
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, folder.ManifestFile)) }, "run.json"},
		{"no timeline", func(dir string) error { return os.Remove(filepath.Join(dir, folder.TimelineFile)) }, "timeline.jsonl"},
		{"a damaged lint report", func(dir string) error { return os.WriteFile(filepath.Join(dir, folder.LintFile), []byte("{"), 0o644) }, "spec-lint.json"},
		{"a damaged compliance timeline", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, folder.ComplianceFile), []byte(`{"v":9}`+"\n"), 0o644)
		}, "compliance.timeline.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := runtest.Copy(t, runtest.Recorded())
			if err := tt.spoil(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := folder.Read(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read: %v, want an error naming %s", err, tt.want)
			}
		})
	}
	f := runtest.Read(t, runtest.Synthetic(t))
	if f.Compliance != nil || f.Lint != nil {
		t.Errorf("a folder without the check's timeline and the lint report reads them as %v and %v, want nil", f.Compliance, f.Lint)
	}
}

// The synthetic run's experiments: the failover one holds every event up
// to its last verdict, the data one only what came after.
func TestExperiments(t *testing.T) {
	f := runtest.Read(t, runtest.Synthetic(t))
	xs := folder.Experiments(f.Events)
	var got []string
	for _, x := range xs {
		var kinds []string
		for _, e := range x.Events {
			if k := string(e.Kind()); !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		got = append(got, x.ID+" "+x.From.Format("15:04:05")+"-"+x.To.Format("15:04:05")+" "+strings.Join(kinds, ","))
	}
	want := []string{
		"failover.api 10:00:00-10:04:40 phase,capacity.sample,load.window,fault.injected,healthcheck.change,alarm.transition,dns.answer,data.probe,fault.reverted",
		"data.mongo 10:04:40-10:05:00 phase",
	}
	if !slices.Equal(got, want) {
		t.Errorf("experiments\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(xs[0].Verdicts) + len(xs[1].Verdicts); n != 3 {
		t.Errorf("%d verdicts in the experiments, want 3", n)
	}
}

func TestStatuses(t *testing.T) {
	v := func(s timeline.Status, labels ...string) folder.Verdict {
		return folder.Verdict{Verdict: timeline.Verdict{Spec: "x.y.z", Status: s, Labels: labels}}
	}
	tests := []struct {
		name          string
		verdicts      []folder.Verdict
		worst, result timeline.Status
	}{
		{"all passed", []folder.Verdict{v(timeline.Passed), v(timeline.Passed)}, timeline.Passed, timeline.Passed},
		{"a skip does not hide a pass", []folder.Verdict{v(timeline.Skipped), v(timeline.Passed)}, timeline.Passed, timeline.Passed},
		{"all skipped", []folder.Verdict{v(timeline.Skipped)}, timeline.Skipped, timeline.Skipped},
		{"waived reads over passed", []folder.Verdict{v(timeline.Passed), v(timeline.Waived)}, timeline.Waived, timeline.Waived},
		{"inconclusive over waived", []folder.Verdict{v(timeline.Inconclusive), v(timeline.Waived)}, timeline.Inconclusive, timeline.Inconclusive},
		{"an error fails the run", []folder.Verdict{v(timeline.Passed), v(timeline.Error)}, timeline.Error, timeline.Failed},
		{"error over failed", []folder.Verdict{v(timeline.Failed), v(timeline.Error)}, timeline.Error, timeline.Failed},
		{"nothing ran", nil, timeline.Skipped, timeline.Skipped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := folder.Worst(tt.verdicts); got != tt.worst {
				t.Errorf("Worst = %s, want %s", got, tt.worst)
			}
			if got := folder.Result(tt.verdicts); got != tt.result {
				t.Errorf("Result = %s, want %s", got, tt.result)
			}
		})
	}
	if a := v(timeline.Passed).Area(); a != "unlabelled" {
		t.Errorf("a verdict without labels is in area %q", a)
	}
	groups := folder.GroupBy([]folder.Verdict{v(timeline.Passed, "scaling"), v(timeline.Failed, "alarms"), v(timeline.Skipped, "scaling")}, folder.ByArea)
	if len(groups) != 2 || groups[0].Key != "scaling" || groups[0].Status != timeline.Passed || groups[0].Judged() != 1 || groups[1].Status != timeline.Failed {
		t.Errorf("groups by area %+v", groups)
	}
}
