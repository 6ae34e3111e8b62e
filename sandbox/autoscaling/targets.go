package autoscaling

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// target is a registered scalable target with everything attached to it.
type target struct {
	ScalableTarget
	// uuid is the target's part of its policies' and scheduled actions'
	// ARNs, which AWS shares among everything on one target.
	uuid      string
	policies  map[string]*policy
	scheduled map[string]*scheduledAction
	// invoked is the minute an alarm action last ran the target's
	// policies (InvokePolicy), which Tick does not run again.
	invoked time.Time
}

func (t *target) describe() ScalableTarget {
	out := t.ScalableTarget
	s := t.SuspendedState
	out.SuspendedState = SuspendedState{
		DynamicScalingInSuspended:  ptr(*s.DynamicScalingInSuspended),
		DynamicScalingOutSuspended: ptr(*s.DynamicScalingOutSuspended),
		ScheduledScalingSuspended:  ptr(*s.ScheduledScalingSuspended),
	}
	return out
}

func (t *target) inSuspended() bool        { return *t.SuspendedState.DynamicScalingInSuspended }
func (t *target) outSuspended() bool       { return *t.SuspendedState.DynamicScalingOutSuspended }
func (t *target) scheduledSuspended() bool { return *t.SuspendedState.ScheduledScalingSuspended }

// sortedPolicies returns the target's policies in name order, the order in
// which Tick consults them.
func (t *target) sortedPolicies() []*policy {
	names := slices.Sorted(maps.Keys(t.policies))
	out := make([]*policy, len(names))
	for i, n := range names {
		out[i] = t.policies[n]
	}
	return out
}

// scalableTargetID is the final part of a ScalableTargetARN, 36 hex digits
// like AWS's.
func scalableTargetID() string {
	var b [18]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b[:])
}

// RegisterScalableTarget registers a target or updates one
// (API_RegisterScalableTarget). Either way, if the service's desired count
// is outside [MinCapacity, MaxCapacity] afterwards it is set to the nearer
// bound at once, with an activity caused by "minimum capacity was set to N"
// or "maximum capacity was set to N": AWS "retrieves the current capacity
// of the resource. If it's below the minimum capacity or above the maximum
// capacity, Application Auto Scaling adjusts the capacity of the scalable
// target to place it within these bounds".
func (e *Engine) RegisterScalableTarget(in RegisterScalableTargetInput) (RegisterScalableTargetOutput, error) {
	if err := checkIdentity(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return RegisterScalableTargetOutput{}, err
	}
	for _, c := range []struct {
		name string
		v    *int32
	}{{"minCapacity", in.MinCapacity}, {"maxCapacity", in.MaxCapacity}} {
		if c.v != nil && *c.v < 0 {
			return RegisterScalableTargetOutput{}, rangeError(c.name, int(*c.v), 0, 0)
		}
	}
	now := e.clock.Now()
	e.mu.Lock()
	defer e.unlock()
	t, exists := e.targets[in.ResourceId]
	if !exists {
		// "When you register a new scalable target, you must specify values
		// for the minimum and maximum capacity."
		if in.MinCapacity == nil || in.MaxCapacity == nil {
			return RegisterScalableTargetOutput{}, invalid("MinCapacity and MaxCapacity are required to register a new scalable target")
		}
		if len(e.targets) >= maxECSTargets {
			return RegisterScalableTargetOutput{}, newError(ErrCodeLimitExceeded, "Maximum number of scalable targets (%d) for service namespace %s reached", maxECSTargets, ServiceNamespaceECS)
		}
		if _, err := e.capacity.DesiredCount(in.ResourceId); err != nil {
			if errors.Is(err, ErrUnknownResource) {
				return RegisterScalableTargetOutput{}, invalid("ECS service doesn't exist: %s", in.ResourceId)
			}
			return RegisterScalableTargetOutput{}, accessFailed("Failed to read the desired count of "+in.ResourceId, err)
		}
		t = &target{
			ScalableTarget: ScalableTarget{
				ServiceNamespace:  in.ServiceNamespace,
				ScalableDimension: in.ScalableDimension,
				ResourceId:        in.ResourceId,
				RoleARN:           e.roleARN(),
				CreationTime:      now,
				SuspendedState: SuspendedState{
					DynamicScalingInSuspended:  ptr(false),
					DynamicScalingOutSuspended: ptr(false),
					ScheduledScalingSuspended:  ptr(false),
				},
				ScalableTargetARN: fmt.Sprintf("arn:aws:application-autoscaling:%s:%s:scalable-target/%s", e.region, e.accountID, scalableTargetID()),
			},
			uuid:      newUUID(),
			policies:  map[string]*policy{},
			scheduled: map[string]*scheduledAction{},
		}
	}
	// "Any parameters that you don't specify are not changed by this update
	// request."
	lo, hi := t.MinCapacity, t.MaxCapacity
	if in.MinCapacity != nil {
		lo = *in.MinCapacity
	}
	if in.MaxCapacity != nil {
		hi = *in.MaxCapacity
	}
	if lo > hi {
		return RegisterScalableTargetOutput{}, invalid("Minimum capacity (%d) cannot be greater than maximum capacity (%d)", lo, hi)
	}
	t.MinCapacity, t.MaxCapacity = lo, hi
	if s := in.SuspendedState; s != nil {
		for _, f := range []struct{ from, to *bool }{
			{s.DynamicScalingInSuspended, t.SuspendedState.DynamicScalingInSuspended},
			{s.DynamicScalingOutSuspended, t.SuspendedState.DynamicScalingOutSuspended},
			{s.ScheduledScalingSuspended, t.SuspendedState.ScheduledScalingSuspended},
		} {
			if f.from != nil {
				*f.to = *f.from
			}
		}
	}
	e.targets[in.ResourceId] = t
	e.enforceBoundsLocked(t, now)
	return RegisterScalableTargetOutput{ScalableTargetARN: t.ScalableTargetARN}, nil
}

