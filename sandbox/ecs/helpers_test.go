package ecs

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/lb"
)

// testScale runs platform time 600 times faster than real time: the
// default 60 s start delay is 100 ms.
const testScale = 600

type env struct {
	cp      *ControlPlane
	lb      *lb.LoadBalancer
	tgARN   string
	metrics *recorder
	procs   *processBook
	// extra are more arguments for the fake task, by service name.
	mu    sync.Mutex
	extra map[string][]string
	// stopTimeout, if set, is the api container's stopTimeout in seconds.
	stopTimeout *int
}

// newEnv starts a load balancer (tg-api on /v1/*, tg-frontend by default)
// and a control plane for main-cluster whose tasks are fakeTask processes.
// editLB, if given, changes the load balancer's configuration first.
func newEnv(t *testing.T, edit func(*Config), editLB ...func(*lb.Config)) *env {
	t.Helper()
	clk, err := clock.NewScaled(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), testScale)
	if err != nil {
		t.Fatal(err)
	}
	check := lb.HealthCheck{Interval: 5 * time.Second, Timeout: time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}
	lbCfg := lb.Config{
		Name: "main-alb", ID: "1234567890", Addr: "127.0.0.1:0",
		TargetGroups: []lb.TargetGroupConfig{
			{Name: "tg-frontend", HealthCheck: check, DeregistrationDelay: 10 * time.Second},
			{Name: "tg-api", HealthCheck: check, DeregistrationDelay: 10 * time.Second},
		},
		Rules:              []lb.Rule{{PathPattern: "/v1/*", TargetGroup: "tg-api"}},
		DefaultTargetGroup: "tg-frontend",
	}
	for _, f := range editLB {
		f(&lbCfg)
	}
	balancer, err := lb.New(lbCfg, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { balancer.Close() })
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{lb: balancer, metrics: &recorder{}, procs: &processBook{live: map[int]string{}}, extra: map[string][]string{}}
	e.tgARN, _ = balancer.TargetGroupARN("tg-api")
	cfg := Config{
		ClusterName: "main-cluster",
		Command: func(s TaskSpec) ([]string, []string) {
			args := []string{exe, "--service", strings.TrimSuffix(s.Service, "-service"),
				"--vcpu", fmt.Sprint(float64(s.CPU) / 1024), "--memory-mib", fmt.Sprint(s.MemoryMiB),
				"--listen", "127.0.0.1:0", "--task-id", s.TaskID, "--stats-file", s.StatsFile}
			e.mu.Lock()
			args = append(args, e.extra[s.Service]...)
			e.mu.Unlock()
			// Under the race detector a process sleeps a second before it
			// exits, to let other goroutines report races; tasks must end
			// within their stop timeout.
			return args, append(os.Environ(), fakeTaskEnv+"=1", "GORACE=atexit_sleep_ms=0")
		},
		// 300 ms of real time for SIGTERM to end a task;
		// TestStopTimeoutEndsWithSIGKILL sets its own.
		StopTimeout:  3 * time.Minute,
		TargetGroups: balancer,
		Metrics:      e.metrics,
		StatsDir:     t.TempDir(),
		Processes:    e.procs,
		TaskOutput:   os.Stderr,
	}
	if edit != nil {
		edit(&cfg)
	}
	e.cp, err = New(cfg, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.cp.Close() })
	return e
}

func (e *env) setExtra(service string, args ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.extra[service] = args
}

