package redisha

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
)

// Fault is an injected fault. Revert undoes it; a second Revert does
// nothing.
type Fault interface {
	fmt.Stringer
	Revert(ctx context.Context) error
}

var (
	_ Fault = (*Kill)(nil)
	_ Fault = (*Pause)(nil)
	_ Fault = (*Delay)(nil)
	_ Fault = (*Cut)(nil)
)

// once runs a Revert's undo at most once, successfully.
type once struct {
	mu   sync.Mutex
	done bool
}

func (o *once) do(f func() error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return nil
	}
	if err := f(); err != nil {
		return err
	}
	o.done = true
	return nil
}

// Kill is a node killed with SIGKILL: the current primary, or a replica.
type Kill struct {
	Node Node
	// Role is the node's role when it was killed: "primary" or "replica".
	Role string
	// At is when the signal was sent.
	At time.Time

	g    *Group
	n    *node
	once once
}

func (k *Kill) String() string {
	return fmt.Sprintf("kill-%s %s (%s)", k.Role, k.Node.Name, k.Node.Addr)
}

// KillPrimary SIGKILLs the process group of the node a quorum of
// sentinels reports as master, and returns once it has been reaped.
func (g *Group) KillPrimary(ctx context.Context) (*Kill, error) {
	n, err := g.current(ctx)
	if err != nil {
		return nil, fmt.Errorf("kill-primary: %w", err)
	}
	return g.kill(n, "primary")
}

// KillReplica SIGKILLs a replica of the current master: writes
// acknowledged by WAIT then have no copy to be acknowledged by.
func (g *Group) KillReplica(ctx context.Context) (*Kill, error) {
	n, err := g.replica(ctx)
	if err != nil {
		return nil, fmt.Errorf("kill-replica: %w", err)
	}
	return g.kill(n, "replica")
}

func (g *Group) kill(n *node, role string) (*Kill, error) {
	g.mu.Lock()
	p := n.proc
	if g.stopped || p == nil {
		g.mu.Unlock()
		return nil, fmt.Errorf("kill-%s: node %s (%s) is not running", role, n.name, n.addr())
	}
	n.proc = nil
	g.mu.Unlock()
	k := &Kill{Node: Node{Name: n.name, Region: n.region, Addr: n.addr()}, Role: role, At: time.Now(), g: g, n: n}
	p.Kill()
	g.log.Warn("fault injected", "fault", k.String())
	return k, nil
}

// Revert restarts the killed node and returns once it answers. With
// replicas it first waits for the sentinels to promote one, then starts
// the node as a replica of the new master; without, it starts it as an
// empty master (see the package doc). It does not wait for the group to
// be steady: WaitSteady does.
func (k *Kill) Revert(ctx context.Context) error {
	return k.once.do(func() error {
		replicaOf, err := k.g.successor(ctx, k.n)
		if err != nil {
			return fmt.Errorf("reverting %s: %w", k, err)
		}
		if err := k.g.startNode(ctx, k.n, replicaOf); err != nil {
			return fmt.Errorf("reverting %s: %w", k, err)
		}
		k.g.log.Info("fault reverted", "fault", k.String(), "replicaOf", replicaOf)
		return nil
	})
}

