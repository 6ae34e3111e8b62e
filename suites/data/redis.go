package data

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/drivers/redis"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/targets/profile"
)

// lagEvery is how often, in platform time, the steady lag is measured.
const lagEvery = 10 * time.Second

// redisRun is one Redis experiment's shared state: the client, the probe
// writing in the background, and what the specs before saw.
type redisRun struct {
	experiment
	f    *framework.Framework
	name string

	c        *redis.Client
	probe    *redis.Probe
	replicas []string
	rpo      spec.RPO

	fault                *chaos.Fault
	injected, injectedBy time.Time
	switched             chan redis.Failover
	failover             redis.Failover
	failedOver           bool
	// read is what the read-back found, once it has run.
	read *loss
}

// open connects through the sentinels and starts the probe: a write
// every probeEvery, acknowledged once every replica the sentinels see
// holds it (WAIT), within ackTimeout.
func (x *redisRun) open(ctx context.Context, inj chaos.Checker) {
	f := x.f
	t := f.Target
	if x.lacks = t.Lacks(profile.Redis); x.lacks != "" {
		return
	}
	if err := inj.Supported(); err != nil {
		x.lacks = err.Error()
		return
	}
	d := t.Spec.Experiments.Data
	var err error
	if x.rpo, err = rpo(t.Spec, redisData); err != nil {
		x.lacks = err.Error()
		return
	}
	ack := f.Real(d.AckTimeout.D())
	x.c, err = redis.Dial(ctx, redis.Target{MasterName: t.Names.ReplicationGroup, Sentinels: t.Endpoints.RedisSentinels},
		redis.WithClock(t.Clock), redis.WithTimeout(clientTimeout(f, d, ack)), redis.WithLogger(specLog()))
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("target %s: %v", t.Name, err))
	}
	ginkgo.DeferCleanup(x.c.Close)
	// A fault an experiment before reverted may still be healing: a
	// replica resyncing, an old primary being turned into a replica.
	f.Eventually(ctx, fmt.Sprintf("a replica of %s linked to its primary", t.Names.ReplicationGroup), d.Resync.D(), func(ctx context.Context) (bool, error) {
		x.replicas, err = x.c.Replicas(ctx)
		return len(x.replicas) > 0, err
	})
	x.probe, err = x.c.NewProbe(redis.ProbeConfig{
		Prefix:   fmt.Sprintf("gameday:%s:%s:%d:", Name, x.name, time.Now().UnixNano()),
		Replicas: len(x.replicas), AckTimeout: max(ack, time.Millisecond),
	})
	if err != nil {
		ginkgo.Fail(err.Error())
	}
	x.runProbe(ctx, func(ctx context.Context) { x.probe.Run(ctx, d.ProbeEvery.D()) })
}

// inject waits out the spacing Sentinel keeps between failovers (an
// earlier experiment's, or another run's), watches for the next failover
// and puts the fault in place.
func (x *redisRun) inject(ctx context.Context, v *framework.Verdict, inj chaos.Injector) {
	f := x.f
	spacing := f.Target.Spec.Experiments.Data.Redis.Spacing.D()
	f.Progress(v, fmt.Sprintf("waiting %s, Sentinel's spacing between failovers", spacing))
	if err := f.Sleep(ctx, spacing); err != nil {
		return
	}
	watch, err := x.c.WatchFailover(ctx)
	if err != nil {
		f.Errorf(v, "watching the sentinels of %s: %v", f.Target.Names.ReplicationGroup, err)
	}
	x.switched = make(chan redis.Failover, 1)
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		if fo, err := watch.Wait(wctx); err == nil {
			x.switched <- fo
		}
	}()
	ginkgo.DeferCleanup(func() { cancel(); watch.Close() })
	x.injected = f.Now()
	x.fault = f.Inject(ctx, v, inj)
	x.injectedBy = f.Now()
}

