package elasticache

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"
)

// Paging of DescribeReplicationGroups: "Default: 100. Constraints: minimum
// 20; maximum 100." (API_DescribeReplicationGroups.html).
const (
	minRecords = 20
	maxRecords = 100
)

// The group's Status values the sandbox reports.
const (
	statusAvailable = "available"
	statusModifying = "modifying"
)

// ReplicationGroup is the group as DescribeReplicationGroups and
// TestFailover return it.
type ReplicationGroup struct {
	ReplicationGroupId         string
	Description                string
	GlobalReplicationGroupInfo *GlobalReplicationGroupInfo
	Status                     string
	// PendingModifiedValues is always empty: nothing is ever pending, and
	// AWS always sends the member.
	PendingModifiedValues    struct{}
	MemberClusters           []string
	NodeGroups               []NodeGroup
	AutomaticFailover        string
	MultiAZ                  string
	ClusterEnabled           bool
	ClusterMode              string
	CacheNodeType            string
	Engine                   string
	AuthTokenEnabled         bool
	TransitEncryptionEnabled bool
	AtRestEncryptionEnabled  bool
	ARN                      string
	// ReplicationGroupCreateTime is when the engine started, in platform
	// time.
	ReplicationGroupCreateTime time.Time
}

// GlobalReplicationGroupInfo is the group's membership of a global
// datastore.
type GlobalReplicationGroupInfo struct {
	GlobalReplicationGroupId         string
	GlobalReplicationGroupMemberRole string
}

// NodeGroup is a shard; with cluster mode disabled there is one, 0001.
type NodeGroup struct {
	NodeGroupId      string
	Status           string
	PrimaryEndpoint  *Endpoint
	ReaderEndpoint   *Endpoint
	NodeGroupMembers []NodeGroupMember
}

// NodeGroupMember is one node of a node group.
type NodeGroupMember struct {
	CacheClusterId            string
	CacheNodeId               string
	ReadEndpoint              *Endpoint
	PreferredAvailabilityZone string
	// CurrentRole is primary or replica, and absent for a node that is
	// down.
	CurrentRole string
}

// Endpoint is where clients connect.
type Endpoint struct {
	Address string
	Port    int
}

// DescribeReplicationGroupsInput is DescribeReplicationGroups' input.
type DescribeReplicationGroupsInput struct {
	ReplicationGroupId string
	Marker             string
	MaxRecords         *int
}

// DescribeReplicationGroupsOutput is DescribeReplicationGroups' output.
type DescribeReplicationGroupsOutput struct {
	ReplicationGroups []ReplicationGroup
	Marker            string
}

// DescribeReplicationGroups describes the group to a request signed for
// region ("" when unsigned): all groups when in names none.
func (e *Engine) DescribeReplicationGroups(ctx context.Context, region string, in DescribeReplicationGroupsInput) (DescribeReplicationGroupsOutput, error) {
	out := DescribeReplicationGroupsOutput{ReplicationGroups: []ReplicationGroup{}}
	if in.MaxRecords != nil && (*in.MaxRecords < minRecords || *in.MaxRecords > maxRecords) {
		return out, newError(ErrCodeInvalidParameterValue, "Invalid value for max records. Must be between %d and %d", minRecords, maxRecords)
	}
	if in.Marker != "" {
		return out, newError(ErrCodeInvalidParameterValue, "Invalid marker: %s", in.Marker)
	}
	switch {
	case in.ReplicationGroupId == "" && !e.visibleIn(region):
		return out, nil
	case in.ReplicationGroupId != "" && !e.serves(region, in.ReplicationGroupId):
		return out, e.notFound(in.ReplicationGroupId)
	}
	nodes, err := e.group.Status(ctx)
	if err != nil {
		return out, fmt.Errorf("status of replication group %s: %w", e.cfg.ReplicationGroupID, err)
	}
	e.mu.Lock()
	modifying := e.failingOver
	e.mu.Unlock()
	g, err := e.describe(nodes, modifying)
	if err != nil {
		return out, err
	}
	out.ReplicationGroups = append(out.ReplicationGroups, g)
	return out, nil
}

// describe builds the group from its nodes.
func (e *Engine) describe(nodes []Node, modifying bool) (ReplicationGroup, error) {
	id := e.cfg.ReplicationGroupID
	status := statusAvailable
	if modifying {
		status = statusModifying
	}
	ng := NodeGroup{NodeGroupId: NodeGroupID, Status: status, NodeGroupMembers: []NodeGroupMember{}}
	members := []string{}
	zones := map[string]int{} // nodes seen per region
	var reader *Endpoint
	for i, n := range nodes {
		ep, err := endpoint(n.Addr)
		if err != nil {
			return ReplicationGroup{}, fmt.Errorf("node %d of replication group %s: %w", i+1, id, err)
		}
		cluster := fmt.Sprintf("%s-%03d", id, i+1)
		m := NodeGroupMember{CacheClusterId: cluster, CacheNodeId: "0001", ReadEndpoint: ep,
			PreferredAvailabilityZone: n.Region + string(rune('a'+zones[n.Region]))}
		zones[n.Region]++
		switch n.Role {
		case Primary:
			m.CurrentRole = string(Primary)
			ng.PrimaryEndpoint = ep
		case Replica:
			m.CurrentRole = string(Replica)
			if reader == nil {
				reader = ep
			}
		}
		members = append(members, cluster)
		ng.NodeGroupMembers = append(ng.NodeGroupMembers, m)
	}
	// With no replica up, the reader endpoint leads to the primary
	// (red-ug/Endpoints.html).
	ng.ReaderEndpoint = reader
	if reader == nil {
		ng.ReaderEndpoint = ng.PrimaryEndpoint
	}
	failover := "disabled"
	if len(nodes) > 1 {
		failover = "enabled"
	}
	g := ReplicationGroup{
		ReplicationGroupId: id, Description: e.cfg.Description, Status: status,
		MemberClusters: members, NodeGroups: []NodeGroup{ng},
		AutomaticFailover: failover, MultiAZ: failover,
		ClusterEnabled: false, ClusterMode: "disabled",
		CacheNodeType: e.cfg.CacheNodeType, Engine: "redis",
		ARN:                        fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", e.cfg.Region, e.cfg.AccountID, id),
		ReplicationGroupCreateTime: e.created,
	}
	if len(zones) > 1 {
		g.GlobalReplicationGroupInfo = &GlobalReplicationGroupInfo{GlobalReplicationGroupId: "sandbox-" + id, GlobalReplicationGroupMemberRole: "PRIMARY"}
	}
	return g, nil
}

func endpoint(addr string) (*Endpoint, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("address %q: port: %w", addr, err)
	}
	return &Endpoint{Address: host, Port: p}, nil
}