// createAPI registers the api task definition and creates api-service
// behind tg-api.
func (e *env) createAPI(t *testing.T, desired int) Service {
	t.Helper()
	if _, err := e.cp.RegisterTaskDefinition(RegisterTaskDefinitionInput{
		Family: "api", Cpu: "1024", Memory: "2048", NetworkMode: "awsvpc",
		RequiresCompatibilities: []string{LaunchTypeFargate},
		ContainerDefinitions:    []ContainerDefinition{{Name: "api", Image: "example/api:1", StopTimeout: e.stopTimeout}},
	}); err != nil {
		t.Fatal(err)
	}
	svc, err := e.cp.CreateService(CreateServiceInput{
		Cluster: "main-cluster", ServiceName: "api-service", TaskDefinition: "api", DesiredCount: &desired,
		LaunchType:    LaunchTypeFargate,
		LoadBalancers: []LoadBalancer{{TargetGroupArn: e.tgARN, ContainerName: "api", ContainerPort: 8080}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (e *env) service(t *testing.T, name string) Service {
	t.Helper()
	out, err := e.cp.DescribeServices(DescribeServicesInput{Cluster: "main-cluster", Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %v %+v", name, err, out.Failures)
	}
	return out.Services[0]
}

// tasks describes the tasks of a service with the desired status given.
func (e *env) tasks(t *testing.T, service, desired string) []Task {
	t.Helper()
	list, err := e.cp.ListTasks(ListTasksInput{Cluster: "main-cluster", ServiceName: service, DesiredStatus: desired})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskArns) == 0 {
		return nil
	}
	out, err := e.cp.DescribeTasks(DescribeTasksInput{Cluster: "main-cluster", Tasks: list.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	return out.Tasks
}

// waitRunning waits until the service runs n tasks with nothing pending,
// and returns them.
func (e *env) waitRunning(t *testing.T, service string, n int) []Task {
	t.Helper()
	var ts []Task
	eventually(t, 10*time.Second, fmt.Sprintf("%s to run %d tasks", service, n), func() bool {
		s := e.service(t, service)
		if s.RunningCount != n || s.PendingCount != 0 {
			return false
		}
		ts = e.tasks(t, service, StatusRunning)
		return len(ts) == n
	})
	return ts
}

// waitTargets waits until the target group has exactly these tasks'
// endpoints as healthy targets.
func (e *env) waitTargets(t *testing.T, ts []Task) {
	t.Helper()
	var want []string
	for _, tk := range ts {
		want = append(want, strings.TrimPrefix(tk.Endpoint, "http://"))
	}
	slices.Sort(want)
	eventually(t, 10*time.Second, fmt.Sprintf("targets %v to be healthy", want), func() bool {
		ths, err := e.lb.DescribeTargetHealth(e.tgARN)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, th := range ths {
			if th.State != lb.StateHealthy {
				return false
			}
			got = append(got, th.Target.String())
		}
		slices.Sort(got)
		return slices.Equal(got, want)
	})
}

func (e *env) task(t *testing.T, arn string) Task {
	t.Helper()
	out, err := e.cp.DescribeTasks(DescribeTasksInput{Cluster: "main-cluster", Tasks: []string{arn}})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatalf("DescribeTasks %s: %v %+v", arn, err, out.Failures)
	}
	return out.Tasks[0]
}

func (e *env) waitStopped(t *testing.T, arn string) Task {
	t.Helper()
	var tk Task
	eventually(t, 10*time.Second, "task "+arn+" to stop", func() bool {
		tk = e.task(t, arn)
		return tk.LastStatus == StatusStopped
	})
	return tk
}

// alive reports whether a process with this pid exists.
func alive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

func messages(s Service) []string {
	var out []string
	for _, ev := range s.Events {
		out = append(out, ev.Message)
	}
	return out
}

func hasMessage(s Service, prefix string) bool {
	return slices.ContainsFunc(messages(s), func(m string) bool { return strings.HasPrefix(m, prefix) })
}

// processBook is a ProcessRecorder that remembers what is live.
type processBook struct {
	mu      sync.Mutex
	live    map[int]string
	started []int
}

func (b *processBook) Record(pid, pgid int, role string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if pid != pgid {
		return fmt.Errorf("pid %d is not its group's leader (%d)", pid, pgid)
	}
	b.live[pid] = role
	b.started = append(b.started, pid)
	return nil
}

func (b *processBook) Forget(pid int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.live, pid)
	return nil
}

func (b *processBook) snapshot() (live map[int]string, started []int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	live = map[int]string{}
	for k, v := range b.live {
		live[k] = v
	}
	return live, slices.Clone(b.started)
}

type datum struct {
	Namespace, Metric string
	Dims              []lb.Dimension
	At                time.Time
	Values            []float64
	Unit              string
}

type recorder struct {
	mu   sync.Mutex
	data []datum
}

func (r *recorder) Publish(namespace, metric string, dims []lb.Dimension, at time.Time, values []float64, unit string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.data = append(r.data, datum{namespace, metric, dims, at, slices.Clone(values), unit})
}

func (r *recorder) find(metric, service string) []datum {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []datum
	for _, d := range r.data {
		if d.Metric == metric && slices.Contains(d.Dims, lb.Dimension{Name: "ServiceName", Value: service}) {
			out = append(out, d)
		}
	}
	return out
}