// expectFailover judges the election: the sentinels switch the master
// within the store's election window of the fault, and a write is
// accepted again by then.
func (x *redisRun) expectFailover(ctx context.Context, v *framework.Verdict) {
	f := x.f
	within := f.Target.Spec.Experiments.Data.Redis.Within.D()
	w := framework.Window{Earliest: x.injected, Latest: x.injectedBy.Add(within)}
	f.ExpectWithin(ctx, v, "the sentinels' switch to a new primary", func(context.Context) (time.Time, bool, error) {
		return x.failover.SwitchedAt, x.switchedOver(), nil
	}, w)
	resumed := f.ExpectWithin(ctx, v, "a probe write accepted by the new primary", func(context.Context) (time.Time, bool, error) {
		for _, wr := range x.probe.Writes() {
			if wr.Accepted && !wr.At.Before(x.failover.SwitchedAt) {
				return wr.At, true, nil
			}
		}
		return time.Time{}, false, nil
	}, w)
	v.Observed = fmt.Sprintf("%s -> %s switched %s after the fault, writes accepted again %s after it", x.failover.From, x.failover.To,
		x.failover.SwitchedAt.Sub(x.injected).Round(time.Second), resumed.Sub(x.injected).Round(time.Second))
}

// switchedOver says whether the sentinels have announced the new master.
func (x *redisRun) switchedOver() bool {
	select {
	case fo := <-x.switched:
		x.failover, x.failedOver = fo, true
	default:
	}
	return x.failedOver
}

// readBack stops the probe and reads its writes back from the new
// primary, once for the experiment's specs. What was lost is judged
// however long the election took (the failover spec judges that): it
// waits for the switch as long as Sentinel may take to retry a failed
// attempt, the spacing and the election window.
func (x *redisRun) readBack(ctx context.Context, v *framework.Verdict) loss {
	f := x.f
	if x.switched == nil {
		f.Inconclusive(v, "no fault was injected: see the failover spec of this experiment")
	}
	e := f.Target.Spec.Experiments.Data.Redis
	limit := e.Spacing.D() + e.Within.D()
	for deadline := x.injectedBy.Add(limit); !x.switchedOver() && f.Now().Before(deadline); {
		if err := f.Sleep(ctx, time.Second); err != nil {
			break
		}
	}
	if !x.switchedOver() {
		f.Inconclusive(v, fmt.Sprintf("the group did not fail over within %s of the fault", limit))
	}
	if x.read == nil {
		x.stopProbe()
		r, err := x.c.Verify(ctx, x.probe.Writes())
		if err != nil && r.Accepted == 0 {
			x.f.Errorf(v, "reading the probe's writes back: %v", err)
		}
		x.read = &loss{accepted: r.Accepted, acknowledged: r.Acknowledged, lost: len(r.Lost), lostAcknowledged: len(r.LostAcknowledged), window: r.LossWindow, fault: x.injected}
	}
	return *x.read
}

// redisPrimaryLoss: the steady lag under the RPO, then the primary
// killed: a new primary inside the election window, no acknowledged write
// lost, the loss window under the RPO.
func redisPrimaryLoss(f *framework.Framework) {
	p := f.Target.Spec
	d := p.Experiments.Data
	src := p.Replication.Source
	x := &redisRun{f: f, name: "primary-loss"}
	lag := verdict("redis.steady-lag", src, fmt.Sprintf("every replica holds a write within the Redis RPO over %s of steady writes", d.Steady))
	election := verdict("redis.primary-loss.failover", src, fmt.Sprintf("a new primary elected and accepting writes within %s of the primary's loss", d.Redis.Within))
	acked := verdict("redis.primary-loss.acknowledged-writes", src, "no write acknowledged by WAIT before the primary's loss is lost")
	measured := verdict("redis.primary-loss.rpo", src, "the writes lost with the primary span less than the Redis RPO")
	kill := chaos.RedisNode{On: f.Chaos(), Role: "primary", Action: "kill"}
	ginkgo.Describe("the Redis primary lost", ginkgo.Ordered, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) { x.open(ctx, kill) })
		f.It(lag, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready()
			x.steadyLag(ctx, v)
		})
		x.failoverSpecs(election, acked, measured, func() chaos.Injector { return kill })
	})
}

// failoverSpecs declares the three specs judged on a failover: the
// election, no acknowledged write lost, the loss under the RPO. fault is
// the fault to inject, read when the election spec runs.
func (x *redisRun) failoverSpecs(election, acked, measured *framework.Verdict, fault func() chaos.Injector) {
	f := x.f
	f.It(election, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
		x.ready()
		x.inject(ctx, v, fault())
		x.expectFailover(ctx, v)
	})
	lossSpecs(f, acked, measured, x)
}

