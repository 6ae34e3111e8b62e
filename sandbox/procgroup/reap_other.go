//go:build !linux

package procgroup

import "os/exec"

// reap reaps the process, then retires it. Without waitid's WNOWAIT the
// zombie cannot be held, so a signal sent in the instant between the
// reaping and the retiring could reach a process that reused the pid;
// Linux, where the sandbox runs, has no such window.
func (l *Leader) reap(cmd *exec.Cmd) {
	cmd.Wait()
	l.retire()
}
