package plan

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/alarms"
	"github.com/gameday-sre/gameday/suites/data"
	"github.com/gameday-sre/gameday/suites/drills"
	"github.com/gameday-sre/gameday/suites/failover"
	"github.com/gameday-sre/gameday/suites/resilience"
)

// The labels of the suites' disruptive experiments, as they declare them.
var (
	resilienceLabels = []string{"resilience", "behaviour", "disruptive"}
	alarmLabels      = []string{"alarms", "behaviour", "disruptive"}
	drillLabels      = []string{"drill", "behaviour", "disruptive"}
	failoverLabels   = []string{"failover", "behaviour", "disruptive"}
	dataLabels       = []string{"data", "behaviour", "disruptive"}
)

// The metrics of the alarms the alarms suite drives, as it selects them.
const (
	latencyMetric       = "TargetResponseTime"
	failedScalingMetric = "FailedScalingActivity"
)

// catalogue is the faults a suite injects, read from the spec as the suite
// reads it; a suite that drives load alone (scaling) injects none.
func (b *builder) catalogue(ctx context.Context, suite string) []Fault {
	switch suite {
	case resilience.Name:
		return b.resilience(ctx)
	case alarms.Name:
		return b.alarms(ctx)
	case drills.Name:
		return b.drills(ctx)
	case failover.Name:
		return b.failover(ctx)
	case data.Name:
		return b.data(ctx)
	}
	return nil
}

func (b *builder) resilience(ctx context.Context) []Fault {
	r, startup := b.tgt.Spec.Experiments.Resilience, b.tgt.Spec.Experiments.TaskStartup
	var out []Fault
	for _, s := range r.Stops {
		svc, ok := b.service(s.Service)
		if !ok {
			continue
		}
		name := b.tgt.Names.ServiceOf(svc)
		what := strconv.Itoa(s.Count)
		if s.Percent > 0 {
			what = strconv.Itoa(s.Percent) + "pct"
		}
		inj := chaos.StopTasks{On: b.ct, Service: name, Count: s.Count, Percent: s.Percent}
		f := Fault{Experiment: resilience.Name + "." + s.Service + ".stop-" + what, Suite: resilience.Name, Labels: resilienceLabels, Kind: "stop-task",
			On:     fmt.Sprintf("%s, %s of its running tasks, the oldest first", name, stopText(s)),
			Revert: "none needed: ECS's scheduler replaces the stopped tasks; the ledger records the end",
			Window: fmt.Sprintf("replacements running within %s (ECS's scheduler) + %s (task start-up) of the stop; errors within %.1f %% of requests", r.SchedulerReaction, startup.Within, 100*r.ErrorBudget[s.Service]),
			Calls:  []string{"ecs ListTasks", "ecs DescribeTasks", "ecs StopTask (one per task)"}}
		b.judge(ctx, &f, inj)
		out = append(out, f)
	}
	return out
}

func stopText(s spec.TaskStop) string {
	if s.Percent > 0 {
		return fmt.Sprintf("%d %%", s.Percent)
	}
	return strconv.Itoa(s.Count)
}

