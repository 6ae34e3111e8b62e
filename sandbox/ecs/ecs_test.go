package ecs

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/lb"
)

func TestCreateServiceRunsRegisteredProcesses(t *testing.T) {
	e := newEnv(t, nil)
	created := e.createAPI(t, 2)
	if created.DesiredCount != 2 || created.Status != "ACTIVE" || created.LaunchType != LaunchTypeFargate {
		t.Errorf("CreateService returned %+v", created)
	}

	// Right after creation both tasks are still starting.
	starting := e.service(t, "api-service")
	if starting.RunningCount != 0 || starting.PendingCount != 2 {
		t.Errorf("before the start delay: running %d, pending %d; want 0 and 2", starting.RunningCount, starting.PendingCount)
	}

	ts := e.waitRunning(t, "api-service", 2)
	for _, tk := range ts {
		if !alive(tk.PID) {
			t.Errorf("task %s: pid %d does not exist", tk.TaskArn, tk.PID)
		}
		if pgid, err := syscall.Getpgid(tk.PID); err != nil || pgid != tk.PID || tk.PGID != tk.PID {
			t.Errorf("task %s: pgid %d (%v), reported %d: want its own group, %d", tk.TaskArn, pgid, err, tk.PGID, tk.PID)
		}
		if d := tk.StartedAt.Sub(tk.CreatedAt); d < DefaultStartDelay {
			t.Errorf("task %s RUNNING %s after launch, before the %s start delay", tk.TaskArn, d, DefaultStartDelay)
		}
		if tk.HealthStatus != HealthHealthy || tk.DesiredStatus != StatusRunning || tk.Cpu != "1024" || tk.Memory != "2048" ||
			!strings.HasPrefix(tk.TaskArn, "arn:aws:ecs:us-east-1:123456789012:task/main-cluster/") || tk.Group != "service:api-service" {
			t.Errorf("task fields: %+v", tk)
		}
	}
	e.waitTargets(t, ts)

	// Requests through the load balancer reach both processes.
	seen := map[string]bool{}
	for range 4 {
		resp, err := http.Get(e.lb.URL() + "/v1/documents/1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		seen[string(body)] = true
	}
	for _, tk := range ts {
		if id := tk.TaskArn[strings.LastIndexByte(tk.TaskArn, '/')+1:]; !seen[id] {
			t.Errorf("no request reached task %s (saw %v)", id, seen)
		}
	}

	s := e.service(t, "api-service")
	msgs := messages(s)
	if len(msgs) == 0 || msgs[0] != "(service api-service) has reached a steady state." {
		t.Errorf("newest event: %q, want the steady state (all: %q)", msgs, msgs)
	}
	last := msgs[len(msgs)-1]
	if !strings.HasPrefix(last, "(service api-service) has started 2 tasks: (task ") || strings.Count(last, "(task ") != 2 {
		t.Errorf("oldest event %q, want the start of 2 tasks", last)
	}
	registered := "(service api-service) registered 1 targets in (target-group " + e.tgARN + ")"
	if n := slices.Index(msgs, registered); n < 0 || slices.Index(msgs[n+1:], registered) < 0 {
		t.Errorf("want two %q events, got %q", registered, msgs)
	}
	if len(s.Deployments) != 1 || s.Deployments[0].Status != "PRIMARY" || s.Deployments[0].RolloutState != "COMPLETED" || s.Deployments[0].RunningCount != 2 {
		t.Errorf("deployments: %+v", s.Deployments)
	}

	// Paging.
	page, err := e.cp.ListTasks(ListTasksInput{Cluster: "main-cluster", ServiceName: "api-service", MaxResults: 1})
	if err != nil || len(page.TaskArns) != 1 || page.NextToken == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	next, err := e.cp.ListTasks(ListTasksInput{Cluster: "main-cluster", ServiceName: "api-service", MaxResults: 1, NextToken: page.NextToken})
	if err != nil || len(next.TaskArns) != 1 || next.NextToken != "" || next.TaskArns[0] == page.TaskArns[0] {
		t.Errorf("second page: %+v, %v", next, err)
	}
	cl, err := e.cp.DescribeClusters(DescribeClustersInput{Clusters: []string{"main-cluster", "other"}})
	if err != nil || len(cl.Clusters) != 1 || cl.Clusters[0].RunningTasksCount != 2 || cl.Clusters[0].ActiveServicesCount != 1 ||
		len(cl.Failures) != 1 || cl.Failures[0].Reason != "MISSING" {
		t.Errorf("DescribeClusters: %+v, %v", cl, err)
	}
}

func TestUpdateServiceScalesOutAndIn(t *testing.T) {
	e := newEnv(t, nil)
	e.createAPI(t, 1)
	first := e.waitRunning(t, "api-service", 1)

	three := 3
	if _, err := e.cp.UpdateService(UpdateServiceInput{Cluster: "main-cluster", Service: "api-service", DesiredCount: &three}); err != nil {
		t.Fatal(err)
	}
	all := e.waitRunning(t, "api-service", 3)
	e.waitTargets(t, all)

	one := 1
	if _, err := e.cp.UpdateService(UpdateServiceInput{Service: "arn:aws:ecs:us-east-1:123456789012:service/main-cluster/api-service", Cluster: "main-cluster", DesiredCount: &one}); err != nil {
		t.Fatal(err)
	}
	left := e.waitRunning(t, "api-service", 1)
	// The newest go first: the oldest task stays.
	if left[0].TaskArn != first[0].TaskArn {
		t.Errorf("scale-in kept %s, want the oldest, %s", left[0].TaskArn, first[0].TaskArn)
	}
	e.waitTargets(t, left)
	var stopped []Task
	eventually(t, 5*time.Second, "two tasks to be STOPPED", func() bool {
		stopped = slices.DeleteFunc(e.tasks(t, "api-service", StatusStopped), func(tk Task) bool { return tk.LastStatus != StatusStopped })
		return len(stopped) == 2
	})
	for _, tk := range stopped {
		if tk.StopCode != StopCodeServiceSchedulerInitiated || !strings.HasPrefix(tk.StoppedReason, "Scaling activity initiated by (deployment ecs-svc/") {
			t.Errorf("stopCode %q, reason %q", tk.StopCode, tk.StoppedReason)
		}
		if c := tk.Containers[0].ExitCode; c == nil || *c != 0 {
			t.Errorf("exit code %v, want 0: a scheduler stop is SIGTERM, which the task honours", deref(c))
		}
		if alive(tk.PID) {
			t.Errorf("pid %d of a stopped task still exists", tk.PID)
		}
	}
	s := e.service(t, "api-service")
	for _, prefix := range []string{
		"(service api-service) has begun draining connections on 1 tasks.",
		"(service api-service) deregistered 1 targets in (target-group " + e.tgARN + ")",
		"(service api-service) has stopped 1 running tasks: (task ",
	} {
		if !hasMessage(s, prefix) {
			t.Errorf("no event %q in %q", prefix, messages(s))
		}
	}
	// For one task: draining, then deregistered, then stopped.
	msgs := messages(s)
	drain := slices.Index(msgs, "(service api-service) has begun draining connections on 1 tasks.")
	stop := slices.IndexFunc(msgs, func(m string) bool { return strings.HasPrefix(m, "(service api-service) has stopped 1 running tasks") })
	if drain < stop {
		t.Errorf("the oldest drain (%d) comes after the oldest stop (%d), newest first: %q", drain, stop, msgs)
	}
}

func TestCrashedTaskIsReplaced(t *testing.T) {
	e := newEnv(t, nil)
	e.createAPI(t, 1)
	ts := e.waitRunning(t, "api-service", 1)
	resp, err := http.Post(ts[0].Endpoint+"/_test/exit?code=3", "text/plain", nil)
	if err == nil {
		resp.Body.Close()
	}
	tk := e.waitStopped(t, ts[0].TaskArn)
	if tk.StopCode != StopCodeEssentialContainerExited || tk.StoppedReason != "Essential container in task exited" {
		t.Errorf("stopCode %q, reason %q", tk.StopCode, tk.StoppedReason)
	}
	if c := tk.Containers[0].ExitCode; c == nil || *c != 3 {
		t.Errorf("exit code %v, want 3", deref(c))
	}
	now := e.waitRunning(t, "api-service", 1)
	if now[0].TaskArn == ts[0].TaskArn {
		t.Error("not replaced")
	}
	e.waitTargets(t, now)
}

func TestFailLaunches(t *testing.T) {
	e := newEnv(t, nil)
	e.cp.FailLaunches("api-service", true)
	e.createAPI(t, 1)
	var failed []Task
	eventually(t, 10*time.Second, "two failed launches", func() bool {
		failed = e.tasks(t, "api-service", StatusStopped)
		return len(failed) >= 2 && failed[1].LastStatus == StatusStopped
	})
	for _, tk := range failed[:2] {
		if tk.StopCode != StopCodeTaskFailedToStart || !strings.HasPrefix(tk.StoppedReason, "CannotPullContainerError: ") || !strings.Contains(tk.StoppedReason, "example/api:1") {
			t.Errorf("stopCode %q, reason %q", tk.StopCode, tk.StoppedReason)
		}
		if tk.PID != 0 {
			t.Errorf("a failed pull started pid %d", tk.PID)
		}
	}
	s := e.service(t, "api-service")
	if s.DesiredCount != 1 || s.RunningCount != 0 || s.Deployments[0].FailedTasks < 2 {
		t.Errorf("desired %d, running %d, failed tasks %d", s.DesiredCount, s.RunningCount, s.Deployments[0].FailedTasks)
	}
	e.cp.FailLaunches("api-service", false)
	e.waitRunning(t, "api-service", 1)
}

func TestProcessThatCannotStartFailsTheTask(t *testing.T) {
	e := newEnv(t, nil)
	e.setExtra("api-service", "--exit-early")
	e.createAPI(t, 1)
	var failed []Task
	eventually(t, 10*time.Second, "a failed start", func() bool {
		failed = e.tasks(t, "api-service", StatusStopped)
		return len(failed) >= 1 && failed[0].LastStatus == StatusStopped
	})
	if tk := failed[0]; tk.StopCode != StopCodeTaskFailedToStart || !strings.HasPrefix(tk.StoppedReason, "CannotStartContainerError: the process exited with code 1") {
		t.Errorf("stopCode %q, reason %q", tk.StopCode, tk.StoppedReason)
	}
	e.setExtra("api-service")
	e.waitRunning(t, "api-service", 1)
}

func TestCPUAndMemoryUtilizationFromStats(t *testing.T) {
	e := newEnv(t, nil)
	e.setExtra("api-service", "--busy")
	e.createAPI(t, 2)
	if _, err := e.cp.RegisterTaskDefinition(RegisterTaskDefinitionInput{
		Family: "frontend", Cpu: "0.5 vCPU", Memory: "1 GB", NetworkMode: "awsvpc",
		RequiresCompatibilities: []string{LaunchTypeFargate},
		ContainerDefinitions:    []ContainerDefinition{{Name: "frontend", Image: "example/frontend:1"}},
	}); err != nil {
		t.Fatal(err)
	}
	zero := 0
	if _, err := e.cp.CreateService(CreateServiceInput{Cluster: "main-cluster", ServiceName: "frontend-service", TaskDefinition: "frontend:1", DesiredCount: &zero}); err != nil {
		t.Fatal(err)
	}
	e.waitRunning(t, "api-service", 2)
	var cpu []datum
	eventually(t, 10*time.Second, "two CPUUtilization datapoints", func() bool {
		cpu = e.metrics.find("CPUUtilization", "api-service")
		return len(cpu) >= 2
	})
	for _, d := range cpu {
		if d.Namespace != Namespace || d.Unit != "Percent" || len(d.Values) != 1 || !d.At.Equal(d.At.Truncate(time.Minute)) {
			t.Errorf("datum %+v", d)
		}
		if !slices.Contains(d.Dims, lbDim("ClusterName", "main-cluster")) || len(d.Dims) != 2 {
			t.Errorf("dimensions %+v", d.Dims)
		}
		if v := d.Values[0]; v < 99 || v > 101 {
			t.Errorf("CPUUtilization %v, want 100: each task keeps its one reserved vCPU busy", v)
		}
	}
	mem := e.metrics.find("MemoryUtilization", "api-service")
	if len(mem) == 0 || mem[0].Values[0] <= 0 || mem[0].Values[0] >= 100 {
		t.Errorf("MemoryUtilization %+v, want a share of the 2048 MiB reserved", mem)
	}
	if got := e.metrics.find("CPUUtilization", "frontend-service"); len(got) != 0 {
		t.Errorf("CPUUtilization of a service without tasks: %+v, want none", got)
	}
}

func TestRollingDeploymentReplacesTasks(t *testing.T) {
	e := newEnv(t, nil)
	e.createAPI(t, 2)
	old := e.waitRunning(t, "api-service", 2)
	resource := "service/main-cluster/api-service"
	s, err := e.cp.UpdateService(UpdateServiceInput{Cluster: "main-cluster", Service: "api-service", ForceNewDeployment: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Deployments) != 2 || s.Deployments[0].Status != "PRIMARY" || s.Deployments[0].RolloutState != "IN_PROGRESS" || !e.cp.InDeployment(resource) {
		t.Errorf("after forceNewDeployment: %+v, in deployment %v", s.Deployments, e.cp.InDeployment(resource))
	}
	primary := s.Deployments[0].Id
	eventually(t, 10*time.Second, "the deployment to complete", func() bool {
		s := e.service(t, "api-service")
		return len(s.Deployments) == 1 && s.Deployments[0].RolloutState == "COMPLETED" && s.RunningCount == 2
	})
	for _, tk := range e.tasks(t, "api-service", StatusRunning) {
		if tk.StartedBy != primary {
			t.Errorf("task %s started by %s, want %s", tk.TaskArn, tk.StartedBy, primary)
		}
	}
	for _, tk := range old {
		if got := e.waitStopped(t, tk.TaskArn); got.StopCode != StopCodeServiceSchedulerInitiated {
			t.Errorf("old task stopCode %q", got.StopCode)
		}
	}
	if e.cp.InDeployment(resource) {
		t.Error("still in deployment")
	}
	if !hasMessage(e.service(t, "api-service"), "(service api-service) (deployment "+primary+") deployment completed.") {
		t.Errorf("no deployment completed event: %q", messages(e.service(t, "api-service")))
	}
}

func TestCapacity(t *testing.T) {
	e := newEnv(t, nil)
	e.createAPI(t, 1)
	resource := "service/main-cluster/api-service"
	if n, err := e.cp.DesiredCount(resource); err != nil || n != 1 {
		t.Fatalf("DesiredCount: %d, %v", n, err)
	}
	if err := e.cp.SetDesiredCount(resource, 2); err != nil {
		t.Fatal(err)
	}
	e.waitRunning(t, "api-service", 2)
	for _, bad := range []string{"service/other-cluster/api-service", "service/main-cluster/nope", "api-service"} {
		if _, err := e.cp.DesiredCount(bad); !errors.Is(err, autoscaling.ErrUnknownResource) {
			t.Errorf("DesiredCount(%q): %v, want ErrUnknownResource", bad, err)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	e := newEnv(t, nil)
	e.createAPI(t, 0)
	code := func(err error) ErrorCode {
		var ae *Error
		if !errors.As(err, &ae) {
			return ""
		}
		return ae.Code
	}
	one := 1
	if _, err := e.cp.DescribeServices(DescribeServicesInput{Cluster: "nope", Services: []string{"api-service"}}); code(err) != ErrCodeClusterNotFound {
		t.Errorf("unknown cluster: %v", err)
	}
	if _, err := e.cp.DescribeServices(DescribeServicesInput{Services: []string{"api-service"}}); code(err) != ErrCodeClusterNotFound {
		t.Errorf("no cluster means the default cluster, which does not exist: %v", err)
	}
	if _, err := e.cp.UpdateService(UpdateServiceInput{Cluster: "main-cluster", Service: "nope", DesiredCount: &one}); code(err) != ErrCodeServiceNotFound {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := e.cp.CreateService(CreateServiceInput{Cluster: "main-cluster", ServiceName: "api-service", TaskDefinition: "api", DesiredCount: &one}); code(err) != ErrCodeInvalidParameter {
		t.Errorf("duplicate service: %v", err)
	}
	if _, err := e.cp.CreateService(CreateServiceInput{Cluster: "main-cluster", ServiceName: "x", TaskDefinition: "nope", DesiredCount: &one}); code(err) != ErrCodeClient {
		t.Errorf("unknown task definition: %v", err)
	}
	if _, err := e.cp.CreateService(CreateServiceInput{Cluster: "main-cluster", ServiceName: "x", TaskDefinition: "api:1", DesiredCount: &one,
		LoadBalancers: []LoadBalancer{{TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/1", ContainerName: "api"}}}); code(err) != ErrCodeInvalidParameter {
		t.Errorf("unknown target group: %v", err)
	}
	if _, err := e.cp.RegisterTaskDefinition(RegisterTaskDefinitionInput{Family: "big", Cpu: "256", Memory: "4096", NetworkMode: "awsvpc",
		RequiresCompatibilities: []string{LaunchTypeFargate}, ContainerDefinitions: []ContainerDefinition{{Name: "c", Image: "i"}}}); code(err) != ErrCodeClient {
		t.Errorf("unsupported Fargate size: %v", err)
	}
	if got := e.cp.String(); !strings.Contains(got, "ecs cluster main-cluster in us-east-1: start delay 1m0s;") {
		t.Errorf("String() = %q", got)
	}
	if _, err := e.cp.StopTask(StopTaskInput{Cluster: "main-cluster", Task: "0123456789abcdef0123456789abcdef"}); code(err) != ErrCodeInvalidParameter {
		t.Errorf("unknown task: %v", err)
	}
	if _, err := e.cp.ListTasks(ListTasksInput{Cluster: "main-cluster", NextToken: "garbage"}); code(err) != ErrCodeInvalidParameter {
		t.Errorf("bad token: %v", err)
	}
	out, err := e.cp.DescribeServices(DescribeServicesInput{Cluster: "main-cluster", Services: []string{"api-service", "ghost"}})
	if err != nil || len(out.Services) != 1 || len(out.Failures) != 1 || out.Failures[0].Reason != "MISSING" ||
		out.Failures[0].Arn != "arn:aws:ecs:us-east-1:123456789012:service/main-cluster/ghost" {
		t.Errorf("DescribeServices with a missing one: %+v, %v", out, err)
	}
	td, err := e.cp.RegisterTaskDefinition(RegisterTaskDefinitionInput{Family: "api", Cpu: "1 vCPU", Memory: "2 GB", NetworkMode: "awsvpc",
		RequiresCompatibilities: []string{LaunchTypeFargate}, ContainerDefinitions: []ContainerDefinition{{Name: "api", Image: "example/api:2"}}})
	if err != nil || td.Revision != 2 || td.Cpu != "1024" || td.Memory != "2048" || td.TaskDefinitionArn != "arn:aws:ecs:us-east-1:123456789012:task-definition/api:2" {
		t.Errorf("second revision: %+v, %v", td, err)
	}
}

func TestCloseLeavesNoProcessBehind(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		// frontend-service's tasks never get past PROVISIONING.
		c.ServiceStartDelays = map[string]time.Duration{"frontend-service": 24 * time.Hour}
	})
	e.createAPI(t, 3)
	if _, err := e.cp.RegisterTaskDefinition(RegisterTaskDefinitionInput{
		Family: "frontend", Cpu: "512", Memory: "1024", NetworkMode: "awsvpc",
		RequiresCompatibilities: []string{LaunchTypeFargate},
		ContainerDefinitions:    []ContainerDefinition{{Name: "frontend", Image: "example/frontend:1"}},
	}); err != nil {
		t.Fatal(err)
	}
	one := 1
	if _, err := e.cp.CreateService(CreateServiceInput{Cluster: "main-cluster", ServiceName: "frontend-service", TaskDefinition: "frontend", DesiredCount: &one}); err != nil {
		t.Fatal(err)
	}
	ts := e.waitRunning(t, "api-service", 3)
	var pids []int
	for _, p := range e.cp.Processes() {
		pids = append(pids, p.PID)
	}
	live, _ := e.procs.snapshot()
	if len(pids) != 3 || len(live) != 3 {
		t.Fatalf("Processes() %v, recorded %v: want the 3 api tasks", pids, live)
	}
	for _, tk := range ts {
		if !slices.Contains(pids, tk.PID) {
			t.Errorf("Processes() lacks pid %d", tk.PID)
		}
	}
	if err := e.cp.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("pid %d still exists after Close", pid)
		}
	}
	live, started := e.procs.snapshot()
	if len(live) != 0 || len(started) != 3 {
		t.Errorf("after Close: recorded live %v, started %v; want none live, 3 started", live, started)
	}
	eventually(t, 5*time.Second, "the load balancer to have no target left", func() bool {
		ths, _ := e.lb.DescribeTargetHealth(e.tgARN)
		return len(ths) == 0
	})
}

func lbDim(name, value string) lb.Dimension { return lb.Dimension{Name: name, Value: value} }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Unchanged's channel for a task's target stays open while its process
// runs as started, and closes when the process exits or a fault
// disturbs it; a target no task serves has none.
func TestUnchangedUntilExitOrDisturb(t *testing.T) {
	e := newEnv(t, nil)
	e.createAPI(t, 2)
	ts := e.waitRunning(t, "api-service", 2)
	targetOf := func(endpoint string) lb.Target {
		u, err := url.Parse(endpoint)
		if err != nil {
			t.Fatal(err)
		}
		port, _ := strconv.Atoi(u.Port())
		return lb.Target{ID: u.Hostname(), Port: port}
	}
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}
	exiting, disturbed := e.cp.Unchanged(targetOf(ts[0].Endpoint)), e.cp.Unchanged(targetOf(ts[1].Endpoint))
	if exiting == nil || disturbed == nil || closed(exiting) || closed(disturbed) {
		t.Fatal("a running task's channel is missing or closed")
	}
	if ch := e.cp.Unchanged(lb.Target{ID: "127.0.0.1", Port: 1}); ch != nil {
		t.Error("a target no task serves has a channel")
	}

	e.cp.Disturb(ts[1].TaskArn)
	if !closed(disturbed) {
		t.Error("Disturb left the task's channel open")
	}
	if closed(exiting) {
		t.Error("disturbing one task closed another's channel")
	}
	if resp, err := http.Post(ts[0].Endpoint+"/_test/exit?code=3", "text/plain", nil); err == nil {
		resp.Body.Close()
	}
	select {
	case <-exiting:
	case <-time.After(5 * time.Second):
		t.Error("the channel of a task whose process exited stayed open")
	}
}
