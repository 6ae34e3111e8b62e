package elasticache

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestNewNeedsAnID(t *testing.T) {
	if _, err := New(Config{}, newFakeGroup(), &fakeClock{now: t0}); err == nil {
		t.Error("New without a replication group ID: no error")
	}
}

func TestDescribeReplicationGroupsGroup(t *testing.T) {
	primaryEP := &Endpoint{Address: "127.0.1.1", Port: 6379}
	replicaEP := &Endpoint{Address: "127.0.2.1", Port: 6379}
	member := func(n int, ep *Endpoint, zone string, role Role) NodeGroupMember {
		ids := []string{"", "main-cache-001", "main-cache-002", "main-cache-003"}
		return NodeGroupMember{CacheClusterId: ids[n], CacheNodeId: "0001", ReadEndpoint: ep, PreferredAvailabilityZone: zone, CurrentRole: string(role)}
	}
	whole := ReplicationGroup{
		ReplicationGroupId:         "main-cache",
		Description:                "Cache, Horizontal + Cluster",
		GlobalReplicationGroupInfo: &GlobalReplicationGroupInfo{GlobalReplicationGroupId: "sandbox-main-cache", GlobalReplicationGroupMemberRole: "PRIMARY"},
		Status:                     "available",
		MemberClusters:             []string{"main-cache-001", "main-cache-002"},
		NodeGroups: []NodeGroup{{NodeGroupId: "0001", Status: "available", PrimaryEndpoint: primaryEP, ReaderEndpoint: replicaEP,
			NodeGroupMembers: []NodeGroupMember{member(1, primaryEP, "us-east-1a", Primary), member(2, replicaEP, "us-west-2a", Replica)}}},
		AutomaticFailover: "enabled", MultiAZ: "enabled", ClusterMode: "disabled",
		CacheNodeType: DefaultCacheNodeType, Engine: "redis",
		ARN:                        "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:main-cache",
		ReplicationGroupCreateTime: t0,
	}
	// change returns whole changed by f.
	change := func(f func(g *ReplicationGroup)) ReplicationGroup {
		g := whole
		g.NodeGroups = []NodeGroup{whole.NodeGroups[0]}
		g.NodeGroups[0].NodeGroupMembers = append([]NodeGroupMember(nil), whole.NodeGroups[0].NodeGroupMembers...)
		f(&g)
		return g
	}
	cases := []struct {
		name  string
		nodes []Node
		want  ReplicationGroup
	}{
		{name: "primary and cross-region replica", nodes: []Node{primaryNode, replicaNode}, want: whole},
		{name: "after a failover", nodes: []Node{{Region: "us-east-1", Addr: primaryNode.Addr, Role: Replica}, {Region: "us-west-2", Addr: replicaNode.Addr, Role: Primary}},
			want: change(func(g *ReplicationGroup) {
				ng := &g.NodeGroups[0]
				ng.PrimaryEndpoint, ng.ReaderEndpoint = replicaEP, primaryEP
				ng.NodeGroupMembers[0].CurrentRole, ng.NodeGroupMembers[1].CurrentRole = "replica", "primary"
			})},
		{name: "primary killed, not yet replaced", nodes: []Node{{Region: "us-east-1", Addr: primaryNode.Addr, Role: Down}, replicaNode},
			want: change(func(g *ReplicationGroup) {
				ng := &g.NodeGroups[0]
				ng.PrimaryEndpoint = nil
				ng.NodeGroupMembers[0].CurrentRole = ""
			})},
		{name: "no replicas: no failover, no global datastore, reads from the primary", nodes: []Node{primaryNode},
			want: change(func(g *ReplicationGroup) {
				g.GlobalReplicationGroupInfo = nil
				g.MemberClusters = []string{"main-cache-001"}
				g.AutomaticFailover, g.MultiAZ = "disabled", "disabled"
				ng := &g.NodeGroups[0]
				ng.ReaderEndpoint = primaryEP
				ng.NodeGroupMembers = ng.NodeGroupMembers[:1]
			})},
		{name: "two replicas in one region take its zones in turn",
			nodes: []Node{primaryNode, replicaNode, {Region: "us-west-2", Addr: "127.0.2.1:6380", Role: Replica}},
			want: change(func(g *ReplicationGroup) {
				g.MemberClusters = append(g.MemberClusters, "main-cache-003")
				ng := &g.NodeGroups[0]
				ng.NodeGroupMembers = append(ng.NodeGroupMembers, member(3, &Endpoint{Address: "127.0.2.1", Port: 6380}, "us-west-2b", Replica))
			})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newEngine(t, newFakeGroup(c.nodes...))
			out, err := e.DescribeReplicationGroups(t.Context(), "us-east-1", DescribeReplicationGroupsInput{ReplicationGroupId: "main-cache"})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.ReplicationGroups) != 1 || out.Marker != "" {
				t.Fatalf("got %d groups, marker %q", len(out.ReplicationGroups), out.Marker)
			}
			if got := out.ReplicationGroups[0]; !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestDescribeReplicationGroupsRequests(t *testing.T) {
	cases := []struct {
		name   string
		region string
		in     DescribeReplicationGroupsInput
		groups int
		code   ErrorCode
	}{
		{name: "all groups", groups: 1},
		{name: "by ID", region: "us-east-1", in: DescribeReplicationGroupsInput{ReplicationGroupId: "main-cache"}, groups: 1},
		{name: "IDs are not case sensitive", in: DescribeReplicationGroupsInput{ReplicationGroupId: "Main-Cache"}, groups: 1},
		{name: "unknown ID", in: DescribeReplicationGroupsInput{ReplicationGroupId: "other"}, code: ErrCodeReplicationGroupNotFound},
		{name: "another region has no groups", region: "us-west-2"},
		{name: "another region does not know the ID", region: "us-west-2", in: DescribeReplicationGroupsInput{ReplicationGroupId: "main-cache"}, code: ErrCodeReplicationGroupNotFound},
		{name: "smallest page", in: DescribeReplicationGroupsInput{MaxRecords: ptr(20)}, groups: 1},
		{name: "largest page", in: DescribeReplicationGroupsInput{MaxRecords: ptr(100)}, groups: 1},
		{name: "page too small", in: DescribeReplicationGroupsInput{MaxRecords: ptr(19)}, code: ErrCodeInvalidParameterValue},
		{name: "page too large", in: DescribeReplicationGroupsInput{MaxRecords: ptr(101)}, code: ErrCodeInvalidParameterValue},
		{name: "a marker not issued here", in: DescribeReplicationGroupsInput{Marker: "main-cache"}, code: ErrCodeInvalidParameterValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := newEngine(t, newFakeGroup(primaryNode, replicaNode))
			out, err := e.DescribeReplicationGroups(t.Context(), c.region, c.in)
			if codeOf(err) != c.code || (c.code == "" && err != nil) {
				t.Fatalf("err = %v, want code %q", err, c.code)
			}
			if len(out.ReplicationGroups) != c.groups || out.ReplicationGroups == nil || out.Marker != "" {
				t.Errorf("groups %v, marker %q; want %d groups, no marker", out.ReplicationGroups, out.Marker, c.groups)
			}
		})
	}
}

func TestDescribeReplicationGroupsStatusFails(t *testing.T) {
	g := newFakeGroup(primaryNode)
	g.statusErr = errors.New("sentinel 1: connection refused")
	e, _ := newEngine(t, g)
	_, err := e.DescribeReplicationGroups(t.Context(), "", DescribeReplicationGroupsInput{})
	if err == nil || codeOf(err) != "" || !errors.Is(err, g.statusErr) {
		t.Errorf("err = %v, want the group's error wrapped, not an API error", err)
	}
}

func TestTestFailoverRefused(t *testing.T) {
	down := Node{Region: "us-west-2", Addr: replicaNode.Addr, Role: Down}
	cases := []struct {
		name   string
		nodes  []Node
		region string
		in     TestFailoverInput
		code   ErrorCode
	}{
		{name: "unknown group", nodes: []Node{primaryNode, replicaNode}, in: TestFailoverInput{ReplicationGroupId: "other", NodeGroupId: "0001"}, code: ErrCodeReplicationGroupNotFound},
		{name: "another region", nodes: []Node{primaryNode, replicaNode}, region: "us-west-2", in: TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}, code: ErrCodeReplicationGroupNotFound},
		{name: "unknown node group", nodes: []Node{primaryNode, replicaNode}, in: TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0002"}, code: ErrCodeNodeGroupNotFound},
		{name: "no replicas", nodes: []Node{primaryNode}, in: TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}, code: ErrCodeTestFailoverNotAvailable},
		{name: "replica down", nodes: []Node{primaryNode, down}, in: TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}, code: ErrCodeTestFailoverNotAvailable},
		{name: "no primary", nodes: []Node{{Region: "us-east-1", Addr: primaryNode.Addr, Role: Down}, replicaNode}, in: TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}, code: ErrCodeTestFailoverNotAvailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newFakeGroup(c.nodes...)
			e, _ := newEngine(t, g)
			if _, err := e.TestFailover(t.Context(), c.region, c.in); codeOf(err) != c.code {
				t.Fatalf("err = %v, want code %s", err, c.code)
			}
			close(g.release)
			if got := waitAvailable(t, e); got.Status != "available" || g.count() != 0 {
				t.Errorf("after a refused test: status %s, %d failovers", got.Status, g.count())
			}
		})
	}
}

