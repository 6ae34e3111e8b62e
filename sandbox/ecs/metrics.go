package ecs

import (
	"errors"
	"time"

	"github.com/gameday-sre/gameday/sandbox/taskstats"

	"github.com/gameday-sre/gameday/sandbox/lb"
)

// Namespace is the CloudWatch namespace of ECS metrics.
const Namespace = "AWS/ECS"

// cpuSample is a task's cumulative busy time at a real instant.
type cpuSample struct {
	busy float64 // real seconds at the task's vCPU reservation
	at   time.Time
}

// publishLoop publishes each platform minute, once it has ended, the
// utilisation of every service with RUNNING tasks.
func (c *ControlPlane) publishLoop() {
	for {
		now := c.clock.Now()
		end := now.Truncate(time.Minute).Add(time.Minute)
		timer := c.clock.NewTimer(end.Sub(now))
		select {
		case <-c.ctx.Done():
			timer.Stop()
			return
		case <-timer.C():
		}
		c.publish(end.Add(-time.Minute))
	}
}

// probe is one RUNNING task measured for the minute.
type probe struct {
	tk        *task
	service   string
	proc      *process
	cpu, mem  float64 // reservations: CPU units, MiB
	prev      cpuSample
	cur       cpuSample
	rssMiB    float64
	ok, rssOK bool
}

// publish measures every RUNNING task and publishes, per service,
// CPUUtilization and MemoryUtilization for the minute starting at at.
//
// ECS defines service utilisation as the CPU (memory) the service's tasks
// use over what their task definitions reserve, in percent
// (cloudwatch-metrics.html, Service CPU utilization). A task's use is
// what its capacity model accounts in its stats file (sandbox/taskstats),
// as ECS reads a container's CPU from the kernel's accounting: busy
// seconds at its reservation, whose growth over the real time since the
// last sample is its share of it; memory is the process's resident set
// from /proc. Nothing is
// published for a service without RUNNING tasks, as ECS publishes nothing
// then.
func (c *ControlPlane) publish(at time.Time) {
	c.mu.Lock()
	var probes []*probe
	for _, tk := range c.tasks {
		if tk.view.LastStatus != StatusRunning || tk.proc == nil {
			continue
		}
		probes = append(probes, &probe{
			tk: tk, service: tk.svc.name, proc: tk.proc,
			cpu: float64(atoi(tk.view.Cpu)), mem: float64(atoi(tk.view.Memory)), prev: tk.sample,
		})
	}
	c.mu.Unlock()

	for _, p := range probes {
		c.measure(p)
	}

	type use struct{ cpuUsed, cpuReserved, memUsed, memReserved float64 }
	byService := map[string]*use{}
	c.mu.Lock()
	for _, p := range probes {
		if !p.ok {
			continue
		}
		p.tk.sample = p.cur
		u := byService[p.service]
		if u == nil {
			u = &use{}
			byService[p.service] = u
		}
		if elapsed := p.cur.at.Sub(p.prev.at).Seconds(); elapsed > 0 {
			share := min(1, max(0, (p.cur.busy-p.prev.busy)/elapsed))
			u.cpuUsed += share * p.cpu
			u.cpuReserved += p.cpu
		}
		if p.rssOK && p.mem > 0 {
			u.memUsed += p.rssMiB
			u.memReserved += p.mem
		}
	}
	c.mu.Unlock()

	for name, u := range byService {
		dims := func() []lb.Dimension {
			return []lb.Dimension{{Name: "ClusterName", Value: c.cfg.ClusterName}, {Name: "ServiceName", Value: name}}
		}
		if u.cpuReserved > 0 {
			c.cfg.Metrics.Publish(Namespace, "CPUUtilization", dims(), at, []float64{100 * u.cpuUsed / u.cpuReserved}, "Percent")
		}
		if u.memReserved > 0 {
			c.cfg.Metrics.Publish(Namespace, "MemoryUtilization", dims(), at, []float64{100 * u.memUsed / u.memReserved}, "Percent")
		}
	}
}

// measure reads a task's CPU accounting and its memory. The first sample
// of a task measures from the moment it started, when it had been busy
// for no time.
func (c *ControlPlane) measure(p *probe) {
	rec, err := p.proc.load()
	if errors.Is(err, taskstats.ErrClosed) {
		// It ended within the minute: nothing runs to be measured.
		return
	}
	if err != nil {
		c.log.Warn("task stats", "task", p.tk.id, "err", err)
		return
	}
	// Real time: busy seconds are real seconds, so is the time they grow
	// over, whatever the platform clock's scale.
	now := time.Now()
	p.cur = cpuSample{busy: rec.Busy(now).Seconds(), at: now}
	if p.prev.at.IsZero() {
		p.prev = cpuSample{at: rec.Started}
	}
	p.ok = true
	rss, err := p.proc.residentBytes()
	p.rssMiB, p.rssOK = float64(rss)/(1<<20), err == nil
}
