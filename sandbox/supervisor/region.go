package supervisor

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/ecs"
	"github.com/gameday-sre/gameday/sandbox/endpoint"
	"github.com/gameday-sre/gameday/sandbox/fis"
	"github.com/gameday-sre/gameday/sandbox/lb"
	"github.com/gameday-sre/gameday/sandbox/queue"
	"github.com/gameday-sre/gameday/sandbox/scalingalarms"
	"github.com/gameday-sre/gameday/spec"
)

// regionAddrs are the regions' load balancer addresses, primary first: a
// loopback address of each region's own, so that taking one region down
// cannot touch the other's sockets.
var regionAddrs = []string{"127.0.1.1:0", "127.0.2.1:0"}

// region is one AWS region of the platform: its own CloudWatch, AI queue,
// load balancer, ECS cluster and Application Auto Scaling.
type region struct {
	name     string
	log      *slog.Logger
	cw       *cloudwatch.Engine
	queue    *queue.Queue
	balancer *lb.LoadBalancer
	ecs      *ecs.ControlPlane
	scaling  *autoscaling.Engine
	// fis is the region's FIS, started with the AWS endpoint.
	fis *fis.Engine
	// stopActions stops the alarms' actions (scalingalarms.Act).
	stopActions func()
}

// queuePath is where the control endpoint serves the region's AI queue.
func queuePath(region string) string { return "/regions/" + region }

// startRegion starts a region's engines and load balancer; its services
// come with configure.
func (s *sandbox) startRegion(index int, name, addr string, o Options) (*region, error) {
	p := s.cfg.Platform
	r := &region{name: name, log: s.log.With("region", name)}
	r.cw = cloudwatch.New(s.clock, cloudwatch.WithRegion(name))
	// A lease outlives the real time an AI task needs for an item at any
	// time scale.
	r.queue = queue.New(queue.WithClock(s.clock), queue.WithLeaseTimeout(time.Duration(s.cfg.TimeScale*30)*time.Second))

	sink := metricSink{cw: r.cw, log: r.log, lag: s.lag}
	tlsCfg, err := regionTLS(p, index, addr)
	if err != nil {
		return r, fmt.Errorf("%s TLS certificate: %w", name, err)
	}
	lbCfg := lb.Config{Name: "main-alb", ID: loadBalancerID(p), Region: name, Addr: addr, HTTPSAddr: addr, TLS: tlsCfg,
		RequestWeight: s.cfg.TimeScale,
		// The health checks skip the exchange with a task whose process
		// ECS has seen neither exit nor be changed by a fault.
		Unchanged: func(t lb.Target) <-chan struct{} { return r.ecs.Unchanged(t) }}
	for _, svc := range p.Services {
		// The runbook sets no deregistration delay, so the target groups
		// have AWS's default, 300 s (lb.DefaultDeregistrationDelay). It is
		// an upper bound: a draining target leaves as soon as its
		// in-flight requests have finished.
		lbCfg.TargetGroups = append(lbCfg.TargetGroups, lb.TargetGroupConfig{Name: svc.TargetGroup, DeregistrationDelay: lb.DefaultDeregistrationDelay})
		switch svc.ID {
		case "api":
			lbCfg.Rules = append(lbCfg.Rules, lb.Rule{PathPattern: "/v1/*", TargetGroup: svc.TargetGroup})
		case "frontend":
			lbCfg.DefaultTargetGroup = svc.TargetGroup
		}
	}
	if r.balancer, err = lb.New(lbCfg, s.clock, sink); err != nil {
		return r, fmt.Errorf("%s load balancer: %w", name, err)
	}

	delays := map[string]time.Duration{}
	var undrained []string
	for _, svc := range p.Services {
		delays[svc.ECSService] = s.cfg.TaskStartDelay[svc.ID]
		if slices.Contains(s.cfg.NoDraining, svc.ID) {
			undrained = append(undrained, svc.ECSService)
		}
	}
	// The tasks' stats files, per region: task ids repeat across clusters.
	statsDir := o.Dir.File(filepath.Join("tasks", name))
	if err := os.MkdirAll(statsDir, 0o755); err != nil {
		return r, fmt.Errorf("%s ECS: %w", name, err)
	}
	r.ecs, err = ecs.New(ecs.Config{
		ClusterName:        p.Cluster,
		Region:             name,
		Command:            s.taskCommand(o.TaskCommand, name),
		ServiceStartDelays: delays,
		TargetGroups:       r.balancer,
		NoDraining:         undrained,
		Metrics:            sink,
		StatsDir:           statsDir,
		Processes:          o.Dir,
		OnStopped:          r.publishFailedLaunch,
		Logger:             r.log,
		TaskOutput:         o.Log,
	}, s.clock)
	if err != nil {
		return r, fmt.Errorf("%s ECS: %w", name, err)
	}
	r.scaling = autoscaling.New(r.ecs, scalingalarms.New(r.cw), s.clock,
		autoscaling.WithRegion(name),
		autoscaling.WithDeployments(r.ecs),
		autoscaling.OnFailedActivity(r.publishFailedActivity))
	r.stopActions = scalingalarms.Act(r.cw, r.scaling, r.log)
	return r, nil
}

