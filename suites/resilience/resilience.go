// Package resilience is the resilience suite: under steady load, a
// service that loses tasks through ECS StopTask gets replacements running
// inside the window the spec's task start-up and ECS's scheduler allow,
// the load sees no more errors than the spec's budget while it happens,
// and a steady load never sets capacity oscillating. It stops tasks
// through the target's fault path (the chaos ledger), reads the platform
// through ECS, Application Auto Scaling and the load's own results, and
// takes every number from the spec's experiments.
package resilience

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/platform"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// Name is the suite's name, the first part of its spec ids.
const Name = "resilience"

// Platform time the suite gives a phase before it gives up waiting.
const (
	steadyLimit = 15 * time.Minute
	loadLimit   = 2 * time.Hour
)

// stopLimit bounds how long a stopped task may take to reach STOPPED:
// ECS's longest deregistration delay (3600 s) and stop timeout (120 s).
// Past it the error budget is judged on what was seen.
const stopLimit = time.Hour + 2*time.Minute

// windowClose is how long after a platform instant the load's window
// that holds it is on the timeline: the window's minute and a margin for
// the requests still in flight at its end.
const windowClose = 90 * time.Second

// warmup is how long the load runs before tasks are stopped.
const warmup = 2 * time.Minute

// Declare declares one experiment per task loss of the spec and the
// steady-load experiment.
func Declare(f *framework.Framework) {
	r := f.Target.Spec.Experiments.Resilience
	for _, s := range r.Stops {
		stopExperiment(f, r, s)
	}
	steadyExperiment(f, f.Target.Spec.Experiments.Steady)
}

// what names a task loss in spec ids and messages.
func what(s spec.TaskStop) string {
	if s.Percent > 0 {
		return strconv.Itoa(s.Percent) + "pct"
	}
	return strconv.Itoa(s.Count)
}

// loss says a task loss in words.
func loss(s spec.TaskStop) string {
	if s.Percent > 0 {
		return fmt.Sprintf("%d %% of its tasks", s.Percent)
	}
	return fmt.Sprintf("%d task(s)", s.Count)
}

// stop is the state one task-loss experiment's specs share.
type stop struct {
	f       *framework.Framework
	svc     *platform.Service
	load    *framework.Load
	desired int
	stopped time.Time
	count   int
	back    time.Time
}

func stopExperiment(f *framework.Framework, r spec.Resilience, s spec.TaskStop) {
	labels := []framework.Label{framework.Resilience, framework.Behaviour, framework.Disruptive}
	id := Name + "." + s.Service + ".stop-" + what(s)
	verdict := func(name, section, expected string) *framework.Verdict {
		return &framework.Verdict{ID: id + "." + name, Section: section, Labels: labels, Expected: expected}
	}
	startup := f.Target.Spec.Experiments.TaskStartup
	st := &stop{f: f}
	ginkgo.Describe(fmt.Sprintf("%s losing %s under load", s.Service, loss(s)), ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			f.Requires(profile.ECS, profile.LoadBalancer)
			st.svc = platform.Named(f, s.Service)
			st.desired = st.svc.Steady(ctx, steadyLimit)
		})
		ginkgo.AfterAll(func() {
			if st.load != nil {
				st.load.Stop()
			}
		})
		f.It(verdict("replaced", startup.Source, fmt.Sprintf("replacements running within %s (ECS's scheduler) + %s (task start-up) of the stop", r.SchedulerReaction, startup.Within)),
			func(ctx ginkgo.SpecContext, v *framework.Verdict) { st.replaced(ctx, v, r, s) })
		f.It(verdict("error-budget", r.Source, fmt.Sprintf("at most %.1f %% of requests fail from the stop until the stopped tasks have drained and stopped and the service runs its desired count", 100*r.ErrorBudget[s.Service])),
			func(ctx ginkgo.SpecContext, v *framework.Verdict) { st.errorBudget(ctx, v, r.ErrorBudget[s.Service]) })
	})
}

