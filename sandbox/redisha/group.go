package redisha

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// Group is a running replication group. Its methods are safe for
// concurrent use.
type Group struct {
	cfg    Config
	timing timing
	log    *slog.Logger

	nodes     []*node
	sentinels []*sentinel

	mu       sync.Mutex
	stopped  bool
	cuts     int // LinkCuts in force; the link is down while > 0
	faultSeq int // names toxics uniquely
}

// Node is a redis-server as the rest of the world addresses it.
type Node struct {
	Name string
	// Region is "primary" or "failover": where the node runs, not its
	// current role.
	Region string
	// Addr is the node's public address, the one the sentinels report.
	Addr string
}

// Start starts the group and returns once the primary is replicated to
// every replica and every sentinel reports it as master, knows every
// replica and the other sentinels. On error everything started is
// stopped.
func Start(ctx context.Context, cfg Config) (*Group, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	for _, bin := range []string{cfg.ServerBin, cfg.SentinelBin} {
		if _, err := exec.LookPath(bin); err != nil {
			return nil, fmt.Errorf("redisha: %w", err)
		}
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("redisha: creating %s: %w", cfg.Dir, err)
	}
	g := &Group{cfg: cfg, timing: cfg.timing(), log: cfg.Logger.With("redis", cfg.MasterName)}
	g.log.Info("starting", "config", cfg.String())
	ctx, cancel := context.WithTimeout(ctx, cfg.StartTimeout)
	defer cancel()
	if err := g.start(ctx); err != nil {
		g.Stop()
		return nil, fmt.Errorf("redisha: starting %s: %w", cfg.MasterName, err)
	}
	return g, nil
}

func (g *Group) start(ctx context.Context) error {
	tox := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	for i := range 1 + g.cfg.Replicas {
		n := &node{name: fmt.Sprintf("%s-%03d", g.cfg.MasterName, i+1), region: "primary", ip: g.cfg.PrimaryIP}
		cross := g.cfg.FailoverIP
		if i > 0 {
			n.region, n.ip, cross = "failover", g.cfg.FailoverIP, g.cfg.PrimaryIP
		}
		port, err := freePort(n.ip)
		if err != nil {
			return err
		}
		n.private = net.JoinHostPort(n.ip, port)
		n.dir = g.cfg.Dir
		n.admin = redis.NewClient(adminOptions(n.private))
		g.nodes = append(g.nodes, n)
		if n.front, err = newFront(n.ip, n.private, cross, tox, n.name); err != nil {
			return err
		}
	}
	primary := g.nodes[0]
	for _, n := range g.nodes {
		replicaOf := ""
		if n != primary {
			replicaOf = primary.addr()
		}
		if err := g.startNode(ctx, n, replicaOf); err != nil {
			return err
		}
	}
	for i, place := range []struct{ name, ip string }{
		{"primary", g.cfg.PrimaryIP}, {"failover", g.cfg.FailoverIP}, {"witness", g.cfg.WitnessIP},
	} {
		port, err := freePort(place.ip)
		if err != nil {
			return err
		}
		s := &sentinel{name: fmt.Sprintf("%s-sentinel-%d", g.cfg.MasterName, i+1), place: place.name, ip: place.ip, port: port}
		s.client = redis.NewSentinelClient(adminOptions(s.addr()))
		g.sentinels = append(g.sentinels, s)
		g.mu.Lock()
		err = s.start(g, primary.addr())
		g.mu.Unlock()
		if err != nil {
			return err
		}
		if err := waitUp(ctx, s.proc, s.addr(), func(ctx context.Context) error { return s.client.Ping(ctx).Err() }, s.name+" at "+s.addr()); err != nil {
			return err
		}
		s.scalePeriods(ctx, g)
	}
	return g.WaitSteady(ctx)
}

// startNode starts n, as a replica of replicaOf unless that is "", and
// waits until it answers.
func (g *Group) startNode(ctx context.Context, n *node, replicaOf string) error {
	g.mu.Lock()
	if g.stopped {
		g.mu.Unlock()
		return errors.New("the group is stopped")
	}
	err := n.start(g, replicaOf)
	p := n.proc
	g.mu.Unlock()
	if err != nil {
		return err
	}
	return waitUp(ctx, p, n.private, func(ctx context.Context) error { return n.admin.Ping(ctx).Err() }, fmt.Sprintf("redis node %s at %s", n.name, n.private))
}

