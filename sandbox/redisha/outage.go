package redisha

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"
)

var _ Fault = (*Outage)(nil)

// replica is a running node other than the one a quorum of sentinels
// reports as master.
func (g *Group) replica(ctx context.Context) (*node, error) {
	m, err := g.current(ctx)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.nodes {
		if n != m && n.proc != nil {
			return n, nil
		}
	}
	return nil, fmt.Errorf("%s has no running replica of %s (%s)", g.cfg.MasterName, m.name, m.addr())
}

// Outage is every Redis process placed in one region (nodes and the
// region's sentinel) stopped with SIGSTOP at once, as a region that stops
// answering leaves them: connections into it go silent rather than
// close, so clients, replicas and the other sentinels find out only by
// their timeouts, as they would on AWS.
type Outage struct {
	Region string
	// Stopped names what the outage froze.
	Stopped []string
	At      time.Time

	g     *Group
	procs []*process
	once  once
}

func (o *Outage) String() string {
	return fmt.Sprintf("region-outage %s (%s)", o.Region, strings.Join(o.Stopped, ", "))
}

// RegionOutage freezes every node and sentinel placed in region
// ("primary", "failover" or "witness"). A process it cannot stop undoes
// the ones it already stopped: a half-done outage is never left behind.
func (g *Group) RegionOutage(ctx context.Context, region string) (*Outage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("region-outage %s: %w", region, err)
	}
	o := &Outage{Region: region, At: time.Now(), g: g}
	g.mu.Lock()
	if g.stopped {
		g.mu.Unlock()
		return nil, errors.New("region-outage: the group is stopped")
	}
	for _, n := range g.nodes {
		if n.region == region && n.proc != nil {
			o.procs, o.Stopped = append(o.procs, n.proc), append(o.Stopped, n.name)
		}
	}
	for _, s := range g.sentinels {
		if s.place == region && s.proc != nil {
			o.procs, o.Stopped = append(o.procs, s.proc), append(o.Stopped, s.name)
		}
	}
	g.mu.Unlock()
	if len(o.procs) == 0 {
		return nil, fmt.Errorf("region-outage: no Redis process of %s runs in region %q (want primary, failover or witness)", g.cfg.MasterName, region)
	}
	for i, p := range o.procs {
		if err := p.signal(syscall.SIGSTOP); err != nil {
			return nil, errors.Join(fmt.Errorf("region-outage %s: %w", region, err), o.resume(o.procs[:i]))
		}
	}
	g.log.Warn("fault injected", "fault", o.String())
	return o, nil
}

// Revert resumes every frozen process. An old master that the sentinels
// replaced meanwhile wakes as a master of its own until they turn it into
// a replica of the new one; WaitSteady waits for that.
func (o *Outage) Revert(ctx context.Context) error {
	return o.once.do(func() error {
		if err := o.resume(o.procs); err != nil {
			return fmt.Errorf("reverting %s: %w", o, err)
		}
		o.g.log.Info("fault reverted", "fault", o.String())
		return nil
	})
}

func (o *Outage) resume(procs []*process) error {
	var errs []error
	for _, p := range procs {
		errs = append(errs, p.signal(syscall.SIGCONT))
	}
	return errors.Join(errs...)
}
