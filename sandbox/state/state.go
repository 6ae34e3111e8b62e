// Package state is a sandbox's directory on disk: which processes it started
// (so `sandbox down` can stop them even after the supervisor crashed), where
// its endpoints are, and the target profile the harness reads.
//
// A recorded process is identified by its pid and its start time from
// /proc/<pid>/stat, so a pid the kernel has since given to an unrelated
// process is never signalled.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gameday-sre/gameday/sandbox/procfs"
)

// DefaultDir is the state directory relative to the working directory.
const DefaultDir = ".gameday/sandbox"

// Dir is one sandbox's state directory.
type Dir struct{ Path string }

// Open makes sure the directory exists.
func Open(path string) (Dir, error) {
	if err := os.MkdirAll(filepath.Join(path, "pids"), 0o755); err != nil {
		return Dir{}, fmt.Errorf("creating sandbox state dir: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Dir{}, err
	}
	return Dir{Path: abs}, nil
}

// File is the path of a named file in the directory.
func (d Dir) File(name string) string { return filepath.Join(d.Path, name) }

// Process is a process the sandbox started.
type Process struct {
	PID int `json:"pid"`
	// PGID is the process group to signal; tasks run in their own group.
	PGID int `json:"pgid"`
	// Role says what it is: "supervisor" or "task <service> <id>".
	Role string `json:"role"`
	// StartTicks is field 22 of /proc/<pid>/stat when it was recorded.
	StartTicks uint64 `json:"startTicks"`
}

// Record writes a process down before anything else can lose track of it.
func (d Dir) Record(pid, pgid int, role string) error {
	ticks, err := startTicks(pid)
	if err != nil {
		return fmt.Errorf("recording %s (pid %d): %w", role, pid, err)
	}
	data, err := json.Marshal(Process{PID: pid, PGID: pgid, Role: role, StartTicks: ticks})
	if err != nil {
		return err
	}
	return os.WriteFile(d.pidFile(pid), data, 0o644)
}

// Forget removes a process that has ended.
func (d Dir) Forget(pid int) error {
	err := os.Remove(d.pidFile(pid))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func (d Dir) pidFile(pid int) string { return filepath.Join(d.Path, "pids", strconv.Itoa(pid)) }

// Processes lists the recorded processes that are still the ones recorded.
// Records of processes that are gone are removed.
func (d Dir) Processes() ([]Process, error) {
	entries, err := os.ReadDir(filepath.Join(d.Path, "pids"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var live []Process
	for _, e := range entries {
		path := filepath.Join(d.Path, "pids", e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var p Process
		if json.Unmarshal(data, &p) != nil {
			os.Remove(path)
			continue
		}
		if ticks, err := startTicks(p.PID); err != nil || ticks != p.StartTicks {
			os.Remove(path)
			continue
		}
		live = append(live, p)
	}
	return live, nil
}

// Supervisor is the recorded supervisor, if it still runs.
func (d Dir) Supervisor() (Process, bool, error) {
	procs, err := d.Processes()
	for _, p := range procs {
		if p.Role == RoleSupervisor {
			return p, true, err
		}
	}
	return Process{}, false, err
}

// RoleSupervisor is the Role of the sandbox's supervisor process.
const RoleSupervisor = "supervisor"

// StopAll ends every recorded process: the supervisor first with SIGTERM so
// it can stop its tasks in order, then, after grace, SIGKILL to every group
// still alive. It returns what it stopped.
func (d Dir) StopAll(grace time.Duration) ([]Process, error) {
	procs, err := d.Processes()
	if err != nil {
		return nil, err
	}
	for _, p := range procs {
		if p.Role == RoleSupervisor {
			syscall.Kill(p.PID, syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if left, _ := d.Processes(); len(left) == 0 {
			return procs, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	left, err := d.Processes()
	for _, p := range left {
		syscall.Kill(-p.PGID, syscall.SIGKILL)
		syscall.Kill(p.PID, syscall.SIGKILL)
	}
	for _, p := range left {
		waitGone(p, time.Second)
		d.Forget(p.PID)
	}
	return procs, err
}

func waitGone(p Process, limit time.Duration) {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if ticks, err := startTicks(p.PID); err != nil || ticks != p.StartTicks {
			return
		}
	}
}

// startTicks reads a process's start time; it fails once the process is
// gone, a zombie included.
func startTicks(pid int) (uint64, error) {
	st, err := procfs.ReadStat(pid)
	if err != nil {
		return 0, err
	}
	if st.Zombie() {
		return 0, fmt.Errorf("process %d is a zombie", pid)
	}
	return st.StartTicks, nil
}

// WriteJSON replaces a file atomically, so a reader never sees half of it.
func (d Dir) WriteJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return d.WriteFile(name, data)
}

// WriteFile replaces a file atomically.
func (d Dir) WriteFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(d.Path, "."+name+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), d.File(name))
}

// ReadJSON reads a file written by WriteJSON.
func (d Dir) ReadJSON(name string, v any) error {
	data, err := os.ReadFile(d.File(name))
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
