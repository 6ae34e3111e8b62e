package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/internal/syncbuf"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/suites/runner"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// calmHour is a platform time outside the runbook's maintenance windows,
// which a staging profile's run keeps out of, and its business hours.
const calmHour = "Sat 12:00"

// gameday stop --all during a running experiment: the experiment sees the
// kill switch within one poll and reverts its fault through the ledger,
// its spec and the run end aborted with the switch's reason, and a new run
// is refused, before any change, until stop --release.
func TestStopAllRevertsWithinOnePollAndRefusesRuns(t *testing.T) {
	dir := startSandboxAt(t, calmHour)
	proxy := startAWSProxy(t, status(t, dir).Endpoints.AWS, motoserver.Start(t))
	const poll = time.Second
	sw := filepath.Join(t.TempDir(), "killswitch")
	target := stagingProfile(t, dir, proxy.URL, []string{"123456789012"}, func(p *profile.Profile) {
		p.KillSwitch = profile.KillSwitch{File: sw, Poll: poll}
	})
	work := t.TempDir()
	ledger := filepath.Join(work, "ledger.jsonl")
	run := exec.Command(gamedayBinary(t), "run", "--target", target, "--spec", shippedSpec, "--suite", "alarms", "--focus", `APILatencyHigh\.alarm-on-latency`,
		"--reports", filepath.Join(work, "run"), "--ledger", ledger)
	var runOut syncbuf.Buffer
	run.Stdout, run.Stderr = &runOut, &runOut
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Process.Kill(); run.Wait() })
	waitFor(t, time.Minute, "the latency's injection in the ledger", func() bool {
		open, _ := chaos.Outstanding(ledger)
		return len(open) == 1 && open[0].State == chaos.StateInjected
	})
	if out, _ := gameday(t, "sandbox", "fault", "list", "--state-dir", dir); !strings.Contains(out, "api-service") {
		t.Fatalf("the run's latency is not active:\n%s", out)
	}

	out, code := gameday(t, "stop", "--all", "--target", target, "--spec", shippedSpec, "--ledger", ledger, "--reason", "the platform is hurt")
	if code != 0 || !strings.Contains(out, "kill switch "+sw+" engaged") || !strings.Contains(out, "latency on staging-sandbox") {
		t.Fatalf("stop --all exited %d, want it to engage %s and say it reverted the latency:\n%s", code, sw, out)
	}
	entries, err := chaos.ReadLedger(ledger)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	st, err := os.Stat(sw)
	if err != nil {
		t.Fatalf("the switch's file: %v", err)
	}
	// From the moment the switch's file was written: one poll to see it;
	// the revert is one call to the sandbox's fault API, far within half
	// a poll.
	took := last.Real.Sub(st.ModTime())
	if last.State != chaos.StateReverted || took > poll+poll/2 {
		t.Errorf("the latency %s %s after the switch; want reverted within one poll (%s)", last.State, took, poll)
	}
	t.Logf("the latency was reverted %s after the switch (poll %s)", took.Round(time.Millisecond), poll)
	if out, _ := gameday(t, "sandbox", "fault", "list", "--state-dir", dir); !strings.Contains(out, "no active faults") {
		t.Errorf("faults still active after stop --all:\n%s", out)
	}
	run.Wait()
	if code := run.ProcessState.ExitCode(); code != 1 || !strings.Contains(runOut.String(), "game day aborted: kill switch "+sw+" engaged") {
		t.Errorf("the stopped run exited %d, want 1 and aborted by the switch:\n%s", code, runOut.String())
	}
	vs := readVerdicts(t, filepath.Join(work, "run"))
	if v := judged(vs)["alarms.APILatencyHigh.alarm-on-latency"]; v.Status != timeline.Aborted || !strings.Contains(v.Message, "the platform is hurt") {
		t.Errorf("the running spec ended %s %q; want aborted with the switch's reason", v.Status, v.Message)
	}
	var m folder.Manifest
	if data, err := os.ReadFile(filepath.Join(work, "run", "run.json")); err != nil || json.Unmarshal(data, &m) != nil || !strings.Contains(m.Aborted, "the platform is hurt") {
		t.Errorf("run.json does not say the run was aborted: %+v (%v)", m, err)
	}

	before := len(proxy.Calls())
	refusedRun := filepath.Join(work, "refused")
	out, code = gameday(t, "run", "--target", target, "--spec", shippedSpec, "--suite", "resilience", "--reports", refusedRun, "--ledger", ledger)
	if code != 2 || !strings.Contains(out, "is engaged") || !strings.Contains(out, "gameday stop --release") {
		t.Errorf("a run with the switch engaged exited %d, want 2 and how to release it:\n%s", code, out)
	}
	if _, err := os.Stat(refusedRun); err == nil {
		t.Errorf("the refused run started: %s exists", refusedRun)
	}
	if calls := proxy.Calls()[before:]; len(mutatingOf(calls)) != 0 {
		t.Errorf("the refused run changed the target: %v", calls)
	}
	if m := proxy.Mutating(); len(m) != 0 {
		t.Errorf("changes on the wire: %v", m)
	}

	if out, code := gameday(t, "stop", "--release", "--target", target); code != 0 || !strings.Contains(out, "released") {
		t.Fatalf("stop --release exited %d:\n%s", code, out)
	}
	if out, code := gameday(t, "run", "--target", target, "--spec", shippedSpec, "--suite", "alarms", "--focus", "no-spec-has-this-id",
		"--reports", filepath.Join(work, "released"), "--ledger", ledger); code != 0 {
		t.Errorf("a run after the release exited %d:\n%s", code, out)
	}
}

