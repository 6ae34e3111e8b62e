package chaos

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
)

func TestHookInjectors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		inj        func(Target) Injector
		kind       string
		params     map[string]string
		args       []string
		inEffect   func(*testSandbox) bool
		wantNote   string
		wantRefuse string // the injection fails, saying this
	}{
		{
			name: "latency", kind: "latency",
			inj:      func(tg Target) Injector { return Latency{On: tg, Service: "api-service", Add: 800 * time.Millisecond} },
			params:   map[string]string{"service": "api-service", "add": "800ms", "jitter": "0s"},
			args:     []string{"api-service", "800ms", "0s"},
			inEffect: func(s *testSandbox) bool { return len(s.slowed("api-service")) > 0 },
			wantNote: "slowed api-service",
		},
		{
			name: "latency with jitter in a region", kind: "latency",
			inj: func(tg Target) Injector {
				return Latency{On: tg, Service: "ai-service", Add: 2 * time.Second, Jitter: 50 * time.Millisecond, Region: "us-west-2"}
			},
			params:   map[string]string{"service": "ai-service", "add": "2s", "jitter": "50ms", "region": "us-west-2"},
			args:     []string{"ai-service", "2s", "50ms", "us-west-2"},
			inEffect: func(s *testSandbox) bool { return len(s.slowed("ai-service")) > 0 },
			wantNote: "slowed ai-service",
		},
		{
			name: "launch failures", kind: "launch-failures",
			inj:      func(tg Target) Injector { return LaunchFailures{On: tg, Service: "frontend-service"} },
			params:   map[string]string{"service": "frontend-service"},
			args:     []string{"frontend-service"},
			inEffect: func(s *testSandbox) bool { return s.launchesFail("frontend-service") },
			wantNote: "launches of frontend-service fail",
		},
		{
			name: "launch failures in a region", kind: "launch-failures",
			inj:      func(tg Target) Injector { return LaunchFailures{On: tg, Service: "api-service", Region: "us-west-2"} },
			params:   map[string]string{"service": "api-service", "region": "us-west-2"},
			args:     []string{"api-service", "us-west-2"},
			inEffect: func(s *testSandbox) bool { return s.launchesFail("api-service") },
			wantNote: "launches of api-service fail",
		},
		{
			name: "no latency", kind: "latency",
			inj:        func(tg Target) Injector { return Latency{On: tg, Service: "api-service"} },
			params:     map[string]string{"service": "api-service", "add": "0s", "jitter": "0s"},
			wantRefuse: "positive duration",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newTestSandbox(t)
			inj := tt.inj(sb.target("local"))
			spec := inj.Spec()
			if spec.Kind != tt.kind || spec.Target != "local" || !reflect.DeepEqual(spec.Params, tt.params) {
				t.Errorf("spec %+v, want kind %s params %v", spec, tt.kind, tt.params)
			}
			did, err := inj.Inject(ctx)
			if tt.wantRefuse != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantRefuse) {
					t.Fatalf("got %v, want an error saying %q", err, tt.wantRefuse)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := did.Undo.Hook
			if h == nil || h.ID == "" || h.Kind != tt.kind || !reflect.DeepEqual(h.Args, tt.args) || !h.At.Equal(platformTime) {
				t.Errorf("undo %+v, want the sandbox fault %s %v at %s", h, tt.kind, tt.args, platformTime)
			}
			if !tt.inEffect(sb) || did.Note != tt.wantNote {
				t.Fatalf("after Inject: in effect %v, note %q", tt.inEffect(sb), did.Note)
			}
			if err := did.Revert(ctx); err != nil || tt.inEffect(sb) {
				t.Fatalf("Revert: %v, still in effect %v", err, tt.inEffect(sb))
			}
			if err := did.Revert(ctx); err != nil {
				t.Errorf("second Revert: %v", err)
			}
			if l, _ := sb.hooks.List(ctx); len(l.Active) != 0 {
				t.Errorf("still active: %+v", l.Active)
			}
		})
	}
}

// On a target without fault hooks, hook faults are unsupported, say why,
// and leave nothing in the ledger.
func TestHookInjectorsUnsupported(t *testing.T) {
	staging := Target{Name: "staging"}
	l := openTestLedger(t)
	for _, inj := range []Injector{
		Latency{On: staging, Service: "api-service", Add: time.Second},
		LaunchFailures{On: staging, Service: "api-service"},
	} {
		for _, err := range []error{inj.(Checker).Supported(), func() error { _, err := inj.Inject(context.Background()); return err }(), func() error { _, err := l.Inject(context.Background(), inj, nil, nil); return err }()} {
			want := "target staging does not serve sandbox fault hooks; on AWS these come through FIS (not configured)"
			if !errors.Is(err, ErrUnsupported) || err.Error() != want {
				t.Errorf("%s: got %v, want ErrUnsupported saying %q", inj.Spec().Kind, err, want)
			}
		}
	}
	if entries, _ := ReadLedger(l.Path()); len(entries) != 0 {
		t.Errorf("ledger has %+v, want nothing for unsupported faults", entries)
	}
}

// When the sandbox injects but its answer is lost, the injector finds the
// fault and reverts it before returning its error.
func TestLostAnswerIsReverted(t *testing.T) {
	ctx := context.Background()
	sb := newTestSandbox(t)
	// Someone else's identical fault, active before: not to be touched.
	other, err := sb.hooks.Inject(ctx, "latency", "api-service", "1s", "0s")
	if err != nil {
		t.Fatal(err)
	}
	sb.answer.Store(answerDropped)
	_, err = Latency{On: sb.target("local"), Service: "api-service", Add: time.Second}.Inject(ctx)
	if err == nil || errors.Is(err, ErrLeftInPlace) {
		t.Fatalf("got %v, want the lost answer's error, the fault cleaned up", err)
	}
	sb.waitLost(t)
	l, _ := sb.hooks.List(ctx)
	if len(l.Active) != 1 || !l.Active[0].Same(other) {
		t.Errorf("active %+v, want only the fault that was there before, %s", l.Active, other)
	}
}

// A revert that the sandbox refuses is an error naming the endpoint; a
// fault already gone (reverted by hand, sandbox restarted) is no error.
func TestHookRevertOutcomes(t *testing.T) {
	ctx := context.Background()
	sb := newTestSandbox(t)
	did, err := LaunchFailures{On: sb.target("local"), Service: "api-service"}.Inject(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sb.setStuck(true)
	if err := did.Revert(ctx); err == nil || !strings.Contains(err.Error(), "stuck") || !strings.Contains(err.Error(), sb.srv.URL) {
		t.Errorf("stuck revert: %v, want the sandbox's error naming its endpoint", err)
	}
	sb.setStuck(false)
	if _, err := sb.hooks.RevertAll(ctx); err != nil {
		t.Fatal(err)
	}
	// The same id, reused by a "restarted" sandbox for another fault.
	again, err := sb.hooks.Inject(ctx, "launch-failures", "api-service")
	if err != nil {
		t.Fatal(err)
	}
	stale := faulthooks.Fault{ID: again.ID, Kind: again.Kind, Args: again.Args, At: again.At.Add(-time.Hour)}
	if err := revertHook(ctx, sb.hooks, stale); err != nil || !sb.launchesFail("api-service") {
		t.Errorf("revert of a stale id: %v; launches fail %v, want the other fault untouched", err, sb.launchesFail("api-service"))
	}
	if err := did.Revert(ctx); err != nil || !sb.launchesFail("api-service") {
		t.Errorf("revert of a fault already reverted: %v, other fault kept %v", err, sb.launchesFail("api-service"))
	}
}
