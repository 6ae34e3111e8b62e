package fis

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
)

// The reasons an experiment's state gives.
const (
	reasonInitiating = "Experiment is initiating."
	reasonRunning    = "Experiment is running."
	reasonCompleted  = "Experiment completed."
	reasonStopping   = "Stopping Experiment."
	reasonUserStop   = "Experiment stopped."
	reasonShutdown   = "Experiment stopped: the sandbox shut down."
)

// StopConditionReason is the reason of an experiment a stop condition
// stopped: it names the alarm and its ARN.
func StopConditionReason(name, arn string) string {
	return fmt.Sprintf("Experiment stopped by stop condition: alarm %s (%s) is in ALARM.", name, arn)
}

// experiment is a running or ended experiment. Its fields are guarded by
// the engine's mutex.
type experiment struct {
	id, templateID string
	template       Template
	x              Experiment
	// stop is closed when a stop is asked for; stopReason says why.
	stop       chan struct{}
	stopReason string
}

func (e *Engine) newExperiment(t *Template, tags map[string]string) *experiment {
	id := newID("EXP")
	now := e.cfg.Clock.Now()
	x := &experiment{id: id, templateID: t.ID, template: t.clone(), stop: make(chan struct{})}
	x.x = Experiment{
		ID: id, Arn: e.arn("experiment", id), ExperimentTemplateID: t.ID, RoleArn: t.RoleArn,
		State:   State{Status: StatusPending, Reason: "Experiment is pending."},
		Targets: maps.Clone(t.Targets), Actions: map[string]ExperimentAction{},
		StopConditions: slices.Clone(t.StopConditions), CreationTime: now, Tags: maps.Clone(tags),
	}
	for name, a := range t.Actions {
		x.x.Actions[name] = ExperimentAction{Action: a, State: State{Status: StatusPending, Reason: "Initial state"}}
	}
	return x
}

// view is the experiment as the API returns it; the engine's mutex is
// held.
func (x *experiment) view() Experiment {
	v := x.x
	v.Targets = maps.Clone(x.x.Targets)
	v.Actions = maps.Clone(x.x.Actions)
	v.StopConditions = slices.Clone(x.x.StopConditions)
	v.Tags = maps.Clone(x.x.Tags)
	return v
}

// ended says whether the experiment is over.
func (x *experiment) ended() bool {
	switch x.x.State.Status {
	case StatusCompleted, StatusStopped, StatusFailed, StatusCancelled:
		return true
	}
	return false
}

// requestStop asks the experiment to stop; the first reason wins. The
// engine's mutex is held.
func (x *experiment) requestStop(reason string) {
	if x.ended() || x.stopReason != "" {
		return
	}
	x.stopReason = reason
	x.x.State = State{Status: StatusStopping, Reason: reasonStopping}
	close(x.stop)
}

func (e *Engine) update(x *experiment, f func(*Experiment)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(&x.x)
}

func (e *Engine) setAction(x *experiment, name string, f func(*ExperimentAction)) {
	e.update(x, func(v *Experiment) {
		a := v.Actions[name]
		f(&a)
		v.Actions[name] = a
	})
}

// result is how an action ended.
type result struct {
	name    string
	stopped bool // its fault was reverted early, on a stop
	err     error
}

// run carries an experiment from initiating to its end.
func (e *Engine) run(x *experiment) {
	e.update(x, func(v *Experiment) {
		if v.State.Status == StatusPending {
			v.State = State{Status: StatusInitiating, Reason: reasonInitiating}
		}
	})
	resources, err := e.resolveAll(x)
	if err != nil {
		e.finish(x, StatusFailed, fmt.Sprintf("Target resolution failed: %v.", err))
		return
	}
	if reason := e.stopConditionHit(x); reason != "" {
		e.mu.Lock()
		x.requestStop(reason)
		e.mu.Unlock()
	}
	e.update(x, func(v *Experiment) {
		if v.State.Status == StatusInitiating {
			v.State = State{Status: StatusRunning, Reason: reasonRunning}
			v.StartTime = e.cfg.Clock.Now()
		}
	})
	status, reason := e.runActions(x, resources)
	e.finish(x, status, reason)
}

// resolveAll resolves every target the experiment's actions name.
func (e *Engine) resolveAll(x *experiment) (map[string][]string, error) {
	out := map[string][]string{}
	for name, t := range x.template.Targets {
		used := false
		for _, a := range x.template.Actions {
			used = used || slices.Contains(slices.Collect(maps.Values(a.Targets)), name)
		}
		if !used {
			continue
		}
		r, err := e.resolve(t)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", name, err)
		}
		out[name] = r
	}
	return out, nil
}

