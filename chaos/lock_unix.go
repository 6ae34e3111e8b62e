//go:build unix

package chaos

import (
	"errors"
	"os"
	"syscall"
)

// lock takes an exclusive flock on f without waiting. The kernel releases
// it when the file is closed or the process dies, SIGKILL included, so a
// killed run never leaves its ledger locked.
func lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrBusy
		}
		return err
	}
}
