package resilience

import (
	"context"
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// steadyExperiment holds each service with a CPU target-tracking policy
// at st.Utilisation of its target for st.Duration and counts how often any
// service's capacity turns around: the runbook's "Scaling Oscillation".
func steadyExperiment(f *framework.Framework, st spec.Steady) {
	if st.Duration <= 0 {
		return
	}
	allowed := int(float64(st.MaxDirectionChangesPerHour) * st.Duration.D().Hours())
	v := &framework.Verdict{ID: Name + ".steady.no-oscillation", Section: st.Source,
		Labels:   []framework.Label{framework.Resilience, framework.Behaviour},
		Expected: fmt.Sprintf("at most %d turn(s) of any service's capacity in %s of steady load at %.0f %% of the CPU target (%d an hour)", allowed, st.Duration, 100*st.Utilisation, st.MaxDirectionChangesPerHour)}
	ginkgo.Describe("capacity under steady load", func() {
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			f.Requires(profile.ECS, profile.AutoScaling, profile.LoadBalancer)
			var watched []*platform.Service
			before := map[string]int{}
			for _, s := range f.Target.Spec.Services {
				svc := platform.New(f, s)
				before[s.ID] = svc.Steady(ctx, steadyLimit)
				watched = append(watched, svc)
				for _, pol := range s.Policies {
					target, ok := svc.LoadTarget()
					if !ok || pol.PredefinedMetric != "ECSServiceAverageCPUUtilization" {
						continue
					}
					l, err := f.StartLoad(target, float64(before[s.ID])*svc.PerTask()*st.Utilisation*pol.TargetValue/100, loadLimit)
					if err != nil {
						f.Errorf(v, "starting load on %s: %v", target.URL, err)
					}
					ginkgo.DeferCleanup(l.Stop)
					v.RestsOn(l)
					v.Needs(svc.CPUPublished(f.Now()))
				}
			}
			start := f.Now()
			var turns []string
			f.ExpectNever(ctx, v, func(ctx context.Context) (string, error) {
				turns = turns[:0]
				total := 0
				for _, svc := range watched {
					acts, err := svc.Changes(ctx, start, before[svc.Spec.ID])
					if err != nil {
						return "", err
					}
					if n := platform.DirectionChanges(acts); n > 0 {
						total += n
						turns = append(turns, fmt.Sprintf("%s turned %d time(s): %s", svc.Spec.ID, n, changes(acts)))
					}
				}
				if total > allowed {
					return strings.Join(turns, "; "), nil
				}
				return "", nil
			}, start.Add(st.Duration.D()))
			v.Observed = "no service's capacity turned around"
			if len(turns) > 0 {
				v.Observed = strings.Join(turns, "; ")
			}
		})
	})
}

func changes(acts []platform.Activity) string {
	parts := make([]string, len(acts))
	for i, a := range acts {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}
