package chaos

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	awsdrv "github.com/gameday-sre/gameday/drivers/aws"
)

// ECSAPI is the part of the ECS API StopTasks uses; an *ecs.Client
// (drivers/aws Clients.ECS) is one.
type ECSAPI interface {
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, opts ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, opts ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	StopTask(ctx context.Context, in *ecs.StopTaskInput, opts ...func(*ecs.Options)) (*ecs.StopTaskOutput, error)
}

var _ ECSAPI = (*ecs.Client)(nil)

// StopReason is the reason StopTasks gives ECS, which shows on the
// stopped task.
const StopReason = "gameday chaos: stop-task"

// describeBatch is how many tasks DescribeTasks takes at once.
const describeBatch = 100

// StopTasks stops running tasks of a service through ECS StopTask, the
// oldest first: Count of them, or Percent of those running (rounded up, at
// least one). ECS replaces them itself, so its revert has nothing to undo
// and only records that the fault is over.
type StopTasks struct {
	On      Target
	Service string // the ECS service name
	Count   int
	Percent int
}

// OnFaultPath is the injector that stops the tasks the way the target
// runs its faults: an FIS experiment (FISStopTasks) where the target's
// profile says faults: fis, ECS StopTask otherwise.
func (s StopTasks) OnFaultPath() Injector {
	if s.On.ViaFIS {
		return FISStopTasks(s.On, s.Service, s.Count, s.Percent)
	}
	return s
}

// Spec implements Injector.
func (s StopTasks) Spec() Spec {
	p := map[string]string{"service": s.Service, "cluster": s.On.Cluster}
	if s.Count > 0 {
		p["count"] = strconv.Itoa(s.Count)
	}
	if s.Percent > 0 {
		p["percent"] = strconv.Itoa(s.Percent)
	}
	return Spec{Kind: "stop-task", Target: s.On.Name, Params: p, Undo: Undo{Nothing: "ECS replaces stopped tasks"}}
}

// Supported implements Checker.
func (s StopTasks) Supported() error {
	if s.On.ECS == nil {
		return unsupported{fmt.Sprintf("target %s does not serve ECS", s.On.Name)}
	}
	return nil
}

func (s StopTasks) validate() error {
	switch {
	case s.Service == "":
		return errors.New("stop-task: want a service")
	case (s.Count > 0) == (s.Percent > 0) || s.Count < 0 || s.Percent < 0:
		return fmt.Errorf("stop-task %s: want a count or a percentage of tasks, one of them, above zero (count %d, percent %d)", s.Service, s.Count, s.Percent)
	case s.Percent > 100:
		return fmt.Errorf("stop-task %s: percentage %d is above 100", s.Service, s.Percent)
	}
	return nil
}

// ToStop is how many tasks StopTasks stops of a service running so many.
func (s StopTasks) ToStop(running int) (int, error) {
	if err := s.validate(); err != nil {
		return 0, err
	}
	switch {
	case running == 0:
		return 0, fmt.Errorf("stop-task %s: the service runs no task", s.Service)
	case s.Count > running:
		return 0, fmt.Errorf("stop-task %s: count %d, but the service runs %d task(s)", s.Service, s.Count, running)
	case s.Count > 0:
		return s.Count, nil
	}
	return max(1, (running*s.Percent+99)/100), nil
}

// Inject implements Injector. If a StopTask call fails, the tasks already
// stopped stay stopped (ECS replaces them) and the error names them.
func (s StopTasks) Inject(ctx context.Context) (Injected, error) {
	if err := s.Supported(); err != nil {
		return Injected{}, err
	}
	if err := s.validate(); err != nil {
		return Injected{}, err
	}
	tasks, err := s.running(ctx)
	if err != nil {
		return Injected{}, err
	}
	n, err := s.ToStop(len(tasks))
	if err != nil {
		return Injected{}, err
	}
	reason := StopReason
	var stopped []string
	for _, t := range tasks[:n] {
		_, err := s.On.ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: &s.On.Cluster, Task: t.TaskArn, Reason: &reason})
		if err != nil {
			err = &awsdrv.Error{Operation: "ecs StopTask", Resource: "task " + *t.TaskArn, Err: err}
			if len(stopped) > 0 {
				err = fmt.Errorf("%w (stopped before it: %s, which ECS replaces)", err, strings.Join(stopped, " "))
			}
			return Injected{}, err
		}
		stopped = append(stopped, taskID(*t.TaskArn))
	}
	return Injected{
		Revert: func(context.Context) error { return nil },
		Note:   fmt.Sprintf("stopped %d of %d running task(s) of %s: %s", n, len(tasks), s.Service, strings.Join(stopped, " ")),
	}, nil
}

// running lists the service's running tasks, oldest first.
func (s StopTasks) running(ctx context.Context) ([]ecstypes.Task, error) {
	resource := "service " + s.On.Cluster + "/" + s.Service
	var arns []string
	pages := ecs.NewListTasksPaginator(s.On.ECS, &ecs.ListTasksInput{Cluster: &s.On.Cluster, ServiceName: &s.Service, DesiredStatus: ecstypes.DesiredStatusRunning})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, &awsdrv.Error{Operation: "ecs ListTasks", Resource: resource, Err: err}
		}
		arns = append(arns, page.TaskArns...)
	}
	var running []ecstypes.Task
	for batch := range slices.Chunk(arns, describeBatch) {
		out, err := s.On.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: &s.On.Cluster, Tasks: batch})
		if err != nil {
			return nil, &awsdrv.Error{Operation: "ecs DescribeTasks", Resource: resource, Err: err}
		}
		for _, t := range out.Tasks {
			if t.TaskArn != nil && t.LastStatus != nil && *t.LastStatus == "RUNNING" {
				running = append(running, t)
			}
		}
	}
	slices.SortStableFunc(running, func(a, b ecstypes.Task) int {
		if c := cmpTime(a, b); c != 0 {
			return c
		}
		return cmp.Compare(*a.TaskArn, *b.TaskArn)
	})
	return running, nil
}

// cmpTime orders tasks by start, those without a start time last.
func cmpTime(a, b ecstypes.Task) int {
	switch {
	case a.StartedAt == nil || b.StartedAt == nil:
		return cmp.Compare(boolInt(a.StartedAt == nil), boolInt(b.StartedAt == nil))
	}
	return a.StartedAt.Compare(*b.StartedAt)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func taskID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }
