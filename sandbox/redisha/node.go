package redisha

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// node is one redis-server, with its public front.
type node struct {
	name    string
	region  string // "primary" or "failover"
	ip      string
	private string
	front   *front
	dir     string
	// admin talks to the private address, so that what this package
	// asks never crosses the link it shapes.
	admin *redis.Client

	// proc is the running process, nil after a kill; guarded by the
	// group's mutex.
	proc *process
}

func (n *node) addr() string { return n.front.addr() }

func (n *node) role() string { return "redis " + n.name }

// config is the node's redis.conf; replicaOf is a public address or "".
// It is written before every start, so a node restarts from what this
// package says and not from what a sentinel's CONFIG REWRITE left.
func (n *node) config(replicaOf string) string {
	host, port, _ := net.SplitHostPort(n.addr())
	_, privPort, _ := net.SplitHostPort(n.private)
	lines := []string{
		"bind " + n.ip,
		"port " + privPort,
		// Outgoing connections (replication) carry the region's IP, so
		// the other node's front routes them across the link.
		"bind-source-addr " + n.ip,
		// Protected mode admits 127.0.0.1 only; every address here is
		// loopback and bound explicitly.
		"protected-mode no",
		"daemonize no",
		`logfile ""`,
		"dir " + n.dir,
		// A cache: nothing survives a kill (see the package doc).
		`save ""`,
		"appendonly no",
		// The master lists, and the sentinels then use, this address
		// for the node as a replica; without it they would get the
		// source address of the front's forwarded connection.
		"replica-announce-ip " + host,
		"replica-announce-port " + port,
		"replica-priority 100",
		// A rejoining node syncs at once instead of waiting five seconds
		// for more replicas to share the transfer with.
		"repl-diskless-sync yes",
		"repl-diskless-sync-delay 0",
	}
	if replicaOf != "" {
		h, p, _ := net.SplitHostPort(replicaOf)
		lines = append(lines, "replicaof "+h+" "+p)
	}
	return strings.Join(lines, "\n") + "\n"
}

// start writes the node's configuration and starts it; the caller holds
// the group's mutex and waits for it to answer.
func (n *node) start(g *Group, replicaOf string) error {
	conf := filepath.Join(g.cfg.Dir, n.name+".conf")
	if err := os.WriteFile(conf, []byte(n.config(replicaOf)), 0o644); err != nil {
		return fmt.Errorf("writing the configuration of redis node %s: %w", n.name, err)
	}
	p, err := startProcess(g.cfg.ServerBin, []string{conf}, filepath.Join(g.cfg.Dir, n.name+".log"), n.role(), g.cfg.Processes, g.log)
	if err != nil {
		return err
	}
	n.proc = p
	return nil
}

// waitUp waits until the process at addr answers PING, failing early if
// it exits. It dials before it pings, so that go-redis does not log every
// refused dial while the process starts.
func waitUp(ctx context.Context, p *process, addr string, ping func(context.Context) error, what string) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		conn, err := net.DialTimeout("tcp", addr, dialTimeout)
		if err == nil {
			conn.Close()
			if err = ping(ctx); err == nil {
				return nil
			}
		}
		select {
		case <-p.Exited():
			return fmt.Errorf("%s exited before answering (see its log)", what)
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s to answer: %w (last: %v)", what, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// pollInterval is how often waits look again: small against Sentinel's
// scaled periods, large against a PING on loopback.
const pollInterval = 25 * time.Millisecond
