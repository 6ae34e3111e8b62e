package redisha

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// WaitSteady waits until the group is whole: every node runs; a quorum
// of sentinels names one of them master, and it says it is; every other
// node is its replica with the link up and has acknowledged all the
// master has written, so a WAIT returns at once; and every sentinel sees that
// master up, knows every replica (none down) and the other sentinels, so
// the next failover can start at once. On timeout the error says what
// was still missing.
func (g *Group) WaitSteady(ctx context.Context) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		err := g.steady(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for redis group %s to be steady: %w (still: %v)", g.cfg.MasterName, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

func (g *Group) steady(ctx context.Context) error {
	g.mu.Lock()
	stopped := g.stopped
	var down []string
	for _, n := range g.nodes {
		if n.proc == nil || n.proc.Ended() {
			down = append(down, n.name)
		}
	}
	g.mu.Unlock()
	if stopped {
		return errors.New("the group is stopped")
	}
	if len(down) > 0 {
		return fmt.Errorf("nodes %v are not running", down)
	}
	m, err := g.current(ctx)
	if err != nil {
		return err
	}
	info, err := m.replication(ctx)
	if err != nil {
		return err
	}
	if info["role"] != "master" {
		return fmt.Errorf("the sentinels' master %s (%s) says it is a %s", m.name, m.addr(), info["role"])
	}
	offset, _ := strconv.ParseInt(info["master_repl_offset"], 10, 64)
	var online []string
	for _, r := range replicasOf(info) {
		if r.online && r.offset == offset {
			online = append(online, r.addr)
		}
	}
	for _, n := range g.nodes {
		if n != m && !slices.Contains(online, n.addr()) {
			return fmt.Errorf("node %s (%s) is not an online replica of %s that acknowledged offset %d (those that are: %v)", n.name, n.addr(), m.addr(), offset, online)
		}
	}
	for _, s := range g.sentinels {
		st := s.status(ctx, g.cfg.MasterName)
		switch {
		case st.Err != "":
			return errors.New(st.Err)
		case st.Master != m.addr() || st.Flags != "master":
			return fmt.Errorf("sentinel %s sees master %s with flags %q, want %s with flags \"master\"", s.addr(), st.Master, st.Flags, m.addr())
		case st.OtherSentinels != len(g.sentinels)-1:
			return fmt.Errorf("sentinel %s knows %d other sentinels, want %d", s.addr(), st.OtherSentinels, len(g.sentinels)-1)
		case st.Replicas != len(g.nodes)-1:
			return fmt.Errorf("sentinel %s knows %d replicas, want %d", s.addr(), st.Replicas, len(g.nodes)-1)
		}
		replicas, err := s.client.Replicas(ctx, g.cfg.MasterName).Result()
		if err != nil {
			return fmt.Errorf("asking sentinel %s for the replicas of %s: %w", s.addr(), g.cfg.MasterName, err)
		}
		for _, r := range replicas {
			if r["flags"] != "slave" || r["master-link-status"] != "ok" {
				return fmt.Errorf("sentinel %s sees replica %s:%s with flags %q and link %q", s.addr(), r["ip"], r["port"], r["flags"], r["master-link-status"])
			}
		}
	}
	return nil
}
