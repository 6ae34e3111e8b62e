package ecs

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// run takes a task through its life, from PROVISIONING to STOPPED. It is
// the only goroutine that moves a task's lastStatus forward.
func (c *ControlPlane) run(tk *task) {
	c.mu.Lock()
	svc, image := tk.svc.name, tk.view.Containers[0].Image
	spec := TaskSpec{
		TaskID: tk.id, TaskArn: tk.view.TaskArn, Cluster: c.cfg.ClusterName, Service: svc,
		Family: tk.dep.taskDef.Family, CPU: atoi(tk.view.Cpu), MemoryMiB: atoi(tk.view.Memory),
	}
	if c.cfg.StatsDir != "" {
		spec.StatsFile = filepath.Join(c.cfg.StatsDir, tk.id+".stats")
	}
	c.mu.Unlock()
	delay := c.startDelay(svc)

	// PROVISIONING, then PENDING while the image is pulled: the start
	// delay, half each.
	if !c.pause(tk, delay/2) {
		c.stopUnstarted(tk)
		return
	}
	c.update(tk, func(v *Task) {
		v.LastStatus = StatusPending
		v.PullStartedAt = c.clock.Now()
	})
	if !c.pause(tk, delay-delay/2) {
		c.stopUnstarted(tk)
		return
	}
	c.mu.Lock()
	failPull := c.failLaunches[svc]
	c.mu.Unlock()
	if failPull {
		// The wording of a pull that fails on Fargate
		// (stopped-task-error-codes.html, CannotPullContainerError).
		c.failed(tk, fmt.Sprintf("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref %s: not found", image))
		return
	}
	c.update(tk, func(v *Task) { v.PullStoppedAt = c.clock.Now() })

	p, err := c.startProcess(tk, spec)
	if errors.Is(err, errStopped) {
		c.stopUnstarted(tk)
		return
	}
	if err != nil {
		c.failed(tk, "CannotStartContainerError: "+err.Error())
		return
	}
	c.mu.Lock()
	tk.proc = p
	tk.view.PID, tk.view.PGID, tk.view.Endpoint = p.PID(), p.PID(), p.url
	tk.view.LastStatus = StatusActivating
	tk.view.Containers[0].LastStatus = StatusRunning
	tk.view.Containers[0].RuntimeId = strconv.Itoa(p.PID())
	// A kill requested before the process was known has not reached it.
	if tk.kill {
		p.Signal(syscall.SIGKILL)
	}
	lbs := tk.svc.loadBalancers
	c.mu.Unlock()

	// ACTIVATING: registration with the service's target groups.
	var registered []string
	for _, l := range lbs {
		if err := c.cfg.TargetGroups.RegisterTargets(l.TargetGroupArn, p.target); err != nil {
			c.mu.Lock()
			c.requestStopLocked(tk, StopCodeTaskFailedToStart, "CannotStartContainerError: registering with "+l.TargetGroupArn+": "+err.Error(), true, false)
			tk.dep.failedTasks++
			c.mu.Unlock()
			break
		}
		registered = append(registered, l.TargetGroupArn)
		c.mu.Lock()
		c.eventLocked(tk.svc, "registered 1 targets in (target-group %s)", l.TargetGroupArn)
		c.mu.Unlock()
	}
	c.mu.Lock()
	if !tk.stopRequested {
		tk.view.LastStatus = StatusRunning
		tk.view.StartedAt = c.clock.Now()
		tk.view.HealthStatus = HealthHealthy
		c.log.Info("task running", "service", svc, "task", tk.id, "pid", p.PID(), "endpoint", p.url)
	}
	c.mu.Unlock()
	c.poke()

	select {
	case <-tk.stopCh:
		c.stopStarted(tk, p, registered)
	case <-p.Exited():
		c.exited(tk, p, registered)
	case <-c.ctx.Done():
		// Closing: the load balancer may outlive the control plane, so
		// the target leaves it too.
		p.Signal(syscall.SIGKILL)
		c.deregister(tk, p, registered)
		<-p.Exited()
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// pause waits d of platform time; false if the task was stopped or the
// cluster closed meanwhile.
func (c *ControlPlane) pause(tk *task, d time.Duration) bool {
	t := c.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-tk.stopCh:
		return false
	case <-c.ctx.Done():
		return false
	}
}

// update changes a task's view under the lock.
func (c *ControlPlane) update(tk *task, f func(*Task)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&tk.view)
}

// stopUnstarted ends a task that was stopped before its process ran.
func (c *ControlPlane) stopUnstarted(tk *task) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tk.byScheduler {
		c.eventLocked(tk.svc, "has stopped 1 running tasks: (task %s).", tk.id)
	}
	c.stoppedLocked(tk)
}

// failed ends a task that could not start: "TaskFailedToStart", with the
// desired count left as it is, so the scheduler launches another.
func (c *ControlPlane) failed(tk *task, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tk.stopRequested {
		c.stoppedLocked(tk)
		return
	}
	c.log.Warn("task failed to start", "service", tk.svc.name, "task", tk.id, "reason", reason)
	c.requestStopLocked(tk, StopCodeTaskFailedToStart, reason, false, false)
	tk.dep.failedTasks++
	c.stoppedLocked(tk)
}

