package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/suites/data"
	"github.com/gameday-sre/gameday/suites/runner"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// runBehaviour runs one suite against a target profile and reads its
// verdicts.json.
func runBehaviour(t testing.TB, target, suite string) (int, []runner.Verdict, string) {
	t.Helper()
	dir := t.TempDir()
	out, code := gameday(t, "run", "--target", target, "--spec", shippedSpec, "--suite", suite,
		"--reports", filepath.Join(dir, "run"), "--ledger", filepath.Join(dir, "ledger.jsonl"))
	data, err := os.ReadFile(filepath.Join(dir, "run", "verdicts.json"))
	if err != nil {
		t.Fatalf("run exited %d and wrote no verdicts.json (%v):\n%s", code, err, out)
	}
	var vs []runner.Verdict
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatalf("verdicts.json: %v\n%s", err, data)
	}
	for _, name := range []string{"junit.xml", "timeline.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, "run", name)); err != nil {
			t.Errorf("the run folder lacks %s: %v", name, err)
		}
	}
	return code, vs, out
}

// urlOnly is a profile of a running sandbox that holds nothing but what
// any target has: its AWS endpoint, its load balancers, its clock and what
// it serves. No state dir, no sandbox status: a suite that passes against
// it needs nothing but the AWS APIs and the load balancer's URL.
func urlOnly(t *testing.T, stateDir string) string {
	t.Helper()
	written, err := profile.Load(filepath.Join(stateDir, "target.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := &profile.Profile{Name: "by-url", Regions: written.Regions, Clock: written.Clock, Serves: written.Serves,
		Endpoints: profile.Endpoints{AWS: written.Endpoints.AWS, LoadBalancers: written.Endpoints.LoadBalancers}}
	path := filepath.Join(t.TempDir(), "by-url.yaml")
	if err := profile.Write(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}

var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// The scaling suite's CPU experiment passes against a clean sandbox
// reached by URL only, and each deviation from the runbook's CPU scaling
// fails exactly the spec that judges it, with a message that names the runbook section, the
// window and when the platform did what it did (design principle 7).
func TestScalingSuiteCatchesEachDeviation(t *testing.T) {
	tests := []struct {
		deviation string
		spec      string
		// window is how the failure names the window it judged by.
		window string
	}{
		{"", "", ""},
		{"frontend.scaleOutCooldown=60s", "scaling.frontend.scale-out-cooldown", "ScaleOutCooldown"},
		{"frontend.scaleInCooldown=60s", "scaling.frontend.scale-in-cooldown", "want between"},
		{"frontend.targetValue=40", "scaling.frontend.no-scale-out-below-target", "watched between"},
		{"frontend.maxCapacity=12", "scaling.frontend.max-capacity", "watched between"},
		{"frontend.minCapacity=1", "scaling.frontend.min-capacity", "watched between"},
		// Beyond taskStartup.within (90s) and the scheduler's minute.
		{"frontend.taskStartDelay=5m", "scaling.frontend.capacity-arrives", "want it between"},
	}
	for _, tt := range tests {
		t.Run("deviation="+tt.deviation, func(t *testing.T) {
			var dev []string
			if tt.deviation != "" {
				dev = []string{tt.deviation}
			}
			code, vs, out := runFocused(t, urlOnly(t, startSandbox(t, dev...)), shippedSpec, "scaling", `scaling\.frontend\.`)
			var failed []runner.Verdict
			for _, v := range judged(vs) {
				switch v.Status {
				case timeline.Failed, timeline.Error, timeline.Inconclusive:
					failed = append(failed, v)
				case timeline.Passed:
				default:
					t.Errorf("%s %s: %s", v.ID, v.Status, v.Message)
				}
			}
			if n := len(judged(vs)); n != 8 {
				t.Errorf("%d verdicts, want the frontend experiment's 8:\n%s", n, out)
			}
			if tt.spec == "" {
				if code != 0 || len(failed) > 0 {
					t.Fatalf("a clean sandbox: exit %d, not passed: %+v\n%s", code, failed, out)
				}
				return
			}
			if code != 1 || len(failed) != 1 || failed[0].ID != tt.spec || failed[0].Status != timeline.Failed {
				t.Fatalf("exit %d, not passed %+v; want exit 1 and exactly %s failed\n%s", code, failed, tt.spec, out)
			}
			m := failed[0].Message
			if !strings.Contains(m, failed[0].Runbook) || failed[0].Runbook == "" || !strings.Contains(m, tt.window) || !timestamp.MatchString(m) {
				t.Errorf("message %q: want the runbook section %q, the window (%q) and the observed time", m, failed[0].Runbook, tt.window)
			}
		})
	}
}

// Against moto, which stores configuration but runs no load balancer and
// no data store, every behavioural spec skips and says what it lacks;
// none passes.
func TestRunSkipsWhatMotoCannotServe(t *testing.T) {
	target := motoProfile(t, motoserver.Start(t))
	for _, suite := range suiteNames() {
		code, vs, out := runBehaviour(t, target, suite)
		if code != 0 || len(vs) == 0 {
			t.Fatalf("%s against moto: exit %d, %d verdicts\n%s", suite, code, len(vs), out)
		}
		lacks := "requires load-balancer (target moto names none"
		if suite == data.Name {
			lacks = "(target moto names no"
		}
		for _, v := range vs {
			if v.Status != timeline.Skipped || !strings.Contains(v.Message, lacks) {
				t.Errorf("%s: %s %q, want skipped saying %q", v.ID, v.Status, v.Message, lacks)
			}
		}
	}
}

// A game day killed with SIGKILL while latency is injected leaves the
// fault in place and written in its ledger; gameday revert takes it away
// and says what it undid, and a second revert finds nothing left.
func TestRevertUndoesWhatAKilledRunLeft(t *testing.T) {
	state := startSandbox(t)
	target := filepath.Join(state, "target.yaml")
	dir := t.TempDir()
	ledger := filepath.Join(dir, "ledger.jsonl")
	run := exec.Command(gamedayBinary(t), "run", "--target", target, "--spec", shippedSpec, "--suite", "alarms", "--focus", `APILatencyHigh\.alarm-on-latency`,
		"--reports", filepath.Join(dir, "run"), "--ledger", ledger)
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	var suite int
	t.Cleanup(func() {
		run.Process.Kill()
		run.Wait()
		if suite > 0 {
			syscall.Kill(suite, syscall.SIGKILL)
		}
	})
	waitFor(t, time.Minute, "the latency's injection in the ledger", func() bool {
		entries, _ := chaos.ReadLedger(ledger)
		for _, e := range entries {
			if e.State == chaos.StateInjected {
				suite = e.PID
			}
		}
		return suite > 0
	})
	// The whole game day, the runner and the suite process that injected,
	// as a CI runner that is shut down kills them.
	for _, pid := range []int{run.Process.Pid, suite} {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	run.Wait()
	if out, _ := gameday(t, "sandbox", "fault", "list", "--state-dir", state); !strings.Contains(out, "api-service") {
		t.Fatalf("the killed run's latency is not active:\n%s", out)
	}

	out, code := gameday(t, "revert", "--target", target, "--spec", shippedSpec, "--ledger", ledger)
	if code != 0 || !strings.Contains(out, "reverted") || !strings.Contains(out, "latency on local") || !strings.Contains(out, "service=api-service") {
		t.Fatalf("revert exited %d, want it to say it reverted the latency on api-service:\n%s", code, out)
	}
	if out, _ := gameday(t, "sandbox", "fault", "list", "--state-dir", state); !strings.Contains(out, "no active faults") {
		t.Errorf("faults still active after revert:\n%s", out)
	}
	if out, code := gameday(t, "revert", "--target", target, "--spec", shippedSpec, "--ledger", ledger); code != 0 || !strings.Contains(out, "nothing to revert") {
		t.Errorf("a second revert exited %d:\n%s", code, out)
	}
}

func TestRunRefusesBadInput(t *testing.T) {
	unreachable := filepath.Join(t.TempDir(), "gone.yaml")
	os.WriteFile(unreachable, []byte("name: gone\nregions: {primary: us-east-1, failover: us-west-2}\nendpoints: {aws: http://127.0.0.1:9}\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run"}, `required flag(s) "target" not set`},
		{[]string{"run", "--target", unreachable, "--suite", "nope"}, `--suite "nope": want one of ` + strings.Join(suiteNames(), ", ")},
		{[]string{"run", "--target", unreachable, "--spec", shippedSpec}, "http://127.0.0.1:9"},
		{[]string{"run", "--target", "nowhere", "--spec", shippedSpec}, `no target profile "nowhere"`},
		{[]string{"revert", "--target", unreachable, "--spec", shippedSpec}, "http://127.0.0.1:9"},
	}
	for _, tt := range tests {
		out, code := gameday(t, tt.args...)
		if code != 2 || !strings.Contains(out, tt.want) {
			t.Errorf("gameday %v: exit %d, want 2 and %q:\n%s", tt.args, code, tt.want, out)
		}
	}
}

// make gameday's script runs the whole local game day on a clean sandbox
// within ten minutes: every behavioural spec passes or is waived (each
// waiver in summary.md with its reason and expiry), except the one
// scheduled action twelve platform hours away, which skips saying when it
// falls due; the steady load raised no false alarm and no oscillation. It
// says where the reports are and leaves no sandbox behind.
func TestMakeGamedayScript(t *testing.T) {
	bin := gamedayBinary(t)
	script, err := filepath.Abs("../../scripts/gameday.sh")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := filepath.Abs(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	reports, state := filepath.Join(dir, "reports"), filepath.Join(dir, "sandbox")
	cmd := exec.Command("bash", script, bin, spec, reports, state)
	cmd.Dir = dir
	began := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(began)
	t.Cleanup(func() { gameday(t, "sandbox", "down", "--state-dir", state) })
	if err != nil {
		t.Fatalf("the game day failed (%v) after %s:\n%s%s", err, took, out, suiteLogs(t, filepath.Join(reports, "run")))
	}
	if took > 10*time.Minute {
		t.Errorf("the game day took %s, more than ten minutes", took)
	}
	for _, want := range []string{"spec lint (findings decided)", "compliance (gameday check)", "behaviour (gameday run: ", "reports: " + reports} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(reports, "run", "verdicts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []runner.Verdict
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	summary, _ := os.ReadFile(filepath.Join(reports, "run", "summary.md"))
	seen := map[string]bool{}
	for _, v := range vs {
		seen[v.ID] = true
		switch {
		case v.Status == timeline.Passed:
		case v.Status == timeline.Waived:
			if !strings.Contains(string(summary), v.ID) || !strings.Contains(string(summary), "2027-03-31") {
				t.Errorf("summary.md does not list the waiver of %s with its expiry:\n%s", v.ID, summary)
			}
		case v.Status == timeline.Skipped && v.ID == "scaling.api.scheduled.night-hours-scaling" && strings.Contains(v.Message, "does not within"):
		case v.Status == timeline.Skipped && strings.HasPrefix(v.ID, "data.mongo.") && strings.Contains(v.Message, "requires mongodb"):
		default:
			t.Errorf("%s %s: %s", v.ID, v.Status, v.Message)
		}
	}
	for _, id := range []string{"alarms.APILatencyHigh.no-false-alarm", "resilience.steady.no-oscillation", "scaling.api.scheduled.business-hours-scaling", "drills.emergency-manual-scaling",
		"failover.outage.failback", "data.redis.primary-loss.rpo", "data.redis.region-outage.rpo"} {
		if !seen[id] {
			t.Errorf("the game day did not judge %s", id)
		}
	}
	for _, f := range []string{"compliance.xml", "run/junit.xml", "run/timeline.jsonl", "run/verdicts.json"} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	if out, code := gameday(t, "sandbox", "status", "--state-dir", state); code != 1 || !strings.Contains(out, "no sandbox running") {
		t.Errorf("a sandbox is still running after the game day (exit %d):\n%s", code, out)
	}
	t.Logf("the game day took %s", took)
}

// suiteLogs is the end of each suite process's log in a run folder, for a
// failure to show what a suite said before it died: the folder goes with
// the test's temporary directory.
func suiteLogs(t *testing.T, dir string) string {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	var b strings.Builder
	for _, l := range logs {
		data, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		fmt.Fprintf(&b, "\n--- the last lines of %s:\n%s\n", filepath.Base(l), strings.Join(lines[max(0, len(lines)-40):], "\n"))
	}
	return b.String()
}
