package procgroup

import (
	"os/exec"
	"syscall"
	"unsafe"
)

// reap waits for the process to exit without reaping it
// (waitid(P_PID, pid, WEXITED|WNOWAIT)), retires it while its zombie holds
// the pid and group id, then reaps it, so that no signal ever reaches a
// process that reused them.
func (l *Leader) reap(cmd *exec.Cmd) {
	const (
		pPID    = 1
		wExited = 0x4
		wNoWait = 0x1000000
	)
	var info [128]byte // siginfo_t
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(l.pid), uintptr(unsafe.Pointer(&info[0])), wExited|wNoWait, 0, 0)
		if errno != syscall.EINTR {
			break
		}
	}
	l.retire()
	cmd.Wait()
}
