package main

import (
	"os/exec"
	"path/filepath"
	"strings"
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
// the MongoDB specs skip, saying that no replica set runs here; with the
// cross-region link 90 s slow, the replica's steady lag and the writes
// lost with the primary exceed the Redis RPO of one minute, and exactly
// those specs fail.
func TestDataSuiteCatchesEachDeviation(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH (apt-get install redis-server redis-sentinel)")
	}
	tests := []struct {
		name      string
		deviation string
		failed    []string
		says      string
	}{
		{name: "clean"},
		{name: "link 90s slow", deviation: "link.delay=90s", failed: []string{"data.redis.steady-lag", "data.redis.primary-loss.rpo"}, says: "RPO 1m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dev []string
			if tt.deviation != "" {
				dev = []string{tt.deviation}
			}
			state := startSandboxAt(t, "Sat 12:00", dev...)
			code, vs, out := runFocused(t, filepath.Join(state, "target.yaml"), shippedSpec, "data", `data\.`)
			got := judged(vs)
			want := map[string]timeline.Status{}
			for _, id := range redisSpecs {
				want[id] = timeline.Passed
			}
			for _, id := range tt.failed {
				want[id] = timeline.Failed
			}
			for _, id := range mongoSpecs {
				want[id] = timeline.Skipped
				if m := got[id].Message; !strings.Contains(m, "requires mongodb") {
					t.Errorf("%s: skipped with %q, want the reason that no replica set runs here", id, m)
				}
			}
			first := ""
			if len(tt.failed) > 0 {
				first = tt.failed[0]
			}
			expectVerdicts(t, code, got, want, first, tt.says)
			for _, id := range []string{"data.redis.primary-loss.rpo", "data.redis.region-outage.rpo"} {
				t.Logf("%s: %s %s", id, got[id].Status, got[id].Observed)
			}
			if t.Failed() {
				t.Logf("run output:\n%s", out)
			}
		})
	}
}
