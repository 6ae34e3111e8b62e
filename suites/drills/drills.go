// Package drills is the drills suite: the runbook's own procedures
// ("Emergency Manual Scaling", "Manual Scaling Procedures", "Pre-scaling
// for Known Events") carried out through the AWS APIs as the runbook
// writes them, each change a reversible entry in the chaos ledger, and
// judged: a new minimum raises the desired count at once, as Application
// Auto Scaling does; a desired count set by hand holds inside the bounds
// and is set back to the maximum by the next scaling activity outside
// them; `gameday check` reports every changed bound as drift until it is
// put back, and not after.
package drills

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Name is the suite's name, the first part of its spec ids.
const Name = "drills"

// hold is how long, in platform time, a desired count set by hand is
// watched: long enough for a target-tracking alarm or a scheduled action
// to act on it, were one going to.
const hold = 5 * time.Minute

// procedure is one of the runbook's procedures as the suite carries it
// out.
type procedure struct {
	id, section string
	desired     []spec.DesiredCount
	bounds      []spec.CapacityChange
	// lambda is a function the procedure invokes, if any.
	lambda string
}

// Declare declares one drill per procedure of the spec.
func Declare(f *framework.Framework) {
	p := f.Target.Spec
	for _, pr := range []procedure{
		{id: "emergency-manual-scaling", section: p.Emergency.Source, desired: p.Emergency.DesiredCounts, lambda: p.Emergency.FeatureFlagToggle.FunctionName},
		{id: "manual-scaling-procedures", section: p.ManualScaling.Source, desired: p.ManualScaling.DesiredCounts, bounds: p.ManualScaling.ScalableTargets},
		{id: "pre-scaling-for-known-events", section: p.PreScaling.Source, bounds: p.PreScaling.ScalableTargets},
	} {
		if len(pr.desired)+len(pr.bounds) > 0 {
			drill(f, pr)
		}
	}
}

func (pr procedure) expected() string {
	var parts []string
	for _, d := range pr.desired {
		parts = append(parts, fmt.Sprintf("%s desired %d holds inside its bounds, or is set back to the maximum by the next scaling activity", d.Service, d.DesiredCount))
	}
	for _, b := range pr.bounds {
		parts = append(parts, fmt.Sprintf("%s bounds %d-%d raise its desired count to the minimum at once", b.Service, b.MinCapacity, b.MaxCapacity))
	}
	if len(pr.bounds) > 0 {
		parts = append(parts, "gameday check reports each changed bound as drift until it is put back")
	}
	return strings.Join(parts, "; ")
}

func drill(f *framework.Framework, pr procedure) {
	v := &framework.Verdict{ID: Name + "." + pr.id, Section: pr.section,
		Labels: []framework.Label{framework.Drill, framework.Behaviour, framework.Disruptive}, Expected: pr.expected()}
	ginkgo.Describe("the runbook's "+pr.section, func() {
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			// A platform that runs, not one that only stores its
			// configuration: only that shows what Application Auto
			// Scaling does with a procedure.
			f.Requires(profile.ECS, profile.AutoScaling, profile.LoadBalancer)
			d := &run{f: f, v: v}
			before := d.drift(ctx, pr.bounds)
			var faults []*chaos.Fault
			for _, b := range pr.bounds {
				svc := d.service(b.Service)
				inj, err := chaos.NewScalableTargetBounds(ctx, f.Chaos(), svc.Resource, int32(b.MinCapacity), int32(b.MaxCapacity))
				if err != nil {
					f.Errorf(v, "%v", err)
				}
				faults = append(faults, f.Inject(ctx, v, inj))
			}
			var holds []holding
			for _, dc := range pr.desired {
				svc := d.service(dc.Service)
				lo, hi := d.bounds(ctx, svc)
				inj, err := chaos.NewDesiredCount(ctx, f.Chaos(), svc.Name, int32(dc.DesiredCount), dc.ForceNewDeployment)
				if err != nil {
					f.Errorf(v, "%v", err)
				}
				faults = append(faults, f.Inject(ctx, v, inj))
				holds = append(holds, holding{svc: svc, count: dc.DesiredCount, lo: lo, hi: hi})
			}
			changed := f.Now()
			for _, b := range pr.bounds {
				d.raisedToMin(ctx, d.service(b.Service), b.MinCapacity, changed)
			}
			d.hold(ctx, holds, changed.Add(hold))
			if len(pr.bounds) > 0 {
				d.reportedAsDrift(ctx, pr.bounds, before)
			}
			for _, fault := range slices.Backward(faults) {
				if err := fault.Revert(ctx); err != nil {
					f.Errorf(v, "putting the procedure's changes back: %v", err)
				}
			}
			if len(pr.bounds) > 0 {
				d.driftCleared(ctx, pr.bounds, before)
			}
			if pr.lambda != "" {
				d.observed = append(d.observed, fmt.Sprintf("the Lambda %s was not invoked: gameday drives Lambda on no target", pr.lambda))
			}
			v.Observed = strings.Join(d.observed, "; ")
		})
	})
}

// run is one drill under way.
type run struct {
	f        *framework.Framework
	v        *framework.Verdict
	observed []string
}

func (d *run) service(id string) *platform.Service {
	svc := platform.Named(d.f, id)
	if svc == nil {
		d.f.Errorf(d.v, "the procedure names service %s, which the spec does not have", id)
	}
	return svc
}