func (st *stop) replaced(ctx ginkgo.SpecContext, v *framework.Verdict, r spec.Resilience, s spec.TaskStop) {
	f := st.f
	target, ok := st.svc.LoadTarget()
	if !ok {
		ginkgo.Skip(fmt.Sprintf("%s has no public route for load", s.Service))
	}
	l, err := f.StartLoad(target, float64(st.desired)*st.svc.PerTask()*r.Load, loadLimit)
	if err != nil {
		f.Errorf(v, "starting load on %s: %v", target.URL, err)
	}
	st.load = l
	v.RestsOn(l)
	inj := chaos.StopTasks{On: f.Chaos(), Service: st.svc.Name, Count: s.Count, Percent: s.Percent}
	if st.count, err = inj.ToStop(st.desired); err != nil {
		f.Errorf(v, "%v", err)
	}
	// Whole minutes of load before the stop, so the windows it is judged
	// by hold the loss and not the load's own start.
	if err := f.Sleep(ctx, warmup); err != nil {
		return
	}
	// Before the call: ECS may launch a replacement before StopTask returns.
	st.stopped = f.Now()
	f.Inject(ctx, v, inj.OnFaultPath())
	within := r.SchedulerReaction.D() + f.Target.Spec.Experiments.TaskStartup.Within.D()
	replaced := func(ctx context.Context) (time.Time, bool, error) {
		tasks, err := st.svc.Tasks(ctx)
		if err != nil {
			return time.Time{}, false, err
		}
		running, fresh := 0, 0
		for _, t := range tasks {
			if aws.ToString(t.LastStatus) != "RUNNING" || aws.ToString(t.DesiredStatus) != "RUNNING" {
				continue
			}
			running++
			if t.CreatedAt != nil && !t.CreatedAt.Before(st.stopped) {
				fresh++
			}
		}
		now := f.Now()
		v.Observed = fmt.Sprintf("%d running, %d of %d replacements, at %s", running, fresh, st.count, now.Format(time.RFC3339))
		return now, running >= st.desired && fresh >= st.count, nil
	}
	st.back = f.ExpectWithin(ctx, v, fmt.Sprintf("%d replacement task(s) running", st.count), replaced, framework.Window{Earliest: st.stopped, Latest: st.stopped.Add(within)})
	v.Observed = fmt.Sprintf("%d of %d running again %s after %d task(s) were stopped", st.desired, st.desired, st.back.Sub(st.stopped).Round(time.Second), st.count)
}

// errorBudget waits for the stopped tasks to reach STOPPED, so the window
// holds their draining and their end, then counts the load's failures
// from the stop to whichever came last of that and the replacement.
func (st *stop) errorBudget(ctx ginkgo.SpecContext, v *framework.Verdict, budget float64) {
	f := st.f
	if st.stopped.IsZero() {
		ginkgo.Skip("no task was stopped: see the replaced spec of this experiment")
	}
	v.RestsOn(st.load)
	var ended time.Time
	f.Eventually(ctx, "the stopped tasks to reach STOPPED", stopLimit, func(ctx context.Context) (bool, error) {
		tasks, err := st.svc.Tasks(ctx)
		if err != nil {
			return false, err
		}
		at, ok := stoppedBy(tasks, st.stopped, st.count)
		ended = at
		return ok, nil
	})
	end := ended
	if st.back.After(end) {
		end = st.back
	}
	// The load's windows close each platform minute: wait for the one
	// that holds the end.
	if err := f.Sleep(ctx, windowClose); err != nil {
		return
	}
	requests, failed, codes := loadErrors(f.Timeline.Events(), st.svc.Spec.ID, st.stopped, end)
	v.Window = framework.Window{Earliest: st.stopped, Latest: end}
	share := 0.0
	if requests > 0 {
		share = float64(failed) / float64(requests)
	}
	v.Observed = fmt.Sprintf("%d of %d requests failed (%.2f %%) between %s and %s; status codes %s",
		failed, requests, 100*share, st.stopped.Format(time.RFC3339), end.Format(time.RFC3339), formatCodes(codes))
	if requests == 0 {
		f.Inconclusive(v, "no load window covers the stop")
	}
	if share > budget {
		f.Fail(v, fmt.Sprintf("%s: %s; the budget is %.1f %%", v.Section, v.Observed, 100*budget))
	}
}

// stoppedBy is when the last of the n tasks a user stopped (ECS StopTask,
// gameday's own or FIS's: stop code UserInitiated) after a platform
// instant reached STOPPED; ok is false while one has not.
func stoppedBy(tasks []ecstypes.Task, after time.Time, n int) (time.Time, bool) {
	var last time.Time
	done := 0
	for _, t := range tasks {
		if t.StopCode != ecstypes.TaskStopCodeUserInitiated || t.StoppingAt == nil || t.StoppingAt.Before(after.Add(-time.Second)) {
			continue
		}
		if aws.ToString(t.LastStatus) != "STOPPED" || t.StoppedAt == nil {
			return time.Time{}, false
		}
		done++
		if t.StoppedAt.After(last) {
			last = *t.StoppedAt
		}
	}
	return last, done >= n
}

// loadErrors adds up the load windows of a service that overlap a span:
// each window is stamped at its end.
func loadErrors(events []timeline.Event, service string, from, to time.Time) (requests, failed int64, codes map[string]int) {
	codes = map[string]int{}
	for _, e := range events {
		w, ok := e.Data.(timeline.LoadWindow)
		if !ok || w.Service != service || !e.At.After(from) || e.At.Add(-time.Duration(w.Duration)).After(to) {
			continue
		}
		requests += w.Requests
		failed += w.Requests - int64(float64(w.Requests)*w.Success+0.5)
		for c, n := range w.StatusCodes {
			codes[c] += n
		}
	}
	return requests, failed, codes
}

func formatCodes(codes map[string]int) string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(codes)) {
		parts = append(parts, fmt.Sprintf("%s x%d", c, codes[c]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
