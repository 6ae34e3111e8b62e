package scaling

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/drivers/load"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
)

// The queue is filled through the platform's public route: the API puts
// every enhancement request on the AI service's queue.
const enqueuePath = "/v1/documents/gameday-queue/enhance"

// Queue experiment sizes. An item of itemBytes of text keeps an AI task
// busy for itemBytes / (vCPU x aiBytesPerVCPUSecond) seconds, so the suite
// knows the fleet's drain rate from the spec alone.
const (
	itemBytes = 8 << 10
	// fillPerMinute is how many items a platform minute adds to the queue
	// above what the fleet drains: slow enough that the depth crosses a
	// target five times the spec's minutes after the spec's.
	fillPerMinute = 4.0
	// overfillPerMinute is how many items a platform minute adds to the
	// queue above what even the maximum fleet drains. It is counted in
	// platform minutes, not as a share of the drain: an AI task works in
	// real seconds, so a platform minute holds half the work at 120x that
	// it holds at 60x, and an overload sized by the drain filled the queue
	// half as fast, reaching the maximum after 25 platform minutes rather
	// than 10. Ten a minute gets the depth that computes the maximum from
	// the minimum's cooldown base in about twelve platform minutes at
	// 120x as at 60x, well inside reachMaxBy.
	overfillPerMinute = 10.0
	queueLimit        = 30 * time.Minute
)

// queueRun is the state one queue experiment's specs share.
type queueRun struct {
	f      *framework.Framework
	svc    *platform.Service
	pol    spec.Policy
	start  time.Time
	before int
	load   *framework.Load

	firstOut platform.Activity
}

func queueExperiment(f *framework.Framework, s spec.Service, pol spec.Policy) {
	q := &queueRun{f: f, pol: pol}
	labels := []framework.Label{framework.Scaling, framework.Behaviour}
	m := pol.CustomizedMetric
	verdict := func(id, expected string, extra ...framework.Label) *framework.Verdict {
		return &framework.Verdict{ID: Name + "." + s.ID + "." + id, Section: pol.Source, Labels: append(labels, extra...), Expected: expected}
	}
	ginkgo.Describe(s.ID+" under a filling queue", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			f.Requires(profile.ECS, profile.AutoScaling, profile.CloudWatch, profile.LoadBalancer)
			q.svc = platform.New(f, s)
			q.before = q.svc.Steady(ctx, steadyLimit)
			q.start = f.Now()
		})
		ginkgo.AfterAll(func() { q.stopLoad() })
		f.It(verdict("queue-scale-out", fmt.Sprintf("first scale-out %d one-minute datapoints of %s above %v after it first does", platform.HighDatapoints, m.MetricName, pol.TargetValue)),
			q.scaleOut)
		f.It(verdict("queue-scale-out-cooldown", fmt.Sprintf("inside the %s ScaleOutCooldown no scale-out beyond what its base computes from %s", pol.ScaleOutCooldown, m.MetricName)),
			q.scaleOutCooldown)
		f.It(verdict("queue-scale-in-to-min", fmt.Sprintf("back to the minimum %d once the queue empties, by %d datapoints below %v and at most one ScaleInCooldown (%s) later", s.ScalableTarget.MinCapacity, platform.LowDatapoints, platform.LowRatio*pol.TargetValue, pol.ScaleInCooldown), framework.Slow),
			q.scaleInToMin)
	})
}

// drain is how many items a second n tasks of the service finish.
func (q *queueRun) drain(n int) float64 {
	perTask := q.svc.Spec.Allocation.VCPU * q.f.Target.Spec.Experiments.Load.AIBytesPerVCPUSecond / itemBytes
	return float64(n) * perTask
}

