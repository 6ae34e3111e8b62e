// Package procfs reads what the sandbox needs to know about a process from
// Linux's /proc: whether it is still the process that was started, how much
// CPU it has used and how much memory it holds.
package procfs

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ClockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on
// every Linux architecture Go runs on.
const ClockTicks = 100

// Stat is the part of /proc/<pid>/stat the sandbox reads.
type Stat struct {
	// State is R, S, D, Z, T, …; Z is a zombie, dead but not yet reaped.
	State string
	// UserTicks and SystemTicks are CPU time used, in ClockTicks.
	UserTicks, SystemTicks uint64
	// StartTicks is when the process started, in ClockTicks after boot: with
	// the pid, it tells a process from a later one given the same pid.
	StartTicks uint64
}

// Zombie reports a process that has exited and awaits its parent.
func (s Stat) Zombie() bool { return s.State == "Z" }

// ReadStat reads /proc/<pid>/stat.
func ReadStat(pid int) (Stat, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Stat{}, err
	}
	// The command name (field 2) may contain spaces and parentheses; the
	// fields after it start after the last ')', state being field 3.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 20 {
		return Stat{}, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, s)
	}
	st := Stat{State: f[0]}
	for _, v := range []struct {
		field int // as numbered in proc(5)
		dst   *uint64
	}{{14, &st.UserTicks}, {15, &st.SystemTicks}, {22, &st.StartTicks}} {
		if *v.dst, err = strconv.ParseUint(f[v.field-3], 10, 64); err != nil {
			return Stat{}, fmt.Errorf("/proc/%d/stat field %d: %w", pid, v.field, err)
		}
	}
	return st, nil
}

// ResidentBytes is the process's resident set size (VmRSS), read once.
func ResidentBytes(pid int) (uint64, error) {
	r, err := OpenResident(pid)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return r.Bytes()
}

// Resident reads a process's resident set size (VmRSS) from
// /proc/<pid>/statm, which the kernel formats from the same counters as
// /proc/<pid>/status at a fraction of the cost. The file stays open and
// is read again from its start: a control plane that reads every task
// once a platform minute would otherwise spend most of the read on
// finding the process's /proc entry (six times the read itself, measured
// here). An open file also stays with the process it was opened for: once
// that process is gone its reads fail, whichever process has the pid by
// then.
type Resident struct {
	pid int
	f   *os.File
}

// OpenResident opens pid's statm.
func OpenResident(pid int) (*Resident, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return nil, err
	}
	return &Resident{pid: pid, f: f}, nil
}

// Bytes is the resident set size now. It may be called while Close runs,
// and fails after.
func (r *Resident) Bytes() (uint64, error) {
	// statm is seven numbers of at most twenty digits.
	var buf [160]byte
	n, err := r.f.ReadAt(buf[:], 0)
	if n == 0 {
		if err == nil || err == io.EOF {
			err = fmt.Errorf("/proc/%d/statm is empty", r.pid)
		}
		return 0, err
	}
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return 0, fmt.Errorf("unexpected /proc/%d/statm: %q", r.pid, buf[:n])
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/statm resident: %w", r.pid, err)
	}
	if pages == 0 {
		return 0, fmt.Errorf("process %d holds no memory (a kernel thread or a zombie)", r.pid)
	}
	return pages * uint64(os.Getpagesize()), nil
}

// Close closes the file.
func (r *Resident) Close() error { return r.f.Close() }