func (r *region) engines() endpoint.Region {
	return endpoint.Region{ECS: r.ecs, AutoScaling: r.scaling, CloudWatch: r.cw, FIS: r.fis}
}

func (r *region) close() {
	// Experiments first: they revert their faults on the other engines.
	if r.fis != nil {
		r.fis.Close()
	}
	if r.stopActions != nil {
		r.stopActions()
	}
	if r.ecs != nil {
		r.ecs.Close()
	}
	if r.balancer != nil {
		r.balancer.Close()
	}
}

// tick is CloudWatch's and Application Auto Scaling's minute: alarms are
// evaluated, their transitions invoke their actions (scalingalarms.Act),
// then Application Auto Scaling re-invokes the policies of alarms still in
// ALARM.
func (r *region) tick(p *spec.Platform, now time.Time) {
	r.publishQueueDepth(p, now)
	r.cw.Evaluate(now)
	r.scaling.Tick(now)
}

func (r *region) publishQueueDepth(p *spec.Platform, now time.Time) {
	depth := float64(r.queue.Depth())
	err := r.cw.PutMetricData("AIWritingEnhancement", []cloudwatch.MetricDatum{{
		MetricName: "AIServiceQueueDepth", Dimensions: []cloudwatch.Dimension{{Name: "ServiceName", Value: ecsName(p, "ai")}},
		Timestamp: now, Value: &depth, Unit: "Count",
	}})
	if err != nil {
		r.log.Error("publishing queue depth", "err", err)
	}
}

// publishFailedActivity and publishFailedLaunch are the platform's
// publisher of the runbook's custom FailedScalingActivity metric (decision
// custom-AIWritingEnhancement-FailedScalingActivity): one count for every
// scaling activity that fails, and for every task that fails to start,
// the capacity a scaling activity asked for and did not get. Application
// Auto Scaling's own activity succeeds once ECS accepts the desired count;
// a launch failure shows only in ECS, so the publisher watches both.
func (r *region) publishFailedActivity(a autoscaling.ScalingActivity) {
	r.publishFailure(a.StartTime)
}

func (r *region) publishFailedLaunch(t ecs.Task) {
	if t.StopCode == ecs.StopCodeTaskFailedToStart {
		r.publishFailure(t.StoppedAt)
	}
}

func (r *region) publishFailure(at time.Time) {
	one := 1.0
	err := r.cw.PutMetricData("AIWritingEnhancement", []cloudwatch.MetricDatum{{
		MetricName: "FailedScalingActivity", Timestamp: at, Value: &one, Unit: "Count",
	}})
	if err != nil {
		r.log.Error("publishing FailedScalingActivity", "err", err)
	}
}

