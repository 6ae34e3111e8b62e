// Package chaos is the harness's faults as named, reversible objects, in
// the manner of Toxiproxy's toxics: an Injector says what it breaks (a
// Spec: kind, target, parameters) and Inject puts it in place and returns
// how to revert it. Every injection goes through a Ledger, a file on disk
// written before the fault happens, so that whatever a run leaves behind
// (SIGKILL, a crash, a lost machine) can be found and reverted later with
// RevertOutstanding, which is what `gameday revert` does.
//
// Injectors: StopTasks (ECS StopTask, any target serving ECS), Experiment
// (an AWS FIS experiment: FISStopTasks, FISLatency), Latency and
// LaunchFailures (the sandbox's fault hooks; ErrUnsupported elsewhere),
// InvertHealthCheck (Route 53 UpdateHealthCheck: a region's outage as
// Route 53 sees it, where FIS is not configured), and the runbook's manual
// procedures as reversible changes: DesiredCount (ECS UpdateService) and
// ScalableTargetBounds (RegisterScalableTarget).
package chaos

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Revert undoes a fault.
type Revert func(ctx context.Context) error

// Injector is one fault, ready to inject. Inject puts it in place and
// returns how to revert it; an Inject that fails part way reverts what it
// did before returning its error, and if it cannot, wraps ErrLeftInPlace
// so that the ledger keeps the fault outstanding.
type Injector interface {
	Spec() Spec
	Inject(ctx context.Context) (Injected, error)
}

// Checker is implemented by injectors that can tell before injecting that
// their target cannot take them. Ledger.Inject asks it first, so that an
// unsupported fault leaves no trace in the ledger; a caller may ask it to
// skip a spec before setting anything up.
type Checker interface {
	// Supported returns nil, or an error wrapping ErrUnsupported that says
	// what the target lacks.
	Supported() error
}

// Spec says what a fault is.
type Spec struct {
	// Kind names the sort of fault: stop-task, latency, launch-failures.
	Kind string
	// Target is the name of the target it breaks (local, staging, ...).
	Target string
	// Params are its parameters, as the ledger and the timeline record them.
	Params map[string]string
	// Undo is how another process finds and reverts the fault should this
	// one die before the injection answers; the injection may complete it
	// (Injected.Undo).
	Undo Undo
}

// String is the fault for a log line: "latency on local (add=800ms
// jitter=0s service=api-service)".
func (s Spec) String() string {
	return fmt.Sprintf("%s on %s (%s)", s.Kind, s.Target, formatParams(s.Params))
}

func formatParams(params map[string]string) string {
	parts := make([]string, 0, len(params))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		parts = append(parts, k+"="+params[k])
	}
	return strings.Join(parts, " ")
}

// Injected is a fault in place.
type Injected struct {
	Revert Revert
	// Undo, when not zero, replaces the Spec's: what the injection learnt
	// that a later revert needs (the sandbox's fault id).
	Undo Undo
	// Note says what the injection did, for example which tasks it stopped.
	Note string
	// Params are what the injection learnt that names the fault (the FIS
	// template and experiment ids); they join the Spec's in the ledger and
	// on the timeline.
	Params map[string]string
	// Ended, for a fault that can end by itself (an FIS experiment),
	// receives how it ended: nil when it completed, an *Aborted when a
	// stop condition stopped it, another error when it failed; nothing
	// once the fault is being reverted. Nil for faults that last until
	// reverted.
	Ended <-chan error
}

// Undo is what the ledger keeps so that a process that did not inject a
// fault can revert it (see Target.Undo). One field is set.
type Undo struct {
	// Hook is the sandbox fault hook holding the fault.
	Hook *HookFault `json:"hook,omitempty"`
	// Restore is a capacity setting to put back through the AWS APIs.
	Restore *Restore `json:"restore,omitempty"`
	// FIS is an FIS experiment to stop.
	FIS *FISExperiment `json:"fis,omitempty"`
	// HealthCheck is a Route 53 health check's Inverted flag to put back.
	HealthCheck *HealthCheckInverted `json:"healthCheck,omitempty"`
	// Nothing says why the fault needs no undoing, such as "ECS replaces
	// stopped tasks".
	Nothing string `json:"nothing,omitempty"`
}

// IsZero says whether u says nothing.
func (u Undo) IsZero() bool {
	return u.Hook == nil && u.Restore == nil && u.FIS == nil && u.HealthCheck == nil && u.Nothing == ""
}

