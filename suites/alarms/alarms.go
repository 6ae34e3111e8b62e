// Package alarms is the alarms suite: an alarm the runbook recommends
// fires when what it watches goes wrong, inside the window its period and
// evaluation periods allow, and clears once it is put right. It injects
// the fault through the target's fault path, reads the alarm's state
// through CloudWatch and takes every number from the spec.
package alarms

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
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
// Healthy load is the share of capacity a CPU target of 70 % keeps; the
// steady experiment runs at the spec's share of that.
const (
	apiShare      = 0.2
	latencyFactor = 1.6
	healthy       = 0.7
)

// evaluation is how long after a datapoint's period ends CloudWatch may
// take to publish it and evaluate the alarm on it.
const evaluation = time.Minute

// failedScalingMetric is the custom metric the runbook's AutoScalingFailure
// alarm watches (decision custom-AIWritingEnhancement-FailedScalingActivity:
// the platform publishes it when a scaling activity fails).
const failedScalingMetric = "FailedScalingActivity"

// Declare declares an experiment for each latency alarm of the spec and
// for each alarm on failed scaling.
func Declare(f *framework.Framework) {
	for _, a := range f.Target.Spec.Alarms {
		switch a.MetricName {
		case latencyMetric:
			quietAlarm(f, a)
			latencyAlarm(f, a)
		case failedScalingMetric:
			scalingFailureAlarm(f, a)
		}
	}
}

// apiOf is the spec's API service, which the latency alarms watch.
func apiOf(f *framework.Framework) spec.Service {
	for _, s := range f.Target.Spec.Services {
		if s.ID == apiService {
			return s
		}
	}
	return spec.Service{}
}

// exists fails the spec when the target has no alarm of the name: the
// runbook recommends it, so its absence is the platform's failure.
func exists(ctx context.Context, f *framework.Framework, v *framework.Verdict, name string) {
	alarms, err := f.Target.AWS.Alarms(ctx, name)
	if err != nil {
		f.Errorf(v, "%v", err)
	}
	if len(alarms) == 0 {
		v.Observed, v.ObservedAt = "no alarm "+name, f.Now()
		f.Fail(v, fmt.Sprintf("%s: target %s has no CloudWatch alarm %s (DescribeAlarms at %s): the runbook recommends it, so nothing would tell anyone",
			v.Section, f.Target.Name, name, v.ObservedAt.Format(time.RFC3339)))
	}
}

// quietAlarm holds the API under steady healthy load for the spec's steady
// duration, at least the alarm's whole evaluation range, and watches the
// alarm never go to ALARM.
func quietAlarm(f *framework.Framework, a spec.Alarm) {
	st := f.Target.Spec.Experiments.Steady
	watch := max(st.Duration.D(), time.Duration(a.EvaluationPeriods)*a.Period.D())
	v := &framework.Verdict{ID: Name + "." + a.Name + ".no-false-alarm", Section: a.Source, Labels: []framework.Label{framework.Alarms, framework.Behaviour},
		Expected: fmt.Sprintf("never ALARM in %s of steady load at %.0f %% of the API fleet's capacity", watch, 100*st.Utilisation*healthy)}
	ginkgo.Describe(a.Name+" under steady healthy load", func() {
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			f.Requires(profile.CloudWatch, profile.LoadBalancer)
			exists(ctx, f, v, a.Name)
			svc := apiOf(f)
			url := f.Target.Endpoints.LoadBalancers[f.Target.Regions.Primary] + apiPath
			rate := float64(svc.ScalableTarget.MinCapacity) * svc.Allocation.VCPU * f.Target.Spec.Experiments.Load.RequestsPerVCPU * st.Utilisation * healthy
			l, err := f.StartLoad(load.Target{Service: svc.ID, URL: url}, rate, 2*time.Hour)
			if err != nil {
				f.Errorf(v, "starting load on %s: %v", url, err)
			}
			ginkgo.DeferCleanup(l.Stop)
			v.RestsOn(l)
			start := f.Now()
			f.ExpectNever(ctx, v, func(ctx context.Context) (string, error) {
				at, ok, err := state(f, a.Name, "ALARM")(ctx)
				if ok && !at.Before(start) {
					return "ALARM at " + at.Format(time.RFC3339), err
				}
				return "", err
			}, start.Add(watch))
			v.Observed = "no ALARM"
		})
	})
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
			api = apiOf(f)
		})
		// The ALARM, even one too early, is what the revert is to clear.
		alarmed := verdict("alarm-on-latency", fmt.Sprintf("ALARM after %d breaching %s periods of %s p90 above %v s, and its actions notified", n, period, latencyMetric, a.Threshold))
		f.It(alarmed,
			func(ctx ginkgo.SpecContext, v *framework.Verdict) {
				exists(ctx, f, v, a.Name)
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
				notified(ctx, f, v, a, at)
			})
		f.It(verdict("ok-after-revert", fmt.Sprintf("OK within one %s period of the latency being removed", period)),
			func(ctx ginkgo.SpecContext, v *framework.Verdict) {
				if fault == nil || alarmed.ObservedAt.IsZero() {
					ginkgo.Skip("no ALARM to clear: see " + Name + "." + a.Name + ".alarm-on-latency")
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

// notifyLimit is how long after an alarm's transition its actions may
// take to show in its history.
const notifyLimit = 2 * time.Minute

// notified expects, for every action the spec gives the alarm, an Action
// item in the alarm's history since the transition at: the notification
// the runbook's alert is, as CloudWatch records it ("Successfully executed
// action arn:...").
func notified(ctx context.Context, f *framework.Framework, v *framework.Verdict, a spec.Alarm, at time.Time) {
	if len(a.AlarmActions) == 0 {
		return
	}
	var missing []string
	done := func(ctx context.Context) (bool, error) {
		items, err := f.Target.AWS.AlarmHistory(ctx, a.Name)
		if err != nil {
			return false, err
		}
		missing = missing[:0]
		for _, arn := range a.AlarmActions {
			if !slices.ContainsFunc(items, func(h cwtypes.AlarmHistoryItem) bool {
				return h.HistoryItemType == cwtypes.HistoryItemTypeAction && h.Timestamp != nil && !h.Timestamp.Before(at) &&
					strings.Contains(aws.ToString(h.HistorySummary), "Successfully executed action "+arn)
			}) {
				missing = append(missing, arn)
			}
		}
		return len(missing) == 0, nil
	}
	deadline := at.Add(notifyLimit)
	for {
		ok, err := done(ctx)
		if err != nil {
			f.Errorf(v, "%v", err)
		}
		if ok {
			v.Observed += "; notified " + strings.Join(a.AlarmActions, ", ")
			return
		}
		if f.Now().After(deadline) || f.Sleep(ctx, 12*time.Second) != nil {
			break
		}
	}
	f.Fail(v, fmt.Sprintf("%s: %s went to ALARM at %s but its history shows no successful action for %s by %s: nobody was told",
		v.Section, a.Name, at.Format(time.RFC3339), strings.Join(missing, ", "), deadline.Format(time.RFC3339)))
}
