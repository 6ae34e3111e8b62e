package ecs

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/gameday-sre/gameday/sandbox/lb"
)

// DefaultStopReason is the stoppedReason of a task stopped with StopTask
// and no reason.
const DefaultStopReason = "Task stopped by user"

// task is one task: its API view and what its lifecycle goroutine needs.
// Fields are guarded by ControlPlane.mu.
type task struct {
	seq  uint64
	id   string
	view Task
	svc  *service
	dep  *deployment
	// proc is set once the process has started.
	proc *process
	// stopCh is closed when a stop is requested; stopRequested says so
	// under the lock.
	stopCh        chan struct{}
	stopRequested bool
	// kill stops at once with SIGKILL, without draining (a task that
	// failed to register, or any stop of a service without draining);
	// otherwise the task drains and gets SIGTERM first.
	kill bool
	// byScheduler marks stops the service scheduler decided, which it
	// reports as events.
	byScheduler bool
	// The last CPU sample, for CPUUtilization.
	sample cpuSample
}

// requestStopLocked asks a task to stop; the first request's code and
// reason stand, but a kill overrides a graceful stop in progress. Every
// stop of a service without draining is a kill.
func (c *ControlPlane) requestStopLocked(tk *task, code, reason string, kill, byScheduler bool) {
	kill = kill || tk.svc.undrained
	if kill && tk.proc != nil {
		tk.proc.Signal(syscall.SIGKILL)
	}
	if tk.stopRequested {
		tk.kill = tk.kill || kill
		return
	}
	tk.stopRequested = true
	tk.kill = kill
	tk.byScheduler = byScheduler
	tk.view.DesiredStatus = StatusStopped
	tk.view.StopCode = code
	tk.view.StoppedReason = reason
	tk.view.StoppingAt = c.clock.Now()
	close(tk.stopCh)
}

