package scaling

import (
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// promiseLoad drives a request-count trigger to 1.3 times its threshold.
const promiseLoad = 1.3

// promiseExperiment judges a service whose trigger table promises
// scaling on requests per target while the spec deploys no policy for it:
// the promise as written, not the deployment. A target with no scaling
// policy on the service fails, saying that nothing deploys what the
// runbook promises; one with a policy must scale out under load above the
// promised threshold.
func promiseExperiment(f *framework.Framework, s spec.Service) {
	t := s.Triggers
	above := *t.ScaleOut.Above
	v := &framework.Verdict{ID: Name + "." + s.ID + ".request-count-promise", Section: t.Source,
		Labels:   []framework.Label{framework.Scaling, framework.Behaviour},
		Expected: fmt.Sprintf("a scaling policy on %s that scales out above %v requests per target a minute%s", s.ID, above, scaleInText(t))}
	ginkgo.Describe(s.ID+" under its request-count trigger", func() {
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			f.Requires(profile.AutoScaling, profile.LoadBalancer)
			svc := platform.New(f, s)
			policies, err := f.Target.AWS.ScalingPolicies(ctx, svc.Resource)
			if err != nil {
				f.Errorf(v, "%v", err)
			}
			if len(policies) == 0 {
				v.Observed = "no scaling policy on " + svc.Resource
				f.Fail(v, fmt.Sprintf("%s: the runbook promises that %s scales out above %v requests per target and in below %v, but nothing deploys scaling for it: DescribeScalingPolicies on %s returns no policy",
					v.Section, s.ID, above, below(t), svc.Resource))
			}
			f.Requires(profile.ECS, profile.CloudWatch)
			target, ok := svc.LoadTarget()
			if !ok {
				ginkgo.Skip(s.ID + " has no public route for load")
			}
			before := svc.Steady(ctx, steadyLimit)
			// A count per target a minute is a rate per task.
			perTask := promiseLoad * above / time.Minute.Seconds()
			l, err := f.StartLoad(target, float64(before)*perTask, loadLimit)
			if err != nil {
				f.Errorf(v, "starting load on %s: %v", target.URL, err)
			}
			ginkgo.DeferCleanup(l.Stop)
			v.RestsOn(l)
			start := f.Now()
			r := &run{f: f, svc: svc, start: start, before: before}
			var out platform.Activity
			sustained := max(t.ScaleOut.For.D(), platform.Period)
			latest := start.Truncate(platform.Period).Add(sustained + platform.Reaction)
			at := f.ExpectWithin(ctx, v, "a scale-out", r.firstChange(start, true, &out), framework.Window{Earliest: start, Latest: latest})
			v.Observed = fmt.Sprintf("%s, %s after %.0f requests per target a minute began (%s)", out, at.Sub(start).Round(time.Second), promiseLoad*above, out.Cause)
		})
	})
}

func below(t spec.Triggers) string {
	if t.ScaleIn == nil || t.ScaleIn.Below == nil {
		return "(none)"
	}
	return fmt.Sprint(*t.ScaleIn.Below)
}

func scaleInText(t spec.Triggers) string {
	if t.ScaleIn == nil || t.ScaleIn.Below == nil {
		return ""
	}
	return fmt.Sprintf(" and in below %v", *t.ScaleIn.Below)
}
