package redisha

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

// process is a redis-server or redis-sentinel, leader of its own process
// group so that the children Redis forks (for a replica's full sync) are
// signalled with it.
type process struct {
	role string
	pid  int
	// exited is closed once the process has exited and been reaped.
	exited chan struct{}

	mu sync.Mutex
	// gone is set once the process has exited: from then on its pid and
	// group id may be reused, so nothing is signalled any more.
	gone bool
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
	p := &process{role: role, pid: cmd.Process.Pid, exited: make(chan struct{})}
	if rec != nil {
		if err := rec.Record(p.pid, p.pid, role); err != nil {
			syscall.Kill(-p.pid, syscall.SIGKILL)
			cmd.Wait()
			return nil, fmt.Errorf("recording %s (pid %d): %w", role, p.pid, err)
		}
	}
	go func() {
		p.reap(cmd)
		close(p.exited)
		log.Info("redis process exited", "role", role, "pid", p.pid, "state", cmd.ProcessState.String())
		if rec != nil {
			if err := rec.Forget(p.pid); err != nil {
				log.Warn("forgetting a redis process", "role", role, "pid", p.pid, "err", err)
			}
		}
	}()
	log.Info("redis process started", "role", role, "pid", p.pid, "log", logPath)
	return p, nil
}

// signal sends sig to the process group, unless the process is gone.
func (p *process) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gone {
		return fmt.Errorf("signalling %s (pid %d): it has exited", p.role, p.pid)
	}
	if err := syscall.Kill(-p.pid, sig); err != nil {
		return fmt.Errorf("signalling %s (pid %d) with %s: %w", p.role, p.pid, sig, err)
	}
	return nil
}

// kill SIGKILLs the group and waits until the process has been reaped.
func (p *process) kill() {
	p.signal(syscall.SIGKILL)
	<-p.exited
}

func (p *process) ended() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// retire kills what is left of the process group and switches signalling
// off. It must run after the leader has exited and before it is reaped,
// while its zombie still holds the pid and the group id.
func (p *process) retire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	syscall.Kill(-p.pid, syscall.SIGKILL)
	p.gone = true
}
