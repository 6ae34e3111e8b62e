package elasticache

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/sdktest"

	"github.com/gameday-sre/gameday/internal/awscli"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// The wire tests put the engine behind the sandbox's AWS endpoint, over
// the fake group, and call it as the harness and an SRE would: with
// aws-sdk-go-v2 and with both aws CLIs, which all speak AWS Query to
// ElastiCache.

// serve starts the AWS endpoint with the engine for g and returns its URL.
func serve(t *testing.T, g Group) string {
	t.Helper()
	e, _ := newEngine(t, g)
	srv := awsapi.NewServer(awsapi.WithLogger(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))))
	srv.Handle(awsapi.ServiceElastiCache, e.ServeAWS)
	api := httptest.NewServer(srv)
	t.Cleanup(api.Close)
	return api.URL
}

func client(url, region string) *sdk.Client {
	return sdk.NewFromConfig(sdktest.Config(url, region))
}

func TestSDKDescribeReplicationGroups(t *testing.T) {
	c := client(serve(t, newFakeGroup(primaryNode, replicaNode)), "us-east-1")
	ctx := t.Context()

	out, err := c.DescribeReplicationGroups(ctx, &sdk.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("main-cache")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ReplicationGroups) != 1 {
		t.Fatalf("got %d groups, want 1", len(out.ReplicationGroups))
	}
	g := out.ReplicationGroups[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"ReplicationGroupId", aws.ToString(g.ReplicationGroupId), "main-cache"},
		{"Status", aws.ToString(g.Status), "available"},
		{"MemberClusters", strings.Join(g.MemberClusters, ","), "main-cache-001,main-cache-002"},
		{"AutomaticFailover", g.AutomaticFailover, ectypes.AutomaticFailoverStatusEnabled},
		{"MultiAZ", g.MultiAZ, ectypes.MultiAZStatusEnabled},
		{"ClusterEnabled", g.ClusterEnabled != nil && !*g.ClusterEnabled, true},
		{"ClusterMode", g.ClusterMode, ectypes.ClusterModeDisabled},
		{"CacheNodeType", aws.ToString(g.CacheNodeType), DefaultCacheNodeType},
		{"GlobalReplicationGroupId", aws.ToString(g.GlobalReplicationGroupInfo.GlobalReplicationGroupId), "sandbox-main-cache"},
		{"ReplicationGroupCreateTime", aws.ToTime(g.ReplicationGroupCreateTime), t0},
		{"TransitEncryptionEnabled", aws.ToBool(g.TransitEncryptionEnabled), false},
		{"PendingModifiedValues", g.PendingModifiedValues != nil, true},
		{"NodeGroups", len(g.NodeGroups), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	ng := g.NodeGroups[0]
	if aws.ToString(ng.NodeGroupId) != "0001" || aws.ToString(ng.PrimaryEndpoint.Address) != "127.0.1.1" || aws.ToInt32(ng.PrimaryEndpoint.Port) != 6379 ||
		aws.ToString(ng.ReaderEndpoint.Address) != "127.0.2.1" || len(ng.NodeGroupMembers) != 2 {
		t.Fatalf("node group %+v", ng)
	}
	for i, want := range []struct{ id, addr, zone, role string }{
		{"main-cache-001", "127.0.1.1", "us-east-1a", "primary"},
		{"main-cache-002", "127.0.2.1", "us-west-2a", "replica"},
	} {
		m := ng.NodeGroupMembers[i]
		if aws.ToString(m.CacheClusterId) != want.id || aws.ToString(m.CacheNodeId) != "0001" || aws.ToString(m.ReadEndpoint.Address) != want.addr ||
			aws.ToString(m.PreferredAvailabilityZone) != want.zone || aws.ToString(m.CurrentRole) != want.role {
			t.Errorf("member %d: %s %s %s %s %s, want %+v", i, aws.ToString(m.CacheClusterId), aws.ToString(m.CacheNodeId),
				aws.ToString(m.ReadEndpoint.Address), aws.ToString(m.PreferredAvailabilityZone), aws.ToString(m.CurrentRole), want)
		}
	}

	// The paginator stops after the one page, which carries no Marker.
	pages := sdk.NewDescribeReplicationGroupsPaginator(c, &sdk.DescribeReplicationGroupsInput{MaxRecords: aws.Int32(20)})
	var ids []string
	for n := 0; pages.HasMorePages(); n++ {
		if n > 1 {
			t.Fatal("the paginator does not stop")
		}
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.ReplicationGroups {
			ids = append(ids, aws.ToString(g.ReplicationGroupId))
		}
	}
	if strings.Join(ids, ",") != "main-cache" {
		t.Errorf("paginated: %v", ids)
	}

	// Another region's endpoint has no groups.
	west, err := client(serve(t, newFakeGroup(primaryNode, replicaNode)), "us-west-2").DescribeReplicationGroups(ctx, &sdk.DescribeReplicationGroupsInput{})
	if err != nil || len(west.ReplicationGroups) != 0 {
		t.Errorf("us-west-2: %v, %v; want no groups", west, err)
	}
}

func TestSDKErrors(t *testing.T) {
	g := newFakeGroup(primaryNode)
	c := client(serve(t, g), "us-east-1")
	ctx := t.Context()
	cases := []struct {
		name   string
		call   func() error
		as     func(error) bool
		status int
	}{
		{name: "unknown group", status: http.StatusNotFound,
			call: func() error {
				_, err := c.DescribeReplicationGroups(ctx, &sdk.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("nope")})
				return err
			},
			as: func(err error) bool { var e *ectypes.ReplicationGroupNotFoundFault; return errors.As(err, &e) }},
		{name: "page too small", status: http.StatusBadRequest,
			call: func() error {
				_, err := c.DescribeReplicationGroups(ctx, &sdk.DescribeReplicationGroupsInput{MaxRecords: aws.Int32(5)})
				return err
			},
			as: func(err error) bool { var e *ectypes.InvalidParameterValueException; return errors.As(err, &e) }},
		{name: "failover without a replica", status: http.StatusBadRequest,
			call: func() error {
				_, err := c.TestFailover(ctx, &sdk.TestFailoverInput{ReplicationGroupId: aws.String("main-cache"), NodeGroupId: aws.String("0001")})
				return err
			},
			as: func(err error) bool { var e *ectypes.TestFailoverNotAvailableFault; return errors.As(err, &e) }},
		{name: "unknown node group", status: http.StatusNotFound,
			call: func() error {
				_, err := c.TestFailover(ctx, &sdk.TestFailoverInput{ReplicationGroupId: aws.String("main-cache"), NodeGroupId: aws.String("0002")})
				return err
			},
			as: func(err error) bool { var e *ectypes.NodeGroupNotFoundFault; return errors.As(err, &e) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			var re *smithyhttp.ResponseError
			if !c.as(err) || !errors.As(err, &re) || re.HTTPStatusCode() != c.status {
				t.Errorf("err = %v (%T); want the model's error type with status %d", err, err, c.status)
			}
		})
	}
}