// HookFault is a fault held by the sandbox's fault hooks.
type HookFault struct {
	Kind string   `json:"kind"`
	Args []string `json:"args"`
	// ID and At (the sandbox's platform time) identify the fault once the
	// sandbox has answered; a restarted sandbox reuses ids, so both are
	// checked. Empty while the injection is under way.
	ID string    `json:"id,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// ErrUnsupported is wrapped by the error of a fault the target cannot
// take, which says what it lacks. The caller decides: a suite skips.
var ErrUnsupported = errors.New("fault not supported by the target")

// ErrLeftInPlace is wrapped by the error of an injection that failed and
// could not undo all it did; the ledger keeps such a fault outstanding.
var ErrLeftInPlace = errors.New("fault may be left in place")

// unsupported is an error whose text is only the reason, fit for a skip
// message, and which is ErrUnsupported.
type unsupported struct{ reason string }

func (e unsupported) Error() string        { return e.reason }
func (e unsupported) Is(target error) bool { return target == ErrUnsupported }

// Target is what injectors break and how a fault on it is reverted: its
// name and the surfaces it offers. A nil ECS or Hooks means the target
// does not serve it.
type Target struct {
	Name string
	// Region is the target's primary region, where a fault that names
	// none acts.
	Region string
	// ECS is the target's ECS API (drivers/aws Clients.ECS) and Cluster
	// the cluster of its services.
	ECS     ECSAPI
	Cluster string
	// Hooks is the sandbox's fault API (a faulthooks.Client), for a
	// sandbox target only.
	Hooks Hooks
	// Capacity is the target's ECS and Application Auto Scaling, for the
	// runbook's manual procedures.
	Capacity CapacityAPI
	// FIS is the target's AWS FIS, and FISRole the role its experiments
	// run as.
	FIS     FISAPI
	FISRole string
	// ViaFIS says the target runs its faults as FIS experiments where
	// there is a choice (the profile's faults: fis).
	ViaFIS bool
	// Route53 is the target's Route 53, whose health checks a region
	// outage inverts where FIS is not configured.
	Route53 Route53API
}

// ErrOtherTarget is returned by Target.Undo for a ledger entry of another
// target; RevertOutstanding leaves such entries outstanding.
var ErrOtherTarget = errors.New("fault of another target")

// Undo says how to revert a ledger entry of this target left outstanding
// by another process. It is the resolver RevertOutstanding takes.
func (t Target) Undo(e Entry) (Revert, error) {
	if e.Target != t.Name {
		return nil, fmt.Errorf("%s %s is on target %s, not %s: %w", e.Kind, e.ID, e.Target, t.Name, ErrOtherTarget)
	}
	switch {
	case e.Undo.Hook != nil:
		if t.Hooks == nil {
			return nil, fmt.Errorf("%s %s is held by the sandbox's fault hooks, which target %s does not serve", e.Kind, e.ID, t.Name)
		}
		h := *e.Undo.Hook
		return func(ctx context.Context) error { return revertHookEntry(ctx, t.Hooks, h, e) }, nil
	case e.Undo.Restore != nil:
		if t.Capacity == nil {
			return nil, fmt.Errorf("%s %s is put back through ECS and Application Auto Scaling, which target %s does not serve", e.Kind, e.ID, t.Name)
		}
		r := *e.Undo.Restore
		return func(ctx context.Context) error { return r.put(ctx, t.Capacity) }, nil
	case e.Undo.FIS != nil:
		if t.FIS == nil {
			return nil, fmt.Errorf("%s %s is an FIS experiment, and target %s does not serve FIS", e.Kind, e.ID, t.Name)
		}
		u := *e.Undo.FIS
		return func(ctx context.Context) error { return revertFISEntry(ctx, t.FIS, u) }, nil
	case e.Undo.HealthCheck != nil:
		if t.Route53 == nil {
			return nil, fmt.Errorf("%s %s is put back through Route 53, which target %s does not serve", e.Kind, e.ID, t.Name)
		}
		h := *e.Undo.HealthCheck
		return func(ctx context.Context) error { return h.put(ctx, t.Route53) }, nil
	case e.Undo.Nothing != "":
		return func(context.Context) error { return nil }, nil
	}
	return nil, fmt.Errorf("%s %s: the ledger says nothing about how to revert it", e.Kind, e.ID)
}
