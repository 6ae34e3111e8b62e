package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"

	"github.com/gameday-sre/gameday/drivers/redis"
	"github.com/gameday-sre/gameday/sandbox/supervisor"
)

// Through the sandbox a drill would use: the Redis primary's process is
// SIGKILLed with `gameday sandbox fault`, the sentinels promote the
// failover region's replica, the harness's client follows, and every
// write acknowledged with WAIT before the kill is still there. Revert
// brings the old primary back as a replica.
func TestRedisPrimaryKillThroughTheSandbox(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH (apt-get install redis-server redis-sentinel)")
	}
	dir := startSandbox(t)
	st := status(t, dir)
	if len(st.Endpoints.RedisSentinels) != 3 || st.Data.Redis.Master == "" {
		t.Fatalf("sandbox runs no Redis group: %+v", st.Data.Redis)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := redis.Dial(ctx, redis.Target{MasterName: supervisor.CacheName, Sentinels: st.Endpoints.RedisSentinels})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	probe, err := c.NewProbe(redis.ProbeConfig{Prefix: "gameday:" + t.Name() + ":"})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if w, err := probe.Write(ctx); err != nil || !w.Acknowledged {
			t.Fatalf("a write before the fault: %+v, %v", w, err)
		}
	}
	watch, err := c.WatchFailover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()

	old := st.Data.Redis.Master
	out, code := gameday(t, "sandbox", "fault", "inject", "redis-primary", "kill", "--state-dir", dir)
	if code != 0 {
		t.Fatalf("fault inject redis-primary kill exited %d: %s", code, out)
	}
	f, err := watch.Wait(ctx)
	if err != nil {
		t.Fatalf("no failover announced: %v", err)
	}
	if f.From != old {
		t.Errorf("failover from %s, want the killed primary %s", f.From, old)
	}
	waitFor(t, 20*time.Second, "a write accepted by the new primary", func() bool {
		w, _ := probe.Write(ctx)
		return w.Accepted
	})
	r, err := c.Verify(ctx, probe.Writes())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.LostAcknowledged) > 0 || r.Acknowledged < 20 {
		t.Errorf("after the failover: %d acknowledged, lost acknowledged %+v; want all 20 acknowledged before the kill kept", r.Acknowledged, r.LostAcknowledged)
	}
	t.Logf("failover %s -> %s; %d writes accepted, %d acknowledged, %d lost", f.From, f.To, r.Accepted, r.Acknowledged, len(r.Lost))

	id, _, _ := strings.Cut(out, "\t")
	if out, code := gameday(t, "sandbox", "fault", "revert", id, "--state-dir", dir); code != 0 {
		t.Fatalf("revert exited %d: %s", code, out)
	}
	waitFor(t, 20*time.Second, "the old primary back as a replica", func() bool {
		for _, n := range status(t, dir).Data.Redis.Nodes {
			if n.Addr == old {
				return n.Role == "replica"
			}
		}
		return false
	})
}

// ElastiCache's TestFailover, called with the SDK on the sandbox's AWS
// endpoint, really fails the Redis group over: the failover region's node
// becomes the primary and the group comes back available.
func TestElastiCacheTestFailoverMovesThePrimary(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH (apt-get install redis-server redis-sentinel)")
	}
	dir := startSandbox(t)
	st := status(t, dir)
	cfg := sdk.Config{Region: sandboxRegion, BaseEndpoint: sdk.String(st.Endpoints.AWS), Credentials: credentials.NewStaticCredentialsProvider("gameday", "gameday", "")}
	ec := elasticache.NewFromConfig(cfg)
	primaryRegion := func() (string, string) {
		out, err := ec.DescribeReplicationGroups(t.Context(), &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: sdk.String(supervisor.CacheName)})
		if err != nil {
			t.Fatal(err)
		}
		g := out.ReplicationGroups[0]
		for _, m := range g.NodeGroups[0].NodeGroupMembers {
			if sdk.ToString(m.CurrentRole) == "primary" {
				return sdk.ToString(m.PreferredAvailabilityZone), sdk.ToString(g.Status)
			}
		}
		return "", sdk.ToString(g.Status)
	}
	if az, state := primaryRegion(); !strings.HasPrefix(az, sandboxRegion) || state != "available" {
		t.Fatalf("before the test: primary in %q, group %s; want %s and available", az, state, sandboxRegion)
	}
	if _, err := ec.TestFailover(t.Context(), &elasticache.TestFailoverInput{ReplicationGroupId: sdk.String(supervisor.CacheName), NodeGroupId: sdk.String("0001")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the primary in the failover region and the group available", func() bool {
		az, state := primaryRegion()
		return state == "available" && !strings.HasPrefix(az, sandboxRegion) && az != ""
	})
}