// adminOptions are for this package's own connections: short timeouts,
// so that a stopped process fails a poll instead of stalling it, and
// RESP2 without CLIENT SETINFO, which every Redis since 2.6 answers.
func adminOptions(addr string) *redis.Options {
	return &redis.Options{
		Addr:            addr,
		Protocol:        2,
		DisableIdentity: true,
		DialTimeout:     500 * time.Millisecond,
		DialerRetries:   1,
		ReadTimeout:     time.Second,
		WriteTimeout:    time.Second,
		MaxRetries:      -1,
		PoolSize:        2,
	}
}

// freePort finds a port free on ip. Redis must be told its port, so the
// port is released before Redis binds it; on a machine where only the
// sandbox picks ports that way the window is harmless.
func freePort(ip string) (string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return "", fmt.Errorf("finding a free port on %s: %w", ip, err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// Stop kills every process the group started, closes its fronts and
// link, and waits until the processes have been reaped.
func (g *Group) Stop() {
	g.mu.Lock()
	g.stopped = true
	var procs []*process
	for _, s := range g.sentinels {
		if s.proc != nil {
			procs = append(procs, s.proc)
		}
	}
	for _, n := range g.nodes {
		if n.proc != nil {
			procs = append(procs, n.proc)
		}
	}
	g.mu.Unlock()
	// Sentinels first, so that none starts a failover while the nodes
	// go.
	for _, p := range procs {
		p.Kill()
	}
	for _, n := range g.nodes {
		if n.front != nil {
			n.front.close()
		}
		n.admin.Close()
	}
	for _, s := range g.sentinels {
		s.client.Close()
	}
	g.log.Info("stopped")
}

// MasterName is the name the sentinels monitor the group under.
func (g *Group) MasterName() string { return g.cfg.MasterName }

// SentinelAddrs are the sentinels' addresses, the seed a client needs.
func (g *Group) SentinelAddrs() []string {
	addrs := make([]string, len(g.sentinels))
	for i, s := range g.sentinels {
		addrs[i] = s.addr()
	}
	return addrs
}

// Nodes lists the redis-servers, the first one the initial primary.
func (g *Group) Nodes() []Node {
	nodes := make([]Node, len(g.nodes))
	for i, n := range g.nodes {
		nodes[i] = Node{Name: n.name, Region: n.region, Addr: n.addr()}
	}
	return nodes
}

func (g *Group) nodeAt(addr string) *node {
	for _, n := range g.nodes {
		if n.addr() == addr {
			return n
		}
	}
	return nil
}

// master is the master's address as a quorum of sentinels reports it.
func (g *Group) master(ctx context.Context) (string, error) {
	votes := map[string]int{}
	var errs []error
	for _, s := range g.sentinels {
		addr, err := s.master(ctx, g.cfg.MasterName)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		votes[addr]++
		if votes[addr] >= Quorum {
			return addr, nil
		}
	}
	return "", fmt.Errorf("no %d sentinels agree on the master of %s (votes %v): %w", Quorum, g.cfg.MasterName, votes, errors.Join(errs...))
}

func (s *sentinel) master(ctx context.Context, name string) (string, error) {
	hp, err := s.client.GetMasterAddrByName(ctx, name).Result()
	if err != nil {
		return "", fmt.Errorf("asking sentinel %s for the master of %s: %w", s.addr(), name, err)
	}
	if len(hp) != 2 {
		return "", fmt.Errorf("sentinel %s answered %q for the master of %s", s.addr(), hp, name)
	}
	return net.JoinHostPort(hp[0], hp[1]), nil
}

// current is the node a quorum of sentinels reports as master.
func (g *Group) current(ctx context.Context) (*node, error) {
	addr, err := g.master(ctx)
	if err != nil {
		return nil, err
	}
	n := g.nodeAt(addr)
	if n == nil {
		return nil, fmt.Errorf("the sentinels report %s as master of %s, which is none of its nodes", addr, g.cfg.MasterName)
	}
	return n, nil
}
