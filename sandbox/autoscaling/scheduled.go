package autoscaling

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/spec/schedule"
)

// scheduledAction is a scheduled action with its parsed schedule.
type scheduledAction struct {
	ScheduledAction
	expr schedule.Expression
	loc  *time.Location
}

func (e *Engine) scheduledActionARN(t *target, name string) string {
	return fmt.Sprintf("arn:aws:autoscaling:%s:%s:scheduledAction:%s:resource/%s/%s:scheduledActionName/%s",
		e.region, e.accountID, t.uuid, t.ServiceNamespace, t.ResourceId, name)
}

// parseSchedule parses a schedule expression with spec/schedule.
func parseSchedule(s string) (schedule.Expression, *Error) {
	expr, err := schedule.Parse(s)
	if err != nil {
		return schedule.Expression{}, invalid("%v", err)
	}
	if expr.Kind == schedule.At {
		// at(...) has seconds, but schedules have "1-minute resolution"
		// (application-auto-scaling-scheduled-scaling.html): the action runs
		// in the minute its time falls in. Expression.Matches compares the
		// seconds too, so an at time with seconds would otherwise never
		// match; truncating places it in its minute.
		expr.Time = expr.Time.Truncate(time.Minute)
	}
	return expr, nil
}

// loadZone resolves a Timezone: "Valid values are the canonical names of
// the IANA time zones" (API_PutScheduledAction), UTC when empty. Go's
// "Local" is not one.
func loadZone(name string) (*time.Location, *Error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, invalid("Timezone %q is not a valid IANA time zone name", name)
	}
	return loc, nil
}

// PutScheduledAction creates or updates a scheduled action
// (API_PutScheduledAction). The schedule is checked by spec/schedule; the
// action needs a registered target and at least one of MinCapacity and
// MaxCapacity.
func (e *Engine) PutScheduledAction(in PutScheduledActionInput) error {
	if err := checkIdentity(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return err
	}
	if err := checkName("scheduledActionName", in.ScheduledActionName); err != nil {
		return err
	}
	// The service model forbids ':', '/' and '|' in scheduled action names,
	// which are ARN separators.
	if strings.ContainsAny(in.ScheduledActionName, ":/|") {
		return invalid("Scheduled action name %q must not contain ':', '/' or '|'", in.ScheduledActionName)
	}
	if !in.StartTime.IsZero() && !in.EndTime.IsZero() && !in.EndTime.After(in.StartTime) {
		return invalid("EndTime (%s) must be after StartTime (%s)", in.EndTime.UTC().Format(time.RFC3339), in.StartTime.UTC().Format(time.RFC3339))
	}
	now := e.clock.Now()
	e.mu.Lock()
	defer e.unlock()
	t, ok := e.targets[in.ResourceId]
	if !ok {
		// "You cannot create a scheduled action until you have registered
		// the resource as a scalable target."
		return targetNotFound(in.ResourceId)
	}
	old := t.scheduled[in.ScheduledActionName]
	a := &scheduledAction{}
	if old != nil {
		cp := *old
		a = &cp
	} else {
		if len(t.scheduled) >= maxScheduledPerTarget {
			return newError(ErrCodeLimitExceeded, "Maximum number of scheduled actions (%d) for scalable target %s reached", maxScheduledPerTarget, t.ResourceId)
		}
		if in.Schedule == "" {
			return required("schedule")
		}
		if in.ScalableTargetAction == nil {
			return invalid("ScalableTargetAction is required to create a scheduled action")
		}
		a.ScheduledAction = ScheduledAction{
			ScheduledActionName: in.ScheduledActionName,
			ScheduledActionARN:  e.scheduledActionARN(t, in.ScheduledActionName),
			ServiceNamespace:    t.ServiceNamespace,
			ResourceId:          t.ResourceId,
			ScalableDimension:   t.ScalableDimension,
			CreationTime:        now,
		}
		a.loc = time.UTC
	}
	if in.Schedule != "" {
		expr, err := parseSchedule(in.Schedule)
		if err != nil {
			return err
		}
		a.Schedule, a.expr = in.Schedule, expr
	}
	if in.Timezone != "" {
		loc, err := loadZone(in.Timezone)
		if err != nil {
			return err
		}
		a.Timezone, a.loc = in.Timezone, loc
	}
	if sta := in.ScalableTargetAction; sta != nil {
		if sta.MinCapacity == nil && sta.MaxCapacity == nil {
			return invalid("ScalableTargetAction must set MinCapacity, MaxCapacity or both")
		}
		for _, c := range []struct {
			name string
			v    *int32
		}{{"scalableTargetAction.minCapacity", sta.MinCapacity}, {"scalableTargetAction.maxCapacity", sta.MaxCapacity}} {
			if c.v != nil && *c.v < 0 {
				return rangeError(c.name, int(*c.v), 0, 0)
			}
		}
		if sta.MinCapacity != nil && sta.MaxCapacity != nil && *sta.MinCapacity > *sta.MaxCapacity {
			return invalid("Minimum capacity (%d) cannot be greater than maximum capacity (%d)", *sta.MinCapacity, *sta.MaxCapacity)
		}
		a.ScalableTargetAction = ScalableTargetAction{MinCapacity: clonePtr(sta.MinCapacity), MaxCapacity: clonePtr(sta.MaxCapacity)}
	}
	a.StartTime, a.EndTime = in.StartTime, in.EndTime
	t.scheduled[in.ScheduledActionName] = a
	return nil
}

