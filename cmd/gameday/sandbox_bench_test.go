package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/state"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux architecture Go runs on.
const clockTicks = 100

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
		kb, err := statusField(p.PID, "VmRSS:")
		if err != nil {
			return 0, 0, err
		}
		rssBytes += float64(kb) * 1024
	}
	return rssBytes, 100 * float64(after-before) / clockTicks / window.Seconds(), nil
}

// cpuTicks is the user and system time procs have used so far.
func cpuTicks(procs []state.Process) (int64, error) {
	var total int64
	for _, p := range procs {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.PID))
		if err != nil {
			return 0, fmt.Errorf("process %d (%s): %w", p.PID, p.Role, err)
		}
		// Fields after the command name, which may hold spaces: state is
		// the first, utime and stime the 12th and 13th.
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		for _, s := range f[11:13] {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("process %d stat: %w", p.PID, err)
			}
			total += n
		}
	}
	return total, nil
}

// statusField reads a kB field such as VmRSS from /proc/<pid>/status.
func statusField(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("process %d: no %s in its status", pid, field)
}
