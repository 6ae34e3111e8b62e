package chaos

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestToStop(t *testing.T) {
	tests := []struct {
		count, percent, running int
		want                    int
		err                     string
	}{
		{count: 1, running: 4, want: 1},
		{count: 4, running: 4, want: 4},
		{count: 5, running: 4, err: "count 5, but the service runs 4 task(s)"},
		{percent: 50, running: 4, want: 2},
		{percent: 50, running: 3, want: 2},  // 1.5 rounds up
		{percent: 10, running: 3, want: 1},  // 0.3 rounds up
		{percent: 1, running: 200, want: 2}, // exact
		{percent: 34, running: 3, want: 2},  // 1.02 rounds up
		{percent: 33, running: 3, want: 1},  // 0.99 rounds up
		{percent: 100, running: 7, want: 7},
		{percent: 101, running: 7, err: "above 100"},
		{percent: 50, running: 0, err: "runs no task"},
		{running: 3, err: "want a count or a percentage"},
		{count: 1, percent: 50, running: 3, err: "one of them"},
		{count: -1, running: 3, err: "want a count or a percentage"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("count %d percent %d of %d", tt.count, tt.percent, tt.running), func(t *testing.T) {
			got, err := StopTasks{Service: "api-service", Count: tt.count, Percent: tt.percent}.ToStop(tt.running)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %d, %v; want an error saying %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// inMemoryECS is a tiny in-memory stand-in for the three ECS calls
// StopTasks makes: the end-to-end run against the sandbox's AWS endpoint
// is the suites'. It pages ListTasks two at a time, so paging is exercised.
type inMemoryECS struct {
	mu      sync.Mutex
	tasks   []ecstypes.Task // all of the service's tasks
	stopped []string        // task ARNs, in order, with the reason
	failOn  string          // StopTask of this ARN fails
}

func newInMemoryECS(started ...time.Time) *inMemoryECS {
	m := &inMemoryECS{}
	for i, at := range started {
		m.tasks = append(m.tasks, ecstypes.Task{
			TaskArn:    aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:task/main/t%d", i)),
			LastStatus: aws.String("RUNNING"), DesiredStatus: aws.String("RUNNING"), StartedAt: aws.Time(at),
		})
	}
	return m
}

func (m *inMemoryECS) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if aws.ToString(in.ServiceName) != "api-service" || in.DesiredStatus != ecstypes.DesiredStatusRunning {
		return &ecs.ListTasksOutput{}, nil
	}
	var arns []string
	for _, t := range m.tasks {
		if *t.DesiredStatus == "RUNNING" {
			arns = append(arns, *t.TaskArn)
		}
	}
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	end := min(start+2, len(arns))
	out := &ecs.ListTasksOutput{TaskArns: arns[start:end]}
	if end < len(arns) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func (m *inMemoryECS) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := &ecs.DescribeTasksOutput{}
	for _, arn := range in.Tasks {
		for _, t := range m.tasks {
			if *t.TaskArn == arn {
				out.Tasks = append(out.Tasks, t)
			}
		}
	}
	return out, nil
}

func (m *inMemoryECS) StopTask(_ context.Context, in *ecs.StopTaskInput, _ ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if *in.Task == m.failOn {
		return nil, errors.New("AccessDeniedException: not allowed")
	}
	for i, t := range m.tasks {
		if *t.TaskArn == *in.Task {
			m.tasks[i].DesiredStatus = aws.String("STOPPED")
			m.stopped = append(m.stopped, taskID(*in.Task)+" "+aws.ToString(in.Reason))
		}
	}
	return &ecs.StopTaskOutput{}, nil
}

func TestStopTasks(t *testing.T) {
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	// t0..t4, started in this order: t3, t1, t4, t0; t2 pending (not running).
	started := []time.Time{base.Add(4 * time.Minute), base.Add(2 * time.Minute), {}, base.Add(time.Minute), base.Add(3 * time.Minute)}
	tests := []struct {
		name    string
		s       StopTasks
		failOn  string
		stopped []string
		note    string
		err     string
	}{
		{"one", StopTasks{Service: "api-service", Count: 1}, "", []string{"t3"}, "stopped 1 of 4 running task(s) of api-service: t3", ""},
		{"half", StopTasks{Service: "api-service", Percent: 50}, "", []string{"t3", "t1"}, "stopped 2 of 4 running task(s) of api-service: t3 t1", ""},
		{"a tenth rounds up to one", StopTasks{Service: "api-service", Percent: 10}, "", []string{"t3"}, "stopped 1 of 4 running task(s) of api-service: t3", ""},
		{"all", StopTasks{Service: "api-service", Percent: 100}, "", []string{"t3", "t1", "t4", "t0"}, "stopped 4 of 4 running task(s) of api-service: t3 t1 t4 t0", ""},
		{"too many", StopTasks{Service: "api-service", Count: 5}, "", nil, "", "count 5, but the service runs 4 task(s)"},
		{"no tasks", StopTasks{Service: "frontend-service", Count: 1}, "", nil, "", "runs no task"},
		{"refused half way", StopTasks{Service: "api-service", Count: 3}, "t1", []string{"t3"}, "", "ecs StopTask task arn:aws:ecs:us-east-1:000000000000:task/main/t1: AccessDeniedException: not allowed (stopped before it: t3, which ECS replaces)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newInMemoryECS(started...)
			m.tasks[2].LastStatus = aws.String("PENDING")
			m.tasks[2].StartedAt = nil
			if tt.failOn != "" {
				m.failOn = "arn:aws:ecs:us-east-1:000000000000:task/main/" + tt.failOn
			}
			tt.s.On = Target{Name: "local", ECS: m, Cluster: "main"}
			did, err := tt.s.Inject(context.Background())
			if tt.err != "" {
				if err == nil || err.Error() != tt.err && !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error saying %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, id := range tt.stopped {
				want = append(want, id+" "+StopReason)
			}
			if !reflect.DeepEqual(m.stopped, want) {
				t.Errorf("stopped %q, want %q", m.stopped, want)
			}
			if err == nil {
				if did.Note != tt.note {
					t.Errorf("note %q, want %q", did.Note, tt.note)
				}
				if err := did.Revert(context.Background()); err != nil {
					t.Errorf("Revert: %v", err)
				}
			}
		})
	}
}

func TestStopTasksSpec(t *testing.T) {
	s := StopTasks{On: Target{Name: "staging", Cluster: "main"}, Service: "api-service", Percent: 50}
	want := Spec{Kind: "stop-task", Target: "staging", Params: map[string]string{"service": "api-service", "cluster": "main", "percent": "50"}, Undo: Undo{Nothing: "ECS replaces stopped tasks"}}
	if got := s.Spec(); !reflect.DeepEqual(got, want) {
		t.Errorf("Spec() = %+v, want %+v", got, want)
	}
	if got := s.Spec().String(); got != "stop-task on staging (cluster=main percent=50 service=api-service)" {
		t.Errorf("String() = %q", got)
	}
	if err := s.Supported(); !errors.Is(err, ErrUnsupported) || err.Error() != "target staging does not serve ECS" {
		t.Errorf("without ECS: %v", err)
	}
}
