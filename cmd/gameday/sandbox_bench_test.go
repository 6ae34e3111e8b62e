package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/procfs"
	"github.com/gameday-sre/gameday/sandbox/state"
)

// idleWindow is how long idle CPU is sampled: several platform minutes at
// 60x, so the control loop's per-minute work is in it.
const idleWindow = 10 * time.Second

// BenchmarkSandbox brings the sandbox up at its minimum and at its maximum
// capacity (10 frontend + 20 api + 30 ai tasks, the runbook's maxima) and
// reports, side by side: seconds from `sandbox up` to ready (target < 10),
// total RSS of every process it started (target < 1.5 GiB at maximum) and
// their CPU while idle, in percent of one core (target < 10).
func BenchmarkSandbox(b *testing.B) {
	for _, bc := range []struct {
		name       string
		deviations []string
	}{
		{"min-capacity", nil},
		{"max-capacity", []string{"frontend.minCapacity=10", "api.minCapacity=20", "ai.minCapacity=30"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var ready, rss, cpu float64
			var tasks int
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "state")
				args := []string{"sandbox", "up", "--state-dir", dir, "--spec", shippedSpec, "--time-scale", "60"}
				for _, d := range bc.deviations {
					args = append(args, "--deviate", d)
				}
				start := time.Now()
				out, code := gameday(b, args...)
				ready += time.Since(start).Seconds()
				if code != 0 {
					b.Fatalf("sandbox up exited %d:\n%s", code, out)
				}
				procs, err := (state.Dir{Path: dir}).Processes()
				if err != nil {
					b.Fatal(err)
				}
				tasks = len(procs) - 1
				r, c, err := measureIdle(procs, idleWindow)
				gameday(b, "sandbox", "down", "--state-dir", dir)
				if err != nil {
					b.Fatal(err)
				}
				rss += r
				cpu += c
			}
			n := float64(b.N)
			b.ReportMetric(ready/n, "s-to-ready")
			b.ReportMetric(rss/n/(1<<20), "MiB-RSS")
			b.ReportMetric(cpu/n, "%CPU-idle")
			b.ReportMetric(float64(tasks), "tasks")
		})
	}
}

// measureIdle sums the resident memory of procs and the CPU they use over
// window, as a percentage of one core.
func measureIdle(procs []state.Process, window time.Duration) (rssBytes, cpuPercent float64, err error) {
	before, err := cpuTicks(procs)
	if err != nil {
		return 0, 0, err
	}
	time.Sleep(window)
	after, err := cpuTicks(procs)
	if err != nil {
		return 0, 0, err
	}
	for _, p := range procs {
		rss, err := procfs.ResidentBytes(p.PID)
		if err != nil {
			return 0, 0, fmt.Errorf("process %d (%s): %w", p.PID, p.Role, err)
		}
		rssBytes += float64(rss)
	}
	return rssBytes, 100 * float64(after-before) / procfs.ClockTicks / window.Seconds(), nil
}

// cpuTicks is the user and system time procs have used so far.
func cpuTicks(procs []state.Process) (uint64, error) {
	var total uint64
	for _, p := range procs {
		st, err := procfs.ReadStat(p.PID)
		if err != nil {
			return 0, fmt.Errorf("process %d (%s): %w", p.PID, p.Role, err)
		}
		total += st.UserTicks + st.SystemTicks
	}
	return total, nil
}
