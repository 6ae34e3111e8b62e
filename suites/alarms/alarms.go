// Package alarms is the alarms suite: an alarm the runbook recommends
// fires when what it watches goes wrong, inside the window its period and
// evaluation periods allow, and clears once it is put right. It injects
// the fault through the target's fault path, reads the alarm's state
// through CloudWatch and takes every number from the spec.
package alarms

import (
	"context"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/drivers/load"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Name is the suite's name, the first part of its spec ids.
const Name = "alarms"

// latencyMetric is the load balancer's latency metric, which the spec's
// reading of APILatencyHigh watches (decision
// unpublished-AWS-ApplicationELB-Latency).
const latencyMetric = "TargetResponseTime"

// The API service answers document reads here, behind the primary
// region's load balancer.
const (
	apiService = "api"
	apiPath    = "/v1/documents/d1"
)

// Load and fault sizes: a fifth of the API fleet's capacity, well below
// anything that scales it, and latency 1.6 times the alarm's threshold.
const (
	apiShare      = 0.2
	latencyFactor = 1.6
)

// evaluation is how long after a datapoint's period ends CloudWatch may
// take to publish it and evaluate the alarm on it.
const evaluation = time.Minute

// Declare declares an experiment for each latency alarm of the spec.
func Declare(f *framework.Framework) {
	for _, a := range f.Target.Spec.Alarms {
		if a.MetricName == latencyMetric {
			latencyAlarm(f, a)
		}
	}
}

func latencyAlarm(f *framework.Framework, a spec.Alarm) {
	labels := []framework.Label{framework.Alarms, framework.Behaviour, framework.Disruptive}
	verdict := func(id, expected string) *framework.Verdict {
		return &framework.Verdict{ID: Name + "." + a.Name + "." + id, Section: a.Source, Labels: labels, Expected: expected}
	}
	period, n := a.Period.D(), a.EvaluationPeriods
	var fault *chaos.Fault
	var injected time.Time
	ginkgo.Describe(a.Name+" under injected latency", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		var api spec.Service
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			f.Requires(profile.CloudWatch, profile.LoadBalancer)
			for _, s := range f.Target.Spec.Services {
				if s.ID == apiService {
					api = s
				}
			}
		})
		f.It(verdict("alarm-on-latency", fmt.Sprintf("ALARM after %d breaching %s periods of %s p90 above %v s", n, period, latencyMetric, a.Threshold)),
			func(ctx ginkgo.SpecContext, v *framework.Verdict) {
				url := f.Target.Endpoints.LoadBalancers[f.Target.Regions.Primary] + apiPath
				rate := float64(api.ScalableTarget.MinCapacity) * api.Allocation.VCPU * f.Target.Spec.Experiments.Load.RequestsPerVCPU * apiShare
				l, err := f.StartLoad(load.Target{Service: api.ID, URL: url}, rate, 2*time.Hour)
				if err != nil {
					f.Errorf(v, "starting load on %s: %v", url, err)
				}
				ginkgo.DeferCleanup(l.Stop)
				v.RestsOn(l)
				add := time.Duration(a.Threshold * latencyFactor * float64(time.Second))
				fault = f.Inject(ctx, v, chaos.Latency{On: f.Chaos(), Service: f.Target.Names.ServiceOf(api), Add: add})
				injected = f.Now()
				// The oldest of the n datapoints must already hold slow
				// requests: the alarm can fire no sooner than n-1 whole
				// periods after the latency began.
				w := framework.Window{Earliest: injected.Add(time.Duration(n-1) * period), Latest: injected.Add(time.Duration(n)*period + evaluation)}
				at := f.ExpectWithin(ctx, v, a.Name+" in ALARM", state(f, a.Name, "ALARM"), w)
				v.Observed = fmt.Sprintf("ALARM %s after %s was injected", at.Sub(injected).Round(time.Second), add)
			})
		f.It(verdict("ok-after-revert", fmt.Sprintf("OK within one %s period of the latency being removed", period)),
			func(ctx ginkgo.SpecContext, v *framework.Verdict) {
				if fault == nil {
					ginkgo.Skip("no latency was injected: see " + Name + "." + a.Name + ".alarm-on-latency")
				}
				if err := fault.Revert(ctx); err != nil {
					f.Errorf(v, "reverting the latency: %v", err)
				}
				reverted := f.Now()
				at := f.ExpectWithin(ctx, v, a.Name+" back to OK", state(f, a.Name, "OK"), framework.Window{Earliest: reverted, Latest: reverted.Add(period + 2*evaluation)})
				v.Observed = fmt.Sprintf("OK %s after the latency was removed", at.Sub(reverted).Round(time.Second))
			})
	})
}

// state is the moment the alarm was last seen entering want, read through
// CloudWatch DescribeAlarms.
func state(f *framework.Framework, name, want string) framework.Event {
	return func(ctx context.Context) (time.Time, bool, error) {
		alarms, err := f.Target.AWS.Alarms(ctx, name)
		if err != nil || len(alarms) == 0 {
			if err == nil {
				err = fmt.Errorf("cloudwatch DescribeAlarms: no alarm %s", name)
			}
			return time.Time{}, false, err
		}
		a := alarms[0]
		if string(a.StateValue) != want || a.StateUpdatedTimestamp == nil {
			return time.Time{}, false, nil
		}
		return *a.StateUpdatedTimestamp, true, nil
	}
}