func TestTestFailover(t *testing.T) {
	g := newFakeGroup(primaryNode, replicaNode)
	e, _ := newEngine(t, g)
	in := TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}
	out, err := e.TestFailover(t.Context(), "us-east-1", in)
	if err != nil {
		t.Fatal(err)
	}
	rg := out.ReplicationGroup
	if rg.Status != "modifying" || rg.NodeGroups[0].Status != "modifying" || rg.NodeGroups[0].PrimaryEndpoint.Address != "127.0.1.1" {
		t.Errorf("TestFailover returned status %s, node group %+v; want modifying, the primary it began with", rg.Status, rg.NodeGroups[0])
	}
	desc, err := e.DescribeReplicationGroups(t.Context(), "", DescribeReplicationGroupsInput{})
	if err != nil || desc.ReplicationGroups[0].Status != "modifying" {
		t.Errorf("during the failover: %+v, %v; want modifying", desc, err)
	}
	if _, err := e.TestFailover(t.Context(), "", in); codeOf(err) != ErrCodeInvalidReplicationGroupState {
		t.Errorf("a second test during the first: err = %v, want %s", err, ErrCodeInvalidReplicationGroupState)
	}

	close(g.release)
	after := waitAvailable(t, e)
	ng := after.NodeGroups[0]
	if g.count() != 1 || ng.PrimaryEndpoint.Address != "127.0.2.1" || ng.NodeGroupMembers[1].CurrentRole != "primary" || ng.Status != "available" {
		t.Errorf("after the failover: %d failovers, node group %+v; want the replica primary", g.count(), ng)
	}
	if _, err := e.TestFailover(t.Context(), "", in); err != nil {
		t.Errorf("failing back once the group is available: %v", err)
	}
	waitAvailable(t, e)
	if g.count() != 2 {
		t.Errorf("%d failovers, want 2", g.count())
	}
}

