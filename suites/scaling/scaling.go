// Package scaling is the scaling suite: under real load on the target's
// public endpoint, a service with a target-tracking CPU policy scales out
// inside the window AWS's alarms predict, keeps its cooldowns, stays
// between its minimum and maximum, scales in only after its low alarm's
// datapoints, and does not scale out below its target. It reads the
// platform only through the AWS APIs (DescribeScalingActivities,
// DescribeServices) and every expectation from the spec.
package scaling

import (
	"context"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/drivers/load"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Name is the suite's name, the first part of its spec ids.
const Name = "scaling"

// requestCountMetric is the trigger table's name for ALB requests per
// target.
const requestCountMetric = "Request Count/Target"

// Load levels, as a share of the running fleet's capacity (what its tasks
// serve at full utilisation) or of the spec's target.
const (
	// aboveTarget drives utilisation to 1.2 times the target (84 % for
	// 70): clearly above it, below shedding.
	aboveTarget = 1.2
	// overload keeps even the spec's maximum fleet above its target, so
	// every minute asks for more capacity.
	overload = 1.35
	// moderate is a quarter of the fleet: below the low alarm, yet more
	// than the minimum serves at the target, so the first scale-in stops
	// above the minimum.
	moderate = 0.24
	// belowTarget is 15 points under the target (55 % for 70).
	belowTarget = 15.0
)

// Platform time the suite gives a phase before it gives up waiting.
const (
	steadyLimit  = 15 * time.Minute
	reachMaxBy   = 30 * time.Minute
	loadLimit    = 2 * time.Hour
	settleMargin = 3 * time.Minute
)

// path is where the load goes on the primary region's load balancer: the
// frontend answers at its root.
const path = "/"

// Declare declares the suite's specs: one experiment per service whose
// policy tracks a CPU target, and one per service whose policy tracks a
// queue's depth.
func Declare(f *framework.Framework) {
	for _, s := range f.Target.Spec.Services {
		for _, pol := range s.Policies {
			switch {
			case pol.Type != "TargetTrackingScaling":
			case pol.PredefinedMetric == "ECSServiceAverageCPUUtilization":
				experiment(f, s, pol)
			case pol.CustomizedMetric != nil:
				queueExperiment(f, s, pol)
			}
		}
	}
	for _, s := range f.Target.Spec.Services {
		if len(s.Policies) == 0 && s.Triggers.Unit == "Count" && s.Triggers.ScaleOut.Above != nil && s.Triggers.Metric == requestCountMetric {
			promiseExperiment(f, s)
		}
	}
	for _, a := range f.Target.Spec.ScheduledActions {
		scheduledExperiment(f, a)
	}
}

// run is the state one experiment's specs share, in the order they run.
type run struct {
	f      *framework.Framework
	svc    *platform.Service
	pol    spec.Policy
	start  time.Time
	before int
	load   *framework.Load

	firstOut   platform.Activity
	drop       time.Time
	firstIn    platform.Activity
	belowStart time.Time
}

func experiment(f *framework.Framework, s spec.Service, pol spec.Policy) {
	r := &run{f: f, pol: pol}
	labels := []framework.Label{framework.Scaling, framework.Behaviour}
	verdict := func(id, section, expected string, extra ...framework.Label) *framework.Verdict {
		return &framework.Verdict{ID: Name + "." + s.ID + "." + id, Section: section, Labels: append(labels, extra...), Expected: expected}
	}
	ginkgo.Describe(s.ID+" under CPU load", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			f.Requires(profile.ECS, profile.AutoScaling, profile.LoadBalancer)
			r.svc = platform.New(f, s)
			r.before = r.steady(ctx)
			r.start = f.Now()
		})
		ginkgo.AfterAll(func() { r.stopLoad() })

		f.It(verdict("scale-out-window", pol.Source, fmt.Sprintf("first scale-out %d one-minute datapoints above %v %% CPU after the load begins, within %s more", platform.HighDatapoints, pol.TargetValue, platform.Reaction)),
			r.scaleOutWindow)
		f.It(verdict("capacity-arrives", f.Target.Spec.Experiments.TaskStartup.Source, fmt.Sprintf("new tasks running within %s of a scale-out", f.Target.Spec.Experiments.TaskStartup.Within)),
			r.capacityArrives)
		f.It(verdict("scale-out-cooldown", pol.Source, fmt.Sprintf("no scale-out inside the %s ScaleOutCooldown beyond what its base computes", pol.ScaleOutCooldown)),
			r.scaleOutCooldown)
		f.It(verdict("max-capacity", s.ScalableTarget.Source, fmt.Sprintf("desired count never above the maximum %d under overload", s.ScalableTarget.MaxCapacity)),
			r.maxCapacity)
		f.It(verdict("scale-in-after-low-alarm", pol.Source, fmt.Sprintf("first scale-in %d one-minute datapoints below %v %% CPU after the load drops", platform.LowDatapoints, platform.LowRatio*pol.TargetValue), framework.Slow),
			r.scaleInAfterLowAlarm)
		f.It(verdict("scale-in-cooldown", pol.Source, fmt.Sprintf("the next scale-in %s (ScaleInCooldown) after the first, not sooner", pol.ScaleInCooldown), framework.Slow),
			r.scaleInCooldown)
		f.It(verdict("min-capacity", s.ScalableTarget.Source, fmt.Sprintf("desired count settles at the minimum %d and never below it", s.ScalableTarget.MinCapacity), framework.Slow),
			r.minCapacity)
		f.It(verdict("no-scale-out-below-target", pol.Source, fmt.Sprintf("no scale-out while CPU stays %v points below the %v %% target", belowTarget, pol.TargetValue)),
			r.noScaleOutBelowTarget)
	})
}

// steady waits until the service runs what it wants and returns that.
func (r *run) steady(ctx context.Context) int { return r.svc.Steady(ctx, steadyLimit) }

// startLoad replaces whatever load runs with rate requests per second.
func (r *run) startLoad(v *framework.Verdict, rate float64) {
	r.stopLoad()
	url := r.f.Target.Endpoints.LoadBalancers[r.f.Target.Regions.Primary] + path
	l, err := r.f.StartLoad(load.Target{Service: r.svc.Spec.ID, URL: url}, rate, loadLimit)
	if err != nil {
		r.f.Errorf(v, "starting load on %s: %v", url, err)
	}
	r.load = l
	v.RestsOn(l)
	ginkgo.GinkgoWriter.Printf("%s: %.1f req/s on %s (about %.0f concurrent users)\n", v.ID, rate, url, rate/r.f.Target.Spec.Experiments.Load.RequestsPerUserPerSecond)
}

func (r *run) stopLoad() {
	if r.load != nil {
		r.load.Stop()
		r.load = nil
	}
}

// fleetRate is the rate that keeps the running fleet at share of its
// capacity.
func (r *run) fleetRate(ctx context.Context, v *framework.Verdict, share float64) float64 {
	_, running, err := r.svc.Counts(ctx)
	if err != nil {
		r.f.Errorf(v, "%v", err)
	}
	return float64(running) * r.svc.PerTask() * share
}

// firstChange waits for the first change in the direction wanted after a
// platform instant.
func (r *run) firstChange(after time.Time, out bool, found *platform.Activity) framework.Event {
	return func(ctx context.Context) (time.Time, bool, error) {
		acts, err := r.svc.Changes(ctx, r.start, r.before)
		if err != nil {
			return time.Time{}, false, err
		}
		for _, a := range acts {
			if a.Out() == out && !a.At.Before(after) {
				*found = a
				return a.At, true, nil
			}
		}
		return time.Time{}, false, nil
	}
}