// steadyLag measures every replica's lag every lagEvery for the steady
// duration; a marker not seen within twice the RPO counts as that.
func (x *redisRun) steadyLag(ctx context.Context, v *framework.Verdict) {
	f := x.f
	d := f.Target.Spec.Experiments.Data
	limit := 2 * x.rpo.Below.D()
	start := f.Now()
	v.Window = framework.Window{Earliest: start, Latest: start.Add(d.Steady.D())}
	worst := redis.Lag{}
	samples := 0
	for samples == 0 || f.Now().Before(v.Window.Latest) {
		lctx, cancel := context.WithTimeout(ctx, f.Real(limit))
		lags, err := x.c.ReplicationLag(lctx)
		cancel()
		if err != nil && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
			f.Errorf(v, "measuring the replicas' lag: %v", err)
		}
		for _, l := range lags {
			if l.Lag > worst.Lag {
				worst = l
			}
		}
		samples++
		if err := f.Sleep(ctx, lagEvery); err != nil {
			return
		}
	}
	v.Observed = fmt.Sprintf("worst lag %s (replica %s) over %d measurements of %d replicas", worst.Lag.Round(time.Millisecond), worst.Replica, samples, len(x.replicas))
	if worst.Lag >= x.rpo.Below.D() {
		f.Fail(v, fmt.Sprintf("%s: %s %s; want every replica within the RPO %s (%s)", v.Section, v.Observed, v.Window, x.rpo.Below, x.rpo.Method))
	}
}

// redisReplicaLoss: a replica killed; no write is acknowledged without
// its copy, and once it is back it resyncs within the spec's resync time
// and its lag is under the RPO again.
func redisReplicaLoss(f *framework.Framework) {
	p := f.Target.Spec
	d := p.Experiments.Data
	src := p.Replication.Source
	x := &redisRun{f: f, name: "replica-loss"}
	alone := verdict("redis.replica-loss.no-ack-without-copy", src,
		fmt.Sprintf("while a replica is lost, no write is acknowledged by WAIT for every replica (the writes stall or fail for %s each)", d.AckTimeout))
	resync := verdict("redis.replica-loss.resync", src, fmt.Sprintf("the replica back holds every new write again within %s of its return, its lag under the Redis RPO", d.Resync))
	kill := chaos.RedisNode{On: f.Chaos(), Role: "replica", Action: "kill"}
	ginkgo.Describe("a Redis replica lost", ginkgo.Ordered, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) { x.open(ctx, kill) })
		f.It(alone, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready()
			x.injected = f.Now()
			x.fault = f.Inject(ctx, v, kill)
			x.injectedBy = f.Now()
			until := x.injectedBy.Add(d.Steady.D())
			v.Window = framework.Window{Earliest: x.injectedBy, Latest: until}
			if err := f.Sleep(ctx, until.Sub(f.Now())); err != nil {
				return
			}
			var sent, accepted int
			var acked []string
			for _, w := range x.probe.Writes() {
				if w.At.Before(x.injectedBy) {
					continue
				}
				sent++
				if w.Accepted {
					accepted++
				}
				if w.Acknowledged {
					acked = append(acked, fmt.Sprintf("%s at %s (%d replicas)", w.Key, w.At.Format(time.TimeOnly), w.Replicas))
				}
			}
			v.Observed = fmt.Sprintf("%d writes sent with a replica of %d lost, %d accepted, %d acknowledged", sent, len(x.replicas), accepted, len(acked))
			if sent == 0 {
				f.Inconclusive(v, "the probe sent no write while the replica was lost")
			}
			if len(acked) > 0 {
				f.Fail(v, fmt.Sprintf("%s: %s (%s); want none acknowledged without every copy", v.Section, v.Observed, strings.Join(acked[:min(3, len(acked))], ", ")))
			}
		})
		f.It(resync, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready()
			if x.fault == nil {
				ginkgo.Skip("no replica was lost: see " + alone.ID)
			}
			if err := x.fault.Revert(ctx); err != nil {
				f.Errorf(v, "bringing the replica back: %v", err)
			}
			back := f.Now()
			at := f.ExpectWithin(ctx, v, "a write acknowledged by every replica again", func(context.Context) (time.Time, bool, error) {
				ws := x.probe.Writes()
				i := slices.IndexFunc(ws, func(w redis.Write) bool { return w.Acknowledged && !w.At.Before(back) })
				if i < 0 {
					return time.Time{}, false, nil
				}
				return ws[i].At, true, nil
			}, framework.Window{Earliest: back, Latest: back.Add(d.Resync.D())})
			lctx, cancel := context.WithTimeout(ctx, f.Real(2*x.rpo.Below.D()))
			lags, err := x.c.ReplicationLag(lctx)
			cancel()
			worst := time.Duration(0)
			for _, l := range lags {
				worst = max(worst, l.Lag)
			}
			v.Observed = fmt.Sprintf("acknowledged by every replica %s after its return; lag then %s", at.Sub(back).Round(time.Second), worst.Round(time.Millisecond))
			if err != nil || worst >= x.rpo.Below.D() {
				f.Fail(v, fmt.Sprintf("%s: %s (%v); want the lag under the RPO %s", v.Section, v.Observed, err, x.rpo.Below))
			}
		})
	})
}

