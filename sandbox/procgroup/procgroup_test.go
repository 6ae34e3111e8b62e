package procgroup

import (
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/procfs"
)

// What the leader leaves behind in its group dies with it, and once the
// leader is reaped nothing is signalled any more.
func TestLeaderTakesItsGroupAlong(t *testing.T) {
	// The shell leads the group and exits at once, leaving a grandchild.
	cmd := exec.Command("sh", "-c", "sleep 30 & echo $!")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sh: %v", err)
	}
	var child int
	buf := make([]byte, 32)
	n, _ := out.Read(buf)
	for _, c := range buf[:n] {
		if c >= '0' && c <= '9' {
			child = child*10 + int(c-'0')
		}
	}
	done := make(chan struct{})
	l := Watch(cmd, func() { close(done) })
	select {
	case <-l.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("the leader did not exit")
	}
	<-done
	alive := func() bool { st, err := procfs.ReadStat(child); return err == nil && !st.Zombie() }
	for end := time.Now().Add(2 * time.Second); alive() && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if alive() {
		t.Errorf("the grandchild %d outlived its group's leader", child)
	}
	if err := l.Signal(syscall.SIGKILL); err == nil {
		t.Error("a reaped leader was signalled")
	}
}
