// Package framework is what every behavioural suite stands on, after the
// Kubernetes e2e framework: it opens the target named by GAMEDAY_TARGET,
// skips a spec whose target lacks a capability with the reason, registers
// the revert of every fault with DeferCleanup, waits on the target's
// platform clock with windows that fail too early as surely as too late,
// and puts every verdict on the timeline with its runbook section, its
// window and what was observed.
//
// A suite is a function that declares Ginkgo nodes through a Framework.
// gameday run runs it in a child process (RunSuite); go test runs it too,
// given GAMEDAY_TARGET.
package framework

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/drivers/lag"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// The environment a suite process reads: what gameday run sets, and what a
// person sets to run a suite with go test or ginkgo.
const (
	// EnvTarget is a profile name in fixtures/targets or a path to one.
	EnvTarget = "GAMEDAY_TARGET"
	// EnvSpec is the spec's path; the shipped spec by default.
	EnvSpec = "GAMEDAY_SPEC"
	// EnvTimeline is the file the suite writes its timeline to; none by
	// default.
	EnvTimeline = "GAMEDAY_TIMELINE"
	// EnvLedger is the fault ledger's file.
	EnvLedger = "GAMEDAY_LEDGER"
	// EnvProgressFD is a file descriptor the suite writes its progress to,
	// one JSON object a line, for gameday run's live line.
	EnvProgressFD = "GAMEDAY_PROGRESS_FD"
)

// Framework is one suite's view of its target.
type Framework struct {
	Target   *targets.Target
	Timeline *timeline.Log
	// Started is when the suite began, in platform time: what a spec may
	// look back to for an event another experiment's time covered.
	Started time.Time

	ledger   string
	faults   *chaos.Ledger
	guard    *guard
	progress *progress
	// skipped is why Requires last skipped: Ginkgo tells the specs of an
	// Ordered container only that its BeforeAll skipped.
	skipped string
	// note is the latest state a suite reported for the live line.
	note     atomic.Pointer[string]
	verdicts map[string]*Verdict
	// lag reads a sandbox's minute lag; nil on a target without one.
	lag *lag.Client
}

// Declare declares a suite's specs.
type Declare func(f *Framework)

// RunSuite opens the target the environment names and runs the suite's
// specs with Ginkgo; args are RunSpecs's (a SuiteConfig, a ReporterConfig).
// Without a target every spec would be unjudged, so the suite declares one
// spec that skips, saying why.
func RunSuite(t ginkgo.GinkgoTestingT, suite string, declare Declare, args ...any) (bool, error) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	name := os.Getenv(EnvTarget)
	if name == "" {
		reason := fmt.Sprintf("requires a target: %s is not set (a profile name in fixtures/targets or a path, e.g. %s=local)", EnvTarget, EnvTarget)
		ginkgo.It("reads a target", func() { ginkgo.Skip(reason) })
		return ginkgo.RunSpecs(t, suite, args...), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tgt, err := targets.Open(ctx, name, targets.Options{Spec: os.Getenv(EnvSpec)})
	if err != nil {
		return false, err
	}
	f, err := newFramework(tgt)
	if err != nil {
		return false, err
	}
	defer f.close()
	declare(f)
	return ginkgo.RunSpecs(t, suite+" against "+tgt.Name, args...), nil
}

// TestingT is what Test needs of a *testing.T.
type TestingT interface {
	ginkgo.GinkgoTestingT
	Chdir(dir string)
	Fatal(args ...any)
}

// Test runs a suite from go test or the ginkgo CLI, from the repository's
// root as gameday does, so profile names and the spec's default path
// resolve the same way.
func Test(t TestingT, suite string, declare Declare) {
	t.Chdir(filepath.Join("..", ".."))
	if _, err := RunSuite(t, suite, declare); err != nil {
		t.Fatal(err)
	}
}

func newFramework(tgt *targets.Target) (*Framework, error) {
	f := &Framework{Target: tgt, Started: tgt.Clock.Now(), verdicts: map[string]*Verdict{}, ledger: os.Getenv(EnvLedger)}
	f.Timeline = timeline.New(io.Discard)
	if path := os.Getenv(EnvTimeline); path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		tl, err := timeline.Create(path)
		if err != nil {
			return nil, fmt.Errorf("creating the timeline %s: %w", path, err)
		}
		f.Timeline = tl
	}
	if f.ledger != "" {
		l, err := chaos.OpenLedger(f.ledger, chaos.WithLimits(tgt.Limits), chaos.WithSwitch(chaos.SwitchOf(tgt.Profile, tgt.AWS.SSM)))
		if err != nil {
			return nil, fmt.Errorf("opening the fault ledger %s: %w", f.ledger, err)
		}
		f.faults = l
	}
	if control := tgt.Endpoints.Faults; control != "" {
		f.lag = &lag.Client{Control: control}
	}
	f.progress = openProgress(os.Getenv(EnvProgressFD))
	f.guard = newGuard(f)
	ginkgo.ReportAfterEach(f.record)
	return f, nil
}

