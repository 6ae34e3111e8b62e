package lb

import (
	"slices"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// Namespace is the CloudWatch namespace of Application Load Balancer
// metrics.
const Namespace = "AWS/ApplicationELB"

// The units the metrics are published in.
const (
	UnitCount   = "Count"
	UnitSeconds = "Seconds"
)

// MaxValuesPerPublish is the most values one Publish call carries: a
// PutMetricData datum takes at most 150 (API_MetricDatum), so a sink can
// hand each call on as one datum. More values in a minute come in several
// calls with the same timestamp.
const MaxValuesPerPublish = 150

// Dimension is a name/value pair of a metric's identity.
type Dimension struct {
	Name  string
	Value string
}

// MetricSink receives metrics the way an AWS service publishes them to
// CloudWatch: one call per metric and minute, at is the start of the
// platform minute the values belong to, values are raw samples (a count is
// one value, the minute's sum), unit a CloudWatch standard unit. The
// sandbox's ECS control plane publishes through the same interface.
// Publish must not call back into the publisher; the dims slice is the
// sink's to keep.
type MetricSink interface {
	Publish(namespace, metric string, dims []Dimension, at time.Time, values []float64, unit string)
}

// minute is what a target group saw in one platform minute.
type minute struct {
	start                       time.Time
	requests, target5xx, elb5xx int
	latencies                   []float64 // seconds
	// healthy and unhealthy are host counts sampled at each health check
	// round.
	healthy, unhealthy []float64
}

// minuteStats collects a target group's minutes until they are published.
type minuteStats struct {
	clock clock.Clock

	mu     sync.Mutex
	cur    *minute
	closed []*minute
}

// record applies f to the current minute. The time is read under the
// lock, so nothing lands in a minute after take has handed it out.
func (s *minuteStats) record(f func(*minute)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := s.clock.Now().Truncate(time.Minute)
	if s.cur == nil || !s.cur.start.Equal(start) {
		if s.cur != nil {
			s.closed = append(s.closed, s.cur)
		}
		s.cur = &minute{start: start}
	}
	f(s.cur)
}

func (s *minuteStats) sampleHosts(healthy, unhealthy float64) {
	s.record(func(m *minute) {
		m.healthy = append(m.healthy, healthy)
		m.unhealthy = append(m.unhealthy, unhealthy)
	})
}

// take hands out the minutes that started before end, oldest first.
func (s *minuteStats) take(end time.Time) []*minute {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.closed
	s.closed = nil
	if s.cur != nil && s.cur.start.Before(end) {
		out = append(out, s.cur)
		s.cur = nil
	}
	return out
}

// publishLoop publishes each platform minute once it has ended.
func (l *LoadBalancer) publishLoop() {
	for {
		now := l.clock.Now()
		end := now.Truncate(time.Minute).Add(time.Minute)
		timer := l.clock.NewTimer(end.Sub(now))
		select {
		case <-l.ctx.Done():
			timer.Stop()
			return
		case <-timer.C():
		}
		l.publish(end)
	}
}

// publish sends every minute that started before end: each target group's
// metrics, then the load balancer's totals.
func (l *LoadBalancer) publish(end time.Time) {
	type totals struct {
		requests, target5xx, elb5xx int
		latencies                   []float64
	}
	byMinute := map[time.Time]*totals{}
	last := end.Add(-time.Minute)
	for _, g := range l.groups {
		ms := g.stats.take(end)
		// Host counts are reported every minute, traffic or not.
		if len(ms) == 0 || !ms[len(ms)-1].start.Equal(last) {
			ms = append(ms, &minute{start: last})
		}
		healthy, unhealthy, registered := g.counts()
		for _, m := range ms {
			if len(m.healthy) == 0 {
				m.healthy, m.unhealthy = []float64{float64(healthy)}, []float64{float64(unhealthy)}
			}
			g.publishMinute(m, registered)
			t := byMinute[m.start]
			if t == nil {
				t = &totals{}
				byMinute[m.start] = t
			}
			t.requests += m.requests
			t.target5xx += m.target5xx
			t.elb5xx += m.elb5xx
			t.latencies = append(t.latencies, m.latencies...)
		}
	}
	starts := make([]time.Time, 0, len(byMinute))
	for s := range byMinute {
		starts = append(starts, s)
	}
	slices.SortFunc(starts, time.Time.Compare)
	for _, s := range starts {
		t := byMinute[s]
		dims := func() []Dimension { return []Dimension{{"LoadBalancer", l.dimension}} }
		l.publishCount("RequestCount", dims(), s, t.requests)
		l.publishValues("TargetResponseTime", dims, s, t.latencies, UnitSeconds)
		l.publishCount("HTTPCode_Target_5XX_Count", dims(), s, t.target5xx)
		l.publishCount("HTTPCode_ELB_5XX_Count", dims(), s, t.elb5xx)
	}
}

// publishMinute sends one target group's minute, with the dimension sets
// AWS documents for each metric.
func (g *group) publishMinute(m *minute, registered int) {
	l := g.lb
	both := func() []Dimension {
		return []Dimension{{"TargetGroup", g.dimension}, {"LoadBalancer", l.dimension}}
	}
	l.publishCount("RequestCount", both(), m.start, m.requests)
	if registered > 0 {
		perTarget := []float64{float64(m.requests) * l.cfg.RequestWeight / float64(registered)}
		l.sink.Publish(Namespace, "RequestCountPerTarget", []Dimension{{"TargetGroup", g.dimension}}, m.start, perTarget, UnitCount)
		l.sink.Publish(Namespace, "RequestCountPerTarget", both(), m.start, slices.Clone(perTarget), UnitCount)
	}
	l.publishValues("TargetResponseTime", both, m.start, m.latencies, UnitSeconds)
	l.publishCount("HTTPCode_Target_5XX_Count", both(), m.start, m.target5xx)
	l.sink.Publish(Namespace, "HealthyHostCount", both(), m.start, m.healthy, UnitCount)
	l.sink.Publish(Namespace, "UnHealthyHostCount", both(), m.start, m.unhealthy, UnitCount)
}

// publishCount sends a count of requests, weighted (Config.RequestWeight),
// only when it is nonzero: "Reporting criteria: There is a nonzero value".
func (l *LoadBalancer) publishCount(metric string, dims []Dimension, at time.Time, n int) {
	if n > 0 {
		l.sink.Publish(Namespace, metric, dims, at, []float64{float64(n) * l.cfg.RequestWeight}, UnitCount)
	}
}

// publishValues sends raw values in calls of at most MaxValuesPerPublish.
func (l *LoadBalancer) publishValues(metric string, dims func() []Dimension, at time.Time, values []float64, unit string) {
	for chunk := range slices.Chunk(values, MaxValuesPerPublish) {
		l.sink.Publish(Namespace, metric, dims(), at, chunk, unit)
	}
}
