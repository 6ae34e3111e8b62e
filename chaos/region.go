package chaos

import (
	"context"
	"fmt"
)

// The modes of RegionDown, as the sandbox's `region-down` and
// `region-outage` hooks take them.
const (
	// Refuse: the region's load balancer is gone; connections are refused.
	Refuse = "refuse"
	// Blackhole: packets to the region are dropped; connections are
	// accepted and never answered.
	Blackhole = "blackhole"
)

// RegionDown takes a region down through the sandbox's fault hooks, in
// Mode: a failed load balancer (Refuse) or a region unreachable from
// outside (Blackhole). With Whole it is the `region-outage` hook, the
// whole region at once (its load balancer and every data-store process
// placed there); without, `region-down`, its load balancer alone. Revert
// brings it back on the same addresses. On a target without fault hooks
// it is unsupported: on AWS a region outage is an FIS experiment.
type RegionDown struct {
	On     Target
	Region string
	// Mode is Refuse or Blackhole; empty means Refuse, as the hooks'
	// default.
	Mode  string
	Whole bool
}

func (r RegionDown) mode() string {
	if r.Mode == "" {
		return Refuse
	}
	return r.Mode
}

// Kind is the fault hook's name: region-outage for a whole region,
// region-down for its load balancer.
func (r RegionDown) Kind() string {
	if r.Whole {
		return "region-outage"
	}
	return "region-down"
}

// Spec implements Injector.
func (r RegionDown) Spec() Spec {
	return Spec{Kind: r.Kind(), Target: r.On.Name, Params: map[string]string{"region": r.Region, "mode": r.mode()},
		Undo: Undo{Hook: &HookFault{Kind: r.Kind(), Args: r.args()}}}
}

func (r RegionDown) args() []string { return []string{r.Region, r.mode()} }

// Supported implements Checker.
func (r RegionDown) Supported() error {
	if r.On.Hooks == nil {
		return unsupported{fmt.Sprintf("target %s does not serve sandbox fault hooks; on AWS a region outage comes through FIS (not configured)", r.On.Name)}
	}
	return nil
}

// Inject implements Injector.
func (r RegionDown) Inject(ctx context.Context) (Injected, error) {
	if err := r.Supported(); err != nil {
		return Injected{}, err
	}
	switch {
	case r.Region == "":
		return Injected{}, fmt.Errorf("%s: want a region", r.Kind())
	case r.mode() != Refuse && r.mode() != Blackhole:
		return Injected{}, fmt.Errorf("%s %s: mode %q, want %s or %s", r.Kind(), r.Region, r.Mode, Refuse, Blackhole)
	}
	return injectHook(ctx, r.On, r.Kind(), r.args())
}
