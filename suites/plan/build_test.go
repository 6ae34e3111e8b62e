package plan_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/suites/plan"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Against moto, which holds none of the platform, a plan of every suite
// still lists every fault the spec gives the suites, says what it could
// not read, and asks the gate for no change at all.
func TestBuildChangesNothing(t *testing.T) {
	p, err := profile.Load("../../fixtures/targets/moto.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.Endpoints.AWS = motoserver.Start(t)
	path := filepath.Join(t.TempDir(), "moto.yaml")
	if err := profile.Write(path, p); err != nil {
		t.Fatal(err)
	}
	tgt, err := targets.Open(context.Background(), path, targets.Options{Spec: "../../fixtures/spec/platform.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Build(context.Background(), tgt, plan.Options{Suites: []string{"scaling", "resilience", "alarms", "drills", "failover"}, Ledger: filepath.Join(t.TempDir(), "none.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, f := range pl.Faults {
		kinds[f.Kind]++
		if f.Revert == "" || f.Window == "" || f.Limits == "" {
			t.Errorf("%s %s lacks its revert, window or limits: %+v", f.Kind, f.Experiment, f)
		}
	}
	want := map[string]int{"stop-task": 2, "latency": 1, "launch-failures": 1, "desired-count": 2, "scalable-target-bounds": 4, "region-down": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s fault(s), want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
	if len(pl.Touches.Unread) == 0 || !strings.Contains(strings.Join(pl.Touches.Unread, " "), "ecs ListTasks") {
		t.Errorf("unread: %v, want the tasks moto has none of", pl.Touches.Unread)
	}
	if sent, refused := tgt.AWS.Calls.Sent(), tgt.AWS.Calls.Refused(); sent != 0 || refused != 0 {
		t.Errorf("the plan asked the gate for %d change(s) (%d refused); want none", sent, refused)
	}
	if pl.KeepsCalendar || pl.Err() != nil {
		t.Errorf("an emulator keeps the calendar (%v) or is refused: %v", pl.KeepsCalendar, pl.Err())
	}

	filtered, err := plan.Build(context.Background(), tgt, plan.Options{Suites: []string{"resilience", "alarms"}, LabelFilter: "alarms && disruptive"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range filtered.Faults {
		if f.Suite != "alarms" {
			t.Errorf("--label-filter 'alarms && disruptive' kept %s", f.Experiment)
		}
	}
	if len(filtered.Faults) != 2 {
		t.Errorf("%d faults under the filter, want the alarms suite's 2", len(filtered.Faults))
	}
	if _, err := plan.Build(context.Background(), tgt, plan.Options{Suites: []string{"alarms"}, LabelFilter: "alarms &&"}); err == nil {
		t.Error("a malformed label filter was accepted")
	}
}
