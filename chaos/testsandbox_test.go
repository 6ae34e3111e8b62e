package chaos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
	"github.com/gameday-sre/gameday/sandbox/faults"
)

// testSandbox is the sandbox's real fault API (sandbox/faults, served over
// HTTP on loopback) offering the latency and launch-failures kinds with
// the sandbox's usage and argument checks; what they break is a table
// here instead of task processes.
type testSandbox struct {
	reg   *faults.Registry
	srv   *httptest.Server
	hooks faulthooks.Client

	mu        sync.Mutex
	latency   map[string][]string // service → the latency args in effect
	failing   map[string]bool     // service → launches fail
	stuckUndo bool

	// answer decides what the next POST gets: answerNormally, or the
	// injection is made and the answer lost (the connection dropped, or
	// held until the client goes away).
	answer atomic.Int32
	// lost receives one value per injection whose answer was lost, once
	// the fault is active.
	lost chan struct{}
}

const (
	answerNormally int32 = iota
	answerDropped
	answerHeld
)

// platformTime is the test sandbox's clock: a fixed platform instant.
var platformTime = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func newTestSandbox(t *testing.T) *testSandbox {
	t.Helper()
	s := &testSandbox{latency: map[string][]string{}, failing: map[string]bool{}, lost: make(chan struct{}, 8)}
	s.reg = faults.NewRegistry(func() time.Time { return platformTime }, s.kinds()...)
	s.srv = httptest.NewServer(s.handler(s.reg.Handler()))
	t.Cleanup(s.srv.Close)
	s.hooks = faulthooks.Client{Control: s.srv.URL, HTTP: &http.Client{Timeout: 10 * time.Second}}
	return s
}

func (s *testSandbox) target(name string) Target {
	return Target{Name: name, Hooks: s.hooks}
}

func (s *testSandbox) undo(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stuckUndo {
		return errors.New("stuck")
	}
	return nil
}

func (s *testSandbox) kinds() []faults.Kind {
	return []faults.Kind{
		{
			Name: "latency", Usage: "SERVICE DURATION [JITTER] [REGION]", MinArgs: 2, MaxArgs: 4,
			Inject: func(_ context.Context, args []string) (faults.Injected, error) {
				if add, err := time.ParseDuration(args[1]); err != nil || add <= 0 {
					return faults.Injected{}, fmt.Errorf("DURATION %q: want a positive duration such as 800ms", args[1])
				}
				if len(args) > 2 {
					if j, err := time.ParseDuration(args[2]); err != nil || j < 0 {
						return faults.Injected{}, fmt.Errorf("JITTER %q: want a duration such as 50ms", args[2])
					}
				}
				s.mu.Lock()
				s.latency[args[0]] = args
				s.mu.Unlock()
				return faults.Injected{Note: "slowed " + args[0], Undo: func(ctx context.Context) error {
					if err := s.undo(ctx); err != nil {
						return err
					}
					s.mu.Lock()
					delete(s.latency, args[0])
					s.mu.Unlock()
					return nil
				}}, nil
			},
		},
		{
			Name: "launch-failures", Usage: "SERVICE [REGION]", MinArgs: 1, MaxArgs: 2,
			Inject: func(_ context.Context, args []string) (faults.Injected, error) {
				s.mu.Lock()
				s.failing[args[0]] = true
				s.mu.Unlock()
				return faults.Injected{Note: "launches of " + args[0] + " fail", Undo: func(ctx context.Context) error {
					if err := s.undo(ctx); err != nil {
						return err
					}
					s.mu.Lock()
					delete(s.failing, args[0])
					s.mu.Unlock()
					return nil
				}}, nil
			},
		},
	}
}

// handler serves the fault API, losing the answer to a POST when told to.
func (s *testSandbox) handler(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode := answerNormally
		if r.Method == http.MethodPost {
			mode = s.answer.Swap(answerNormally)
		}
		if mode == answerNormally {
			api.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
		s.lost <- struct{}{}
		if mode == answerHeld {
			<-r.Context().Done()
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
}

func (s *testSandbox) slowed(service string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.latency[service])
}

func (s *testSandbox) launchesFail(service string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failing[service]
}

func (s *testSandbox) setStuck(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stuckUndo = on
}

// waitLost waits for an injection whose answer was lost.
func (s *testSandbox) waitLost(t *testing.T) {
	t.Helper()
	select {
	case <-s.lost:
	case <-time.After(10 * time.Second):
		t.Fatal("no injection reached the sandbox in 10s")
	}
}
