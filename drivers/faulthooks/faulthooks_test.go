package faulthooks_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
	"github.com/gameday-sre/gameday/sandbox/faults"
)

// switchboard is what the test sandbox's one kind of fault breaks.
type switchboard struct {
	mu       sync.Mutex
	broken   map[string]bool
	failUndo bool
}

func (s *switchboard) isBroken(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.broken[name]
}

func (s *switchboard) set(name string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken[name] = on
}

func (s *switchboard) kind() faults.Kind {
	return faults.Kind{
		Name: "break", Usage: "SWITCH [HOW]", Help: "breaks a switch", MinArgs: 1, MaxArgs: 2,
		Inject: func(_ context.Context, args []string) (faults.Injected, error) {
			if args[0] == "fragile" {
				return faults.Injected{}, errors.New("will not break")
			}
			s.set(args[0], true)
			return faults.Injected{Note: "broke " + args[0], Undo: func(context.Context) error {
				s.mu.Lock()
				stuck := s.failUndo
				s.mu.Unlock()
				if stuck {
					return errors.New("stuck")
				}
				s.set(args[0], false)
				return nil
			}}, nil
		},
	}
}

var at = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// serve starts the sandbox's real fault API (sandbox/faults) on loopback.
func serve(t *testing.T) (*switchboard, faulthooks.Client) {
	t.Helper()
	sb := &switchboard{broken: map[string]bool{}}
	srv := httptest.NewServer(faults.NewRegistry(func() time.Time { return at }, sb.kind()).Handler())
	t.Cleanup(srv.Close)
	return sb, faulthooks.Client{Control: srv.URL}
}

func TestClientOverTheWire(t *testing.T) {
	ctx := context.Background()
	sb, c := serve(t)
	a, err := c.Inject(ctx, "break", "a", "hard")
	if err != nil {
		t.Fatal(err)
	}
	want := faulthooks.Fault{ID: "break-1", Kind: "break", Args: []string{"a", "hard"}, At: at, Note: "broke a"}
	if !reflect.DeepEqual(a, want) || !sb.isBroken("a") {
		t.Fatalf("injected %+v, want %+v", a, want)
	}
	if got := a.String(); got != "break-1 (break a hard)" {
		t.Errorf("String() = %q", got)
	}
	if _, err := c.Inject(ctx, "break", "b"); err != nil {
		t.Fatal(err)
	}
	l, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := []faulthooks.Kind{{Name: "break", Usage: "SWITCH [HOW]", Help: "breaks a switch"}}
	if !reflect.DeepEqual(l.Kinds, wantKinds) || len(l.Active) != 2 || !l.Active[0].Same(a) {
		t.Fatalf("listing %+v", l)
	}
	if got, err := c.Revert(ctx, a.ID); err != nil || !got.Same(a) || sb.isBroken("a") {
		t.Fatalf("revert %s: %+v, %v", a.ID, got, err)
	}
	if _, err := c.Revert(ctx, a.ID); !faulthooks.NotFound(err) {
		t.Errorf("second revert of %s: %v, want not found", a.ID, err)
	}
	if _, err := c.Inject(ctx, "break", "c"); err != nil {
		t.Fatal(err)
	}
	done, err := c.RevertAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || done[0].Args[0] != "c" || done[1].Args[0] != "b" {
		t.Errorf("RevertAll reverted %+v, want c then b", done)
	}
	if done, err := c.RevertAll(ctx); err != nil || len(done) != 0 {
		t.Errorf("RevertAll of nothing: %+v, %v", done, err)
	}
}

func TestRefusalsNameTheEndpoint(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func(faulthooks.Client) error
		status   int
		says     []string
		notFound bool
	}{
		{"unknown kind", func(c faulthooks.Client) error { _, err := c.Inject(ctx, "melt", "a"); return err }, 400, []string{`"melt"`, "offers break"}, false},
		{"wrong arguments", func(c faulthooks.Client) error { _, err := c.Inject(ctx, "break"); return err }, 400, []string{"takes SWITCH [HOW]"}, false},
		{"failed injection", func(c faulthooks.Client) error { _, err := c.Inject(ctx, "break", "fragile"); return err }, 400, []string{"will not break"}, false},
		{"unknown id", func(c faulthooks.Client) error { _, err := c.Revert(ctx, "break-9"); return err }, 404, []string{"break-9"}, true},
		{"id needing escapes", func(c faulthooks.Client) error { _, err := c.Revert(ctx, "a/b c"); return err }, 404, []string{`"a/b c"`}, true},
		{"stuck revert", func(c faulthooks.Client) error {
			f, err := c.Inject(ctx, "break", "s")
			if err != nil {
				return err
			}
			_, err = c.Revert(ctx, f.ID)
			return err
		}, 500, []string{"stuck"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, c := serve(t)
			sb.mu.Lock()
			sb.failUndo = true
			sb.mu.Unlock()
			err := tt.call(c)
			var ae *faulthooks.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status {
				t.Fatalf("got %v, want HTTP %d", err, tt.status)
			}
			if !strings.HasPrefix(err.Error(), "sandbox fault API "+c.Control+": ") {
				t.Errorf("%q does not name the endpoint", err)
			}
			for _, s := range tt.says {
				if !strings.Contains(ae.Message, s) {
					t.Errorf("%q does not say %q", ae.Message, s)
				}
			}
			if faulthooks.NotFound(err) != tt.notFound {
				t.Errorf("NotFound(%v) = %v", err, !tt.notFound)
			}
		})
	}
}

func TestTransportErrorsNameTheEndpoint(t *testing.T) {
	srv := httptest.NewServer(nil) // answers 404 with text/plain to everything
	t.Cleanup(srv.Close)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		c    faulthooks.Client
		ctx  context.Context
		is   error
	}{
		{"nothing listening", faulthooks.Client{Control: "http://127.0.0.1:1"}, context.Background(), nil},
		{"cancelled", faulthooks.Client{Control: srv.URL}, cancelled, context.Canceled},
		{"bad endpoint", faulthooks.Client{Control: "http://[::1"}, context.Background(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.List(tt.ctx)
			if err == nil || !strings.HasPrefix(err.Error(), "sandbox fault API "+tt.c.Control+": GET /_sandbox/faults: ") {
				t.Errorf("got %v, want an error naming the endpoint and the call", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
		})
	}
}

func TestSame(t *testing.T) {
	f := faulthooks.Fault{ID: "latency-1", Kind: "latency", Args: []string{"api-service", "800ms"}, At: at}
	tests := []struct {
		name string
		g    faulthooks.Fault
		same bool
	}{
		{"itself", f, true},
		{"same instant elsewhere", faulthooks.Fault{ID: f.ID, Kind: f.Kind, Args: f.Args, At: at.In(time.FixedZone("x", 3600))}, true},
		{"the id reused after a restart", faulthooks.Fault{ID: f.ID, Kind: f.Kind, Args: f.Args, At: at.Add(time.Minute)}, false},
		{"other arguments", faulthooks.Fault{ID: f.ID, Kind: f.Kind, Args: []string{"api-service", "1s"}, At: at}, false},
		{"other kind", faulthooks.Fault{ID: f.ID, Kind: "launch-failures", Args: f.Args, At: at}, false},
	}
	for _, tt := range tests {
		if got := f.Same(tt.g); got != tt.same {
			t.Errorf("%s: Same = %v", tt.name, got)
		}
	}
}
