package scaling

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/timeline"
)

// service is one of the platform's services as the suite sees it: only
// through the target's AWS APIs.
type service struct {
	f        *framework.Framework
	spec     spec.Service
	cluster  string
	name     string
	resource string

	mu       sync.Mutex
	recorded map[string]bool
}

func newService(f *framework.Framework, s spec.Service) *service {
	n := f.Target.Names
	return &service{f: f, spec: s, cluster: n.ClusterOf(f.Target.Spec), name: n.ServiceOf(s), resource: n.ResourceID(f.Target.Spec, s)}
}

// counts reads the service's desired and running task counts (ECS
// DescribeServices).
func (s *service) counts(ctx context.Context) (desired, running int, err error) {
	svcs, err := s.f.Target.AWS.Services(ctx, s.cluster, s.name)
	if err != nil {
		return 0, 0, err
	}
	if len(svcs) != 1 {
		return 0, 0, fmt.Errorf("ecs DescribeServices: no service %s in cluster %s", s.name, s.cluster)
	}
	desired, running = int(svcs[0].DesiredCount), int(svcs[0].RunningCount)
	s.f.Note(fmt.Sprintf("%s desired %d running %d", s.spec.ID, desired, running))
	s.f.Timeline.Append(s.f.Now(), timeline.CapacitySample{Service: s.spec.ID, Desired: desired, Running: running, Pending: int(svcs[0].PendingCount)})
	return desired, running, nil
}

// changes reads the service's successful changes of desired count since
// a platform instant, oldest first (Application Auto Scaling
// DescribeScalingActivities), chained from the desired count before.
func (s *service) changes(ctx context.Context, since time.Time, before int) ([]activity, error) {
	acts, err := s.f.Target.AWS.ScalingActivities(ctx, s.resource)
	if err != nil {
		return nil, err
	}
	slices.Reverse(acts)
	s.record(acts)
	var out []activity
	prev := before
	for _, a := range acts {
		var n int
		if a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful || a.StartTime == nil || a.StartTime.Before(since) {
			continue
		}
		if _, err := fmt.Sscanf(deref(a.Description), "Setting desired count to %d.", &n); err != nil || n == prev {
			continue
		}
		out = append(out, activity{At: *a.StartTime, From: prev, To: n, Cause: deref(a.Cause), Message: deref(a.StatusMessage)})
		prev = n
	}
	return out, nil
}

// record puts each activity on the timeline once, when it has ended.
func (s *service) record(acts []aastypes.ScalingActivity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorded == nil {
		s.recorded = map[string]bool{}
	}
	for _, a := range acts {
		id := deref(a.ActivityId)
		if s.recorded[id] || a.EndTime == nil || a.StartTime == nil {
			continue
		}
		s.recorded[id] = true
		s.f.Timeline.Append(*a.StartTime, timeline.ScalingActivity{ActivityID: id, ResourceID: deref(a.ResourceId), Cause: deref(a.Cause),
			Description: deref(a.Description), StatusCode: string(a.StatusCode), StatusMessage: deref(a.StatusMessage), StartTime: *a.StartTime, EndTime: *a.EndTime})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// perTask is what one task serves per second at full utilisation.
func (s *service) perTask() float64 {
	return s.spec.Allocation.VCPU * s.f.Target.Spec.Experiments.Load.RequestsPerVCPU
}

// cpuPublished is the evidence that the platform published the CPU
// datapoints its alarms evaluate: a minute of load without one is a
// platform whose metrics fell behind (on the sandbox, work that fell behind
// its clock), and a window judged across it says nothing about the policy.
// Minutes still inside CloudWatch's publication delay are not asked for.
func (s *service) cpuPublished(since time.Time) framework.Evidence {
	return func(ctx context.Context) string {
		from, to := since.Truncate(period).Add(period), s.f.Now().Truncate(period).Add(-publication)
		if !to.After(from) {
			return ""
		}
		points, err := s.f.Target.AWS.Datapoints(ctx, "AWS/ECS", "CPUUtilization", map[string]string{"ClusterName": s.cluster, "ServiceName": s.name},
			cwtypes.StatisticAverage, period, from, to)
		if err != nil {
			return ""
		}
		have := map[time.Time]bool{}
		for _, p := range points {
			have[p.Timestamp.Truncate(period)] = true
		}
		var missing []string
		for m := from; m.Before(to); m = m.Add(period) {
			if !have[m] {
				missing = append(missing, m.Format("15:04"))
			}
		}
		if len(missing) == 0 {
			return ""
		}
		return fmt.Sprintf("CloudWatch has no CPUUtilization datapoint of %s for the minutes %s under load: the platform's metrics fell behind, so its alarms could not act when AWS's rules say",
			s.name, strings.Join(missing, ", "))
	}
}
