package redisha

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Status is the group as its nodes and sentinels report it.
type Status struct {
	// Master is the master's address per a quorum of sentinels, or ""
	// if no quorum agrees.
	Master    string
	Sentinels []SentinelStatus
	Nodes     []NodeStatus
}

// SentinelStatus is one sentinel's view.
type SentinelStatus struct {
	Name, Addr string
	// Place is "primary", "failover" or "witness".
	Place string
	// Master is the address the sentinel reports for the master.
	Master string
	// Flags are the sentinel's flags for the master, such as "master"
	// or "s_down,master".
	Flags string
	// Replicas and OtherSentinels are how many the sentinel knows.
	Replicas, OtherSentinels int
	// Err says why the sentinel could not be asked.
	Err string `json:",omitempty"`
}

// NodeStatus is one redis-server as it reports itself.
type NodeStatus struct {
	Node
	// Role is "master", "replica", or "down" when the node does not
	// answer.
	Role string
	// MasterAddr and LinkUp are a replica's master and whether its
	// replication link is up.
	MasterAddr string `json:",omitempty"`
	LinkUp     bool   `json:",omitempty"`
	// Offset is the replication offset: of the stream a master has
	// produced, or a replica has processed.
	Offset int64
	// LagBytes is how far a replica's offset is behind its master's.
	LagBytes int64 `json:",omitempty"`
	// AckAge is how long ago the master last heard from this replica
	// (INFO replication lag, whole seconds).
	AckAge time.Duration `json:",omitempty"`
}

// Status asks every node and sentinel. A node or sentinel that does not
// answer is reported as such, not as an error.
func (g *Group) Status(ctx context.Context) Status {
	var st Status
	st.Master, _ = g.master(ctx)
	for _, s := range g.sentinels {
		st.Sentinels = append(st.Sentinels, s.status(ctx, g.cfg.MasterName))
	}
	infos := map[string]map[string]string{}
	for _, n := range g.nodes {
		ns := NodeStatus{Node: Node{Name: n.name, Region: n.region, Addr: n.addr()}, Role: "down"}
		g.mu.Lock()
		running := n.proc != nil && !n.proc.Ended()
		g.mu.Unlock()
		if !running {
			st.Nodes = append(st.Nodes, ns)
			continue
		}
		if info, err := n.replication(ctx); err == nil {
			infos[n.addr()] = info
			ns.Role = info["role"]
			if ns.Role == "slave" {
				ns.Role = "replica"
				ns.MasterAddr = net.JoinHostPort(info["master_host"], info["master_port"])
				ns.LinkUp = info["master_link_status"] == "up"
				ns.Offset, _ = strconv.ParseInt(info["slave_repl_offset"], 10, 64)
			} else {
				ns.Offset, _ = strconv.ParseInt(info["master_repl_offset"], 10, 64)
			}
		}
		st.Nodes = append(st.Nodes, ns)
	}
	for i := range st.Nodes {
		ns := &st.Nodes[i]
		master, ok := infos[ns.MasterAddr]
		if ns.Role != "replica" || !ok {
			continue
		}
		moff, _ := strconv.ParseInt(master["master_repl_offset"], 10, 64)
		ns.LagBytes = max(moff-ns.Offset, 0)
		for _, r := range replicasOf(master) {
			if r.addr == ns.Addr {
				ns.AckAge = r.lag
			}
		}
	}
	return st
}

func (s *sentinel) status(ctx context.Context, name string) SentinelStatus {
	st := SentinelStatus{Name: s.name, Addr: s.addr(), Place: s.place}
	m, err := s.client.Master(ctx, name).Result()
	if err != nil {
		st.Err = fmt.Sprintf("asking sentinel %s about %s: %v", s.addr(), name, err)
		return st
	}
	st.Master = net.JoinHostPort(m["ip"], m["port"])
	st.Flags = m["flags"]
	st.Replicas, _ = strconv.Atoi(m["num-slaves"])
	st.OtherSentinels, _ = strconv.Atoi(m["num-other-sentinels"])
	return st
}

// replication is the node's INFO replication, asked at its private
// address.
func (n *node) replication(ctx context.Context) (map[string]string, error) {
	s, err := n.admin.Info(ctx, "replication").Result()
	if err != nil {
		return nil, fmt.Errorf("INFO replication of redis node %s at %s: %w", n.name, n.private, err)
	}
	return parseInfo(s), nil
}

// parseInfo reads INFO's "key:value" lines.
func parseInfo(s string) map[string]string {
	info := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":"); ok && !strings.HasPrefix(k, "#") {
			info[k] = v
		}
	}
	return info
}

// connectedReplica is a slaveN line of a master's INFO replication.
type connectedReplica struct {
	addr   string
	online bool
	// offset is what the replica last acknowledged.
	offset int64
	lag    time.Duration
}

// replicasOf reads "slaveN:ip=...,port=...,state=online,offset=...,lag=...".
func replicasOf(info map[string]string) []connectedReplica {
	n, _ := strconv.Atoi(info["connected_slaves"])
	var rs []connectedReplica
	for i := range n {
		fields := map[string]string{}
		for f := range strings.SplitSeq(info["slave"+strconv.Itoa(i)], ",") {
			if k, v, ok := strings.Cut(f, "="); ok {
				fields[k] = v
			}
		}
		r := connectedReplica{addr: net.JoinHostPort(fields["ip"], fields["port"]), online: fields["state"] == "online"}
		r.offset, _ = strconv.ParseInt(fields["offset"], 10, 64)
		lag, _ := strconv.Atoi(fields["lag"])
		r.lag = time.Duration(lag) * time.Second
		rs = append(rs, r)
	}
	return rs
}
