package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
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

// api calls the registry's handler as the harness's client does, over
// real HTTP; the harness's client itself (drivers/faulthooks) is tested
// against this server from its side of the wire.
type api struct {
	t   *testing.T
	url string
}

func serve(t *testing.T) (*switchboard, api) {
	t.Helper()
	sb := &switchboard{broken: map[string]bool{}}
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(NewRegistry(func() time.Time { return at }, sb.kinds()...).Handler())
	t.Cleanup(srv.Close)
	return sb, api{t: t, url: srv.URL}
}

// call sends in (JSON) and decodes the answer into out when the status is
// 2xx; it returns the status and the body.
func (a api) call(method, path string, in, out any) (int, string) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			a.t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.url+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if resp.StatusCode < 300 && out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			a.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode, strings.TrimSpace(string(data))
}

func (a api) inject(kind string, args ...string) (Fault, int, string) {
	var f Fault
	status, body := a.call(http.MethodPost, Path, InjectRequest{Kind: kind, Args: args}, &f)
	return f, status, body
}

func (a api) list() Listing {
	var l Listing
	if status, body := a.call(http.MethodGet, Path, nil, &l); status != http.StatusOK {
		a.t.Fatalf("GET %s: %d %s", Path, status, body)
	}
	return l
}

func TestInjectAndRevertOverHTTP(t *testing.T) {
	sb, c := serve(t)
	a, status, body := c.inject("break", "a")
	if status != http.StatusCreated {
		t.Fatalf("inject a: %d %s", status, body)
	}
	b, status, body := c.inject("break", "b")
	if status != http.StatusCreated {
		t.Fatalf("inject b: %d %s", status, body)
	}
	if a.ID == b.ID || a.Note != "broke a" || !sb.broken["a"] || !sb.broken["b"] {
		t.Fatalf("injected %+v and %+v, switches %v", a, b, sb.broken)
	}
	if l := c.list(); len(l.Active) != 2 || len(l.Kinds) != 1 || l.Kinds[0].Usage != "SWITCH" {
		t.Fatalf("listing %+v", l)
	}
	if status, body := c.call(http.MethodDelete, Path+"/"+a.ID, nil, nil); status != http.StatusOK || sb.broken["a"] {
		t.Fatalf("revert %s: %d %s, switches %v", a.ID, status, body, sb.broken)
	}
	c.inject("break", "c")
	var done Reverted
	if status, body := c.call(http.MethodDelete, Path, nil, &done); status != http.StatusOK {
		t.Fatalf("revert all: %d %s", status, body)
	}
	if got := []string{done.Reverted[0].Args[0], done.Reverted[1].Args[0]}; !reflect.DeepEqual(got, []string{"c", "b"}) {
		t.Errorf("RevertAll reverted %v, want newest first [c b]", got)
	}
	if l := c.list(); len(l.Active) != 0 {
		t.Errorf("still active after RevertAll: %+v", l.Active)
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		call   func(api) (int, string)
		status int
		says   []string
	}{
		{"unknown kind", func(c api) (int, string) { _, s, b := c.inject("melt", "a"); return s, b }, 400, []string{`"melt"`, "offers break"}},
		{"wrong arguments", func(c api) (int, string) { _, s, b := c.inject("break"); return s, b }, 400, []string{"takes SWITCH", "breaks a switch"}},
		{"failed injection", func(c api) (int, string) { _, s, b := c.inject("break", "fragile"); return s, b }, 400, []string{"break fragile", "will not break"}},
		{"unknown id", func(c api) (int, string) { return c.call(http.MethodDelete, Path+"/break-9", nil, nil) }, 404, []string{"break-9", "active: none"}},
		{"bad body", func(c api) (int, string) { return c.call(http.MethodPost, Path, "kind", nil) }, 400, []string{"want {"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := serve(t)
			status, body := tt.call(c)
			if status != tt.status {
				t.Fatalf("got HTTP %d %s, want %d", status, body, tt.status)
			}
			for _, s := range tt.says {
				if !strings.Contains(body, s) {
					t.Errorf("%q does not say %q", body, s)
				}
			}
		})
	}
}

// A fault whose undo fails stays listed, so it is neither forgotten nor
// reported as reverted.
func TestFailedRevertKeepsTheFault(t *testing.T) {
	sb, c := serve(t)
	f, _, _ := c.inject("break", "a")
	sb.failUndo = true
	if status, body := c.call(http.MethodDelete, Path+"/"+f.ID, nil, nil); status != http.StatusInternalServerError || !strings.Contains(body, "stuck") {
		t.Fatalf("revert with a failing undo: %d %s", status, body)
	}
	if status, _ := c.call(http.MethodDelete, Path, nil, nil); status != http.StatusInternalServerError {
		t.Errorf("RevertAll answered %d with a stuck fault", status)
	}
	if l := c.list(); len(l.Active) != 1 || !sb.broken["a"] {
		t.Errorf("active %+v, switches %v: want the stuck fault still listed", l.Active, sb.broken)
	}
	sb.failUndo = false
	if status, body := c.call(http.MethodDelete, Path+"/"+f.ID, nil, nil); status != http.StatusOK || sb.broken["a"] {
		t.Errorf("retried revert: %d %s, switches %v", status, body, sb.broken)
	}
}
