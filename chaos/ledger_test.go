package chaos

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// stepInjector is an injector whose outcome a test sets: the ledger is what
// is under test here, the real injectors are tested on their own.
type stepInjector struct {
	kind      string
	injectErr error
	reverts   atomic.Int32
	revertErr atomic.Pointer[error]
}

func (s *stepInjector) Spec() Spec {
	return Spec{Kind: s.kind, Target: "local", Params: map[string]string{"service": "api-service"}, Undo: Undo{Nothing: "test"}}
}

func (s *stepInjector) Inject(context.Context) (Injected, error) {
	if s.injectErr != nil {
		return Injected{}, s.injectErr
	}
	return Injected{Note: "did " + s.kind, Revert: func(context.Context) error {
		if p := s.revertErr.Load(); p != nil && *p != nil {
			return *p
		}
		s.reverts.Add(1)
		return nil
	}}, nil
}

func (s *stepInjector) failReverts(err error) { s.revertErr.Store(&err) }

func openTestLedger(t *testing.T) *Ledger {
	t.Helper()
	l, err := OpenLedger(filepath.Join(t.TempDir(), "faults", "ledger.jsonl"), WithRun("nightly-7"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func states(t *testing.T, path string) []State {
	t.Helper()
	entries, err := ReadLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []State
	for _, e := range entries {
		out = append(out, e.State)
	}
	return out
}

func platformClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return platformTime.Add(time.Duration(n.Add(1)) * time.Minute) }
}

func TestLedgerLines(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		injectErr   error
		revertErrs  int // reverts that fail before one succeeds
		wantStates  []State
		wantEvents  []timeline.Kind
		outstanding bool
	}{
		{"injected and reverted", nil, 0,
			[]State{StateInjecting, StateInjected, StateReverted},
			[]timeline.Kind{timeline.KindFaultInjected, timeline.KindFaultReverted}, false},
		{"revert fails, then succeeds", nil, 1,
			[]State{StateInjecting, StateInjected, StateRevertFailed, StateReverted},
			[]timeline.Kind{timeline.KindFaultInjected, timeline.KindFaultReverted, timeline.KindFaultReverted}, false},
		{"injection fails", errors.New("refused"), 0,
			[]State{StateInjecting, StateFailed}, nil, false},
		{"injection fails and leaves the fault", ErrLeftInPlace, 0,
			[]State{StateInjecting, StateRevertFailed}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := openTestLedger(t)
			var tlog bytes.Buffer
			tl := timeline.New(&tlog)
			inj := &stepInjector{kind: "step", injectErr: tt.injectErr}
			f, err := l.Inject(ctx, inj, tl, platformClock())
			if tt.injectErr != nil {
				if !errors.Is(err, tt.injectErr) || !strings.Contains(err.Error(), "injecting step on local (service=api-service)") {
					t.Fatalf("got %v, want the injection's error", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if o, _ := Outstanding(l.Path()); len(o) != 1 || o[0].ID != f.ID() || o[0].Note != "did step" {
					t.Errorf("outstanding while injected: %+v", o)
				}
				for i := range tt.revertErrs {
					inj.failReverts(errors.New("stuck"))
					if err := f.Revert(ctx); err == nil || !strings.Contains(err.Error(), "stuck") {
						t.Fatalf("failing revert %d: %v", i, err)
					}
					if e := f.Entry(); e.State != StateRevertFailed || !strings.Contains(e.Error, "stuck") {
						t.Errorf("entry after a failed revert: %+v", e)
					}
				}
				inj.failReverts(nil)
				if err := f.Revert(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got := states(t, l.Path()); !reflect.DeepEqual(got, tt.wantStates) {
				t.Errorf("ledger states %v, want %v", got, tt.wantStates)
			}
			o, err := Outstanding(l.Path())
			if err != nil || (len(o) == 1) != tt.outstanding {
				t.Errorf("outstanding %+v, %v; want outstanding %v", o, err, tt.outstanding)
			}
			var kinds []timeline.Kind
			for _, ev := range tl.Events() {
				kinds = append(kinds, ev.Data.EventKind())
			}
			if !reflect.DeepEqual(kinds, tt.wantEvents) {
				t.Errorf("timeline %v, want %v", kinds, tt.wantEvents)
			}
		})
	}
}

// Every line carries the whole entry; times are the target's and the
// machine's; the timeline events carry the ledger id.
func TestLedgerEntry(t *testing.T) {
	ctx := context.Background()
	sb := newTestSandbox(t)
	l := openTestLedger(t)
	tl := timeline.New(&bytes.Buffer{})
	before := time.Now()
	f, err := l.Inject(ctx, Latency{On: sb.target("local"), Service: "api-service", Add: 800 * time.Millisecond}, tl, platformClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Revert(ctx); err != nil {
		t.Fatal(err)
	}
	entries, err := ReadLedger(l.Path())
	if err != nil || len(entries) != 3 {
		t.Fatalf("ledger %+v, %v", entries, err)
	}
	params := map[string]string{"service": "api-service", "add": "800ms", "jitter": "0s"}
	for i, e := range entries {
		if e.ID != f.ID() || e.Run != "nightly-7" || e.Target != "local" || e.Kind != "latency" || !reflect.DeepEqual(e.Params, params) || e.PID != os.Getpid() {
			t.Errorf("line %d: %+v", i, e)
		}
		if !e.InjectedAt.Equal(platformTime.Add(time.Minute)) || !e.At.Equal(platformTime.Add(time.Duration(i+1)*time.Minute)) || e.Real.Before(before) {
			t.Errorf("line %d times: injected %s, at %s, real %s", i, e.InjectedAt, e.At, e.Real)
		}
	}
	if h := entries[0].Undo.Hook; h == nil || h.ID != "" || h.Kind != "latency" {
		t.Errorf("injecting line's undo %+v, want the hook kind and args without an id", h)
	}
	if h := entries[1].Undo.Hook; h == nil || h.ID == "" || !h.At.Equal(platformTime) || entries[1].Note != "slowed api-service" {
		t.Errorf("injected line %+v, want the sandbox's fault id and time", entries[1])
	}
	evs := tl.Events()
	want := timeline.Fault{ID: f.ID(), Kind: "latency", Target: "local", Params: params}
	if len(evs) != 2 || !reflect.DeepEqual(evs[0].Data, timeline.FaultInjected(want)) || !reflect.DeepEqual(evs[1].Data, timeline.FaultReverted(want)) ||
		!evs[0].At.Equal(entries[1].At) || !evs[1].At.Equal(entries[2].At) {
		t.Errorf("timeline %+v, want injected and reverted %+v at the ledger's times", evs, want)
	}
}

// Revert is idempotent and safe to call at once from many goroutines;
// a caller whose context ends while another reverts gives up.
func TestRevertIdempotent(t *testing.T) {
	ctx := context.Background()
	l := openTestLedger(t)
	inj := &stepInjector{kind: "step"}
	f, err := l.Inject(ctx, inj, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := f.Revert(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := l.RevertAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := inj.reverts.Load(); n != 1 {
		t.Errorf("reverted %d times, want once", n)
	}
	if got := states(t, l.Path()); !reflect.DeepEqual(got, []State{StateInjecting, StateInjected, StateReverted}) {
		t.Errorf("ledger states %v", got)
	}

	g, err := l.Inject(ctx, inj, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.lock <- struct{}{} // a revert under way
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.Revert(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("revert with an ended context while another runs: %v", err)
	}
	<-g.lock
	if err := g.Revert(ctx); err != nil || inj.reverts.Load() != 2 {
		t.Errorf("revert after: %v, %d reverts", err, inj.reverts.Load())
	}
}

// RevertAll reverts newest first and carries on past a failure.
func TestRevertAllNewestFirst(t *testing.T) {
	ctx := context.Background()
	l := openTestLedger(t)
	var order []string
	var mu sync.Mutex
	for _, k := range []string{"a", "b", "c"} {
		_, err := l.Inject(ctx, funcInjector{kind: k, revert: func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, k)
			if k == "b" {
				return errors.New("b is stuck")
			}
			return nil
		}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := l.RevertAll(ctx); err == nil || !strings.Contains(err.Error(), "b is stuck") {
		t.Errorf("RevertAll: %v, want b's error", err)
	}
	if !reflect.DeepEqual(order, []string{"c", "b", "a"}) {
		t.Errorf("reverted %v, want newest first", order)
	}
	if o, _ := Outstanding(l.Path()); len(o) != 1 || o[0].Kind != "b" || o[0].State != StateRevertFailed {
		t.Errorf("outstanding %+v, want b, revert-failed", o)
	}
}

type funcInjector struct {
	kind   string
	revert Revert
}

func (f funcInjector) Spec() Spec {
	return Spec{Kind: f.kind, Target: "local", Params: map[string]string{}, Undo: Undo{Nothing: "test"}}
}

func (f funcInjector) Inject(context.Context) (Injected, error) {
	return Injected{Revert: f.revert}, nil
}

// One writer at a time: a second open, or a RevertOutstanding, while a run
// holds the ledger is refused; closing releases it.
func TestLedgerIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	l, err := OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenLedger(path); !errors.Is(err, ErrBusy) {
		t.Errorf("second open: %v, want ErrBusy", err)
	}
	if _, err := l.Inject(context.Background(), &stepInjector{kind: "step"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := RevertOutstanding(context.Background(), path, Target{Name: "local"}.Undo, nil); !errors.Is(err, ErrBusy) {
		t.Errorf("RevertOutstanding of a held ledger: %v, want ErrBusy", err)
	}
	l.Close()
	if _, err := l.Inject(context.Background(), &stepInjector{kind: "step"}, nil, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("inject after Close: %v, want ErrClosed", err)
	}
	l2, err := OpenLedger(path)
	if err != nil {
		t.Fatalf("open after Close: %v", err)
	}
	l2.Close()
}

// A line cut short by a writer that died inside a write is not an entry:
// readers leave it out, the next writer cuts it off.
func TestTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	l, err := OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Inject(context.Background(), &stepInjector{kind: "step"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	l.Close()
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"id":"x-1","state":"inj`)
	f.Close()
	if o, err := Outstanding(path); err != nil || len(o) != 1 || o[0].Kind != "step" {
		t.Fatalf("outstanding %+v, %v", o, err)
	}
	l, err = OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte("x-1")) || !bytes.HasSuffix(data, []byte("\n")) {
		t.Errorf("torn line kept:\n%s", data)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{}\nnot json\n{}\n"), 0o644)
	if _, err := Outstanding(bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("damaged ledger: %v, want an error naming line 2", err)
	}
	if o, err := Outstanding(filepath.Join(t.TempDir(), "none.jsonl")); err != nil || len(o) != 0 {
		t.Errorf("missing ledger: %+v, %v", o, err)
	}
}

// What a run leaves behind is reverted for its target only, hook faults
// through the sandbox, stopped tasks by recording that ECS replaced them.
func TestRevertOutstandingInProcess(t *testing.T) {
	ctx := context.Background()
	sb := newTestSandbox(t)
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	l, err := OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	local := sb.target("local")
	for _, inj := range []Injector{
		Latency{On: local, Service: "api-service", Add: time.Second},
		LaunchFailures{On: local, Service: "ai-service"},
		StopTasks{On: Target{Name: "local", ECS: newInMemoryECS(platformTime), Cluster: "main"}, Service: "api-service", Count: 1},
		&stepInjector{kind: "step"}, // its undo: nothing to do
	} {
		if _, err := l.Inject(ctx, inj, nil, platformClock()); err != nil {
			t.Fatal(err)
		}
	}
	other := Target{Name: "staging", ECS: newInMemoryECS(platformTime), Cluster: "main"}
	if _, err := l.Inject(ctx, StopTasks{On: other, Service: "api-service", Count: 1}, nil, nil); err != nil {
		t.Fatal(err)
	}
	l.Close() // the run ends without reverting

	done, err := RevertOutstanding(ctx, path, local.Undo, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range done {
		kinds = append(kinds, e.Kind)
		if e.State != StateReverted || e.Target != "local" {
			t.Errorf("returned %+v", e)
		}
	}
	if !reflect.DeepEqual(kinds, []string{"step", "stop-task", "launch-failures", "latency"}) {
		t.Errorf("reverted %v, want local's, newest first", kinds)
	}
	if len(sb.slowed("api-service")) > 0 || sb.launchesFail("ai-service") {
		t.Error("the sandbox's faults are still in effect")
	}
	o, err := Outstanding(path)
	if err != nil || len(o) != 1 || o[0].Target != "staging" {
		t.Errorf("outstanding %+v, %v, want staging's fault only", o, err)
	}
	// Without the hooks, a hook fault cannot be reverted and stays outstanding.
	l, _ = OpenLedger(path)
	l.Inject(ctx, Latency{On: local, Service: "api-service", Add: time.Second}, nil, nil)
	l.Close()
	if _, err := RevertOutstanding(ctx, path, Target{Name: "local"}.Undo, nil); err == nil || !strings.Contains(err.Error(), "fault hooks, which target local does not serve") {
		t.Errorf("hook fault without hooks: %v", err)
	}
	if o, _ := Outstanding(path); len(o) != 2 || o[1].State != StateRevertFailed {
		t.Errorf("outstanding %+v, want the hook fault revert-failed", o)
	}
}

// A panic inside a guarded run reverts its faults and panics on.
func TestGuardRevertsOnPanic(t *testing.T) {
	l := openTestLedger(t)
	inj := &stepInjector{kind: "step"}
	var ctx context.Context
	p := func() (p any) {
		defer func() { p = recover() }()
		var done func()
		ctx, done = l.Guard(context.Background())
		defer done()
		if _, err := l.Inject(ctx, inj, nil, nil); err != nil {
			t.Fatal(err)
		}
		panic("boom")
	}()
	if p != "boom" {
		t.Errorf("recovered %v, want the run's panic", p)
	}
	if inj.reverts.Load() != 1 || ctx.Err() == nil {
		t.Errorf("after the panic: %d reverts, context %v", inj.reverts.Load(), ctx.Err())
	}
	if o, _ := Outstanding(l.Path()); len(o) != 0 {
		t.Errorf("outstanding after the panic: %+v", o)
	}
}

func TestGuardRevertsOnReturn(t *testing.T) {
	l := openTestLedger(t)
	inj := &stepInjector{kind: "step"}
	func() {
		ctx, done := l.Guard(context.Background())
		defer done()
		l.Inject(ctx, inj, nil, nil)
		l.Inject(ctx, inj, nil, nil)
	}()
	if n := inj.reverts.Load(); n != 2 {
		t.Errorf("%d reverts, want 2", n)
	}
}
