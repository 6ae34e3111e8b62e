// Package supervisor puts the sandbox together: it starts the engines on
// one platform clock, configures them from the spec as the runbook's
// commands would, runs the per-minute control loop, serves the sandbox's own
// control API, and writes the endpoints and target profile once every
// service runs its minimum number of tasks.
package supervisor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/fixtures/targets"
	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/sandbox/ecs"
	"github.com/gameday-sre/gameday/sandbox/endpoint"
	"github.com/gameday-sre/gameday/sandbox/lb"
	"github.com/gameday-sre/gameday/sandbox/queue"
	"github.com/gameday-sre/gameday/sandbox/scalingalarms"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/sandbox/task"
	"github.com/gameday-sre/gameday/spec"
)

// Options are what Run needs.
type Options struct {
	Config *config.Sandbox
	Dir    state.Dir
	// TaskCommand starts a task process; the task's flags are appended.
	TaskCommand []string
	Log         io.Writer
}

// primaryLBAddr is the primary region's load balancer address: a loopback
// address of its own, so a second region can have another.
const primaryLBAddr = "127.0.1.1:0"

// Run runs the sandbox until ctx is done, then stops everything it started.
func Run(ctx context.Context, o Options) (err error) {
	cfg := o.Config
	log := slog.New(slog.NewTextHandler(o.Log, nil))
	clk, err := clock.NewScaled(cfg.StartAt, cfg.TimeScale)
	if err != nil {
		return err
	}
	if err := o.Dir.Record(os.Getpid(), syscall.Getpgrp(), state.RoleSupervisor); err != nil {
		return err
	}
	defer o.Dir.Forget(os.Getpid())

	s := &sandbox{cfg: cfg, clock: clk, log: log}
	defer s.close()
	if err := s.start(o); err != nil {
		return err
	}
	if err := s.configure(); err != nil {
		return err
	}
	go s.controlLoop(ctx)
	if err := s.waitForMinimum(ctx); err != nil {
		return err
	}
	if err := s.publishEndpoints(o.Dir); err != nil {
		return err
	}
	log.Info("sandbox ready", "aws", s.endpoints.AWS, "loadBalancer", s.balancer.URL(), "clock", clk)
	<-ctx.Done()
	log.Info("sandbox stopping")
	return nil
}

type sandbox struct {
	cfg       *config.Sandbox
	clock     *clock.Scaled
	log       *slog.Logger
	cw        *cloudwatch.Engine
	queue     *queue.Queue
	balancer  *lb.LoadBalancer
	ecs       *ecs.ControlPlane
	scaling   *autoscaling.Engine
	servers   []*http.Server
	endpoints Endpoints
}

func (s *sandbox) region() string { return s.cfg.Platform.Regions.Primary.Name }

func (s *sandbox) start(o Options) error {
	p := s.cfg.Platform
	s.cw = cloudwatch.New(s.clock, cloudwatch.WithRegion(s.region()))
	// A lease outlives the real time an AI task needs for an item at any
	// time scale.
	s.queue = queue.New(queue.WithClock(s.clock), queue.WithLeaseTimeout(time.Duration(s.cfg.TimeScale*30)*time.Second))

	mux := http.NewServeMux()
	mux.Handle("/queue/", s.queue.Handler())
	mux.HandleFunc(StatusPath, s.serveStatus)
	mux.HandleFunc("POST "+LatencyPath, s.serveLatency)
	var err error
	if s.endpoints.Control, err = s.serve("control endpoint", mux); err != nil {
		return err
	}

	sink := metricSink{cw: s.cw, log: s.log}
	lbCfg := lb.Config{Name: "main-alb", ID: loadBalancerID(p), Region: s.region(), Addr: primaryLBAddr}
	for _, svc := range p.Services {
		lbCfg.TargetGroups = append(lbCfg.TargetGroups, lb.TargetGroupConfig{Name: svc.TargetGroup})
		switch svc.ID {
		case "api":
			lbCfg.Rules = append(lbCfg.Rules, lb.Rule{PathPattern: "/v1/*", TargetGroup: svc.TargetGroup})
		case "frontend":
			lbCfg.DefaultTargetGroup = svc.TargetGroup
		}
	}
	if s.balancer, err = lb.New(lbCfg, s.clock, sink); err != nil {
		return fmt.Errorf("load balancer: %w", err)
	}
	s.endpoints.LoadBalancers = map[string]string{s.region(): s.balancer.URL()}

	delays := map[string]time.Duration{}
	for _, svc := range p.Services {
		delays[svc.ECSService] = s.cfg.TaskStartDelay[svc.ID]
	}
	s.ecs, err = ecs.New(ecs.Config{
		ClusterName:        p.Cluster,
		Region:             s.region(),
		Command:            s.taskCommand(o.TaskCommand),
		ServiceStartDelays: delays,
		TargetGroups:       s.balancer,
		Metrics:            sink,
		Processes:          o.Dir,
		Logger:             s.log,
		TaskOutput:         o.Log,
	}, s.clock)
	if err != nil {
		return fmt.Errorf("ECS: %w", err)
	}
	s.scaling = autoscaling.New(s.ecs, scalingalarms.New(s.cw, s.clock), s.clock,
		autoscaling.WithRegion(s.region()),
		autoscaling.WithDeployments(s.ecs),
		autoscaling.OnFailedActivity(s.publishFailedActivity))

	aws, err := endpoint.New(map[string]endpoint.Region{
		s.region(): {ECS: s.ecs, AutoScaling: s.scaling, CloudWatch: s.cw},
	}, s.region(), s.log)
	if err != nil {
		return err
	}
	s.endpoints.AWS, err = s.serve("AWS endpoint", aws)
	return err
}

