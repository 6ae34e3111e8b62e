package ecs

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/sandbox/procfs"

	"github.com/gameday-sre/gameday/sandbox/lb"
)

// Namespace is the CloudWatch namespace of ECS metrics.
const Namespace = "AWS/ECS"

// cpuSample is a task's cumulative busy time at a real instant.
type cpuSample struct {
	busy float64 // real seconds at the task's vCPU reservation
	at   time.Time
}

// stats is the part of a task's /_sandbox/stats that utilisation needs.
type stats struct {
	BusySeconds float64   `json:"busySeconds"`
	StartedAt   time.Time `json:"startedAt"`
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
	url       string
	pid       int
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
// what it reports at /_sandbox/stats: busy seconds at its reservation,
// whose growth over the real time since the last sample is its share of
// it; memory is the process's resident set from /proc. Nothing is
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
			tk: tk, service: tk.svc.name, url: tk.proc.url, pid: tk.proc.PID(),
			cpu: float64(atoi(tk.view.Cpu)), mem: float64(atoi(tk.view.Memory)), prev: tk.sample,
		})
	}
	c.mu.Unlock()

	var wg sync.WaitGroup
	for _, p := range probes {
		wg.Go(func() { c.measure(p) })
	}
	wg.Wait()

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

// measure fetches a task's stats and reads its memory. The first sample
// of a task measures from the moment it started, when it had been busy
// for no time.
func (c *ControlPlane) measure(p *probe) {
	ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/_sandbox/stats", nil)
	if err != nil {
		return
	}
	resp, err := c.stats.Do(req)
	if err != nil {
		c.log.Warn("task stats", "url", p.url, "err", err)
		return
	}
	defer resp.Body.Close()
	var st stats
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&st) != nil {
		c.log.Warn("task stats", "url", p.url, "status", resp.Status)
		return
	}
	// Real time: busy seconds are real seconds, so is the time they grow
	// over, whatever the platform clock's scale.
	p.cur = cpuSample{busy: st.BusySeconds, at: time.Now()}
	if p.prev.at.IsZero() {
		p.prev = cpuSample{at: st.StartedAt}
	}
	p.ok = true
	rss, err := procfs.ResidentBytes(p.pid)
	p.rssMiB, p.rssOK = float64(rss)/(1<<20), err == nil
}
