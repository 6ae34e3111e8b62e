package alarms

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// failedToStart is ECS's stop code for a task that never ran.
const failedToStart = "TaskFailedToStart"

// scaleOutLoad drives a CPU policy's service to 1.2 times its target.
const scaleOutLoad = 1.2

// scaleOutLimit bounds the wait for the scale-out the failures happen in.
const scaleOutLimit = 15 * time.Minute

// scalingFailureAlarm makes every launch of the first service with a CPU
// target-tracking policy fail, drives that service to scale out, and
// expects the alarm inside its window after the first launch that failed.
// The evidence is the platform's own: the scale-out in
// DescribeScalingActivities and the task ECS stopped with
// TaskFailedToStart. Application Auto Scaling's activity itself succeeds
// (ECS accepted the desired count); the runbook's FailedScalingActivity is
// the platform's custom metric, published when capacity it asked for
// fails to start.
func scalingFailureAlarm(f *framework.Framework, a spec.Alarm) {
	s, pol, ok := cpuScaled(f.Target.Spec)
	if !ok {
		return
	}
	period, n := a.Period.D(), a.EvaluationPeriods
	v := &framework.Verdict{ID: Name + "." + a.Name + ".alarm-on-launch-failures", Section: a.Source,
		Labels:   []framework.Label{framework.Alarms, framework.Behaviour, framework.Disruptive},
		Expected: fmt.Sprintf("ALARM within %d %s period(s) and a minute of the first task launch that fails during a scale-out of %s, and its actions notified", n, period, s.ID)}
	ginkgo.Describe(a.Name+" when launches fail during a scale-out", func() {
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			f.Requires(profile.ECS, profile.AutoScaling, profile.CloudWatch, profile.LoadBalancer)
			exists(ctx, f, v, a.Name)
			svc := platform.New(f, s)
			target, ok := svc.LoadTarget()
			if !ok {
				ginkgo.Skip(s.ID + " has no public route for load")
			}
			before := svc.Steady(ctx, scaleOutLimit)
			f.Inject(ctx, v, chaos.LaunchFailures{On: f.Chaos(), Service: svc.Name})
			start := f.Now()
			l, err := f.StartLoad(target, float64(before)*svc.PerTask()*scaleOutLoad*pol.TargetValue/100, 2*time.Hour)
			if err != nil {
				f.Errorf(v, "starting load on %s: %v", target.URL, err)
			}
			ginkgo.DeferCleanup(l.Stop)
			v.RestsOn(l)
			var out platform.Activity
			f.Eventually(ctx, "a scale-out of "+svc.Name, scaleOutLimit, func(ctx context.Context) (bool, error) {
				acts, err := svc.Changes(ctx, start, before)
				for _, a := range acts {
					if a.Out() {
						out = a
						return true, nil
					}
				}
				return false, err
			})
			var failed time.Time
			var reason string
			f.Eventually(ctx, "a launch of "+svc.Name+" to fail", scaleOutLimit, func(ctx context.Context) (bool, error) {
				tasks, err := svc.Tasks(ctx)
				for _, t := range tasks {
					if string(t.StopCode) == failedToStart && t.StoppedAt != nil && !t.StoppedAt.Before(out.At) && (failed.IsZero() || t.StoppedAt.Before(failed)) {
						failed, reason = *t.StoppedAt, aws.ToString(t.StoppedReason)
					}
				}
				return !failed.IsZero(), err
			})
			w := framework.Window{Earliest: failed, Latest: failed.Add(time.Duration(n)*period + evaluation)}
			at := f.ExpectWithin(ctx, v, a.Name+" in ALARM", state(f, a.Name, "ALARM"), w)
			v.Observed = fmt.Sprintf("ALARM %s after the first failed launch (%s) of the scale-out %s", at.Sub(failed).Round(time.Second), reason, out)
			notified(ctx, f, v, a, at)
		})
	})
}

// cpuScaled is the first service with a CPU target-tracking policy.
func cpuScaled(p *spec.Platform) (spec.Service, spec.Policy, bool) {
	for _, s := range p.Services {
		for _, pol := range s.Policies {
			if pol.Type == "TargetTrackingScaling" && pol.PredefinedMetric == "ECSServiceAverageCPUUtilization" {
				return s, pol, true
			}
		}
	}
	return spec.Service{}, spec.Policy{}, false
}