func TestSDKTestFailover(t *testing.T) {
	g := newFakeGroup(primaryNode, replicaNode)
	c := client(serve(t, g), "us-east-1")
	ctx := t.Context()
	in := &sdk.TestFailoverInput{ReplicationGroupId: aws.String("main-cache"), NodeGroupId: aws.String("0001")}

	out, err := c.TestFailover(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.ReplicationGroup.Status); got != "modifying" {
		t.Errorf("TestFailover: status %s, want modifying", got)
	}
	_, err = c.TestFailover(ctx, in)
	if e := (*ectypes.InvalidReplicationGroupStateFault)(nil); !errors.As(err, &e) {
		t.Errorf("a second TestFailover meanwhile: err = %v, want InvalidReplicationGroupStateFault", err)
	}
	close(g.release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := c.DescribeReplicationGroups(ctx, &sdk.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("main-cache")})
		if err != nil {
			t.Fatal(err)
		}
		rg := out.ReplicationGroups[0]
		if aws.ToString(rg.Status) == "available" {
			if got := aws.ToString(rg.NodeGroups[0].PrimaryEndpoint.Address); got != "127.0.2.1" {
				t.Errorf("after the failover the primary is %s, want the replica 127.0.2.1", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("still modifying after 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAWSCLI(t *testing.T) { awscli.Each(t, testCLI) }

func testCLI(t *testing.T, cli awscli.CLI) {
	g := newFakeGroup(primaryNode, replicaNode)
	url := serve(t, g)
	run := func(args ...string) map[string]any {
		t.Helper()
		stdout, stderr, err := cli.Run(t, url, "us-east-1", args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("output %q: %v", stdout, err)
		}
		return out
	}

	// --page-size sets MaxRecords; the CLI pages until no Marker comes.
	out := run("elasticache", "describe-replication-groups", "--page-size", "20")
	groups, _ := out["ReplicationGroups"].([]any)
	if len(groups) != 1 {
		t.Fatalf("describe-replication-groups: %v", out)
	}
	rg := groups[0].(map[string]any)
	members, _ := rg["MemberClusters"].([]any)
	nodeGroups, _ := rg["NodeGroups"].([]any)
	if rg["ReplicationGroupId"] != "main-cache" || rg["Status"] != "available" || rg["ClusterEnabled"] != false || len(members) != 2 || len(nodeGroups) != 1 {
		t.Fatalf("describe-replication-groups: %v", rg)
	}
	ng := nodeGroups[0].(map[string]any)
	nodes, _ := ng["NodeGroupMembers"].([]any)
	if len(nodes) != 2 || ng["PrimaryEndpoint"].(map[string]any)["Port"] != 6379.0 {
		t.Fatalf("node group: %v", ng)
	}
	if m := nodes[1].(map[string]any); m["CacheClusterId"] != "main-cache-002" || m["CurrentRole"] != "replica" || m["PreferredAvailabilityZone"] != "us-west-2a" {
		t.Errorf("second member: %v", m)
	}
	if info, _ := rg["GlobalReplicationGroupInfo"].(map[string]any); info["GlobalReplicationGroupId"] != "sandbox-main-cache" {
		t.Errorf("GlobalReplicationGroupInfo: %v", rg["GlobalReplicationGroupInfo"])
	}

	// v2 adds "(reached max retries: 0)" between operation and message.
	refusals := []struct {
		name          string
		args          []string
		code, message string
	}{
		{"unknown group", []string{"describe-replication-groups", "--replication-group-id", "nope"},
			"(ReplicationGroupNotFoundFault) when calling the DescribeReplicationGroups operation", ": ReplicationGroup nope not found"},
		{"page too small", []string{"describe-replication-groups", "--page-size", "5"},
			"(InvalidParameterValue) when calling the DescribeReplicationGroups operation", ": Invalid value for max records. Must be between 20 and 100"},
	}
	for _, r := range refusals {
		_, stderr, err := cli.Run(t, url, "us-east-1", append([]string{"elasticache"}, r.args...)...)
		if err == nil || !strings.Contains(stderr, r.code) || !strings.Contains(stderr, r.message) {
			t.Errorf("%s: err %v, stderr %q; want %q and %q", r.name, err, stderr, r.code, r.message)
		}
	}

	out = run("elasticache", "test-failover", "--replication-group-id", "main-cache", "--node-group-id", "0001")
	if got := out["ReplicationGroup"].(map[string]any)["Status"]; got != "modifying" {
		t.Errorf("test-failover: status %v, want modifying", got)
	}
	_, stderr, err := cli.Run(t, url, "us-east-1", "elasticache", "test-failover", "--replication-group-id", "main-cache", "--node-group-id", "0001")
	if want := "(InvalidReplicationGroupState) when calling the TestFailover operation"; err == nil || !strings.Contains(stderr, want) {
		t.Errorf("a second test-failover: err %v, stderr %q; want %q", err, stderr, want)
	}
	close(g.release)
}
