package chaos

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
)

// The child process's instructions, in its environment.
const (
	envChild   = "CHAOS_TEST_CHILD" // the mode: injecting, injected, signal
	envLedger  = "CHAOS_TEST_LEDGER"
	envControl = "CHAOS_TEST_CONTROL"
)

// TestChildProcess is the run the tests below start, and kill or signal,
// as a process of its own. Run directly, it does nothing.
func TestChildProcess(t *testing.T) {
	mode := os.Getenv(envChild)
	if mode == "" {
		return
	}
	l, err := OpenLedger(os.Getenv(envLedger), WithRun("child"))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	local := Target{Name: "local", Hooks: faulthooks.Client{Control: os.Getenv(envControl), HTTP: &http.Client{}}}
	ctx := context.Background()
	switch mode {
	case "injecting":
		// The sandbox holds its answer: this blocks until the child is killed.
		l.Inject(ctx, Latency{On: local, Service: "api-service", Add: time.Second}, nil, nil)
		fmt.Println("error: the injection answered")
		os.Exit(3)
	case "injected":
		if _, err := l.Inject(ctx, LaunchFailures{On: local, Service: "ai-service"}, nil, nil); err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("ready")
		select {} // killed here
	case "signal":
		ctx, done := l.Guard(ctx)
		_ = done // the child leaves by os.Exit: only the signal path reverts
		f, err := l.Inject(ctx, Latency{On: local, Service: "api-service", Add: time.Second}, nil, nil)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("ready")
		<-ctx.Done()
		for f.Entry().State != StateReverted {
			time.Sleep(5 * time.Millisecond)
		}
		os.Exit(0)
	}
}

// child starts this test binary as a child run in mode and returns it
// once it has printed its first line (unless mode is injecting).
func child(t *testing.T, mode, ledger string, sb *testSandbox) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChild+"="+mode, envLedger+"="+ledger, envControl+"="+sb.srv.URL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if mode == "injecting" {
		sb.waitLost(t)
		return cmd
	}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		s.Scan()
		line <- s.Text()
	}()
	select {
	case l := <-line:
		if l != "ready" {
			t.Fatalf("child %s: %q", mode, l)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("child %s did not get ready in 30s", mode)
	}
	return cmd
}

// A run killed with SIGKILL, before or after the sandbox answered its
// injection, leaves the fault outstanding in the ledger; RevertOutstanding
// reverts it on the sandbox and reports it.
func TestSIGKILLedRunIsReverted(t *testing.T) {
	tests := []struct {
		mode      string
		kind      string
		state     State
		inEffect  func(*testSandbox) bool
		answerMod int32
	}{
		{"injecting", "latency", StateInjecting, func(s *testSandbox) bool { return len(s.slowed("api-service")) > 0 }, answerHeld},
		{"injected", "launch-failures", StateInjected, func(s *testSandbox) bool { return s.launchesFail("ai-service") }, answerNormally},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			ctx := context.Background()
			sb := newTestSandbox(t)
			path := filepath.Join(t.TempDir(), "ledger.jsonl")
			sb.answer.Store(tt.answerMod)
			cmd := child(t, tt.mode, path, sb)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if !tt.inEffect(sb) {
				t.Fatal("the child's fault is not in effect")
			}

			o, err := Outstanding(path)
			if err != nil || len(o) != 1 || o[0].State != tt.state || o[0].Kind != tt.kind || o[0].Run != "child" || o[0].PID != cmd.Process.Pid {
				t.Fatalf("outstanding %+v, %v; want one %s entry, %s, of the child", o, err, tt.kind, tt.state)
			}
			done, err := RevertOutstanding(ctx, path, sb.target("local").Undo, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != 1 || done[0].ID != o[0].ID || done[0].State != StateReverted || !reflect.DeepEqual(done[0].Params, o[0].Params) || !done[0].InjectedAt.Equal(o[0].InjectedAt) {
				t.Errorf("reverted %+v, want %+v", done, o[0])
			}
			if tt.inEffect(sb) {
				t.Error("the child's fault is still in effect")
			}
			if l, _ := sb.hooks.List(ctx); len(l.Active) != 0 {
				t.Errorf("active on the sandbox: %+v", l.Active)
			}
			if o, err := Outstanding(path); err != nil || len(o) != 0 {
				t.Errorf("outstanding after RevertOutstanding: %+v, %v", o, err)
			}
			if done, err := RevertOutstanding(ctx, path, sb.target("local").Undo, nil); err != nil || len(done) != 0 {
				t.Errorf("second RevertOutstanding: %+v, %v", done, err)
			}
		})
	}
}

// SIGTERM to a guarded run cancels its context and reverts its faults
// before the run does anything more.
func TestSIGTERMedRunReverts(t *testing.T) {
	sb := newTestSandbox(t)
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	cmd := child(t, "signal", path, sb)
	if len(sb.slowed("api-service")) == 0 {
		t.Fatal("the child's fault is not in effect")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("child: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the child did not end in 30s")
	}
	if len(sb.slowed("api-service")) > 0 {
		t.Error("the child's fault is still in effect")
	}
	if got := states(t, path); !reflect.DeepEqual(got, []State{StateInjecting, StateInjected, StateReverted}) {
		t.Errorf("ledger states %v", got)
	}
}
