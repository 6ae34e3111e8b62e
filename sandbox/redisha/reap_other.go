//go:build !linux

package redisha

import "os/exec"

// reap waits for the process and reaps it, then retires it. Without
// waitid's WNOWAIT the zombie cannot be held, so a signal sent in the
// instant between the reaping and gone being set could reach a process
// that reused the pid; Linux, where the sandbox runs, has no such window.
func (p *process) reap(cmd *exec.Cmd) {
	cmd.Wait()
	p.mu.Lock()
	p.gone = true
	p.mu.Unlock()
}
