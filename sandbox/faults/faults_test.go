package faults

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// switchboard is something faults break: named switches, on when broken.
type switchboard struct {
	broken   map[string]bool
	reverts  []string
	failUndo bool
}

func (s *switchboard) kinds() []Kind {
	return []Kind{{
		Name: "break", Usage: "SWITCH", Help: "breaks a switch", MinArgs: 1, MaxArgs: 1,
		Inject: func(_ context.Context, args []string) (Injected, error) {
			if args[0] == "fragile" {
				return Injected{}, errors.New("will not break")
			}
			s.broken[args[0]] = true
			return Injected{Note: "broke " + args[0], Undo: func(context.Context) error {
				if s.failUndo {
					return errors.New("stuck")
				}
				s.broken[args[0]] = false
				s.reverts = append(s.reverts, args[0])
				return nil
			}}, nil
		},
	}}
}

func serve(t *testing.T) (*switchboard, Client) {
	t.Helper()
	sb := &switchboard{broken: map[string]bool{}}
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(NewRegistry(func() time.Time { return at }, sb.kinds()...).Handler())
	t.Cleanup(srv.Close)
	return sb, Client{Control: srv.URL}
}

func TestInjectAndRevertOverHTTP(t *testing.T) {
	ctx := context.Background()
	sb, c := serve(t)
	a, err := c.Inject(ctx, "break", "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Inject(ctx, "break", "b")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID || a.Note != "broke a" || !sb.broken["a"] || !sb.broken["b"] {
		t.Fatalf("injected %+v and %+v, switches %v", a, b, sb.broken)
	}
	l, err := c.List(ctx)
	if err != nil || len(l.Active) != 2 || len(l.Kinds) != 1 || l.Kinds[0].Usage != "SWITCH" {
		t.Fatalf("listing %+v, %v", l, err)
	}
	if _, err := c.Revert(ctx, a.ID); err != nil || sb.broken["a"] {
		t.Fatalf("revert %s: %v, switches %v", a.ID, err, sb.broken)
	}
	c.Inject(ctx, "break", "c")
	done, err := c.RevertAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{done[0].Args[0], done[1].Args[0]}; !reflect.DeepEqual(got, []string{"c", "b"}) {
		t.Errorf("RevertAll reverted %v, want newest first [c b]", got)
	}
	if l, _ := c.List(ctx); len(l.Active) != 0 {
		t.Errorf("still active after RevertAll: %+v", l.Active)
	}
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func(Client) error
		status int
		says   []string
	}{
		{"unknown kind", func(c Client) error { _, err := c.Inject(ctx, "melt", "a"); return err }, 400, []string{`"melt"`, "offers break"}},
		{"wrong arguments", func(c Client) error { _, err := c.Inject(ctx, "break"); return err }, 400, []string{"takes SWITCH", "breaks a switch"}},
		{"failed injection", func(c Client) error { _, err := c.Inject(ctx, "break", "fragile"); return err }, 400, []string{"break fragile", "will not break"}},
		{"unknown id", func(c Client) error { _, err := c.Revert(ctx, "break-9"); return err }, 404, []string{"break-9", "active: none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := serve(t)
			var ae *APIError
			if err := tt.call(c); !errors.As(err, &ae) || ae.Status != tt.status {
				t.Fatalf("got %v, want HTTP %d", err, tt.status)
			}
			for _, s := range tt.says {
				if !strings.Contains(ae.Message, s) {
					t.Errorf("%q does not say %q", ae.Message, s)
				}
			}
		})
	}
}

// A fault whose undo fails stays listed, so it is neither forgotten nor
// reported as reverted.
func TestFailedRevertKeepsTheFault(t *testing.T) {
	ctx := context.Background()
	sb, c := serve(t)
	f, _ := c.Inject(ctx, "break", "a")
	sb.failUndo = true
	if _, err := c.Revert(ctx, f.ID); err == nil || !strings.Contains(err.Error(), "stuck") {
		t.Fatalf("revert with a failing undo: %v", err)
	}
	if _, err := c.RevertAll(ctx); err == nil {
		t.Error("RevertAll reported success with a stuck fault")
	}
	if l, _ := c.List(ctx); len(l.Active) != 1 || !sb.broken["a"] {
		t.Errorf("active %+v, switches %v: want the stuck fault still listed", l.Active, sb.broken)
	}
	sb.failUndo = false
	if _, err := c.Revert(ctx, f.ID); err != nil || sb.broken["a"] {
		t.Errorf("retried revert: %v, switches %v", err, sb.broken)
	}
}

func TestUnreachableSandboxNamesTheEndpoint(t *testing.T) {
	c := Client{Control: "http://127.0.0.1:1"}
	if _, err := c.List(context.Background()); err == nil || !strings.Contains(err.Error(), "http://127.0.0.1:1") {
		t.Errorf("got %v, want an error naming the endpoint", err)
	}
}
