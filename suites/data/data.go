// Package data is the data suite: write probes against the platform's
// data stores, acknowledged under the durability the runbook's Data
// Replication Strategy implies (WAIT for Redis, majority write concern for
// MongoDB), while a primary, a replica or the whole primary region is
// lost. It judges that a new primary is elected inside the store's
// election window, that no acknowledged write is lost, that the writes
// lost are no older than the store's RPO, that the replicas' steady lag
// stays under it, that a write is never acknowledged without its copy, and
// whether the survivors of a region's loss can elect at all. It reaches
// the stores only as clients do (go-redis through the sentinels,
// mongo-driver v2), injects faults through the chaos ledger, and reads
// every number from the spec.
package data

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
)

// Name is the suite's name, the first part of its spec ids.
const Name = "data"

// The data types of replication.rpo whose loss the suite measures.
const (
	redisData = "Redis Cache"
	mongoData = "MongoDB"
)

// Declare declares the suite's experiments, Redis then MongoDB. Each
// store's experiments run in a fixed order, one container, so the spacing
// its elections need is kept between them.
func Declare(f *framework.Framework) {
	ginkgo.Describe("Redis", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		redisPrimaryLoss(f)
		redisReplicaLoss(f)
		redisRegionOutage(f)
	})
	mongoExperiments(f)
}

var labels = []framework.Label{framework.Data, framework.Behaviour, framework.Disruptive}

// verdict is a spec of the suite.
func verdict(id, section, expected string) *framework.Verdict {
	return &framework.Verdict{ID: Name + "." + id, Section: section, Labels: labels, Expected: expected}
}

// experiment is what a data experiment's specs share: why the target
// cannot run it, and the probe writing in the background.
type experiment struct {
	// lacks is why the target cannot run the experiment, for each spec
	// to skip with: Ginkgo tells an Ordered container's specs only that
	// their BeforeAll skipped.
	lacks string
	stop  context.CancelFunc
	done  chan struct{}
}

// ready skips the spec when the target cannot run the experiment.
func (x *experiment) ready() {
	if x.lacks != "" {
		ginkgo.Skip(x.lacks)
	}
}

// runProbe runs a probe's writes in the background until stopProbe or
// the container's end.
func (x *experiment) runProbe(ctx context.Context, run func(context.Context)) {
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	x.stop, x.done = cancel, make(chan struct{})
	go func() {
		defer close(x.done)
		run(pctx)
	}()
	ginkgo.DeferCleanup(x.stopProbe)
}

func (x *experiment) stopProbe() {
	if x.stop != nil {
		x.stop()
		<-x.done
	}
}

// specLog logs the probe's failed writes to the spec's output, which
// Ginkgo shows when the spec fails.
func specLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(ginkgo.GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// minClientTimeout is the least real time a client waits for a data
// store on this machine: at a high time scale the spec's timeout is a
// few milliseconds, shorter than a loaded host takes to schedule a reply.
const minClientTimeout = 100 * time.Millisecond

// clientTimeout is the spec's client timeout in real time, in platform
// time as a client on AWS would wait, and above the real time a write
// waits for its copies.
func clientTimeout(f *framework.Framework, d spec.Data, ack time.Duration) time.Duration {
	return max(f.Real(d.ClientTimeout.D()), minClientTimeout, ack+minClientTimeout/2)
}

// rpo is the spec's recovery point objective for a data type.
func rpo(p *spec.Platform, dataType string) (spec.RPO, error) {
	for _, r := range p.Replication.RPO {
		if r.DataType == dataType {
			return r, nil
		}
	}
	return spec.RPO{}, fmt.Errorf("%s: replication.rpo has no row for %s", p.Replication.Source, dataType)
}

// loss is what a read-back after a failover found of a probe's writes.
type loss struct {
	accepted, acknowledged, lost, lostAcknowledged int
	window                                         time.Duration
	// fault is when the fault the writes were lost to was injected.
	fault time.Time
}

func (l loss) String() string {
	return fmt.Sprintf("%d writes accepted, %d acknowledged; %d lost (%d of them acknowledged) over %s, fault at %s",
		l.accepted, l.acknowledged, l.lost, l.lostAcknowledged, l.window, l.fault.Format(time.RFC3339))
}

// lossReader is an experiment whose read-back after its failover the
// loss specs judge.
type lossReader interface {
	ready()
	readBack(ctx context.Context, v *framework.Verdict) loss
	objective() spec.RPO
}

// lossSpecs declares the two specs judged on a read-back: no acknowledged
// write lost, and the loss under the RPO.
func lossSpecs(f *framework.Framework, acked, measured *framework.Verdict, x lossReader) {
	f.It(acked, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
		x.ready()
		judgeAcknowledged(f, v, x.readBack(ctx, v))
	})
	f.It(measured, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
		x.ready()
		judgeRPO(f, v, x.readBack(ctx, v), x.objective())
	})
}

// judgeAcknowledged fails v if an acknowledged write was lost.
func judgeAcknowledged(f *framework.Framework, v *framework.Verdict, l loss) {
	v.Observed = l.String()
	if l.acknowledged == 0 {
		f.Inconclusive(v, "no write was acknowledged before the fault: nothing to lose")
	}
	if l.lostAcknowledged > 0 {
		f.Fail(v, fmt.Sprintf("%s: %s; want no acknowledged write lost", v.Section, v.Observed))
	}
}

// judgeRPO fails v if the writes lost span the RPO or more.
func judgeRPO(f *framework.Framework, v *framework.Verdict, l loss, objective spec.RPO) {
	v.Observed = fmt.Sprintf("measured RPO %s: %s", l.window, l)
	ginkgo.GinkgoWriter.Printf("%s: %s\n", v.ID, v.Observed)
	if l.window >= objective.Below.D() {
		f.Fail(v, fmt.Sprintf("%s: %s; want the writes lost to span less than the RPO %s (%s)", v.Section, v.Observed, objective.Below, objective.Method))
	}
}