// enforceBoundsLocked moves the desired count into [min, max] if it is
// outside, as both RegisterScalableTarget and scheduled actions do.
func (e *Engine) enforceBoundsLocked(t *target, now time.Time) {
	current, err := e.capacity.DesiredCount(t.ResourceId)
	if err != nil {
		// The service vanished; there is nothing to move.
		return
	}
	switch {
	case current < int(t.MinCapacity):
		e.setCapacityLocked(t, int(t.MinCapacity), fmt.Sprintf("minimum capacity was set to %d", t.MinCapacity), now)
	case current > int(t.MaxCapacity):
		e.setCapacityLocked(t, int(t.MaxCapacity), fmt.Sprintf("maximum capacity was set to %d", t.MaxCapacity), now)
	}
}

// DescribeScalableTargets lists registered targets in ResourceId order
// (API_DescribeScalableTargets).
func (e *Engine) DescribeScalableTargets(in DescribeScalableTargetsInput) (DescribeScalableTargetsOutput, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension, len(in.ResourceIds) > 0); err != nil {
		return DescribeScalableTargetsOutput{}, err
	}
	e.mu.Lock()
	defer e.unlock()
	var all []ScalableTarget
	for _, id := range slices.Sorted(maps.Keys(e.targets)) {
		if len(in.ResourceIds) == 0 || slices.Contains(in.ResourceIds, id) {
			all = append(all, e.targets[id].describe())
		}
	}
	items, next, err := paginate(all, func(t ScalableTarget) string { return t.ResourceId }, "targets", in.MaxResults, in.NextToken)
	if err != nil {
		return DescribeScalableTargetsOutput{}, err
	}
	return DescribeScalableTargetsOutput{ScalableTargets: items, NextToken: next}, nil
}

// DeregisterScalableTarget removes a target: "Deregistering a scalable
// target deletes the scaling policies and the scheduled actions that are
// associated with it" (API_DeregisterScalableTarget), and with the policies
// go their alarms (see DeleteScalingPolicy). Its activities stay in the
// history.
func (e *Engine) DeregisterScalableTarget(in DeregisterScalableTargetInput) error {
	if err := checkIdentity(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.unlock()
	t, ok := e.targets[in.ResourceId]
	if !ok {
		return newError(ErrCodeObjectNotFound,
			"No scalable target found for service namespace: %s, resource ID: %s, scalable dimension: %s",
			in.ServiceNamespace, in.ResourceId, in.ScalableDimension)
	}
	for _, p := range t.sortedPolicies() {
		if err := e.releaseAlarmsLocked(p); err != nil {
			return err
		}
		delete(t.policies, p.PolicyName)
	}
	delete(e.targets, in.ResourceId)
	return nil
}