// runActions starts each action once those it starts after have
// completed, watches the stop conditions, and on a stop or a failed
// action reverts what is held before it returns the experiment's end.
func (e *Engine) runActions(x *experiment, resources map[string][]string) (status, reason string) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	done := make(chan result)
	pending := slices.Sorted(maps.Keys(x.template.Actions))
	completed := map[string]bool{}
	running := 0
	launch := func() {
		select {
		case <-x.stop:
			return // stopped before it began: nothing is injected
		default:
		}
		for _, name := range slices.Clone(pending) {
			a := x.template.Actions[name]
			if !allOf(a.StartAfter, completed) {
				continue
			}
			pending = slices.DeleteFunc(pending, func(n string) bool { return n == name })
			running++
			e.setAction(x, name, func(ea *ExperimentAction) {
				ea.State = State{Status: StatusRunning, Reason: "Action is running."}
				ea.StartTime = e.cfg.Clock.Now()
			})
			var targets []string
			for _, t := range a.Targets {
				targets = append(targets, resources[t]...)
			}
			go func() { done <- e.runAction(ctx, x, name, a, targets) }()
		}
	}
	launch()
	tick := e.cfg.Clock.NewTicker(e.cfg.StopConditionInterval)
	defer tick.Stop()
	status, reason = StatusCompleted, reasonCompleted
	stop, shutdown := x.stop, e.ctx.Done()
	for running > 0 {
		select {
		case r := <-done:
			running--
			e.endAction(x, r)
			switch {
			case r.err != nil && status == StatusCompleted:
				status, reason = StatusFailed, fmt.Sprintf("Action %s failed: %v", r.name, r.err)
				cancel()
			case r.err == nil && !r.stopped:
				completed[r.name] = true
				if status == StatusCompleted {
					launch()
				}
			}
		case <-stop:
			stop = nil
			e.mu.Lock()
			status, reason = StatusStopped, x.stopReason
			e.mu.Unlock()
			cancel()
		case <-shutdown:
			shutdown = nil
			if status == StatusCompleted {
				status, reason = StatusStopped, reasonShutdown
			}
		case <-tick.C():
			if hit := e.stopConditionHit(x); hit != "" {
				e.mu.Lock()
				x.requestStop(hit)
				e.mu.Unlock()
			}
		}
	}
	// A stop asked for after the last action ended still stops the
	// experiment, as its state already said stopping.
	select {
	case <-stop:
		e.mu.Lock()
		status, reason = StatusStopped, x.stopReason
		e.mu.Unlock()
	default:
	}
	for _, name := range pending {
		e.setAction(x, name, func(ea *ExperimentAction) {
			ea.State = State{Status: StatusCancelled, Reason: "Action was cancelled."}
		})
	}
	return status, reason
}

func allOf(names []string, done map[string]bool) bool {
	for _, n := range names {
		if !done[n] {
			return false
		}
	}
	return true
}

// runAction injects an action's fault, holds it for its duration (or
// until ctx ends: a stop) and reverts it.
func (e *Engine) runAction(ctx context.Context, x *experiment, name string, a Action, targets []string) result {
	k := actionKinds[a.ActionID]
	undo, err := k.inject(ctx, e, x, name, a, targets)
	if err != nil {
		return result{name: name, err: err}
	}
	if !k.lasts {
		return result{name: name}
	}
	d, _ := ParseDuration(a.Parameters["duration"])
	t := e.cfg.Clock.NewTimer(d)
	defer t.Stop()
	stopped := false
	select {
	case <-t.C():
	case <-ctx.Done():
		stopped = true
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revertTimeout)
	defer cancel()
	if undo != nil {
		if err := undo(rctx); err != nil {
			return result{name: name, stopped: stopped, err: fmt.Errorf("reverting: %w", err)}
		}
	}
	return result{name: name, stopped: stopped}
}

func (e *Engine) endAction(x *experiment, r result) {
	e.setAction(x, r.name, func(ea *ExperimentAction) {
		ea.EndTime = e.cfg.Clock.Now()
		switch {
		case r.err != nil:
			ea.State = State{Status: StatusFailed, Reason: r.err.Error()}
		case r.stopped:
			ea.State = State{Status: StatusStopped, Reason: "Action was stopped."}
		default:
			ea.State = State{Status: StatusCompleted, Reason: "Action was completed."}
		}
	})
}

// finish records the experiment's end.
func (e *Engine) finish(x *experiment, status, reason string) {
	e.update(x, func(v *Experiment) {
		v.State = State{Status: status, Reason: reason}
		v.EndTime = e.cfg.Clock.Now()
		for name, a := range v.Actions {
			if a.State.Status == StatusPending {
				a.State = State{Status: StatusCancelled, Reason: "Action was cancelled."}
				v.Actions[name] = a
			}
		}
	})
	e.cfg.Log.Info("fis experiment ended", "experiment", x.id, "template", x.templateID, "status", status, "reason", reason)
}

// stopConditionHit returns the reason to stop when one of the
// experiment's stop-condition alarms is in ALARM, "" otherwise. An alarm
// that does not exist (any more) stops nothing.
func (e *Engine) stopConditionHit(x *experiment) string {
	var names []string
	arns := map[string]string{}
	for _, s := range x.template.StopConditions {
		if s.Source == StopSourceAlarm {
			n := alarmName(s.Value)
			names = append(names, n)
			arns[n] = s.Value
		}
	}
	if len(names) == 0 {
		return ""
	}
	out, err := e.cfg.Alarms.DescribeAlarms(cloudwatch.DescribeAlarmsInput{AlarmNames: names, StateValue: cloudwatch.StateAlarm})
	if err != nil {
		e.cfg.Log.Error("fis: reading stop-condition alarms", "experiment", x.id, "alarms", strings.Join(names, ", "), "err", err)
		return ""
	}
	for _, a := range out.MetricAlarms {
		return StopConditionReason(a.AlarmName, arns[a.AlarmName])
	}
	return ""
}
