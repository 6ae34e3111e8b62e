package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/syncbuf"

	"github.com/gameday-sre/gameday/sandbox/procfs"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/sandbox/supervisor"
)

var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

// gamedayBinary builds the CLI once: the sandbox runs as real processes of
// it (supervisor and tasks), as it does for an SRE.
func gamedayBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the gameday binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gameday-bin")
		if err != nil {
			buildErr = err
			return
		}
		built = filepath.Join(dir, "gameday")
		// gameday-task beside gameday, as make build puts it, so the
		// sandbox's tasks are the small program they are in production.
		for _, b := range []struct{ out, pkg string }{{built, "."}, {filepath.Join(dir, taskBinary), "../gameday-task"}} {
			out, err := exec.Command("go", "build", "-o", b.out, b.pkg).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatalf("building gameday: %v", buildErr)
	}
	return built
}

// gameday runs the CLI and returns what it wrote, stdout and stderr
// interleaved as a terminal shows them, and its exit code.
func gameday(t testing.TB, args ...string) (string, int) {
	t.Helper()
	out, _, code := gamedaySplit(t, args...)
	return out, code
}

// gamedaySplit is gameday with stdout alone as well, for output a program
// reads (-o json).
func gamedaySplit(t testing.TB, args ...string) (combined, stdout string, code int) {
	t.Helper()
	cmd := exec.Command(gamedayBinary(t), args...)
	var all syncbuf.Buffer
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&all, &out), &all
	cmd.Run()
	return all.String(), out.String(), cmd.ProcessState.ExitCode()
}

func status(t testing.TB, stateDir string) supervisor.Status {
	t.Helper()
	out, code := gameday(t, "sandbox", "status", "-o", "json", "--state-dir", stateDir)
	if code != 0 {
		t.Fatalf("sandbox status exited %d: %s", code, out)
	}
	var st supervisor.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, out)
	}
	return st
}

// The sandbox comes up compliant with real task processes behind a real
// load balancer, replaces a task killed with SIGKILL, and `down` leaves no
// process behind.
func TestSandboxUpKillDown(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	out, code := gameday(t, "sandbox", "up", "--state-dir", dir, "--spec", shippedSpec, "--time-scale", "60", "--deviate", "frontend.taskStartDelay=30s")
	if code != 0 {
		t.Fatalf("sandbox up exited %d:\n%s", code, out)
	}
	t.Cleanup(func() { gameday(t, "sandbox", "down", "--state-dir", dir) })
	for _, lb := range []string{"http://127.0.1.1:", "http://127.0.2.1:"} {
		if !strings.Contains(out, "load balancer: "+lb) {
			t.Errorf("up does not print the load balancer at %s:\n%s", lb, out)
		}
	}

	// Each region runs the three services, the failover region being a
	// full copy of the primary (Multi-Region Architecture).
	st := status(t, dir)
	if len(st.Services) != 6 {
		t.Fatalf("services = %+v, want three in each of two regions", st.Services)
	}
	for _, s := range st.Services {
		if s.Running != s.Min || s.Desired != s.Min || s.Min != 2 {
			t.Errorf("%s in %s: desired %d running %d, want the runbook's minimum 2", s.Name, s.Region, s.Desired, s.Running)
		}
	}
	if st.Deviations[0] != "frontend.taskStartDelay=30s" {
		t.Errorf("deviations = %v", st.Deviations)
	}
	resp, err := http.Get(st.Endpoints.LoadBalancers["us-east-1"] + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("frontend through the load balancer: %v %v", resp, err)
	}
	resp.Body.Close()

	d, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	victim := firstTask(t, d, "frontend-service")
	if err := syscall.Kill(victim.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	replaced := false
	for time.Now().Before(deadline) && !replaced {
		time.Sleep(200 * time.Millisecond)
		for _, s := range status(t, dir).Services {
			if s.Region == sandboxRegion && s.Name == "frontend-service" && s.Running == 2 && !stillRecorded(t, d, victim.PID) {
				replaced = true
			}
		}
	}
	if !replaced {
		t.Fatalf("the killed task was not replaced within 30s: %+v", status(t, dir).Services)
	}

	pids := recordedPIDs(t, d)
	if out, code := gameday(t, "sandbox", "down", "--state-dir", dir); code != 0 || !strings.Contains(out, "stopped") {
		t.Fatalf("down exited %d: %s", code, out)
	}
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil && !zombie(pid) {
			t.Errorf("process %d survived sandbox down", pid)
		}
	}
	if out, code := gameday(t, "sandbox", "status", "--state-dir", dir); code != 1 || !strings.Contains(out, "no sandbox running") {
		t.Errorf("status after down exited %d: %s", code, out)
	}
}

func TestSandboxUpRefusesBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--deviate", "frontend.scaleInCoolDown=60s"}, `unknown deviation "frontend.scaleInCoolDown"; valid keys`},
		{[]string{"--deviate", "frontend.minCapacity=12"}, "minimum 12 is above maximum 10"},
		{[]string{"--time-scale", "0"}, "--time-scale"},
		{[]string{"--start-at", "someday"}, "--start-at"},
	}
	for _, tt := range tests {
		out, code := gameday(t, append([]string{"sandbox", "up", "--state-dir", dir, "--spec", shippedSpec}, tt.args...)...)
		if code != 2 || !strings.Contains(out, tt.want) {
			t.Errorf("up %v: exit %d, want 2 with %q:\n%s", tt.args, code, tt.want, out)
		}
	}
	if procs, _ := (state.Dir{Path: dir}).Processes(); len(procs) != 0 {
		t.Errorf("a refused up started processes: %v", procs)
	}
}