// serve serves h on a free loopback port until the sandbox closes and
// returns its URL.
func (s *sandbox) serve(what string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
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

func (s *sandbox) taskCommand(prefix []string) ecs.CommandFunc {
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
			"--task-id", t.TaskID)
		if svc.ID != "frontend" {
			args = append(args, "--queue-url", s.endpoints.Control)
		}
		return args, nil
	}
}

func (s *sandbox) close() {
	if s.ecs != nil {
		s.ecs.Close()
	}
	if s.balancer != nil {
		s.balancer.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range s.servers {
		srv.Shutdown(ctx)
	}
}

// controlLoop is CloudWatch's and Application Auto Scaling's minute: alarms
// are evaluated, then the policies they invoke run, at each platform minute.
func (s *sandbox) controlLoop(ctx context.Context) {
	t := s.clock.NewTicker(autoscaling.TickInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C():
			s.publishQueueDepth(now)
			s.cw.Evaluate(now)
			s.scaling.Tick(now)
		}
	}
}

func (s *sandbox) publishQueueDepth(now time.Time) {
	depth := float64(s.queue.Depth())
	err := s.cw.PutMetricData("AIWritingEnhancement", []cloudwatch.MetricDatum{{
		MetricName: "AIServiceQueueDepth", Dimensions: []cloudwatch.Dimension{{Name: "ServiceName", Value: s.ecsName("ai")}},
		Timestamp: now, Value: &depth, Unit: "Count",
	}})
	if err != nil {
		s.log.Error("publishing queue depth", "err", err)
	}
}

func (s *sandbox) publishFailedActivity(a autoscaling.ScalingActivity) {
	one := 1.0
	err := s.cw.PutMetricData("AIWritingEnhancement", []cloudwatch.MetricDatum{{
		MetricName: "FailedScalingActivity", Timestamp: a.StartTime, Value: &one, Unit: "Count",
	}})
	if err != nil {
		s.log.Error("publishing FailedScalingActivity", "err", err)
	}
}

func (s *sandbox) ecsName(id string) string {
	for _, svc := range s.cfg.Platform.Services {
		if svc.ID == id {
			return svc.ECSService
		}
	}
	return id
}

func (s *sandbox) waitForMinimum(ctx context.Context) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		st := s.status()
		ready := true
		for _, svc := range st.Services {
			ready = ready && svc.Running >= svc.Min
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("stopped before every service reached its minimum")
		case <-t.C:
		}
	}
}

func (s *sandbox) publishEndpoints(dir state.Dir) error {
	p := s.cfg.Platform
	profile := &targets.Profile{
		Name:        "local",
		Description: "the sandbox started by gameday sandbox up in " + dir.Path,
		Regions:     targets.Regions{Primary: p.Regions.Primary.Name, Failover: p.Regions.Failover.Name},
		Endpoints:   targets.Endpoints{AWS: s.endpoints.AWS, LoadBalancers: s.endpoints.LoadBalancers},
		Clock:       &targets.Clock{Scale: s.cfg.TimeScale, PlatformOrigin: s.clock.Now(), RealOrigin: time.Now()},
		Serves:      []string{"ecs", "application-autoscaling", "cloudwatch"},
	}
	if err := targets.Write(dir.File("target.yaml"), profile); err != nil {
		return err
	}
	return dir.WriteJSON(ReadyFile, s.endpoints)
}