// StopTask stops a task as ECS does: its targets are deregistered and
// drain (the load balancer sends them nothing new, in-flight requests
// finish, up to the target group's deregistration delay), then the
// process gets SIGTERM and, after its container's stopTimeout, SIGKILL
// ("the equivalent of docker stop ... a SIGTERM value and a default
// 30-second timeout, after which the SIGKILL value is sent",
// API_StopTask; "Amazon ECS first sends a SIGTERM signal ... after the
// load balancer connection draining", bestpracticesguide/
// load-balancer-connection-draining.html). The stop code is UserInitiated
// and the reason the one given, "Task stopped by user" without one. The
// scheduler replaces the task at once. A service without draining
// (Config.NoDraining) has its task killed before StopTask returns.
func (c *ControlPlane) StopTask(in StopTaskInput) (Task, error) {
	if in.Task == "" {
		return Task{}, invalid("task is required.")
	}
	// "Up to 255 characters are allowed in this message" (API_StopTask).
	if len(in.Reason) > 255 {
		return Task{}, invalid("reason can have at most 255 characters.")
	}
	reason := in.Reason
	if reason == "" {
		reason = DefaultStopReason
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCluster(in.Cluster); err != nil {
		return Task{}, err
	}
	tk, ok := c.taskLocked(in.Task)
	if !ok {
		return Task{}, invalid("The referenced task was not found.")
	}
	if tk.view.LastStatus != StatusStopped {
		c.requestStopLocked(tk, StopCodeUserInitiated, reason, false, false)
		c.poke()
	}
	return copyTask(tk.view), nil
}

// DescribeTasks reports up to 100 tasks; ids not found are failures.
func (c *ControlPlane) DescribeTasks(in DescribeTasksInput) (DescribeTasksOutput, error) {
	if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
		return DescribeTasksOutput{}, invalid("tasks must have between 1 and 100 items.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCluster(in.Cluster); err != nil {
		return DescribeTasksOutput{}, err
	}
	var out DescribeTasksOutput
	for _, ref := range in.Tasks {
		tk, ok := c.taskLocked(ref)
		if !ok {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = c.taskARNPrefix() + ref
			}
			out.Failures = append(out.Failures, Failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		out.Tasks = append(out.Tasks, copyTask(tk.view))
	}
	return out, nil
}

func copyTask(t Task) Task {
	t.Containers = slices.Clone(t.Containers)
	for i := range t.Containers {
		if code := t.Containers[i].ExitCode; code != nil {
			v := *code
			t.Containers[i].ExitCode = &v
		}
	}
	return t
}

// maxListTasks is the most, and the default, of ListTasks' maxResults
// (API_ListTasks: "between 1 and 100").
const maxListTasks = 100

// ListTasks lists task ARNs in launch order, a page at a time. Next
// tokens name the last task returned rather than an offset, so tasks
// starting or being pruned between pages neither repeat nor vanish.
func (c *ControlPlane) ListTasks(in ListTasksInput) (ListTasksOutput, error) {
	size := maxListTasks
	if in.MaxResults != 0 {
		if in.MaxResults < 1 || in.MaxResults > maxListTasks {
			return ListTasksOutput{}, invalid("maxResults must be between 1 and 100.")
		}
		size = in.MaxResults
	}
	desired := in.DesiredStatus
	switch desired {
	case "":
		desired = StatusRunning
	case StatusRunning, StatusStopped, StatusPending:
	default:
		return ListTasksOutput{}, invalid("desiredStatus must be RUNNING, PENDING or STOPPED.")
	}
	var after uint64
	if in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		kind, seq, ok := strings.Cut(string(raw), "\n")
		n, perr := strconv.ParseUint(seq, 10, 64)
		if err != nil || !ok || kind != "tasks" || perr != nil {
			return ListTasksOutput{}, invalid("Invalid nextToken.")
		}
		after = n
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCluster(in.Cluster); err != nil {
		return ListTasksOutput{}, err
	}
	if in.ServiceName != "" {
		if _, err := c.serviceLocked(in.ServiceName); err != nil {
			return ListTasksOutput{}, err
		}
	}
	var matched []*task
	for _, tk := range c.tasks {
		if tk.seq <= after || tk.view.DesiredStatus != desired ||
			in.ServiceName != "" && tk.svc.name != in.ServiceName && tk.svc.arn != in.ServiceName ||
			in.Family != "" && tk.dep.taskDef.Family != in.Family {
			continue
		}
		matched = append(matched, tk)
	}
	slices.SortFunc(matched, func(a, b *task) int { return cmp.Compare(a.seq, b.seq) })
	var out ListTasksOutput
	for i, tk := range matched {
		if i == size {
			out.NextToken = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "tasks\n%d", matched[i-1].seq))
			break
		}
		out.TaskArns = append(out.TaskArns, tk.view.TaskArn)
	}
	return out, nil
}

// Process is a running task process, for a supervisor's records.
type Process struct {
	PID, PGID int
	TaskArn   string
	Service   string
	// URL is where the task's process answers, once it has said so.
	URL string
}

// Unchanged returns, for the task process serving target t, a channel
// that is closed once the process may answer a health check otherwise
// than it has so far: it exited, or Disturb marked it. Nil when no task
// process serves t. The load balancer's health checks read it to skip
// exchanges whose answer cannot have changed (lb.Config.Unchanged).
func (c *ControlPlane) Unchanged(t lb.Target) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ended <-chan struct{}
	for _, tk := range c.tasks {
		p := tk.proc
		if p == nil || p.target != t || p.url == "" {
			continue
		}
		// A later process may listen where an ended one did.
		if !p.Ended() {
			return p.changed
		}
		ended = p.changed
	}
	return ended
}

// Disturb marks the process of a task as changed by a fault, for the
// rest of its life: from now on its health is only what its answers
// say.
func (c *ControlPlane) Disturb(taskArn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tk := range c.tasks {
		if tk.view.TaskArn == taskArn && tk.proc != nil {
			tk.proc.markChanged()
		}
	}
}

// Processes lists the task processes that have started and not yet been
// seen to exit.
func (c *ControlPlane) Processes() []Process {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Process
	for _, tk := range c.tasks {
		if tk.proc != nil && !tk.proc.Ended() {
			out = append(out, Process{PID: tk.proc.PID(), PGID: tk.proc.PID(), TaskArn: tk.view.TaskArn, Service: tk.svc.name, URL: tk.proc.url})
		}
	}
	slices.SortFunc(out, func(a, b Process) int { return a.PID - b.PID })
	return out
}
