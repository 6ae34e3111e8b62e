// Package procgroup keeps hold of a started process that leads its own
// process group, so that it can be signalled, group and all, for as long
// as it lives and never after: once a process is reaped the kernel may
// give its pid and group id to another, and a signal meant for the sandbox
// would reach a stranger.
package procgroup

import (
	"fmt"
	"os/exec"
	"sync"
	"syscall"
)

// Leader is a started process leading its own group (Setpgid).
type Leader struct {
	pid    int
	exited chan struct{}

	mu sync.Mutex
	// gone is set once the process has exited: from then on its pid and
	// group id may be reused, so nothing is signalled any more.
	gone bool
}

// Watch takes charge of cmd, started in its own process group: a
// goroutine waits for it to exit and reaps it, and done (if not nil) runs
// after the reaping.
func Watch(cmd *exec.Cmd, done func()) *Leader {
	l := &Leader{pid: cmd.Process.Pid, exited: make(chan struct{})}
	go func() {
		l.reap(cmd)
		if done != nil {
			done()
		}
		close(l.exited)
	}()
	return l
}

// PID is the leader's pid, also its group id.
func (l *Leader) PID() int { return l.pid }

// Exited is closed once the process has exited, been reaped, and done
// has run.
func (l *Leader) Exited() <-chan struct{} { return l.exited }

// Ended reports whether Exited is closed.
func (l *Leader) Ended() bool {
	select {
	case <-l.exited:
		return true
	default:
		return false
	}
}

// Signal sends sig to the process group, unless the leader is gone.
func (l *Leader) Signal(sig syscall.Signal) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone {
		return fmt.Errorf("signalling pid %d: it has exited", l.pid)
	}
	if err := syscall.Kill(-l.pid, sig); err != nil {
		return fmt.Errorf("signalling process group %d with %s: %w", l.pid, sig, err)
	}
	return nil
}

// Kill SIGKILLs the group and waits until the leader has been reaped.
func (l *Leader) Kill() {
	l.Signal(syscall.SIGKILL)
	<-l.exited
}

// retire kills what is left of the process group and switches signalling
// off. It must run after the leader has exited and before it is reaped,
// while its zombie still holds the pid and the group id.
func (l *Leader) retire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	syscall.Kill(-l.pid, syscall.SIGKILL)
	l.gone = true
}
