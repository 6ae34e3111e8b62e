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
	cmd.Wait()
	if _, err := ReadStat(pid); err == nil {
		t.Error("reaped child still has a stat")
	}
}