func firstTask(t *testing.T, d state.Dir, service string) state.Process {
	t.Helper()
	procs, err := d.Processes()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if strings.Contains(p.Role, " "+sandboxRegion+" "+service+" ") {
			return p
		}
	}
	t.Fatalf("no recorded task of %s among %+v", service, procs)
	return state.Process{}
}

func stillRecorded(t *testing.T, d state.Dir, pid int) bool {
	for _, p := range recordedPIDs(t, d) {
		if p == pid {
			return true
		}
	}
	return false
}

func recordedPIDs(t *testing.T, d state.Dir) []int {
	t.Helper()
	procs, err := d.Processes()
	if err != nil {
		t.Fatal(err)
	}
	pids := make([]int, len(procs))
	for i, p := range procs {
		pids[i] = p.PID
	}
	return pids
}

// zombie reports a process that is gone or dead and unreaped.
func zombie(pid int) bool {
	st, err := procfs.ReadStat(pid)
	return err != nil || st.Zombie()
}

// The fault CLI breaks the sandbox for real and reverts it: a region whose
// load balancer is down refuses connections and answers again after revert;
// killed tasks are gone and replaced; a bad request says what is valid and
// exits 2.
func TestFaultCLI(t *testing.T) {
	dir := startSandbox(t)
	st := status(t, dir)
	fault := func(want int, args ...string) string {
		t.Helper()
		out, code := gameday(t, append(append([]string{"sandbox", "fault"}, args...), "--state-dir", dir)...)
		if code != want {
			t.Fatalf("fault %s exited %d, want %d: %s", strings.Join(args, " "), code, want, out)
		}
		return out
	}
	get := func(url string) error {
		c := http.Client{Timeout: 2 * time.Second}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}

	primary := st.Endpoints.LoadBalancers[sandboxRegion]
	out := fault(0, "inject", "region-down", sandboxRegion)
	id, _, _ := strings.Cut(out, "\t")
	if err := get(primary + "/health"); err == nil {
		t.Errorf("%s answers with its region down", primary)
	}
	for region, url := range st.Endpoints.LoadBalancers {
		if region != sandboxRegion {
			if err := get(url + "/health"); err != nil {
				t.Errorf("%s (%s) went down with %s: %v", url, region, sandboxRegion, err)
			}
		}
	}
	if got := status(t, dir).Faults; len(got) != 1 || got[0].ID != id {
		t.Errorf("status lists faults %+v, want %s", got, id)
	}
	fault(0, "revert", id)
	if err := get(primary + "/health"); err != nil {
		t.Errorf("%s still down after revert: %v", primary, err)
	}

	d := state.Dir{Path: dir}
	before := recordedPIDs(t, d)
	out = fault(0, "inject", "kill-task", "frontend-service", "2")
	if !strings.Contains(out, "killed 2 task(s) of frontend-service in "+sandboxRegion) {
		t.Errorf("kill-task says %q", out)
	}
	waitFor(t, 20*time.Second, "both killed tasks replaced", func() bool {
		for _, s := range status(t, d.Path).Services {
			if s.Region == sandboxRegion && s.Name == "frontend-service" {
				return s.Running == 2 && len(missing(pidStrings(before), pidStrings(recordedPIDs(t, d)))) == 2
			}
		}
		return false
	})
	fault(0, "revert", "--all")

	for _, bad := range []struct {
		args []string
		says string
	}{
		{[]string{"inject", "melt-down"}, "kill-task, region-down, region-outage, latency, launch-failures"},
		{[]string{"inject", "kill-task", "checkout-service"}, "frontend-service, api-service, ai-service"},
		{[]string{"inject", "region-down", "eu-west-1"}, "us-east-1 and us-west-2"},
		{[]string{"inject", "latency", "api-service", "soon"}, "800ms"},
		{[]string{"revert", "latency-99"}, "active: none"},
		{[]string{"revert"}, "--all"},
	} {
		if out := fault(2, bad.args...); !strings.Contains(out, bad.says) {
			t.Errorf("fault %s says %q, want it to name %q", strings.Join(bad.args, " "), out, bad.says)
		}
	}
}

func pidStrings(pids []int) []string {
	out := make([]string, len(pids))
	for i, p := range pids {
		out[i] = strconv.Itoa(p)
	}
	return out
}

// startSandbox brings a sandbox up at 60x with the given deviations and
// takes it down when the test ends.
func startSandbox(t *testing.T, deviations ...string) (dir string) {
	t.Helper()
	return startSandboxAt(t, "", deviations...)
}

// startSandboxAt starts a sandbox whose platform clock begins at startAt
// (as sandbox up --start-at takes it; empty is now).
func startSandboxAt(t *testing.T, startAt string, deviations ...string) (dir string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "state")
	args := []string{"sandbox", "up", "--state-dir", dir, "--spec", shippedSpec, "--time-scale", "60"}
	if startAt != "" {
		args = append(args, "--start-at", startAt)
	}
	for _, d := range deviations {
		args = append(args, "--deviate", d)
	}
	if out, code := gameday(t, args...); code != 0 {
		t.Fatalf("sandbox up exited %d:\n%s", code, out)
	}
	t.Cleanup(func() { gameday(t, "sandbox", "down", "--state-dir", dir) })
	return dir
}

func waitFor(t testing.TB, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("gave up after %s (real) waiting for %s", limit, what)
}