// primaryRegion is the region the group's primary runs in now, as
// ElastiCache describes it (an earlier failover may have moved it), and
// the spec's role for it. Without ElastiCache it is the spec's primary
// region.
func (x *redisRun) primaryRegion(ctx context.Context) (string, string) {
	t := x.f.Target
	region := t.Regions.Primary
	if t.Lacks(profile.ElastiCache) == "" {
		g, err := t.AWS.ReplicationGroup(ctx, t.Names.ReplicationGroup)
		if err == nil && g == nil {
			err = fmt.Errorf("no ElastiCache replication group %s", t.Names.ReplicationGroup)
		}
		if err != nil {
			ginkgo.Fail(fmt.Sprintf("target %s: %v", t.Name, err))
		}
		for _, ng := range g.NodeGroups {
			for _, m := range ng.NodeGroupMembers {
				if aws.ToString(m.CurrentRole) == "primary" {
					region = strings.TrimRight(aws.ToString(m.PreferredAvailabilityZone), "abcdefghijklmnopqrstuvwxyz")
				}
			}
		}
	}
	if region == t.Regions.Failover {
		return region, "failover"
	}
	return region, "primary"
}

// redisRegionOutage: the whole primary region lost. Whether the
// sentinels left can elect follows from where the spec places them; the
// experiment then shows it: a new primary in the failover region within
// the election window, no acknowledged write lost, the loss under the
// RPO.
func redisRegionOutage(f *framework.Framework) {
	p := f.Target.Spec
	d := p.Experiments.Data
	src := p.Replication.Source
	ha := p.Replication.Redis
	sections := src + "; " + p.Route53.Source
	x := &redisRun{f: f, name: "region-outage"}
	quorum := verdict("redis.region-outage.sentinel-quorum", sections, fmt.Sprintf("the sentinels left after the primary region's loss (placed %s) reach the quorum %d and a majority", Votes(ha.Sentinels), ha.Quorum))
	election := verdict("redis.region-outage.failover", sections, fmt.Sprintf("automated failover: a new primary elected and accepting writes within %s of the primary region's loss", d.Redis.Within))
	acked := verdict("redis.region-outage.acknowledged-writes", src, "no write acknowledged by WAIT before the region's loss is lost")
	measured := verdict("redis.region-outage.rpo", src, "the writes lost with the region span less than the Redis RPO")
	outage := chaos.RegionDown{On: f.Chaos(), Region: f.Target.Regions.Primary, Mode: chaos.Refuse, Whole: true}
	role := "primary"
	ginkgo.Describe("the Redis primary's region lost", ginkgo.Ordered, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			x.open(ctx, outage)
			if x.lacks == "" {
				outage.Region, role = x.primaryRegion(ctx)
			}
		})
		f.It(quorum, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready()
			l := Votes(ha.Sentinels).LoseRegion(role, ha.Quorum)
			v.Observed = l.String()
			if !l.Elects {
				f.Fail(v, fmt.Sprintf("%s: %s; automated failover cannot happen", v.Section, l))
			}
		})
		x.failoverSpecs(election, acked, measured, func() chaos.Injector { return outage })
	})
}

func (x *redisRun) objective() spec.RPO { return x.rpo }