func (b *builder) alarms(ctx context.Context) []Fault {
	var out []Fault
	for _, a := range b.tgt.Spec.Alarms {
		period := a.Period.D()
		switch a.MetricName {
		case latencyMetric:
			b.plan.Touches.Alarms = append(b.plan.Touches.Alarms, a.Name)
			api, ok := b.service("api")
			if !ok {
				continue
			}
			name := b.tgt.Names.ServiceOf(api)
			f := Fault{Experiment: alarms.Name + "." + a.Name + ".alarm-on-latency", Suite: alarms.Name, Labels: alarmLabels, Kind: "latency",
				On:     fmt.Sprintf("every running task of %s, above %s's threshold of %v s", name, a.Name, a.Threshold),
				Revert: "the latency hook removed (sandbox fault hooks; on AWS, FIS)",
				Window: fmt.Sprintf("%s in ALARM between %d and %d periods of %s after the injection, back to OK within one period of the revert", a.Name, a.EvaluationPeriods-1, a.EvaluationPeriods, period),
				Calls:  []string{"cloudwatch DescribeAlarms", "cloudwatch DescribeAlarmHistory"}}
			b.judge(ctx, &f, chaos.Latency{On: b.ct, Service: name, Add: 1})
			out = append(out, f)
		case failedScalingMetric:
			b.plan.Touches.Alarms = append(b.plan.Touches.Alarms, a.Name)
			for _, svc := range b.tgt.Spec.Services {
				if len(svc.Policies) == 0 || svc.Policies[0].PredefinedMetric == "" {
					continue
				}
				name := b.tgt.Names.ServiceOf(svc)
				f := Fault{Experiment: alarms.Name + "." + a.Name + ".alarm-on-launch-failures", Suite: alarms.Name, Labels: alarmLabels, Kind: "launch-failures",
					On:     "every task " + name + " launches during a scale-out",
					Revert: "the launch-failures hook removed (sandbox fault hooks)",
					Window: fmt.Sprintf("%s in ALARM within %d period(s) of %s and a minute of the first failed launch", a.Name, a.EvaluationPeriods, period),
					Calls:  []string{"application-autoscaling DescribeScalingActivities", "ecs DescribeTasks", "cloudwatch DescribeAlarms"}}
				b.judge(ctx, &f, chaos.LaunchFailures{On: b.ct, Service: name})
				out = append(out, f)
				break
			}
		}
	}
	return out
}

func (b *builder) drills(ctx context.Context) []Fault {
	p := b.tgt.Spec
	var out []Fault
	procedures := []struct {
		id      string
		desired []spec.DesiredCount
		bounds  []spec.CapacityChange
	}{
		{"emergency-manual-scaling", p.Emergency.DesiredCounts, nil},
		{"manual-scaling-procedures", p.ManualScaling.DesiredCounts, p.ManualScaling.ScalableTargets},
		{"pre-scaling-for-known-events", nil, p.PreScaling.ScalableTargets},
	}
	cluster := b.tgt.Names.ClusterOf(p)
	for _, pr := range procedures {
		for _, c := range pr.bounds {
			svc, ok := b.service(c.Service)
			if !ok {
				continue
			}
			resource := "service/" + cluster + "/" + b.tgt.Names.ServiceOf(svc)
			f := Fault{Experiment: drills.Name + "." + pr.id, Suite: drills.Name, Labels: drillLabels, Kind: "scalable-target-bounds",
				On:     fmt.Sprintf("%s, to %d-%d", resource, c.MinCapacity, c.MaxCapacity),
				Revert: "the bounds read before the change put back (RegisterScalableTarget)",
				Window: "the desired count raised to the new minimum at once",
				Calls:  []string{"application-autoscaling DescribeScalableTargets", "application-autoscaling RegisterScalableTarget (change and revert)"}}
			if inj, err := chaos.NewScalableTargetBounds(ctx, b.ct, resource, int32(c.MinCapacity), int32(c.MaxCapacity)); err != nil {
				f.Limits = "not judged: " + err.Error()
			} else {
				b.judge(ctx, &f, inj)
			}
			out = append(out, f)
		}
		for _, d := range pr.desired {
			svc, ok := b.service(d.Service)
			if !ok {
				continue
			}
			name := b.tgt.Names.ServiceOf(svc)
			f := Fault{Experiment: drills.Name + "." + pr.id, Suite: drills.Name, Labels: drillLabels, Kind: "desired-count",
				On:     fmt.Sprintf("%s, to %d", name, d.DesiredCount),
				Revert: "the desired count read before the change put back (UpdateService)",
				Window: "the count holds inside the service's bounds, or the next scaling activity sets it back",
				Calls:  []string{"ecs DescribeServices", "ecs UpdateService (change and revert)"}}
			if inj, err := chaos.NewDesiredCount(ctx, b.ct, name, int32(d.DesiredCount), d.ForceNewDeployment); err != nil {
				f.Limits = "not judged: " + err.Error()
			} else {
				b.judge(ctx, &f, inj)
			}
			out = append(out, f)
		}
	}
	return out
}