// DescribeScheduledActions lists scheduled actions, by resource and then
// name (API_DescribeScheduledActions).
func (e *Engine) DescribeScheduledActions(in DescribeScheduledActionsInput) (DescribeScheduledActionsOutput, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension, in.ResourceId != ""); err != nil {
		return DescribeScheduledActionsOutput{}, err
	}
	e.mu.Lock()
	defer e.unlock()
	var all []ScheduledAction
	for _, id := range slices.Sorted(maps.Keys(e.targets)) {
		if in.ResourceId != "" && id != in.ResourceId {
			continue
		}
		t := e.targets[id]
		for _, name := range slices.Sorted(maps.Keys(t.scheduled)) {
			if len(in.ScheduledActionNames) == 0 || slices.Contains(in.ScheduledActionNames, name) {
				a := t.scheduled[name].ScheduledAction
				a.ScalableTargetAction = ScalableTargetAction{
					MinCapacity: clonePtr(a.ScalableTargetAction.MinCapacity),
					MaxCapacity: clonePtr(a.ScalableTargetAction.MaxCapacity),
				}
				all = append(all, a)
			}
		}
	}
	page, next, err := paginate(all, func(a ScheduledAction) string { return a.ResourceId + "\x00" + a.ScheduledActionName }, "scheduled", in.MaxResults, in.NextToken)
	if err != nil {
		return DescribeScheduledActionsOutput{}, err
	}
	return DescribeScheduledActionsOutput{ScheduledActions: page, NextToken: next}, nil
}

// DeleteScheduledAction deletes a scheduled action
// (API_DeleteScheduledAction). What it already set stays set.
func (e *Engine) DeleteScheduledAction(in DeleteScheduledActionInput) error {
	if err := checkIdentity(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return err
	}
	if err := checkName("scheduledActionName", in.ScheduledActionName); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.unlock()
	t, ok := e.targets[in.ResourceId]
	if !ok || t.scheduled[in.ScheduledActionName] == nil {
		return newError(ErrCodeObjectNotFound,
			"No scheduled action found for service namespace: %s, resource ID: %s, scalable dimension: %s, scheduled action name: %s",
			in.ServiceNamespace, in.ResourceId, in.ScalableDimension, in.ScheduledActionName)
	}
	delete(t.scheduled, in.ScheduledActionName)
	return nil
}