func (s *sandbox) serveStatus(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.status())
}

// LatencyPath adds latency to every running task of a service:
// POST /_sandbox/latency?service=api-service&add=800ms&jitter=50ms; add=0
// removes it. Tasks started later run without it.
const LatencyPath = "/_sandbox/latency"

func (s *sandbox) serveLatency(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	add, err := time.ParseDuration(q.Get("add"))
	if err != nil {
		http.Error(w, "add: want a duration such as 800ms", http.StatusBadRequest)
		return
	}
	jitter, _ := time.ParseDuration(q.Get("jitter"))
	service, n := q.Get("service"), 0
	for _, p := range s.ecs.Processes() {
		if p.Service != service || p.URL == "" {
			continue
		}
		if err := task.SetLatency(r.Context(), p.URL, task.Latency{Add: add, Jitter: jitter}); err != nil {
			http.Error(w, fmt.Sprintf("task %s: %v", p.TaskArn, err), http.StatusBadGateway)
			return
		}
		n++
	}
	if n == 0 {
		http.Error(w, fmt.Sprintf("no running task of service %q", service), http.StatusNotFound)
		return
	}
	fmt.Fprintf(w, "latency %s (jitter %s) on %d tasks of %s\n", add, jitter, n, service)
}

func (s *sandbox) status() Status {
	p := s.cfg.Platform
	st := Status{PlatformTime: s.clock.Now(), Clock: s.clock.String(), Endpoints: s.endpoints, Deviations: []string{}}
	for _, d := range s.cfg.Deviations {
		st.Deviations = append(st.Deviations, d.String())
	}
	names := make([]string, len(p.Services))
	for i, svc := range p.Services {
		names[i] = svc.ECSService
	}
	bounds := map[string]autoscaling.ScalableTarget{}
	if out, err := s.scaling.DescribeScalableTargets(autoscaling.DescribeScalableTargetsInput{ServiceNamespace: "ecs"}); err == nil {
		for _, t := range out.ScalableTargets {
			bounds[t.ResourceId] = t
		}
	}
	if out, err := s.ecs.DescribeServices(ecs.DescribeServicesInput{Cluster: p.Cluster, Services: names}); err == nil {
		for _, svc := range out.Services {
			b := bounds[resourceID(p, svc.ServiceName)]
			st.Services = append(st.Services, ServiceStatus{Name: svc.ServiceName, Desired: svc.DesiredCount, Running: svc.RunningCount, Pending: svc.PendingCount, Min: int(b.MinCapacity), Max: int(b.MaxCapacity)})
		}
	}
	if out, err := s.cw.DescribeAlarms(cloudwatch.DescribeAlarmsInput{MaxRecords: 100}); err == nil {
		for _, a := range out.MetricAlarms {
			st.Alarms = append(st.Alarms, AlarmStatus{Name: a.AlarmName, State: string(a.StateValue), Since: a.StateUpdatedTimestamp})
		}
	}
	if out, err := s.scaling.DescribeScalingActivities(autoscaling.DescribeScalingActivitiesInput{ServiceNamespace: "ecs", MaxResults: 10}); err == nil {
		for _, a := range out.ScalingActivities {
			st.Activities = append(st.Activities, Activity{Resource: a.ResourceId, Description: a.Description, Status: string(a.StatusCode), Start: a.StartTime})
		}
	}
	return st
}

func resourceID(p *spec.Platform, service string) string {
	return "service/" + p.Cluster + "/" + service
}

// metricSink publishes what the load balancer and ECS measure into
// CloudWatch, as AWS's own services publish into their namespaces.
type metricSink struct {
	cw  *cloudwatch.Engine
	log *slog.Logger
}

func (m metricSink) Publish(namespace, metric string, dims []lb.Dimension, at time.Time, values []float64, unit string) {
	cwDims := make([]cloudwatch.Dimension, len(dims))
	for i, d := range dims {
		cwDims[i] = cloudwatch.Dimension{Name: d.Name, Value: d.Value}
	}
	if err := m.cw.PutServiceMetricData(namespace, []cloudwatch.MetricDatum{{MetricName: metric, Dimensions: cwDims, Timestamp: at, Values: values, Unit: cloudwatch.StandardUnit(unit)}}); err != nil {
		m.log.Error("publishing metric", "namespace", namespace, "metric", metric, "err", err)
	}
}