func (f *Framework) close() {
	f.guard.close()
	if f.faults != nil {
		f.faults.Close()
	}
	f.Timeline.Close()
	f.progress.close()
}

// Now is the target's platform time.
func (f *Framework) Now() time.Time { return f.Target.Clock.Now() }

// Requires skips the running spec when the target lacks a capability,
// saying what was required and what the target is.
func (f *Framework) Requires(caps ...profile.Capability) {
	for _, c := range caps {
		if reason := f.Target.Lacks(c); reason != "" {
			f.skipped = reason
			ginkgo.Skip(reason)
		}
	}
}

// It declares a spec that judges one runbook promise. The verdict is the
// spec's to fill; the framework records it when the spec ends.
func (f *Framework) It(v *Verdict, body func(ctx ginkgo.SpecContext, v *Verdict), decorations ...any) {
	if f.verdicts[v.ID] != nil {
		panic(fmt.Sprintf("framework: spec id %s declared twice", v.ID))
	}
	f.verdicts[v.ID] = v
	args := append([]any{ginkgoLabels(v.Labels)}, decorations...)
	args = append(args, func(ctx ginkgo.SpecContext) {
		v.started = f.Now()
		body(ctx, v)
	})
	ginkgo.It(v.ID, args...)
}

// Inconclusive ends the running spec as neither passed nor failed: the
// harness could not do what the experiment planned.
func (f *Framework) Inconclusive(v *Verdict, reason string) {
	v.inconclusive = reason
	ginkgo.Skip("inconclusive: " + reason)
}

// Errorf fails the running spec as an error, not a failure: the target
// could not be read, so the platform was not judged.
func (f *Framework) Errorf(v *Verdict, format string, args ...any) {
	v.errored = fmt.Sprintf(format, args...)
	ginkgo.Fail(v.errored)
}

// Progress tells gameday run's live line where the running spec is: the
// phase, the platform time, the window and the load it rests on.
func (f *Framework) Progress(v *Verdict, phase string) {
	l := progressLine{Spec: v.ID, Phase: phase, At: f.Now().Format(time.TimeOnly)}
	if !v.Window.Latest.IsZero() {
		l.Window = v.Window.Earliest.Format(time.TimeOnly) + "-" + v.Window.Latest.Format(time.TimeOnly)
	}
	for _, ld := range v.loads {
		l.Rate += ld.Rate
	}
	if n := f.note.Load(); n != nil {
		l.State = *n
	}
	f.progress.send(l)
}

// Note sets what the live line shows of the platform's state, such as a
// service's desired and running counts.
func (f *Framework) Note(state string) { f.note.Store(&state) }

// record puts a spec's verdict on the timeline once Ginkgo has ended it.
func (f *Framework) record(r ginkgo.SpecReport) {
	v := f.verdicts[r.LeafNodeText]
	if v == nil || r.LeafNodeType != types.NodeTypeIt {
		return
	}
	defer f.guard.inSpec.Store(false)
	w := waiverFor(f.Target.Spec, v.ID)
	if r.State == types.SpecStatePassed || r.State == types.SpecStateFailed {
		if why := f.clockLag(v); why != "" && v.inconclusive == "" {
			v.inconclusive = why
		}
	}
	status, msg := outcome(r.State, f.failureText(r), v, w, time.Now().UTC())
	if reason := f.guard.aborted(); reason != "" && status != timeline.Passed {
		status, msg, w = timeline.Aborted, reason, nil
	}
	if status != timeline.Waived {
		w = nil
	}
	if _, err := f.Timeline.Append(f.Now(), v.event(status, msg, w)); err != nil {
		ginkgo.GinkgoWriter.Printf("recording the verdict of %s: %v\n", v.ID, err)
	}
	f.progress.send(progressLine{Spec: v.ID, Status: string(status)})
}

func (f *Framework) failureText(r types.SpecReport) string {
	if r.State == types.SpecStateSkipped {
		if strings.Contains(r.Failure.Message, "BeforeAll") && f.skipped != "" {
			return f.skipped
		}
		return r.Failure.Message
	}
	return cmp.Or(r.Failure.Message, r.Failure.ForwardedPanic)
}
