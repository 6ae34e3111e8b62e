package chaos

import (
	"context"
	"errors"
	"fmt"
)

// The modes of RegionDown, as the sandbox's `region-down` hook takes them.
const (
	// Refuse: the region's load balancer is gone; connections are refused.
	Refuse = "refuse"
	// Blackhole: packets to the region are dropped; connections are
	// accepted and never answered.
	Blackhole = "blackhole"
)

// RegionDown takes a region's load balancer down through the sandbox's
// `region-down` fault hook, in Mode: a failed load balancer (Refuse) or a
// region unreachable from outside (Blackhole). Revert brings it back on
// the same address. On a target without fault hooks it is unsupported: on
// AWS a region outage is an FIS experiment.
type RegionDown struct {
	On     Target
	Region string
	// Mode is Refuse or Blackhole; empty means Refuse, as the hook's
	// default.
	Mode string
}

func (r RegionDown) mode() string {
	if r.Mode == "" {
		return Refuse
	}
	return r.Mode
}

// Spec implements Injector.
func (r RegionDown) Spec() Spec {
	return Spec{Kind: "region-down", Target: r.On.Name, Params: map[string]string{"region": r.Region, "mode": r.mode()},
		Undo: Undo{Hook: &HookFault{Kind: "region-down", Args: r.args()}}}
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
		return Injected{}, errors.New("region-down: want a region")
	case r.mode() != Refuse && r.mode() != Blackhole:
		return Injected{}, fmt.Errorf("region-down %s: mode %q, want %s or %s", r.Region, r.Mode, Refuse, Blackhole)
	}
	return injectHook(ctx, r.On, "region-down", r.args())
}
