package framework

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// AbortPhase is the phase an aborted suite puts on its timeline, the
// reason as its note: gameday run stops at it and marks the run aborted.
const AbortPhase = "aborted"

// AbortReason is the reason of the first abort on a timeline, or "".
func AbortReason(events []timeline.Event) string {
	for _, e := range events {
		if p, ok := e.Data.(timeline.Phase); ok && p.Name == AbortPhase {
			return p.Note
		}
	}
	return ""
}

// guard watches, while the suite's specs run, for what must stop them: the
// target's kill switch, the profile's stop-condition alarms, and the
// load's errors and latency beyond the profile's thresholds. It checks
// every KillSwitch.Every(); the first that trips aborts the suite.
type guard struct {
	f      *Framework
	sw     chaos.Switch
	sc     profile.StopConditions
	every  time.Duration
	start  sync.Once
	stop   chan struct{}
	done   chan struct{}
	inSpec atomic.Bool
	// seen is how many timeline events the load thresholds have judged.
	seen int
	// reason is why the suite was aborted, once it was.
	reason atomic.Pointer[string]
}

func newGuard(f *Framework) *guard {
	p := f.Target.Profile
	g := &guard{f: f, sw: chaos.SwitchOf(p, f.Target.AWS.SSM), sc: p.StopConditions, every: p.KillSwitch.Every(), stop: make(chan struct{}), done: make(chan struct{})}
	// Inside the specs' run, so that the interrupt it may send always
	// finds Ginkgo's handler; every spec after an abort skips.
	ginkgo.BeforeEach(func() {
		g.start.Do(func() { go g.watch() })
		g.inSpec.Store(true)
		if r := g.aborted(); r != "" {
			ginkgo.Skip("aborted: " + r)
		}
	})
	return g
}

// aborted is why the suite was aborted, or "".
func (g *guard) aborted() string {
	if r := g.reason.Load(); r != nil {
		return *r
	}
	return ""
}

// close stops the watch.
func (g *guard) close() {
	close(g.stop)
	started := true
	g.start.Do(func() { started = false })
	if started {
		<-g.done
	}
}

func (g *guard) watch() {
	defer close(g.done)
	t := time.NewTicker(g.every)
	defer t.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), g.every)
		reason := g.check(ctx)
		cancel()
		if reason != "" {
			g.abort(reason, true)
			return
		}
	}
}

// check returns why the suite must stop, or "".
func (g *guard) check(ctx context.Context) string {
	if why, on, _ := g.sw.Engaged(ctx); on {
		return fmt.Sprintf("%s engaged (%s)", g.sw, why)
	}
	if r := g.alarms(ctx); r != "" {
		return r
	}
	events := g.f.Timeline.Events()
	r := overThresholds(g.sc, events[g.seen:])
	g.seen = len(events)
	return r
}

// alarms names the first stop-condition alarm in ALARM.
func (g *guard) alarms(ctx context.Context) string {
	if len(g.sc.Alarms) == 0 || !g.f.Target.Has(profile.CloudWatch) {
		return ""
	}
	out, err := g.f.Target.AWS.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: g.sc.Alarms})
	if err != nil {
		// Unread, the alarms cannot say the platform is hurt; the next
		// poll asks again.
		ginkgo.GinkgoWriter.Printf("reading the stop-condition alarms %v: %v\n", g.sc.Alarms, err)
		return ""
	}
	for _, a := range out.MetricAlarms {
		if a.StateValue == cwtypes.StateValueAlarm {
			return fmt.Sprintf("stop condition: alarm %s in ALARM (%s)", deref(a.AlarmName), deref(a.StateReason))
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// overThresholds judges the load windows among events against the
// profile's client-side thresholds and says which one a platform minute
// broke, or "".
func overThresholds(sc profile.StopConditions, events []timeline.Event) string {
	for _, e := range events {
		w, ok := e.Data.(timeline.LoadWindow)
		if !ok || w.State != timeline.Finished || w.Requests == 0 {
			continue
		}
		at := e.At.Format(time.RFC3339)
		if failed := 1 - w.Success; sc.MaxErrorRate > 0 && failed > sc.MaxErrorRate {
			return fmt.Sprintf("stop condition: the load on %s failed %.1f %% of %d requests in the platform minute at %s, above stopConditions.maxErrorRate %.1f %%",
				w.Service, 100*failed, w.Requests, at, 100*sc.MaxErrorRate)
		}
		if p99 := time.Duration(w.P99); sc.MaxP99 > 0 && p99 > sc.MaxP99 {
			return fmt.Sprintf("stop condition: the load on %s had a p99 of %s in the platform minute at %s, above stopConditions.maxP99 %s",
				w.Service, p99, at, sc.MaxP99)
		}
	}
	return ""
}

// abort stops the suite: it records why on the timeline, reverts every
// fault through the ledger (refusing any later one), and, from the watch
// (interrupt), interrupts the running spec as Ctrl-C would, so its
// cleanups run and the specs left skip. Every verdict from then on is
// aborted, with the reason. The first abort's reason stands.
func (g *guard) abort(reason string, interrupt bool) {
	if !g.reason.CompareAndSwap(nil, &reason) {
		return
	}
	f := g.f
	if _, err := f.Timeline.Append(f.Now(), timeline.Phase{Name: AbortPhase, State: timeline.Started, Note: reason}); err != nil {
		ginkgo.GinkgoWriter.Printf("recording the abort: %v\n", err)
	}
	if f.faults != nil {
		ctx, cancel := context.WithTimeout(context.Background(), chaos.GuardRevertTimeout)
		defer cancel()
		if err := f.faults.Halt(ctx, reason); err != nil {
			ginkgo.GinkgoWriter.Printf("reverting the faults on abort (they stay in the ledger for 'gameday revert'): %v\n", err)
		}
	}
	if interrupt && g.inSpec.Load() {
		syscall.Kill(os.Getpid(), syscall.SIGINT)
	}
}
