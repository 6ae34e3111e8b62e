package chaos

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
)

// fakeHooks holds faults as the sandbox's fault API does, without a
// sandbox: what RegionDown asks of it is the point here.
type fakeHooks struct{ active []faulthooks.Fault }

func (h *fakeHooks) List(context.Context) (faulthooks.Listing, error) {
	return faulthooks.Listing{Active: slices.Clone(h.active)}, nil
}

func (h *fakeHooks) Inject(_ context.Context, kind string, args ...string) (faulthooks.Fault, error) {
	f := faulthooks.Fault{ID: kind + "-1", Kind: kind, Args: args, At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	h.active = append(h.active, f)
	return f, nil
}

func (h *fakeHooks) Revert(_ context.Context, id string) (faulthooks.Fault, error) {
	i := slices.IndexFunc(h.active, func(f faulthooks.Fault) bool { return f.ID == id })
	if i < 0 {
		return faulthooks.Fault{}, errors.New("no fault " + id)
	}
	f := h.active[i]
	h.active = slices.Delete(h.active, i, i+1)
	return f, nil
}

// RegionDown asks the sandbox's region-down hook for the region and mode
// (refuse by default), records both, reverts what it injected, and refuses
// a mode the hook does not know before calling it.
func TestRegionDown(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		mode, wantMode, refused string
	}{
		{"", Refuse, ""},
		{Blackhole, Blackhole, ""},
		{"drop", "", `mode "drop"`},
	}
	for _, tt := range tests {
		hooks := &fakeHooks{}
		r := RegionDown{On: Target{Name: "local", Hooks: hooks}, Region: "us-east-1", Mode: tt.mode}
		did, err := r.Inject(ctx)
		if tt.refused != "" {
			if err == nil || !strings.Contains(err.Error(), tt.refused) || len(hooks.active) != 0 {
				t.Errorf("mode %q: %v, active %v; want refused saying %q", tt.mode, err, hooks.active, tt.refused)
			}
			continue
		}
		want := []string{"us-east-1", tt.wantMode}
		if s := r.Spec(); s.Kind != "region-down" || s.Params["mode"] != tt.wantMode || s.Params["region"] != "us-east-1" || !reflect.DeepEqual(s.Undo.Hook.Args, want) {
			t.Errorf("mode %q: spec %+v", tt.mode, s)
		}
		if err != nil || len(hooks.active) != 1 || !reflect.DeepEqual(hooks.active[0].Args, want) || did.Undo.Hook == nil || did.Undo.Hook.ID == "" {
			t.Fatalf("mode %q: %v, active %v, undo %+v", tt.mode, err, hooks.active, did.Undo)
		}
		if err := did.Revert(ctx); err != nil || len(hooks.active) != 0 {
			t.Errorf("mode %q: revert %v, still active %v", tt.mode, err, hooks.active)
		}
	}
}

// Elsewhere than the sandbox it is unsupported, saying where a region
// outage comes from on AWS.
func TestRegionDownUnsupported(t *testing.T) {
	err := RegionDown{On: Target{Name: "staging"}, Region: "us-east-1"}.Supported()
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "target staging does not serve sandbox fault hooks; on AWS a region outage comes through FIS") {
		t.Errorf("got %v", err)
	}
}