// status adds the region's services, alarms and recent activities to st.
func (r *region) status(p *spec.Platform, st *Status) {
	names := make([]string, len(p.Services))
	for i, svc := range p.Services {
		names[i] = svc.ECSService
	}
	bounds := map[string]autoscaling.ScalableTarget{}
	if out, err := r.scaling.DescribeScalableTargets(autoscaling.DescribeScalableTargetsInput{ServiceNamespace: "ecs"}); err == nil {
		for _, t := range out.ScalableTargets {
			bounds[t.ResourceId] = t
		}
	}
	if out, err := r.ecs.DescribeServices(ecs.DescribeServicesInput{Cluster: p.Cluster, Services: names}); err == nil {
		for _, svc := range out.Services {
			b := bounds[resourceID(p, svc.ServiceName)]
			st.Services = append(st.Services, ServiceStatus{Region: r.name, Name: svc.ServiceName, Desired: svc.DesiredCount, Running: svc.RunningCount,
				Pending: svc.PendingCount, Min: int(b.MinCapacity), Max: int(b.MaxCapacity)})
		}
	}
	if out, err := r.cw.DescribeAlarms(cloudwatch.DescribeAlarmsInput{MaxRecords: 100}); err == nil {
		for _, a := range out.MetricAlarms {
			st.Alarms = append(st.Alarms, AlarmStatus{Region: r.name, Name: a.AlarmName, State: string(a.StateValue), Since: a.StateUpdatedTimestamp})
		}
	}
	if out, err := r.scaling.DescribeScalingActivities(autoscaling.DescribeScalingActivitiesInput{ServiceNamespace: "ecs", MaxResults: 10}); err == nil {
		for _, a := range out.ScalingActivities {
			st.Activities = append(st.Activities, Activity{Region: r.name, Resource: a.ResourceId, Description: a.Description, Status: string(a.StatusCode), Start: a.StartTime})
		}
	}
}

// targetGroupDimension is the TargetGroup dimension value of a target
// group of the region's load balancer.
func (r *region) targetGroupDimension(name string) (string, bool) {
	for _, g := range r.balancer.TargetGroups() {
		if g.Name == name {
			return g.Dimension, true
		}
	}
	return "", false
}

// loadBalancerID is the id the runbook's latency alarm names
// (app/main-alb/<id>), so that the alarm watches this load balancer.
func loadBalancerID(p *spec.Platform) string {
	for _, a := range p.Alarms {
		for _, d := range a.Dimensions {
			if d.Name == "LoadBalancer" {
				if _, id, ok := cutLast(d.Value); ok {
					return id
				}
			}
		}
	}
	return ""
}

func cutLast(s string) (string, string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

func (s *sandbox) taskCommand(prefix []string, region string) ecs.CommandFunc {
	byService := map[string]spec.Service{}
	for _, svc := range s.cfg.Platform.Services {
		byService[svc.ECSService] = svc
	}
	return func(t ecs.TaskSpec) ([]string, []string) {
		svc := byService[t.Service]
		args := append([]string{}, prefix...)
		args = append(args, "--service", svc.ID,
			"--vcpu", strconv.FormatFloat(float64(t.CPU)/1024, 'f', -1, 64),
			"--memory-mib", strconv.Itoa(t.MemoryMiB),
			"--listen", "127.0.0.1:0",
			"--task-id", t.TaskID,
			"--stats-file", t.StatsFile)
		if svc.ID != "frontend" {
			args = append(args, "--queue-url", s.endpoints.Control+queuePath(region))
		}
		return args, nil
	}
}

func ecsName(p *spec.Platform, id string) string {
	for _, svc := range p.Services {
		if svc.ID == id {
			return svc.ECSService
		}
	}
	return id
}

func resourceID(p *spec.Platform, service string) string {
	return "service/" + p.Cluster + "/" + service
}

// metricSink publishes what a load balancer and ECS measure into the
// region's CloudWatch, as AWS's own services publish into their
// namespaces.
type metricSink struct {
	cw  *cloudwatch.Engine
	log *slog.Logger
	// lag learns when each minute's metrics, published as it ends,
	// arrive.
	lag *minuteLag
}

func (m metricSink) Publish(namespace, metric string, dims []lb.Dimension, at time.Time, values []float64, unit string) {
	cwDims := make([]cloudwatch.Dimension, len(dims))
	for i, d := range dims {
		cwDims[i] = cloudwatch.Dimension{Name: d.Name, Value: d.Value}
	}
	if err := m.cw.PutServiceMetricData(namespace, []cloudwatch.MetricDatum{{MetricName: metric, Dimensions: cwDims, Timestamp: at, Values: values, Unit: cloudwatch.StandardUnit(unit)}}); err != nil {
		m.log.Error("publishing metric", "namespace", namespace, "metric", metric, "err", err)
	}
	// at is the start of the minute measured, due once it has ended.
	m.lag.done(at.Add(time.Minute))
}
