// Package platform is the platform's services as a suite sees them: only
// through the target's AWS APIs (ECS DescribeServices, Application Auto
// Scaling DescribeScalingActivities, CloudWatch), with every reading put
// on the suite's timeline, and the rules by which AWS's target tracking
// acts on them.
package platform

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/gameday-sre/gameday/drivers/load"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/timeline"
)

// Service is one of the platform's services.
type Service struct {
	f *framework.Framework
	// Spec is what the spec says of it; Cluster, Name and Resource are
	// its ECS cluster and service names and its scalable target's id.
	Spec     spec.Service
	Cluster  string
	Name     string
	Resource string

	mu       sync.Mutex
	recorded map[string]bool
}

// routes are the platform's public routes by service id: where load on a
// service goes on a region's load balancer. The AI service has none; it
// works the queue the API fills.
var routes = map[string]string{"frontend": "/", "api": "/v1/documents/d1"}

// LoadTarget is where load on the service goes: its public route on the
// primary region's load balancer; ok is false for a service with no route
// or a target with no load balancer there.
func (s *Service) LoadTarget() (t load.Target, ok bool) {
	base := s.f.Target.Endpoints.LoadBalancers[s.f.Target.Regions.Primary]
	route, found := routes[s.Spec.ID]
	if !found || base == "" {
		return load.Target{}, false
	}
	return load.Target{Service: s.Spec.ID, URL: base + route}, true
}

// New is the service s of the suite's target.
func New(f *framework.Framework, s spec.Service) *Service {
	n := f.Target.Names
	return &Service{f: f, Spec: s, Cluster: n.ClusterOf(f.Target.Spec), Name: n.ServiceOf(s), Resource: n.ResourceID(f.Target.Spec, s)}
}

// Named is the spec's service with the id, or nil.
func Named(f *framework.Framework, id string) *Service {
	for _, s := range f.Target.Spec.Services {
		if s.ID == id {
			return New(f, s)
		}
	}
	return nil
}

// Counts reads the service's desired and running task counts (ECS
// DescribeServices).
func (s *Service) Counts(ctx context.Context) (desired, running int, err error) {
	svcs, err := s.f.Target.AWS.Services(ctx, s.Cluster, s.Name)
	if err != nil {
		return 0, 0, err
	}
	if len(svcs) != 1 {
		return 0, 0, fmt.Errorf("ecs DescribeServices: no service %s in cluster %s", s.Name, s.Cluster)
	}
	desired, running = int(svcs[0].DesiredCount), int(svcs[0].RunningCount)
	s.f.Note(fmt.Sprintf("%s desired %d running %d", s.Spec.ID, desired, running))
	s.f.Timeline.Append(s.f.Now(), timeline.CapacitySample{Service: s.Spec.ID, Desired: desired, Running: running, Pending: int(svcs[0].PendingCount)})
	return desired, running, nil
}

// Changes reads the service's successful changes of desired count since
// a platform instant, oldest first (Application Auto Scaling
// DescribeScalingActivities), chained from the desired count before.
func (s *Service) Changes(ctx context.Context, since time.Time, before int) ([]Activity, error) {
	acts, err := s.f.Target.AWS.ScalingActivities(ctx, s.Resource)
	if err != nil {
		return nil, err
	}
	slices.Reverse(acts)
	s.record(acts)
	var out []Activity
	prev := before
	for _, a := range acts {
		var n int
		if a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful || a.StartTime == nil || a.StartTime.Before(since) {
			continue
		}
		if _, err := fmt.Sscanf(aws.ToString(a.Description), "Setting desired count to %d.", &n); err != nil || n == prev {
			continue
		}
		out = append(out, Activity{At: *a.StartTime, From: prev, To: n, Cause: aws.ToString(a.Cause), Message: aws.ToString(a.StatusMessage)})
		prev = n
	}
	return out, nil
}

// record puts each activity on the timeline once, when it has ended.
func (s *Service) record(acts []aastypes.ScalingActivity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorded == nil {
		s.recorded = map[string]bool{}
	}
	for _, a := range acts {
		id := aws.ToString(a.ActivityId)
		if s.recorded[id] || a.EndTime == nil || a.StartTime == nil {
			continue
		}
		s.recorded[id] = true
		s.f.Timeline.Append(*a.StartTime, timeline.ScalingActivity{ActivityID: id, ResourceID: aws.ToString(a.ResourceId), Cause: aws.ToString(a.Cause),
			Description: aws.ToString(a.Description), StatusCode: string(a.StatusCode), StatusMessage: aws.ToString(a.StatusMessage), StartTime: *a.StartTime, EndTime: *a.EndTime})
	}
}

// PerTask is what one task serves per second at full utilisation.
func (s *Service) PerTask() float64 {
	return s.Spec.Allocation.VCPU * s.f.Target.Spec.Experiments.Load.RequestsPerVCPU
}

// CPUPublished is the evidence that the platform published the CPU
// datapoints its alarms evaluate: a minute of load without one is a
// platform whose metrics fell behind (on the sandbox, work that fell behind
// its clock), and a window judged across it says nothing about the policy.
// Minutes still inside CloudWatch's publication delay are not asked for.
func (s *Service) CPUPublished(since time.Time) framework.Evidence {
	return func(ctx context.Context) string {
		from, to := since.Truncate(Period).Add(Period), s.f.Now().Truncate(Period).Add(-Publication)
		if !to.After(from) {
			return ""
		}
		points, err := s.f.Target.AWS.Datapoints(ctx, "AWS/ECS", "CPUUtilization", map[string]string{"ClusterName": s.Cluster, "ServiceName": s.Name},
			cwtypes.StatisticAverage, Period, from, to)
		if err != nil {
			return ""
		}
		have := map[time.Time]bool{}
		for _, p := range points {
			have[p.Timestamp.Truncate(Period)] = true
		}
		var missing []string
		for m := from; m.Before(to); m = m.Add(Period) {
			if !have[m] {
				missing = append(missing, m.Format("15:04"))
			}
		}
		if len(missing) == 0 {
			return ""
		}
		return fmt.Sprintf("CloudWatch has no CPUUtilization datapoint of %s for the minutes %s under load: the platform's metrics fell behind, so its alarms could not act when AWS's rules say",
			s.Name, strings.Join(missing, ", "))
	}
}

// Steady waits, at most limit, until the service runs its desired count,
// and returns it.
func (s *Service) Steady(ctx context.Context, limit time.Duration) int {
	var desired int
	s.f.Eventually(ctx, fmt.Sprintf("%s to run its desired count", s.Name), limit, func(ctx context.Context) (bool, error) {
		d, running, err := s.Counts(ctx)
		desired = d
		return err == nil && d == running, err
	})
	return desired
}

// Tasks reads the service's running and recently stopped tasks (ECS
// ListTasks and DescribeTasks).
func (s *Service) Tasks(ctx context.Context) ([]ecstypes.Task, error) {
	return s.f.Target.AWS.Tasks(ctx, s.Cluster, s.Name)
}