func (b *builder) failover(ctx context.Context) []Fault {
	p := b.tgt.Spec
	if len(p.Route53.HealthChecks) == 0 {
		return nil
	}
	hc, fo := p.Route53.HealthChecks[0], p.Experiments.Failover
	window := fmt.Sprintf("primary health check unhealthy within %d x %s + %s; answers on the failover region within %s; clients recovered within %s",
		hc.FailureThreshold, hc.RequestInterval, fo.ProbeTimeout, fo.AnswerTTL, fo.RecoveryBudget)
	var out []Fault
	for _, e := range []struct {
		name, on string
		whole    bool
	}{
		{"refuse", "the load balancer of " + b.tgt.Regions.Primary + ", which refuses connections", false},
		{"outage", "all of " + b.tgt.Regions.Primary + " at once: its load balancer, and the Redis nodes and sentinel there", true},
	} {
		inj := chaos.RegionDown{On: b.ct, Region: b.tgt.Regions.Primary, Mode: chaos.Refuse, Whole: e.whole}
		f := Fault{Experiment: failover.Name + "." + e.name, Suite: failover.Name, Labels: failoverLabels, Kind: inj.Kind(),
			On: e.on, Revert: "everything back on the same addresses (sandbox fault hooks; on AWS, FIS)", Window: window,
			Calls: []string{"route53 GetHealthCheckStatus", "route53 ListResourceRecordSets"}}
		b.judge(ctx, &f, inj)
		out = append(out, f)
	}
	return out
}

// data is the data suite's faults: the Redis primary, a replica and the
// primary's whole region, then MongoDB's primary and secondaries where a
// replica set is reachable.
func (b *builder) data(ctx context.Context) []Fault {
	p := b.tgt.Spec
	d := p.Experiments.Data
	group := b.tgt.Names.ReplicationGroup
	if group != "" {
		b.plan.Touches.ReplicationGroups = append(b.plan.Touches.ReplicationGroups, group)
	}
	election := fmt.Sprintf("a new primary within %s (failovers %s apart); no acknowledged write lost; the writes lost under the RPO", d.Redis.Within, d.Redis.Spacing)
	faults := []struct {
		experiment, on, revert, window string
		inj                            chaos.Injector
		calls                          []string
	}{
		{"redis.primary-loss", "the Redis primary of " + group + " (SIGKILL)", "the node restarted as a replica of the new primary", election,
			chaos.RedisNode{On: b.ct, Role: "primary", Action: "kill"}, nil},
		{"redis.replica-loss", "a replica of " + group + " (SIGKILL)", "the node restarted as a replica", fmt.Sprintf("no write acknowledged without its copy; the replica resynced within %s", d.Resync),
			chaos.RedisNode{On: b.ct, Role: "replica", Action: "kill"}, nil},
		{"redis.region-outage", "the region of " + group + "'s primary at once: its load balancer, Redis nodes and sentinel", "everything back on the same addresses", election,
			chaos.RegionDown{On: b.ct, Region: b.tgt.Regions.Primary, Mode: chaos.Refuse, Whole: true}, []string{"elasticache DescribeReplicationGroups"}},
		{"mongo.primary-loss", "the MongoDB primary (SIGKILL)", "the member restarted on its data", fmt.Sprintf("a new primary within %s; no majority-acknowledged write lost", d.MongoDB.Within),
			chaos.MongoNode{On: b.ct, Role: "primary", Count: 1}, nil},
		{"mongo.secondary-loss", "one, then both MongoDB secondaries (SIGKILL)", "the members restarted on their data", "majority writes go on with one lost and stall with both",
			chaos.MongoNode{On: b.ct, Role: "secondary", Count: 2}, nil},
	}
	var out []Fault
	for _, x := range faults {
		f := Fault{Experiment: data.Name + "." + x.experiment, Suite: data.Name, Labels: dataLabels, Kind: x.inj.Spec().Kind,
			On: x.on, Revert: x.revert, Window: x.window, Calls: x.calls}
		b.judge(ctx, &f, x.inj)
		out = append(out, f)
	}
	return out
}
