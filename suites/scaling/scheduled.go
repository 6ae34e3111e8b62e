package scaling

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// scheduledExperiment judges the first time since the suite began, or
// the next one, that the spec schedules a scheduled action: that
// Application Auto Scaling ran it then:
// the activity AWS records for it ("scheduled action name NAME was
// triggered"), the scalable target's new bounds, and a desired count
// inside them. An occurrence further away than the spec's maxWait is
// skipped, saying when it is and how to reach it.
func scheduledExperiment(f *framework.Framework, a spec.ScheduledAction) {
	sch := f.Target.Spec.Experiments.Schedules
	v := &framework.Verdict{ID: Name + "." + a.Service + ".scheduled." + a.Name, Section: a.Source,
		Labels:   []framework.Label{framework.Scaling, framework.Behaviour},
		Expected: fmt.Sprintf("%s sets min %d and max %d within %s of each time %s", a.Name, a.MinCapacity, a.MaxCapacity, sch.Within, a.Schedule)}
	ginkgo.Describe("scheduled action "+a.Name, func() {
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			// A platform that runs: a store of configuration keeps no
			// schedule.
			f.Requires(profile.AutoScaling, profile.LoadBalancer)
			svc := platform.Named(f, a.Service)
			if svc == nil {
				f.Errorf(v, "no service %s in the spec", a.Service)
			}
			now := f.Now()
			loc, err := time.LoadLocation(a.Timezone)
			if err != nil {
				f.Errorf(v, "scheduled action %s: timezone %q: %v", a.Name, a.Timezone, err)
			}
			// Another experiment's hours, or the sandbox's start-up, may
			// have covered it: the activity AWS records is the evidence
			// either way, for any occurrence since the scalable target
			// existed.
			since, err := lookback(ctx, f, svc.Resource, f.Started.Add(-sch.MaxWait.D()))
			if err != nil {
				f.Errorf(v, "%v", err)
			}
			next, ok := nextOccurrence(a.Schedule, since.In(loc), now.Add(sch.MaxWait.D()).Sub(since))
			if !ok {
				ginkgo.Skip(fmt.Sprintf("%s did not fall due since %s and does not within %s of the platform time %s (experiments.schedules.maxWait); start the platform's clock just before it, as 'gameday sandbox up --start-at' does, or let a run wait longer",
					a.Schedule, since.Format("Mon 15:04 MST"), sch.MaxWait, now.Format("Mon 15:04 MST")))
			}
			now = since
			cause := fmt.Sprintf("scheduled action name %s was triggered", a.Name)
			ran := func(ctx context.Context) (time.Time, bool, error) {
				acts, err := f.Target.AWS.ScalingActivities(ctx, svc.Resource)
				for _, act := range acts {
					if aws.ToString(act.Cause) == cause && act.StartTime != nil && !act.StartTime.Before(now) {
						v.Observed = fmt.Sprintf("%q (%s)", aws.ToString(act.Description), act.StatusCode)
						return *act.StartTime, true, err
					}
				}
				return time.Time{}, false, err
			}
			at := f.ExpectWithin(ctx, v, a.Name, ran, framework.Window{Earliest: next, Latest: next.Add(sch.Within.D())})
			ran1 := v.Observed
			// The bounds, then the desired count they force, a moment later.
			var got string
			f.Eventually(ctx, fmt.Sprintf("%s's bounds and desired count to follow %s", svc.Name, a.Name), sch.Within.D()+platform.Period, func(ctx context.Context) (bool, error) {
				lo, hi, err := bounds(ctx, f, svc.Resource)
				if err != nil {
					return false, err
				}
				desired, _, err := svc.Counts(ctx)
				got = fmt.Sprintf("min %d max %d desired %d", lo, hi, desired)
				return err == nil && lo == a.MinCapacity && hi == a.MaxCapacity && desired >= lo && desired <= hi, err
			})
			v.Observed = fmt.Sprintf("%s at %s (%s after %s); then %s", ran1, at.Format(time.RFC3339), at.Sub(next).Round(time.Second), next.Format("Mon 15:04 MST"), got)
		})
	})
}

// nextOccurrence is the first minute at or after now, within limit, that
// the schedule matches.
func nextOccurrence(s spec.Schedule, now time.Time, limit time.Duration) (time.Time, bool) {
	first := now.Truncate(time.Minute)
	if first.Before(now) {
		first = first.Add(time.Minute)
	}
	for m := first; !m.After(now.Add(limit)); m = m.Add(time.Minute) {
		if s.Matches(m) {
			return m, true
		}
	}
	return time.Time{}, false
}

// lookback is the earliest instant an occurrence is judged from: from,
// or the scalable target's creation when that is later, since before it
// nothing could have run the action.
func lookback(ctx context.Context, f *framework.Framework, resource string, from time.Time) (time.Time, error) {
	targets, err := f.Target.AWS.ScalableTargets(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, t := range targets {
		if aws.ToString(t.ResourceId) == resource && t.CreationTime != nil && t.CreationTime.After(from) {
			return *t.CreationTime, nil
		}
	}
	return from, nil
}

// bounds reads a scalable target's minimum and maximum capacity.
func bounds(ctx context.Context, f *framework.Framework, resource string) (lo, hi int, err error) {
	targets, err := f.Target.AWS.ScalableTargets(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, t := range targets {
		if aws.ToString(t.ResourceId) == resource && t.MinCapacity != nil && t.MaxCapacity != nil {
			return int(*t.MinCapacity), int(*t.MaxCapacity), nil
		}
	}
	return 0, 0, fmt.Errorf("application-autoscaling DescribeScalableTargets: no scalable target %s", strings.TrimSpace(resource))
}
