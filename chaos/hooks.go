package chaos

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
)

// Hooks is the part of the sandbox's fault API the injectors use; a
// faulthooks.Client is one.
type Hooks interface {
	List(ctx context.Context) (faulthooks.Listing, error)
	Inject(ctx context.Context, kind string, args ...string) (faulthooks.Fault, error)
	Revert(ctx context.Context, id string) (faulthooks.Fault, error)
}

var _ Hooks = faulthooks.Client{}

// cleanupTimeout bounds the calls that clean up after an injection whose
// answer was lost, made after the caller's context may have ended.
const cleanupTimeout = 30 * time.Second

// Latency adds Add (and up to Jitter more) to every response of a
// service's running tasks, through the sandbox's `latency` fault hook.
// Tasks started later run without it. On a target without fault hooks it
// is unsupported.
type Latency struct {
	On      Target
	Service string // the ECS service name
	Add     time.Duration
	Jitter  time.Duration
	// Region is the sandbox region; empty means its primary.
	Region string
}

// Spec implements Injector.
func (l Latency) Spec() Spec {
	p := map[string]string{"service": l.Service, "add": l.Add.String(), "jitter": l.Jitter.String()}
	if l.Region != "" {
		p["region"] = l.Region
	}
	return Spec{Kind: "latency", Target: l.On.Name, Params: p, Undo: Undo{Hook: &HookFault{Kind: "latency", Args: l.args()}}}
}

func (l Latency) args() []string {
	args := []string{l.Service, l.Add.String(), l.Jitter.String()}
	if l.Region != "" {
		args = append(args, l.Region)
	}
	return args
}

// Supported implements Checker.
func (l Latency) Supported() error { return hooksServed(l.On) }

// Inject implements Injector.
func (l Latency) Inject(ctx context.Context) (Injected, error) {
	if l.Service == "" || l.Add <= 0 || l.Jitter < 0 {
		return Injected{}, fmt.Errorf("latency %q +%s jitter %s: want a service, a positive duration and a jitter of zero or more", l.Service, l.Add, l.Jitter)
	}
	return injectHook(ctx, l.On, "latency", l.args())
}

// LaunchFailures makes every task a service launches fail (the sandbox's
// `launch-failures` fault hook: CannotPullContainerError, as a broken image
// or registry would). On a target without fault hooks it is unsupported.
type LaunchFailures struct {
	On      Target
	Service string // the ECS service name
	// Region is the sandbox region; empty means its primary.
	Region string
}

// Spec implements Injector.
func (f LaunchFailures) Spec() Spec {
	p := map[string]string{"service": f.Service}
	if f.Region != "" {
		p["region"] = f.Region
	}
	return Spec{Kind: "launch-failures", Target: f.On.Name, Params: p, Undo: Undo{Hook: &HookFault{Kind: "launch-failures", Args: f.args()}}}
}

func (f LaunchFailures) args() []string {
	if f.Region != "" {
		return []string{f.Service, f.Region}
	}
	return []string{f.Service}
}

// Supported implements Checker.
func (f LaunchFailures) Supported() error { return hooksServed(f.On) }

// Inject implements Injector.
func (f LaunchFailures) Inject(ctx context.Context) (Injected, error) {
	if f.Service == "" {
		return Injected{}, errors.New("launch-failures: want a service")
	}
	return injectHook(ctx, f.On, "launch-failures", f.args())
}

func hooksServed(t Target) error {
	if t.Hooks == nil {
		return unsupported{fmt.Sprintf("target %s does not serve sandbox fault hooks; on AWS these come through FIS (not configured)", t.Name)}
	}
	return nil
}

// injectHook injects a fault through the sandbox's hooks. A refusal means
// the sandbox left nothing broken; a lost answer (the connection dropped,
// the context ended) may hide a fault that was put in place, so it looks
// for one that was not active before and reverts it.
func injectHook(ctx context.Context, t Target, kind string, args []string) (Injected, error) {
	if err := hooksServed(t); err != nil {
		return Injected{}, err
	}
	before, err := t.Hooks.List(ctx)
	if err != nil {
		return Injected{}, err
	}
	f, err := t.Hooks.Inject(ctx, kind, args...)
	var refused *faulthooks.APIError
	switch {
	case err == nil:
		return Injected{
			Revert: func(ctx context.Context) error { return revertHook(ctx, t.Hooks, f) },
			Undo:   Undo{Hook: &HookFault{Kind: f.Kind, Args: f.Args, ID: f.ID, At: f.At}},
			Note:   f.Note,
		}, nil
	case errors.As(err, &refused):
		return Injected{}, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	after, lerr := t.Hooks.List(cctx)
	if lerr != nil {
		return Injected{}, fmt.Errorf("%w; and listing the sandbox's faults to revert one it may have injected: %w (%w)", err, lerr, ErrLeftInPlace)
	}
	var errs []error
	for _, g := range after.Active {
		if g.Kind == kind && slices.Equal(g.Args, args) && !slices.ContainsFunc(before.Active, g.Same) {
			if _, rerr := t.Hooks.Revert(cctx, g.ID); rerr != nil && !faulthooks.NotFound(rerr) {
				errs = append(errs, fmt.Errorf("reverting %s: %w", g, rerr))
			}
		}
	}
	if len(errs) > 0 {
		return Injected{}, fmt.Errorf("%w; and %w (%w)", err, errors.Join(errs...), ErrLeftInPlace)
	}
	return Injected{}, err
}

// revertHook reverts the sandbox fault f if it is still active. It checks
// the listing first: a restarted sandbox numbers its faults afresh, and
// reverting by id alone could undo someone else's.
func revertHook(ctx context.Context, hooks Hooks, f faulthooks.Fault) error {
	l, err := hooks.List(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(l.Active, f.Same) {
		return nil // reverted already, or gone with a restarted sandbox
	}
	if _, err := hooks.Revert(ctx, f.ID); err != nil && !faulthooks.NotFound(err) {
		return err
	}
	return nil
}

// revertHookEntry reverts the sandbox fault of a ledger entry. Without an
// id (the run died before the sandbox answered) it reverts the oldest
// active fault of the same kind and arguments, if there is one; see
// RevertOutstanding for the order that keeps it from taking another
// entry's fault.
func revertHookEntry(ctx context.Context, hooks Hooks, h HookFault, e Entry) error {
	if h.ID != "" {
		return revertHook(ctx, hooks, faulthooks.Fault{ID: h.ID, Kind: h.Kind, Args: h.Args, At: h.At})
	}
	l, err := hooks.List(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(l.Active, func(g faulthooks.Fault) bool { return g.Kind == h.Kind && slices.Equal(g.Args, h.Args) })
	if i < 0 {
		return nil // the injection never happened, or has been reverted
	}
	if _, err := hooks.Revert(ctx, l.Active[i].ID); err != nil && !faulthooks.NotFound(err) {
		return fmt.Errorf("reverting %s, taken for %s %s: %w", l.Active[i], e.Kind, e.ID, err)
	}
	return nil
}
