package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

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