// stopStarted stops a task whose process runs. A kill has already
// signalled the process; its targets leave without draining. Any other
// stop (StopTask, the scheduler's) drains the task from its target groups
// first, then sends SIGTERM, and SIGKILL after the stop timeout.
func (c *ControlPlane) stopStarted(tk *task, p *process, registered []string) {
	c.mu.Lock()
	kill := tk.kill
	if !kill && len(registered) > 0 {
		tk.view.LastStatus = StatusDeactivating
		c.eventLocked(tk.svc, "has begun draining connections on 1 tasks.")
	}
	c.mu.Unlock()
	if kill {
		c.release(tk, p, registered)
		<-p.Exited()
		c.mu.Lock()
		if tk.byScheduler {
			c.eventLocked(tk.svc, "has stopped 1 running tasks: (task %s).", tk.id)
		}
		c.mu.Unlock()
		c.stopped(tk, p)
		return
	}
	drains := c.deregister(tk, p, registered)
	for i, d := range drains {
		select {
		case <-d.drained:
			c.deregisteredEvent(tk, d.arn)
			continue
		case <-p.Exited():
		case <-c.ctx.Done():
		}
		// The process is gone or the cluster closing: report the rest
		// whenever they drain.
		c.reportDrained(tk, drains[i:])
		break
	}
	c.mu.Lock()
	tk.view.LastStatus = StatusStopping
	if tk.byScheduler {
		c.eventLocked(tk.svc, "has stopped 1 running tasks: (task %s).", tk.id)
	}
	c.mu.Unlock()
	p.Signal(syscall.SIGTERM)
	timer := c.clock.NewTimer(c.stopTimeout(tk))
	defer timer.Stop()
	select {
	case <-p.Exited():
	case <-timer.C():
		p.Signal(syscall.SIGKILL)
		<-p.Exited()
	case <-c.ctx.Done():
		p.Signal(syscall.SIGKILL)
		<-p.Exited()
	}
	c.stopped(tk, p)
}

// exited ends a task whose process ended on its own: its essential (and
// only) container exited.
func (c *ControlPlane) exited(tk *task, p *process, registered []string) {
	c.mu.Lock()
	if !tk.stopRequested {
		c.log.Warn("task process exited", "service", tk.svc.name, "task", tk.id, "pid", p.PID(), "exitCode", p.exitCode)
		c.requestStopLocked(tk, StopCodeEssentialContainerExited, "Essential container in task exited", false, false)
	}
	c.mu.Unlock()
	c.release(tk, p, registered)
	c.stopped(tk, p)
}

// stopTimeout is how long a task's process has between SIGTERM and
// SIGKILL: its container's stopTimeout, or the cluster's default.
func (c *ControlPlane) stopTimeout(tk *task) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := tk.dep.taskDef.ContainerDefinitions[0].StopTimeout; st != nil {
		return time.Duration(*st) * time.Second
	}
	return c.cfg.StopTimeout
}

// release takes the targets of a task whose process is gone, or going,
// out of its target groups without waiting for them to drain. A service
// without draining leaves each target registered until the load
// balancer's health checks fail it, so requests keep reaching the dead
// process until then.
func (c *ControlPlane) release(tk *task, p *process, registered []string) {
	c.mu.Lock()
	undrained := tk.svc.undrained
	c.mu.Unlock()
	if !undrained {
		c.reportDrained(tk, c.deregister(tk, p, registered))
		return
	}
	for _, arn := range registered {
		failed, err := c.cfg.TargetGroups.Unhealthy(arn, p.target)
		if err != nil {
			c.log.Warn("watching a target's health", "task", tk.id, "targetGroup", arn, "err", err)
			continue
		}
		c.wg.Go(func() {
			select {
			case <-failed:
				c.reportDrained(tk, c.deregister(tk, p, []string{arn}))
			case <-c.ctx.Done():
				c.deregister(tk, p, []string{arn})
			}
		})
	}
}

// drain is a target's way out of one target group.
type drain struct {
	arn     string
	drained <-chan struct{}
}

// deregister takes the task's target out of its target groups.
func (c *ControlPlane) deregister(tk *task, p *process, registered []string) []drain {
	var out []drain
	for _, arn := range registered {
		d, err := c.cfg.TargetGroups.DeregisterTargets(arn, p.target)
		if err != nil {
			c.log.Warn("deregistering a task", "task", tk.id, "targetGroup", arn, "err", err)
			continue
		}
		out = append(out, drain{arn, d})
	}
	return out
}

// reportDrained reports each deregistration as an event once it has
// drained, without waiting for it.
func (c *ControlPlane) reportDrained(tk *task, drains []drain) {
	for _, d := range drains {
		c.wg.Go(func() {
			select {
			case <-d.drained:
				c.deregisteredEvent(tk, d.arn)
			case <-c.ctx.Done():
			}
		})
	}
}

func (c *ControlPlane) deregisteredEvent(tk *task, arn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eventLocked(tk.svc, "deregistered 1 targets in (target-group %s)", arn)
}

// stopped records a task's process exit and the task's end.
func (c *ControlPlane) stopped(tk *task, p *process) {
	c.mu.Lock()
	defer c.mu.Unlock()
	code := p.exitCode
	tk.view.Containers[0].ExitCode = &code
	tk.view.Containers[0].RuntimeId = ""
	c.stoppedLocked(tk)
}

func (c *ControlPlane) stoppedLocked(tk *task) {
	now := c.clock.Now()
	tk.view.LastStatus = StatusStopped
	tk.view.StoppedAt = now
	tk.view.HealthStatus = HealthUnknown
	tk.view.Containers[0].LastStatus = StatusStopped
	c.log.Info("task stopped", "service", tk.svc.name, "task", tk.id, "stopCode", tk.view.StopCode, "reason", tk.view.StoppedReason)
	if c.cfg.OnStopped != nil {
		go c.cfg.OnStopped(copyTask(tk.view))
	}
	c.poke()
}
