package procfs

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func TestReadsItsOwnProcess(t *testing.T) {
	// Spin so that some CPU time is on the books.
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	st, err := ReadStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.Zombie() || st.StartTicks == 0 || st.UserTicks+st.SystemTicks == 0 {
		t.Errorf("own stat %+v: want a live process with a start time and CPU time", st)
	}
	rss, err := ResidentBytes(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Errorf("own RSS %d, %v: want at least a MiB", rss, err)
	}
}

func TestZombieAndGone(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	pid := cmd.Process.Pid
	held, err := OpenResident(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if rss, err := held.Bytes(); err != nil || rss == 0 {
		t.Fatalf("a running child's RSS through a held statm: %d, %v", rss, err)
	}
	before, err := ReadStat(pid)
	if err != nil || before.Zombie() {
		t.Fatalf("running child: %+v, %v", before, err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	deadline := time.Now().Add(5 * time.Second)
	for st, err := ReadStat(pid); err != nil || !st.Zombie(); st, err = ReadStat(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("killed, unreaped child still reads as %+v, %v; want a zombie", st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := ResidentBytes(pid); err == nil {
		t.Error("a zombie has no resident memory to report, want an error")
	}
	if _, err := held.Bytes(); err == nil {
		t.Error("statm held open while the process died still reads memory, want an error")
	}
	cmd.Wait()
	if _, err := ReadStat(pid); err == nil {
		t.Error("reaped child still has a stat")
	}
}

// A held statm is read again from its start each time, so it follows the
// process's memory, and fails once closed.
func TestResidentFollowsTheProcess(t *testing.T) {
	r, err := OpenResident(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	before, err := r.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// Fresh pages from the kernel, not the Go heap, which may already
	// hold freed memory of an earlier run and grow by nothing.
	grown, err := syscall.Mmap(-1, 0, 64<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(grown)
	for i := 0; i < len(grown); i += os.Getpagesize() {
		grown[i] = 1
	}
	after, err := r.Bytes()
	if err != nil || after < before+32<<20 {
		t.Errorf("RSS %d before touching 64 MiB and %d, %v after: want it grown by more than 32 MiB", before, after, err)
	}
	r.Close()
	if _, err := r.Bytes(); err == nil {
		t.Error("a closed Resident still reads, want an error")
	}
}