// A preflight hook that answers no stops a run before any change: the
// endpoint sees no mutating call and no suite starts; one that answers yes
// lets it go.
func TestPreflightVetoesARun(t *testing.T) {
	dir := startSandboxAt(t, calmHour)
	proxy := startAWSProxy(t, status(t, dir).Endpoints.AWS, motoserver.Start(t))
	freeze := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/frozen" {
			http.Error(w, "change freeze until Monday", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "go")
	}))
	defer freeze.Close()
	tests := []struct {
		name string
		hook profile.Preflight
		veto string
	}{
		{"a command answering no", profile.Preflight{Command: []string{"sh", "-c", "echo change freeze until Monday; exit 3"}}, "vetoed the run: exit 3: change freeze until Monday"},
		{"a URL answering no", profile.Preflight{URL: freeze.URL + "/frozen"}, "vetoed the run: 503 Service Unavailable: change freeze until Monday"},
		{"a command answering yes", profile.Preflight{Command: []string{"true"}}, ""},
		{"a URL answering yes", profile.Preflight{URL: freeze.URL + "/open"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := stagingProfile(t, dir, proxy.URL, []string{"123456789012"}, func(p *profile.Profile) { p.Preflight = tt.hook })
			work := t.TempDir()
			before := len(proxy.Calls())
			// Focused on no spec: a run let through starts its suite and
			// judges nothing.
			out, code := gameday(t, "run", "--target", target, "--spec", shippedSpec, "--suite", "resilience", "--focus", "no-spec-has-this-id",
				"--reports", filepath.Join(work, "run"), "--ledger", filepath.Join(work, "ledger.jsonl"))
			_, started := os.Stat(filepath.Join(work, "run"))
			if tt.veto == "" {
				if code != 0 || started != nil {
					t.Errorf("let through: exit %d, run folder %v:\n%s", code, started, out)
				}
				return
			}
			if code != 2 || !strings.Contains(out, tt.veto) || started == nil {
				t.Errorf("exit %d, run folder %v; want 2, no run and %q:\n%s", code, started, tt.veto, out)
			}
			if calls := proxy.Calls()[before:]; len(mutatingOf(calls)) != 0 {
				t.Errorf("a vetoed run changed the target: %v", calls)
			}
		})
	}
}

func mutatingOf(calls []string) []string {
	var out []string
	for _, c := range calls {
		if !readOnly(c) {
			out = append(out, c)
		}
	}
	return out
}

func readVerdicts(t *testing.T, dir string) []runner.Verdict {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "verdicts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []runner.Verdict
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// A stop condition tripping mid-experiment aborts the run: the alarm
// named in the profile going to ALARM, or the load's p99 going above the
// profile's maximum once latency is injected. The guard reverts the fault
// through the ledger, and the run ends aborted with the reason, the specs
// it cut short aborted too.
func TestStopConditionsAbortTheRun(t *testing.T) {
	tests := []struct {
		name   string
		stop   profile.StopConditions
		reason string
	}{
		{"an alarm in ALARM", profile.StopConditions{Alarms: []string{"APILatencyHigh"}}, "stop condition: alarm APILatencyHigh in ALARM"},
		// The injected latency is 1.6 x the alarm's 0.5 s on every response.
		{"the load's p99", profile.StopConditions{MaxP99: 600 * time.Millisecond}, "stop condition: the load on api had a p99 of "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := startSandboxAt(t, calmHour)
			target := stagingProfile(t, dir, status(t, dir).Endpoints.AWS, nil, func(p *profile.Profile) {
				p.StopConditions = tt.stop
				p.KillSwitch = profile.KillSwitch{File: filepath.Join(t.TempDir(), "killswitch")}
			})
			work := t.TempDir()
			ledger := filepath.Join(work, "ledger.jsonl")
			out, code := gameday(t, "run", "--target", target, "--spec", shippedSpec, "--suite", "alarms", "--focus", `APILatencyHigh\.(alarm-on-latency|ok-after-revert)`,
				"--reports", filepath.Join(work, "run"), "--ledger", ledger)
			if code != 1 || !strings.Contains(out, "game day aborted: "+tt.reason) {
				t.Fatalf("run exited %d, want 1 and aborted by %q:\n%s", code, tt.reason, out)
			}
			if open, err := chaos.Outstanding(ledger); err != nil || len(open) != 0 {
				t.Errorf("faults left in the ledger: %+v %v", open, err)
			}
			if out, _ := gameday(t, "sandbox", "fault", "list", "--state-dir", dir); !strings.Contains(out, "no active faults") {
				t.Errorf("faults still active after the abort:\n%s", out)
			}
			aborted := 0
			for _, v := range judged(readVerdicts(t, filepath.Join(work, "run"))) {
				if v.Status == timeline.Aborted {
					aborted++
					if !strings.Contains(v.Message, tt.reason) {
						t.Errorf("%s aborted with %q, want %q", v.ID, v.Message, tt.reason)
					}
				}
			}
			if aborted == 0 {
				t.Errorf("no spec ended aborted:\n%s", out)
			}
		})
	}
}