// bounds reads a service's scalable target's minimum and maximum.
func (d *run) bounds(ctx context.Context, svc *platform.Service) (lo, hi int) {
	targets, err := d.f.Target.AWS.ScalableTargets(ctx)
	if err != nil {
		d.f.Errorf(d.v, "%v", err)
	}
	for _, t := range targets {
		if t.ResourceId != nil && *t.ResourceId == svc.Resource && t.MinCapacity != nil && t.MaxCapacity != nil {
			return int(*t.MinCapacity), int(*t.MaxCapacity)
		}
	}
	d.f.Errorf(d.v, "application-autoscaling DescribeScalableTargets: no scalable target %s", svc.Resource)
	return 0, 0
}

// raisedToMin expects the desired count at the new minimum or above
// within a minute of the change: "If you set a minimum above the current
// capacity, Application Auto Scaling scales out to it".
func (d *run) raisedToMin(ctx context.Context, svc *platform.Service, min int, changed time.Time) {
	raised := func(ctx context.Context) (time.Time, bool, error) {
		desired, _, err := svc.Counts(ctx)
		return d.f.Now(), err == nil && desired >= min, err
	}
	at := d.f.ExpectWithin(ctx, d.v, fmt.Sprintf("%s's desired count at its new minimum %d", svc.Spec.ID, min), raised, framework.Window{Earliest: changed, Latest: changed.Add(platform.Period)})
	d.observed = append(d.observed, fmt.Sprintf("%s raised to %d+ %s after its minimum was", svc.Spec.ID, min, at.Sub(changed).Round(time.Second)))
}

// holding is a desired count set by hand, with the bounds it met.
type holding struct {
	svc       *platform.Service
	count     int
	lo, hi    int
	setBackTo int
}

// hold watches each desired count set by hand until a platform instant:
// inside its bounds it must hold; above its maximum Application Auto
// Scaling sets it back to the maximum at its next scaling activity, and
// the drill says which it saw.
func (d *run) hold(ctx context.Context, holds []holding, until time.Time) {
	if len(holds) == 0 {
		return
	}
	d.f.ExpectNever(ctx, d.v, func(ctx context.Context) (string, error) {
		for i := range holds {
			h := &holds[i]
			desired, _, err := h.svc.Counts(ctx)
			if err != nil {
				return "", err
			}
			// A scheduled action may move the bounds while the drill
			// holds: what counts is the maximum now.
			lo, hi := d.bounds(ctx, h.svc)
			switch {
			case desired == h.count && h.setBackTo == 0:
			case h.count > hi && desired == hi:
				h.setBackTo, h.lo, h.hi = desired, lo, hi
			default:
				return fmt.Sprintf("%s desired %d, set by hand to %d, with bounds %d-%d", h.svc.Spec.ID, desired, h.count, lo, hi), nil
			}
		}
		return "", nil
	}, until)
	for _, h := range holds {
		switch {
		case h.setBackTo > 0:
			d.observed = append(d.observed, fmt.Sprintf("%s desired %d above its maximum %d was set back to %d", h.svc.Spec.ID, h.count, h.hi, h.setBackTo))
		case h.count > h.hi:
			d.observed = append(d.observed, fmt.Sprintf("%s desired %d held above its maximum %d: no scaling activity came to set it back (lint finding api-desired-above-night-hours-scaling)", h.svc.Spec.ID, h.count, h.hi))
		default:
			d.observed = append(d.observed, fmt.Sprintf("%s desired %d held inside %d-%d for %s", h.svc.Spec.ID, h.count, h.lo, h.hi, hold))
		}
	}
}

// boundRows are the compliance rows that judge the bounds a procedure
// changes.
func boundRows(findings []rows.Finding, changes []spec.CapacityChange) map[string]rows.Finding {
	out := map[string]rows.Finding{}
	for _, f := range findings {
		for _, c := range changes {
			if strings.HasPrefix(f.Row, c.Service+".") {
				out[f.Row] = f
			}
		}
	}
	return out
}

// drift judges the scalable-target rows of the services a procedure
// changes, as gameday check does.
func (d *run) drift(ctx context.Context, changes []spec.CapacityChange) map[string]rows.Finding {
	if len(changes) == 0 {
		return nil
	}
	findings, err := compliance.Drift(ctx, d.f.Target, rows.ScalableTargets)
	if err != nil {
		d.f.Errorf(d.v, "reading the scalable targets as gameday check does: %v", err)
	}
	return boundRows(findings, changes)
}

// reportedAsDrift expects every row that passed before the procedure and
// whose value it changed to fail now.
func (d *run) reportedAsDrift(ctx context.Context, changes []spec.CapacityChange, before map[string]rows.Finding) {
	now := d.drift(ctx, changes)
	var missed, reported []string
	for row, f := range now {
		b, ok := before[row]
		if !ok || b.Verdict != rows.Pass || f.Actual == b.Actual {
			continue
		}
		if f.Verdict == rows.Pass {
			missed = append(missed, f.String())
		} else {
			reported = append(reported, row)
		}
	}
	slices.Sort(reported)
	if len(missed) > 0 {
		d.f.Fail(d.v, fmt.Sprintf("%s: gameday check does not report the procedure's changes as drift: %s", d.v.Section, strings.Join(missed, "; ")))
	}
	d.observed = append(d.observed, "drift reported on "+strings.Join(reported, ", "))
}

// driftCleared expects every row to read as it did before the procedure.
func (d *run) driftCleared(ctx context.Context, changes []spec.CapacityChange, before map[string]rows.Finding) {
	after := d.drift(ctx, changes)
	var left []string
	for row, f := range after {
		if b, ok := before[row]; ok && b.Verdict != f.Verdict {
			left = append(left, f.String())
		}
	}
	if len(left) > 0 {
		d.f.Fail(d.v, fmt.Sprintf("%s: after the procedure was put back gameday check still reports: %s", d.v.Section, strings.Join(left, "; ")))
	}
	d.observed = append(d.observed, "no drift once put back")
}
