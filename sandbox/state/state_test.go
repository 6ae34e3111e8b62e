package state_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/state"
)

func startSleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd
}

// alive is false for a zombie: killed, waiting only to be reaped.
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] != "Z"
}

func TestStopAllKillsWhatWasRecordedAndNothingElse(t *testing.T) {
	d, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	recorded, other := startSleeper(t), startSleeper(t)
	if err := d.Record(recorded.Process.Pid, recorded.Process.Pid, "task frontend-service 1"); err != nil {
		t.Fatal(err)
	}
	procs, err := d.Processes()
	if err != nil || len(procs) != 1 || procs[0].PID != recorded.Process.Pid {
		t.Fatalf("Processes() = %v, %v", procs, err)
	}
	stopped, err := d.StopAll(200 * time.Millisecond)
	if err != nil || len(stopped) != 1 {
		t.Fatalf("StopAll = %v, %v", stopped, err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for alive(recorded.Process.Pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(recorded.Process.Pid) {
		t.Error("the recorded process survived StopAll")
	}
	if !alive(other.Process.Pid) {
		t.Error("StopAll killed a process it had not recorded")
	}
	if left, _ := d.Processes(); len(left) != 0 {
		t.Errorf("records left behind: %v", left)
	}
}

// A pid recorded for a process that has since ended may be reused by the
// kernel; the start time in the record tells them apart.
func TestAReusedPIDIsNotSignalled(t *testing.T) {
	d, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	innocent := startSleeper(t)
	record, _ := json.Marshal(state.Process{PID: innocent.Process.Pid, PGID: innocent.Process.Pid, Role: "task", StartTicks: 1})
	if err := os.WriteFile(filepath.Join(d.Path, "pids", strconv.Itoa(innocent.Process.Pid)), record, 0o644); err != nil {
		t.Fatal(err)
	}
	if procs, _ := d.Processes(); len(procs) != 0 {
		t.Fatalf("a record with another start time counts as live: %v", procs)
	}
	d.StopAll(50 * time.Millisecond)
	if !alive(innocent.Process.Pid) {
		t.Error("a reused pid was killed")
	}
}
