package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gameday-sre/gameday/timeline"
)

// The data suite's Redis specs, and the MongoDB specs that skip here.
var (
	redisSpecs = []string{
		"data.redis.steady-lag", "data.redis.primary-loss.failover", "data.redis.primary-loss.acknowledged-writes", "data.redis.primary-loss.rpo",
		"data.redis.replica-loss.no-ack-without-copy", "data.redis.replica-loss.resync",
		"data.redis.region-outage.sentinel-quorum", "data.redis.region-outage.failover", "data.redis.region-outage.acknowledged-writes", "data.redis.region-outage.rpo",
	}
	mongoSpecs = []string{
		"data.mongo.region-outage.majority", "data.mongo.primary-loss.failover", "data.mongo.primary-loss.acknowledged-writes", "data.mongo.primary-loss.rpo",
		"data.mongo.secondary-loss.one", "data.mongo.secondary-loss.both",
	}
)

// The data suite against the sandbox: clean, every Redis spec passes and
// the MongoDB specs skip, saying that no replica set runs here. With the
// cross-region link 90 s slow, the replica's steady lag exceeds the Redis
// RPO of one minute and its spec fails; no write is acknowledged (WAIT
// times out long before the copy arrives), so the acknowledged-writes
// spec has nothing to judge. What the primary's loss then loses is a
// race the row accepts either way, as it does the election's window: the
// bytes already on the slow link still reach the replica unless it is
// promoted first, and the primary region's sentinel, which sees the
// replica only through the link, may win the election, find the
// replica's replies stale and give up, leaving another to retry after
// Sentinel's spacing.
func TestDataSuiteCatchesEachDeviation(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH (apt-get install redis-server redis-sentinel)")
	}
	tests := []struct {
		name      string
		deviation string
		focus     string
		passed    []string
		failed    []string
		// inconclusive specs had nothing to judge; either may pass or
		// fail.
		inconclusive, either []string
		says                 string
	}{
		{
			name: "link 90s slow", deviation: "link.delay=90s", focus: `data\.redis\.(steady-lag|primary-loss\.)`,
			failed: []string{"data.redis.steady-lag"}, inconclusive: []string{"data.redis.primary-loss.acknowledged-writes"},
			either: []string{"data.redis.primary-loss.failover", "data.redis.primary-loss.rpo"}, says: "RPO 1m",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dev []string
			if tt.deviation != "" {
				dev = []string{tt.deviation}
			}
			state := startSandboxAt(t, "Sat 12:00", dev...)
			code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), shippedSpec, "data", tt.focus)
			got := judged(vs)
			want := statuses(map[timeline.Status][]string{timeline.Passed: tt.passed, timeline.Failed: tt.failed, timeline.Inconclusive: tt.inconclusive})
			for _, id := range tt.either {
				if s := got[id].Status; s != timeline.Passed && s != timeline.Failed {
					t.Errorf("%s: %s %q, want passed or failed", id, s, got[id].Message)
				}
				t.Logf("%s: %s %s %s", id, got[id].Status, got[id].Observed, got[id].Message)
				delete(got, id)
			}
			first := ""
			if len(tt.failed) > 0 {
				first = tt.failed[0]
			}
			expectVerdicts(t, code, got, want, first, tt.says)
			for _, id := range []string{"data.redis.steady-lag", "data.redis.primary-loss.rpo", "data.redis.region-outage.rpo"} {
				if v, ok := got[id]; ok {
					t.Logf("%s: %s %s", id, v.Status, v.Observed)
				}
			}
			if t.Failed() {
				t.Logf("run output:\n%s", out)
			}
		})
	}
}

// The Redis primary killed under WAIT-acknowledged writes, five runs in a
// row against one sandbox (each run kills whichever node is primary by
// then): no acknowledged write is ever lost, and each run's measured RPO
// is printed.
func TestRedisPrimaryKillLosesNoAcknowledgedWrite(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH (apt-get install redis-server redis-sentinel)")
	}
	state := startSandboxAt(t, "Sat 12:00")
	ids := []string{"data.redis.primary-loss.failover", "data.redis.primary-loss.acknowledged-writes", "data.redis.primary-loss.rpo"}
	for run := 1; run <= 5; run++ {
		code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), shippedSpec, "data", `data\.redis\.primary-loss\.`)
		got := judged(vs)
		want := map[string]timeline.Status{}
		for _, id := range ids {
			want[id] = timeline.Passed
		}
		expectVerdicts(t, code, got, want, "", "")
		t.Logf("run %d: %s; %s", run, got["data.redis.primary-loss.failover"].Observed, got["data.redis.primary-loss.rpo"].Observed)
		if t.Failed() {
			t.Fatalf("run %d output:\n%s", run, out)
		}
	}
}
