package redisha

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"syscall"

	"github.com/gameday-sre/gameday/sandbox/procgroup"
)

// process is a redis-server or redis-sentinel, leader of its own process
// group so that the children Redis forks (for a replica's full sync) are
// signalled with it.
type process struct {
	*procgroup.Leader
	role string
}

// startProcess starts bin with args, its output appended to logPath, and
// records it with rec (if not nil) before anything else can lose track
// of it. A goroutine reaps it and forgets it once it has exited.
func startProcess(bin string, args []string, logPath, role string, rec Recorder, log *slog.Logger) (*process, error) {
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the log of %s: %w", role, err)
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (%s): %w", role, bin, err)
	}
	pid := cmd.Process.Pid
	if rec != nil {
		if err := rec.Record(pid, pid, role); err != nil {
			syscall.Kill(-pid, syscall.SIGKILL)
			cmd.Wait()
			return nil, fmt.Errorf("recording %s (pid %d): %w", role, pid, err)
		}
	}
	p := &process{role: role}
	p.Leader = procgroup.Watch(cmd, func() {
		log.Info("redis process exited", "role", role, "pid", pid, "state", cmd.ProcessState.String())
		if rec != nil {
			if err := rec.Forget(pid); err != nil {
				log.Warn("forgetting a redis process", "role", role, "pid", pid, "err", err)
			}
		}
	})
	log.Info("redis process started", "role", role, "pid", pid, "log", logPath)
	return p, nil
}

// signal sends sig to the process group, unless the process is gone.
func (p *process) signal(sig syscall.Signal) error {
	if err := p.Signal(sig); err != nil {
		return fmt.Errorf("%s: %w", p.role, err)
	}
	return nil
}