// successor waits until a quorum of sentinels reports a master other than
// gone and returns its address, or "" if the group has no replicas.
func (g *Group) successor(ctx context.Context, gone *node) (string, error) {
	if len(g.nodes) == 1 {
		return "", nil
	}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		addr, err := g.master(ctx)
		if err == nil && addr != gone.addr() {
			return addr, nil
		}
		if err == nil {
			err = fmt.Errorf("the sentinels still report %s as master", addr)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for a replica to be promoted: %w (%v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// Pause is a node's process group stopped with SIGSTOP: the current
// primary, or a replica.
//
// SIGSTOP rather than DEBUG SLEEP or CLIENT PAUSE: it freezes the whole
// server as a hung host or a long stall does, so the sentinels see no
// replies and fail over, the replication link goes silent without
// closing, and clients hang on open connections; it lasts exactly until
// Revert, where DEBUG SLEEP picks its length up front and cannot be ended
// early; and CLIENT PAUSE keeps answering the sentinels' PINGs, so no
// failover would follow.
type Pause struct {
	Node Node
	// Role is the node's role when it was paused: "primary" or "replica".
	Role string
	At   time.Time

	g    *Group
	p    *process
	once once
}

func (p *Pause) String() string {
	return fmt.Sprintf("pause-%s %s (%s)", p.Role, p.Node.Name, p.Node.Addr)
}

// PausePrimary SIGSTOPs the node a quorum of sentinels reports as master.
func (g *Group) PausePrimary(ctx context.Context) (*Pause, error) {
	n, err := g.current(ctx)
	if err != nil {
		return nil, fmt.Errorf("pause-primary: %w", err)
	}
	return g.pause(n, "primary")
}

// PauseReplica SIGSTOPs a replica of the current master, like a replica
// host that hangs: its replication link goes silent without closing, so
// the master counts it connected until repl-timeout while WAIT gets no
// acknowledgement from it.
func (g *Group) PauseReplica(ctx context.Context) (*Pause, error) {
	n, err := g.replica(ctx)
	if err != nil {
		return nil, fmt.Errorf("pause-replica: %w", err)
	}
	return g.pause(n, "replica")
}

func (g *Group) pause(n *node, role string) (*Pause, error) {
	g.mu.Lock()
	p := n.proc
	g.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("pause-%s: node %s (%s) is not running", role, n.name, n.addr())
	}
	pause := &Pause{Node: Node{Name: n.name, Region: n.region, Addr: n.addr()}, Role: role, At: time.Now(), g: g, p: p}
	if err := p.signal(syscall.SIGSTOP); err != nil {
		return nil, fmt.Errorf("pause-%s: %w", role, err)
	}
	g.log.Warn("fault injected", "fault", pause.String())
	return pause, nil
}

// Revert SIGCONTs the node. If the sentinels failed over meanwhile, it
// wakes as a master of its own until they turn it into a replica;
// WaitSteady waits for that.
func (p *Pause) Revert(ctx context.Context) error {
	return p.once.do(func() error {
		if err := p.p.signal(syscall.SIGCONT); err != nil {
			return fmt.Errorf("reverting %s: %w", p, err)
		}
		p.g.log.Info("fault reverted", "fault", p.String())
		return nil
	})
}

// Delay is latency added to the cross-region link, in both directions.
type Delay struct {
	Latency, Jitter time.Duration

	name string
	g    *Group
	once once
}

func (d *Delay) String() string {
	return fmt.Sprintf("link-delay %s (latency %s, jitter %s)", d.name, d.Latency, d.Jitter)
}

// LinkDelay adds latency ± jitter (whole milliseconds, as Toxiproxy
// counts them) to every byte crossing the link in either direction, so a
// round trip across it takes twice latency more. Delays add up.
func (g *Group) LinkDelay(ctx context.Context, latency, jitter time.Duration) (*Delay, error) {
	if latency <= 0 || jitter < 0 || jitter > latency {
		return nil, fmt.Errorf("link-delay: latency %s, jitter %s: want 0 < jitter <= latency", latency, jitter)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return nil, errors.New("link-delay: the group is stopped")
	}
	g.faultSeq++
	d := &Delay{Latency: latency, Jitter: jitter, name: fmt.Sprintf("delay-%d", g.faultSeq), g: g}
	attrs := map[string]int64{"latency": latency.Milliseconds(), "jitter": jitter.Milliseconds()}
	var added []func() error
	for _, n := range g.nodes {
		for _, stream := range []string{"upstream", "downstream"} {
			t := toxic{Name: d.name + "-" + stream, Type: "latency", Stream: stream, Toxicity: 1, Attributes: attrs}
			if err := n.front.addToxic(t); err != nil {
				for _, undo := range added {
					undo()
				}
				return nil, fmt.Errorf("link-delay: %w", err)
			}
			added = append(added, func() error { return n.front.removeToxic(ctx, t.Name) })
		}
	}
	g.log.Warn("fault injected", "fault", d.String())
	return d, nil
}

// Revert removes the latency. Data held back by it is delivered, not
// dropped.
func (d *Delay) Revert(ctx context.Context) error {
	return d.once.do(func() error {
		d.g.mu.Lock()
		defer d.g.mu.Unlock()
		var errs []error
		for _, n := range d.g.nodes {
			for _, stream := range []string{"upstream", "downstream"} {
				errs = append(errs, n.front.removeToxic(ctx, d.name+"-"+stream))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("reverting %s: %w", d, err)
		}
		d.g.log.Info("fault reverted", "fault", d.String())
		return nil
	})
}

// Cut is the cross-region link disabled.
type Cut struct {
	At time.Time

	g    *Group
	once once
}

func (c *Cut) String() string { return "link-cut" }

// LinkCut disables the link: the connections crossing it are closed and
// new ones refused, so replicas lose their master and sentinels across
// it see the node down. Traffic within a region and from the harness is
// untouched. Cuts nest: the link is back when every Cut is reverted.
func (g *Group) LinkCut(ctx context.Context) (*Cut, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return nil, errors.New("link-cut: the group is stopped")
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("link-cut: %w", ctx.Err())
	}
	g.cuts++
	if g.cuts == 1 {
		for _, n := range g.nodes {
			n.front.proxy.Stop()
		}
	}
	c := &Cut{At: time.Now(), g: g}
	g.log.Warn("fault injected", "fault", c.String())
	return c, nil
}

// Revert restores the link when no other Cut holds it down; replicas
// reconnect within a second and resume from their offset.
func (c *Cut) Revert(ctx context.Context) error {
	return c.once.do(func() error {
		c.g.mu.Lock()
		defer c.g.mu.Unlock()
		if c.g.cuts == 1 && !c.g.stopped {
			for _, n := range c.g.nodes {
				// A retry after a partial failure finds some started.
				if err := n.front.proxy.Start(); err != nil && !errors.Is(err, toxiproxy.ErrProxyAlreadyStarted) {
					return fmt.Errorf("reverting %s: restarting the link into %s at %s: %w", c, n.name, n.front.link, err)
				}
			}
		}
		c.g.cuts--
		c.g.log.Info("fault reverted", "fault", c.String())
		return nil
	})
}
