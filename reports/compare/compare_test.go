package compare_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/reports/compare"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
	"github.com/gameday-sre/gameday/reports/timings"
	"github.com/gameday-sre/gameday/timeline"
)

// variant is the synthetic run with its events changed by edit.
func variant(t *testing.T, edit func(e *timeline.Event)) *folder.Folder {
	f := runtest.Read(t, runtest.Synthetic(t))
	for i := range f.Events {
		edit(&f.Events[i])
	}
	return f
}

func status(spec string, s timeline.Status) func(e *timeline.Event) {
	return func(e *timeline.Event) {
		if v, ok := e.Data.(timeline.Verdict); ok && v.Spec == spec {
			v.Status = s
			e.Data = v
		}
	}
}

// lag sets every redis probe's lag: the RPO.
func lag(d time.Duration) func(e *timeline.Event) {
	return func(e *timeline.Event) {
		if p, ok := e.Data.(timeline.DataProbe); ok {
			p.Lag = timeline.Duration(d)
			e.Data = p
		}
	}
}

func none(*timeline.Event) {}

func TestRuns(t *testing.T) {
	tests := []struct {
		name string
		b    func(e *timeline.Event)
		tol  []string
		want string
	}{
		{"the same run", none, nil, "new [] fixed [] changed [] moved []"},
		{"a pass that fails", status("failover.api.detection", timeline.Failed), nil,
			"new [failover.api.detection passed->failed] fixed [] changed [] moved []"},
		{"a failure fixed", status("failover.api.client-recovery", timeline.Passed), nil,
			"new [] fixed [failover.api.client-recovery failed->passed] changed [] moved []"},
		{"a failure waived is a change, not a fix", status("failover.api.client-recovery", timeline.Waived), nil,
			"new [] fixed [] changed [failover.api.client-recovery failed->waived] moved []"},
		{"a skip that runs and passes", status("data.mongo.rpo", timeline.Passed), nil,
			"new [] fixed [] changed [data.mongo.rpo skipped->passed] moved []"},
		{"an RPO beyond its tolerance", lag(3 * time.Second), nil,
			"new [] fixed [] changed [] moved [RPO redis 1.5s->3s]"},
		{"an RPO within a wider one", lag(3 * time.Second), []string{"rpo=2s"},
			"new [] fixed [] changed [] moved []"},
		{"a tolerance for every kind", lag(3 * time.Second), []string{"2m"},
			"new [] fixed [] changed [] moved []"},
		{"a later tolerance wins", lag(3 * time.Second), []string{"rpo=2s", "1s"},
			"new [] fixed [] changed [] moved [RPO redis 1.5s->3s]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tol, err := compare.DefaultTolerances.Parse(tt.tol)
			if err != nil {
				t.Fatal(err)
			}
			d := compare.Runs(variant(t, none), variant(t, tt.b), tol)
			if got := summary(d); got != tt.want {
				t.Errorf("diff %s\nwant %s", got, tt.want)
			}
			if d.Regressed() != (len(d.NewFailures)+len(d.Moved) > 0) {
				t.Errorf("Regressed() = %v for %s", d.Regressed(), summary(d))
			}
		})
	}
}

func summary(d compare.Diff) string {
	changes := func(cs []compare.Change) []string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s %s->%s", c.Spec, c.From, c.To))
		}
		return out
	}
	var moved []string
	for _, m := range d.Moved {
		moved = append(moved, fmt.Sprintf("%s %s->%s", m.Name, m.A, m.B))
	}
	return fmt.Sprintf("new %v fixed %v changed %v moved %v", changes(d.NewFailures), changes(d.Fixed), changes(d.Changed), moved)
}

// A spec or a timing in one run only is a change: a suite that stopped
// running must not read as no change.
func TestRunsWithSomethingMissing(t *testing.T) {
	a := variant(t, none)
	b := variant(t, none)
	b.Events = slices.DeleteFunc(b.Events, func(e timeline.Event) bool {
		v, isVerdict := e.Data.(timeline.Verdict)
		_, isProbe := e.Data.(timeline.DataProbe)
		return isProbe || (isVerdict && v.Spec == "failover.api.detection")
	})
	d := compare.Runs(a, b, compare.DefaultTolerances)
	if got, want := summary(d), "new [] fixed [] changed [failover.api.detection passed->] moved [RPO redis 1.5s-><nil>]"; got != want {
		t.Errorf("diff %s\nwant %s", got, want)
	}
	var out bytes.Buffer
	if err := d.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"failover.api.detection  passed -> (not run)", "RPO redis  1.5s -> (not measured)  measured in one run only", "B regressed: 0 new failures, 1 timings moved"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the comparison lacks %q:\n%s", want, out.String())
		}
	}
}

func TestTolerancesRefuse(t *testing.T) {
	for _, bad := range []string{"soon", "rpo=", "latency=1s", "-1s", "rpo=-2s"} {
		if _, err := compare.DefaultTolerances.Parse([]string{bad}); err == nil || !strings.Contains(err.Error(), "--tolerance") {
			t.Errorf("--tolerance %s: %v, want an error naming the flag", bad, err)
		}
	}
	tol, err := compare.DefaultTolerances.Parse([]string{"scale-out=90s"})
	if err != nil || tol[timings.ScaleOut] != 90*time.Second || tol[timings.RPO] != compare.DefaultTolerances[timings.RPO] {
		t.Errorf("scale-out=90s gives %v, %v", tol, err)
	}
	if compare.DefaultTolerances[timings.ScaleOut] != time.Minute {
		t.Error("Parse changed the defaults")
	}
}
