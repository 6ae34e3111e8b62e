package scaling

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
)

func (r *run) scaleOutWindow(ctx ginkgo.SpecContext, v *framework.Verdict) {
	r.startLoad(v, r.fleetRate(ctx, v, aboveTarget*r.pol.TargetValue/100))
	began := r.f.Now()
	v.Needs(r.svc.CPUPublished(began))
	earliest, latest := platform.AlarmWindow(began, platform.HighDatapoints)
	at := r.f.ExpectWithin(ctx, v, "the first scale-out", r.firstChange(began, true, &r.firstOut), framework.Window{Earliest: earliest, Latest: latest})
	v.Observed = fmt.Sprintf("%s, %s after the load began", r.firstOut, at.Sub(began).Round(time.Second))
}

func (r *run) capacityArrives(ctx ginkgo.SpecContext, v *framework.Verdict) {
	if r.firstOut.At.IsZero() {
		ginkgo.Skip("no scale-out to follow: see " + Name + "." + r.svc.Spec.ID + ".scale-out-window")
	}
	want := r.firstOut.To
	within := r.f.Target.Spec.Experiments.TaskStartup.Within.D()
	arrived := func(ctx context.Context) (time.Time, bool, error) {
		_, running, err := r.svc.Counts(ctx)
		now := r.f.Now()
		v.Observed = fmt.Sprintf("%d of %d running at %s", running, want, now.Format(time.RFC3339))
		return now, err == nil && running >= want, err
	}
	at := r.f.ExpectWithin(ctx, v, fmt.Sprintf("%d tasks running", want), arrived, framework.Window{Earliest: r.firstOut.At, Latest: r.firstOut.At.Add(within + platform.Period)})
	v.Observed = fmt.Sprintf("%d running %s after the scale-out", want, at.Sub(r.firstOut.At).Round(time.Second))
}

func (r *run) scaleOutCooldown(ctx ginkgo.SpecContext, v *framework.Verdict) {
	max := r.svc.Spec.ScalableTarget.MaxCapacity
	r.startLoad(v, float64(max)*r.svc.PerTask()*overload*r.pol.TargetValue/100)
	r.f.Eventually(ctx, fmt.Sprintf("%s to scale out to its maximum %d", r.svc.Name, max), reachMaxBy, func(ctx context.Context) (bool, error) {
		d, _, err := r.svc.Counts(ctx)
		return d >= max, err
	})
	acts, err := r.svc.Changes(ctx, r.start, r.before)
	if err != nil {
		r.f.Errorf(v, "%v", err)
	}
	v.Observed = describe(acts, true)
	if bad := cooldownViolations(acts, r.pol.ScaleOutCooldown.D(), r.pol.TargetValue); len(bad) > 0 {
		v.Observed = strings.Join(bad, "; ")
		r.f.Fail(v, fmt.Sprintf("%s: scale-out inside the %s ScaleOutCooldown: %s", v.Section, r.pol.ScaleOutCooldown, v.Observed))
	}
}

func (r *run) maxCapacity(ctx ginkgo.SpecContext, v *framework.Verdict) {
	max := r.svc.Spec.ScalableTarget.MaxCapacity
	if r.load == nil {
		r.startLoad(v, float64(max)*r.svc.PerTask()*overload*r.pol.TargetValue/100)
	}
	v.RestsOn(r.load)
	r.f.ExpectNever(ctx, v, func(ctx context.Context) (string, error) {
		acts, err := r.svc.Changes(ctx, r.start, r.before)
		for _, a := range acts {
			if a.To > max {
				return "scaled " + a.String(), err
			}
		}
		return "", err
	}, r.f.Now().Add(r.pol.ScaleOutCooldown.D()+settleMargin))
	d, _, _ := r.svc.Counts(ctx)
	v.Observed = fmt.Sprintf("desired %d", d)
	r.stopLoad()
}

func (r *run) scaleInAfterLowAlarm(ctx ginkgo.SpecContext, v *framework.Verdict) {
	r.steady(ctx)
	r.startLoad(v, r.fleetRate(ctx, v, moderate))
	r.drop = r.f.Now()
	v.Needs(r.svc.CPUPublished(r.drop))
	earliest, latest := platform.AlarmWindow(r.drop, platform.LowDatapoints)
	at := r.f.ExpectWithin(ctx, v, "the first scale-in", r.firstChange(r.drop, false, &r.firstIn), framework.Window{Earliest: earliest, Latest: latest})
	v.Observed = fmt.Sprintf("%s, %s after the load dropped", r.firstIn, at.Sub(r.drop).Round(time.Second))
}

// scaleInCooldown stops the load the moment the first scale-in lands, so
// the low alarm stays in ALARM and asks for the minimum every minute:
// only the cooldown holds the next scale-in back.
func (r *run) scaleInCooldown(ctx ginkgo.SpecContext, v *framework.Verdict) {
	r.stopLoad()
	if r.firstIn.At.IsZero() {
		ginkgo.Skip("no first scale-in to follow: see " + Name + "." + r.svc.Spec.ID + ".scale-in-after-low-alarm")
	}
	cooldown := r.pol.ScaleInCooldown.D()
	v.Needs(r.svc.CPUPublished(r.firstIn.At))
	var next platform.Activity
	earliest := r.firstIn.At.Add(cooldown)
	at := r.f.ExpectWithin(ctx, v, "the next scale-in", r.firstChange(r.firstIn.At.Add(time.Nanosecond), false, &next),
		framework.Window{Earliest: earliest, Latest: earliest.Add(2 * platform.Period)})
	v.Observed = fmt.Sprintf("%s, %s after the first", next, at.Sub(r.firstIn.At).Round(time.Second))
}

func (r *run) minCapacity(ctx ginkgo.SpecContext, v *framework.Verdict) {
	min := r.svc.Spec.ScalableTarget.MinCapacity
	r.f.ExpectNever(ctx, v, func(ctx context.Context) (string, error) {
		acts, err := r.svc.Changes(ctx, r.start, r.before)
		for _, a := range acts {
			if a.To < min {
				return "scaled " + a.String(), err
			}
		}
		return "", err
	}, r.f.Now().Add(settleMargin))
	d, _, err := r.svc.Counts(ctx)
	if err != nil {
		r.f.Errorf(v, "%v", err)
	}
	v.Observed = fmt.Sprintf("desired %d", d)
	if d != min {
		r.f.Fail(v, fmt.Sprintf("%s: desired count %d with no load, want the minimum %d", v.Section, d, min))
	}
}

func (r *run) noScaleOutBelowTarget(ctx ginkgo.SpecContext, v *framework.Verdict) {
	desired := r.steady(ctx)
	r.startLoad(v, r.fleetRate(ctx, v, (r.pol.TargetValue-belowTarget)/100))
	r.belowStart = r.f.Now()
	_, latest := platform.AlarmWindow(r.belowStart, platform.HighDatapoints)
	r.f.ExpectNever(ctx, v, func(ctx context.Context) (string, error) {
		acts, err := r.svc.Changes(ctx, r.belowStart, desired)
		for _, a := range acts {
			if a.Out() {
				return "scaled out " + a.String(), err
			}
		}
		return "", err
	}, latest.Add(platform.Period))
	v.Observed = "no scale-out"
	r.stopLoad()
}

// describe lists the changes in one direction for a verdict.
func describe(acts []platform.Activity, out bool) string {
	var parts []string
	for _, a := range acts {
		if a.Out() == out {
			parts = append(parts, a.String())
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