// enqueue replaces whatever load runs with rate enhancement requests per
// second.
func (q *queueRun) enqueue(v *framework.Verdict, rate float64) {
	q.stopLoad()
	body, err := json.Marshal(map[string]string{"text": strings.Repeat("gameday ", itemBytes/8)})
	if err != nil {
		q.f.Errorf(v, "%v", err)
	}
	url := q.f.Target.Endpoints.LoadBalancers[q.f.Target.Regions.Primary] + enqueuePath
	t := load.Target{Service: "api", URL: url, Method: http.MethodPost, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
	l, err := q.f.StartLoad(t, rate, loadLimit)
	if err != nil {
		q.f.Errorf(v, "starting load on %s: %v", url, err)
	}
	q.load = l
	v.RestsOn(l)
	ginkgo.GinkgoWriter.Printf("%s: %.2f enhancement requests/s of %d bytes on %s\n", v.ID, rate, itemBytes, url)
}

func (q *queueRun) stopLoad() {
	if q.load != nil {
		q.load.Stop()
		q.load = nil
	}
}

// depth reads the policy's metric, one datapoint a minute since a
// platform instant, as the policy's statistic.
func (q *queueRun) depth(ctx context.Context, since time.Time) ([]cwtypes.Datapoint, error) {
	m := q.pol.CustomizedMetric
	dims := map[string]string{}
	for _, d := range m.Dimensions {
		dims[d.Name] = d.Value
	}
	return q.f.Target.AWS.Datapoints(ctx, m.Namespace, m.MetricName, dims, cwtypes.Statistic(m.Statistic), platform.Period, since.Truncate(platform.Period), q.f.Now())
}

// crossing waits for the first minute whose datapoint is above (or, for
// below, under) a value, and returns that minute.
func (q *queueRun) crossing(ctx context.Context, since time.Time, value float64, above bool) time.Time {
	var at time.Time
	what := fmt.Sprintf("%s %s %v", q.pol.CustomizedMetric.MetricName, map[bool]string{true: "above", false: "below"}[above], value)
	q.f.Eventually(ctx, what, queueLimit, func(ctx context.Context) (bool, error) {
		points, err := q.depth(ctx, since)
		for _, p := range points {
			if v := stat(p); (above && v > value) || (!above && v < value) {
				at = *p.Timestamp
				return true, nil
			}
		}
		return false, err
	})
	return at
}

func stat(p cwtypes.Datapoint) float64 {
	for _, v := range []*float64{p.Average, p.Maximum, p.Minimum, p.Sum, p.SampleCount} {
		if v != nil {
			return *v
		}
	}
	return 0
}

func (q *queueRun) scaleOut(ctx ginkgo.SpecContext, v *framework.Verdict) {
	perSecond := fillPerMinute / q.f.Real(time.Minute).Seconds()
	q.enqueue(v, q.drain(q.before)+perSecond)
	crossed := q.crossing(ctx, q.start, q.pol.TargetValue, true)
	earliest, latest := platform.AlarmWindow(crossed, platform.HighDatapoints)
	// From the experiment's start: a scale-out before the crossing is too
	// early too.
	r := &run{f: q.f, svc: q.svc, start: q.start, before: q.before}
	at := q.f.ExpectWithin(ctx, v, "the first scale-out", r.firstChange(q.start, true, &q.firstOut), framework.Window{Earliest: earliest, Latest: latest})
	v.Observed = fmt.Sprintf("%s, %s after %s first rose above %v", q.firstOut, at.Sub(crossed).Round(time.Second), q.pol.CustomizedMetric.MetricName, q.pol.TargetValue)
}

// scaleOutCooldown overloads the queue until the service reaches its
// maximum and judges every scale-out inside a cooldown against what the
// cooldown's base computes from the metric's highest datapoint.
func (q *queueRun) scaleOutCooldown(ctx ginkgo.SpecContext, v *framework.Verdict) {
	max := q.svc.Spec.ScalableTarget.MaxCapacity
	q.enqueue(v, q.drain(max)+overfillPerMinute/q.f.Real(time.Minute).Seconds())
	q.f.Eventually(ctx, fmt.Sprintf("%s to scale out to its maximum %d", q.svc.Name, max), reachMaxBy, func(ctx context.Context) (bool, error) {
		d, _, err := q.svc.Counts(ctx)
		return d >= max, err
	})
	acts, err := q.svc.Changes(ctx, q.start, q.before)
	if err != nil {
		q.f.Errorf(v, "%v", err)
	}
	points, err := q.depth(ctx, q.start)
	if err != nil {
		q.f.Errorf(v, "%v", err)
	}
	v.Observed = describe(acts, true)
	if bad := metricCooldownViolations(acts, points, q.pol.ScaleOutCooldown.D(), q.pol.TargetValue); len(bad) > 0 {
		v.Observed = strings.Join(bad, "; ")
		q.f.Fail(v, fmt.Sprintf("%s: scale-out inside the %s ScaleOutCooldown: %s", v.Section, q.pol.ScaleOutCooldown, v.Observed))
	}
}

func (q *queueRun) scaleInToMin(ctx ginkgo.SpecContext, v *framework.Verdict) {
	q.stopLoad()
	min := q.svc.Spec.ScalableTarget.MinCapacity
	stopped := q.f.Now()
	low := platform.LowRatio * q.pol.TargetValue
	below := q.crossing(ctx, stopped, low, false)
	// Only when the queue empties is the minimum due; how soon after the
	// target's low alarm is the scale-in specs' question, not this one's.
	_, latest := platform.AlarmWindow(below, platform.LowDatapoints)
	atMin := func(ctx context.Context) (time.Time, bool, error) {
		d, _, err := q.svc.Counts(ctx)
		now := q.f.Now()
		v.Observed = fmt.Sprintf("desired %d at %s", d, now.Format(time.RFC3339))
		return now, err == nil && d == min, err
	}
	at := q.f.ExpectWithin(ctx, v, fmt.Sprintf("desired count at the minimum %d", min), atMin, framework.Window{Earliest: stopped, Latest: latest.Add(q.pol.ScaleInCooldown.D())})
	v.Observed = fmt.Sprintf("at %d %s after %s fell below %v", min, at.Sub(below).Round(time.Second), q.pol.CustomizedMetric.MetricName, low)
}

// metricCooldownViolations judges scale-outs by AWS's cooldown rule for a
// metric without a ceiling: inside the cooldown, a scale-out computes from
// the capacity before the scale-out that began it, so it may reach no more
// than that base times the metric over the target. The metric is bounded
// by its highest datapoint from the three minutes before the cooldown to
// the scale-out.
func metricCooldownViolations(acts []platform.Activity, points []cwtypes.Datapoint, cooldown time.Duration, target float64) []string {
	return insideCooldown(acts, cooldown, func(base int, began time.Time, a platform.Activity) (int, string) {
		highest := 0.0
		for _, p := range points {
			if !p.Timestamp.Before(began.Add(-platform.HighDatapoints*platform.Period)) && !p.Timestamp.After(a.At) {
				highest = math.Max(highest, stat(p))
			}
		}
		return int(math.Ceil(float64(base) * highest / target)), fmt.Sprintf("its base of %d computes from a metric of at most %v", base, highest)
	})
}