// dueAt reports whether the action falls due in minute m (a whole UTC
// minute).
//
//   - cron and at expressions are read in the action's time zone
//     (Expression.Matches on m in that zone), so DST shifts them as AWS
//     says it does ("it automatically adjusts for Daylight Saving Time").
//   - A recurring action with a StartTime also runs at the StartTime: "If
//     you specify a start time, Application Auto Scaling performs the
//     action at that time, and then performs the action based on the
//     specified recurrence" (application-auto-scaling-scheduled-scaling.html).
//   - rate(N unit) runs every N units from its StartTime, or from the
//     minute it was created (the first run one period later), since a rate
//     "runs relative to when" the action was created; AWS does not say
//     whether the first run is at creation, and the sandbox chooses not.
//   - StartTime and EndTime (UTC) bound every kind, and no action runs in a
//     minute before the one it was created in.
func (a *scheduledAction) dueAt(m time.Time) bool {
	next := m.Add(time.Minute)
	if !next.After(a.CreationTime) || (!a.StartTime.IsZero() && !next.After(a.StartTime)) || (!a.EndTime.IsZero() && m.After(a.EndTime)) {
		return false
	}
	startsHere := !a.StartTime.IsZero() && !a.StartTime.Before(m) && a.StartTime.Before(next)
	switch a.expr.Kind {
	case schedule.Rate:
		base := a.CreationTime.Truncate(time.Minute)
		if !a.StartTime.IsZero() {
			base = a.StartTime.Truncate(time.Minute)
		}
		since := m.Sub(base)
		return since >= 0 && since%a.expr.Every == 0 && (since > 0 || startsHere)
	case schedule.Cron:
		return startsHere || a.expr.Matches(m.In(a.loc))
	}
	return a.expr.Matches(m.In(a.loc))
}

// runScheduledLocked runs the target's actions that fell due in the
// minutes from first to last, in the order they fell due, each at most
// once however many times it fell due ("Application Auto Scaling
// guarantees the order in which scheduled actions run for the same
// scalable target"). Suspended scheduled scaling skips them for good: "When
// you resume scheduled scaling, Application Auto Scaling only evaluates
// scheduled actions whose execution time has not yet passed".
func (e *Engine) runScheduledLocked(t *target, first, last, now time.Time) {
	if t.scheduledSuspended() || len(t.scheduled) == 0 {
		return
	}
	type due struct {
		at time.Time
		a  *scheduledAction
	}
	var run []due
	for _, name := range slices.Sorted(maps.Keys(t.scheduled)) {
		a := t.scheduled[name]
		for m := last; !m.Before(first); m = m.Add(-time.Minute) {
			if a.dueAt(m) {
				run = append(run, due{m, a})
				break
			}
		}
	}
	slices.SortStableFunc(run, func(x, y due) int { return x.at.Compare(y.at) })
	for _, d := range run {
		e.applyScheduledLocked(t, d.a, now)
	}
}

// applyScheduledLocked performs a scheduled action: "A scheduled action
// sets the MinCapacity and MaxCapacity to what is specified by the
// scheduled action", then scales out to a higher minimum or in to a lower
// maximum (application-auto-scaling-scheduled-scaling.html). Cooldowns are
// not consulted: "when a scheduled action starts at the scheduled time, it
// can trigger a scaling activity immediately without waiting for the
// cooldown period to expire" (application-auto-scaling-target-tracking.html).
// The activities' wording is AWS's
// (scheduled-scaling-additional-cli-commands.html): "Setting min capacity
// to 15 and max capacity to 20", caused by "scheduled action name
// my-first-scheduled-action was triggered", then "Setting desired count to
// 15." caused by "minimum capacity was set to 15".
func (e *Engine) applyScheduledLocked(t *target, a *scheduledAction, now time.Time) {
	lo, hi := t.MinCapacity, t.MaxCapacity
	var parts []string
	if v := a.ScalableTargetAction.MinCapacity; v != nil {
		lo = *v
		parts = append(parts, fmt.Sprintf("min capacity to %d", *v))
	}
	if v := a.ScalableTargetAction.MaxCapacity; v != nil {
		hi = *v
		parts = append(parts, fmt.Sprintf("max capacity to %d", *v))
	}
	change := strings.Join(parts, " and ")
	act := ScalingActivity{
		Description: "Setting " + change,
		Cause:       fmt.Sprintf("scheduled action name %s was triggered", a.ScheduledActionName),
		StartTime:   now,
	}
	if lo > hi {
		// One bound alone can cross the other; AWS does not say what
		// happens then, and the sandbox leaves the target as it was.
		act.StatusCode = StatusFailed
		act.StatusMessage = fmt.Sprintf("Failed to set %s. Reason: minimum capacity %d would exceed maximum capacity %d", change, lo, hi)
		e.recordLocked(t, act)
		return
	}
	t.MinCapacity, t.MaxCapacity = lo, hi
	act.StatusCode = StatusSuccessful
	act.StatusMessage = "Successfully set " + change
	e.recordLocked(t, act)
	e.enforceBoundsLocked(t, now)
}