func TestTestFailoverQuota(t *testing.T) {
	g := newFakeGroup(primaryNode, replicaNode)
	close(g.release)
	e, clk := newEngine(t, g)
	in := TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}
	for i := range FailoverQuota {
		if _, err := e.TestFailover(t.Context(), "", in); err != nil {
			t.Fatalf("test %d: %v", i+1, err)
		}
		waitAvailable(t, e)
		clk.Add(time.Hour)
	}
	// The first test was 15 h ago: 15 in the window.
	if _, err := e.TestFailover(t.Context(), "", in); codeOf(err) != ErrCodeAPICallRateExceeded {
		t.Fatalf("test %d within 24 h: err = %v, want %s", FailoverQuota+1, err, ErrCodeAPICallRateExceeded)
	}
	// 24 h after the first, it has left the window.
	clk.Add(FailoverWindow - FailoverQuota*time.Hour)
	if _, err := e.TestFailover(t.Context(), "", in); err != nil {
		t.Errorf("once the first test is 24 h old: %v", err)
	}
}

func TestCloseCancelsFailover(t *testing.T) {
	g := newFakeGroup(primaryNode, replicaNode)
	e, _ := newEngine(t, g)
	in := TestFailoverInput{ReplicationGroupId: "main-cache", NodeGroupId: "0001"}
	if _, err := e.TestFailover(t.Context(), "", in); err != nil {
		t.Fatal(err)
	}
	// The fake's failover waits for release, which never comes: Close
	// returns only if it cancels the failover.
	e.Close()
	if g.count() != 0 {
		t.Errorf("%d failovers completed, want the one cancelled", g.count())
	}
	if _, err := e.TestFailover(t.Context(), "", in); err == nil || codeOf(err) != "" {
		t.Errorf("TestFailover after Close: err = %v, want a failure of the engine", err)
	}
}
