package main

import (
	"fmt"

	"path/filepath"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/gameday-sre/gameday/sandbox/procfs"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/spec"
)

// idleWindow is how long idle CPU is sampled: several platform minutes at
// 60x, so the control loop's per-minute work is in it.
const idleWindow = 10 * time.Second

// BenchmarkSandbox brings the sandbox up and reports, side by side, at
// its minimum and with the primary region at the runbook's maximum (10
// frontend + 20 api + 30 ai tasks, set through the AWS endpoint as an SRE
// would pin capacity): seconds from `sandbox up` until every task runs
// (target < 10), the total RSS of every process the sandbox started
// (target < 1.5 GiB at maximum) and their CPU while idle, in percent of
// one core (target < 10).
func BenchmarkSandbox(b *testing.B) {
	p, err := spec.Load(shippedSpec)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		max  bool
	}{{"min-capacity", false}, {"max-capacity", true}} {
		b.Run(bc.name, func(b *testing.B) {
			var ready, rss, cpu float64
			var procs int
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "state")
				start := time.Now()
				if out, code := gameday(b, "sandbox", "up", "--state-dir", dir, "--spec", shippedSpec, "--time-scale", "60"); code != 0 {
					b.Fatalf("sandbox up exited %d:\n%s", code, out)
				}
				if bc.max {
					pinAtMaximum(b, p, dir)
				}
				ready += time.Since(start).Seconds()
				recorded, err := (state.Dir{Path: dir}).Processes()
				if err != nil {
					b.Fatal(err)
				}
				procs = len(recorded)
				r, c, err := measureIdle(recorded, idleWindow)
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
			b.ReportMetric(float64(procs), "processes")
		})
	}
}

// pinAtMaximum sets every primary-region service's minimum to its maximum
// through the sandbox's AWS endpoint and waits until all those tasks run.
func pinAtMaximum(b *testing.B, p *spec.Platform, dir string) {
	b.Helper()
	st := status(b, dir)
	c := applicationautoscaling.NewFromConfig(sdk.Config{
		Region: sandboxRegion, BaseEndpoint: sdk.String(st.Endpoints.AWS),
		Credentials: credentials.NewStaticCredentialsProvider("gameday", "gameday", ""),
	})
	want := 0
	for _, svc := range p.Services {
		max := int32(svc.ScalableTarget.MaxCapacity)
		want += int(max)
		if _, err := c.RegisterScalableTarget(b.Context(), &applicationautoscaling.RegisterScalableTargetInput{
			ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
			ResourceId: sdk.String("service/" + p.Cluster + "/" + svc.ECSService), MinCapacity: &max, MaxCapacity: &max,
		}); err != nil {
			b.Fatal(err)
		}
	}
	waitFor(b, time.Minute, fmt.Sprintf("%d tasks running in %s", want, sandboxRegion), func() bool {
		running := 0
		for _, s := range status(b, dir).Services {
			if s.Region == sandboxRegion {
				running += s.Running
			}
		}
		return running == want
	})
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
