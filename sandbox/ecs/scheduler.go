package ecs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// schedule is the service scheduler: it reconciles every service with its
// desired count whenever something changes, and every ReconcileInterval.
func (c *ControlPlane) schedule() {
	ticker := c.clock.NewTicker(c.cfg.ReconcileInterval)
	defer ticker.Stop()
	for {
		c.reconcile()
		select {
		case <-c.ctx.Done():
			return
		case <-ticker.C():
		case <-c.kick:
		}
	}
}

func (c *ControlPlane) reconcile() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	now := c.clock.Now()
	c.pruneLocked(now)
	for _, name := range c.serviceNames {
		c.reconcileServiceLocked(c.services[name], now)
	}
}

// pruneLocked forgets tasks stopped longer than StoppedTaskRetention.
func (c *ControlPlane) pruneLocked(now time.Time) {
	for id, tk := range c.tasks {
		if tk.view.LastStatus == StatusStopped && now.Sub(tk.view.StoppedAt) > StoppedTaskRetention {
			delete(c.tasks, id)
			tk.svc.tasks = slices.DeleteFunc(tk.svc.tasks, func(x *task) bool { return x == tk })
		}
	}
}

// reconcileServiceLocked makes one service converge, as a rolling update
// does (deployment-type-ecs.html): tasks of the PRIMARY deployment are
// launched up to the desired count, within MaximumPercent of it running
// or starting in all; tasks of older deployments are stopped, those not
// yet RUNNING at once and RUNNING ones only while at least
// MinimumHealthyPercent of the desired count stays RUNNING.
func (c *ControlPlane) reconcileServiceLocked(s *service, now time.Time) {
	primary := s.deployments[0]
	var cur, old []*task
	for _, tk := range s.tasks {
		switch {
		case tk.stopRequested:
		case tk.dep == primary:
			cur = append(cur, tk)
		default:
			old = append(old, tk)
		}
	}
	desired := s.desired
	maxTotal := desired * s.deployCfg.MaximumPercent / 100
	minHealthy := (desired*s.deployCfg.MinimumHealthyPercent + 99) / 100

	// Scale in: stop the primary deployment's extra tasks.
	if extra := len(cur) - desired; extra > 0 {
		for _, tk := range victims(cur, extra) {
			c.requestStopLocked(tk, StopCodeServiceSchedulerInitiated, scalingReason(primary), false, true)
		}
		cur = slices.DeleteFunc(cur, func(tk *task) bool { return tk.stopRequested })
	}

	// Scale out, within MaximumPercent.
	if n := min(desired-len(cur), maxTotal-len(cur)-len(old)); n > 0 {
		var ids []string
		for range n {
			tk := c.launchLocked(s, primary, now)
			cur = append(cur, tk)
			ids = append(ids, "(task "+tk.id+")")
		}
		c.eventLocked(s, "has started %d tasks: %s.", n, strings.Join(ids, " "))
	}

	// Replace the older deployments' tasks, within MinimumHealthyPercent.
	running := 0
	for _, tk := range append(slices.Clone(cur), old...) {
		if tk.view.LastStatus == StatusRunning {
			running++
		}
	}
	for _, tk := range victims(old, len(old)) {
		if tk.view.LastStatus == StatusRunning {
			if running-1 < minHealthy {
				continue
			}
			running--
		}
		c.requestStopLocked(tk, StopCodeServiceSchedulerInitiated, scalingReason(tk.dep), false, true)
	}

	// A deployment is over when its tasks have all stopped.
	s.deployments = slices.DeleteFunc(s.deployments, func(d *deployment) bool {
		return d != primary && !slices.ContainsFunc(s.tasks, func(tk *task) bool {
			return tk.dep == d && tk.view.LastStatus != StatusStopped
		})
	})

	// Steady: one deployment, its desired count RUNNING, nothing starting
	// or stopping.
	settled := len(s.deployments) == 1 && running == desired && !slices.ContainsFunc(s.tasks, func(tk *task) bool {
		st := tk.view.LastStatus
		return st != StatusStopped && (st != StatusRunning || tk.stopRequested)
	})
	if settled && primary.rolloutState == "IN_PROGRESS" {
		primary.rolloutState = "COMPLETED"
		primary.rolloutReason = fmt.Sprintf("ECS deployment %s completed.", primary.id)
		primary.updatedAt = now
		c.eventLocked(s, "(deployment %s) deployment completed.", primary.id)
	}
	// AWS repeats the steady-state event every few hours while nothing
	// changes; the sandbox reports the moment it is reached.
	if settled && !s.steady {
		c.eventLocked(s, "has reached a steady state.")
	}
	s.steady = settled
}

// victims picks n tasks to stop: first those not yet RUNNING (they serve
// nothing yet), then RUNNING ones, newest first within each. AWS balances
// stops across Availability Zones and says no more
// (service-rebalancing.html); the sandbox has one zone, and stopping the
// newest keeps long-running tasks, which faults and their checks aim at,
// stable.
func victims(ts []*task, n int) []*task {
	order := slices.Clone(ts)
	slices.SortStableFunc(order, func(a, b *task) int {
		ar, br := a.view.LastStatus == StatusRunning, b.view.LastStatus == StatusRunning
		if ar != br {
			if ar {
				return 1
			}
			return -1
		}
		return cmp.Compare(b.seq, a.seq)
	})
	return order[:min(n, len(order))]
}

// scalingReason is the stoppedReason of a task the scheduler stops.
func scalingReason(d *deployment) string {
	return fmt.Sprintf("Scaling activity initiated by (deployment %s)", d.id)
}

// launchLocked creates a task of a deployment and starts its lifecycle.
func (c *ControlPlane) launchLocked(s *service, d *deployment, now time.Time) *task {
	c.taskSeq++
	id := newTaskID()
	td := d.taskDef
	cd := td.ContainerDefinitions[0]
	tk := &task{
		seq:    c.taskSeq,
		id:     id,
		svc:    s,
		dep:    d,
		stopCh: make(chan struct{}),
		view: Task{
			TaskArn:           c.taskARNPrefix() + id,
			ClusterArn:        c.arn,
			TaskDefinitionArn: td.TaskDefinitionArn,
			Group:             "service:" + s.name,
			StartedBy:         d.id,
			LaunchType:        LaunchTypeFargate,
			Cpu:               td.Cpu,
			Memory:            td.Memory,
			LastStatus:        StatusProvisioning,
			DesiredStatus:     StatusRunning,
			HealthStatus:      HealthUnknown,
			CreatedAt:         now,
			Containers:        []Container{{Name: cd.Name, Image: cd.Image, LastStatus: StatusPending}},
		},
	}
	c.tasks[id] = tk
	s.tasks = append(s.tasks, tk)
	c.log.Info("task launched", "service", s.name, "task", id)
	c.wg.Go(func() { c.run(tk) })
	return tk
}
