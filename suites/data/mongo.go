package data

import (
	"context"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/targets/profile"
)

// mongoRun is one MongoDB experiment's shared state.
type mongoRun struct {
	experiment
	f    *framework.Framework
	name string

	c     *mongo.Client
	probe *mongo.Probe
	rpo   spec.RPO
	read  *loss

	injected, injectedBy time.Time
	recovered            bool
}

// open connects to the replica set the profile names and, with probe,
// starts writing with write concern majority.
func (x *mongoRun) open(ctx context.Context, inj chaos.Checker, probe bool) {
	f := x.f
	t := f.Target
	if x.lacks = t.Lacks(profile.MongoDB); x.lacks != "" {
		x.lacks += "; a replica set comes from a URI in the profile, the sandbox with mongod on PATH, or Docker (docker compose up mongo)"
		return
	}
	if inj != nil {
		if err := inj.Supported(); err != nil {
			x.lacks = err.Error()
			return
		}
	}
	var err error
	if x.rpo, err = rpo(t.Spec, mongoData); err != nil {
		x.lacks = err.Error()
		return
	}
	d := t.Spec.Experiments.Data
	ack := f.Real(d.AckTimeout.D())
	if x.c, err = mongo.Dial(ctx, mongo.Target{URI: t.Endpoints.Mongo}, mongo.WithClock(t.Clock), mongo.WithTimeout(clientTimeout(f, d, ack)), mongo.WithLogger(specLog())); err != nil {
		ginkgo.Fail(fmt.Sprintf("target %s: %v", t.Name, err))
	}
	ginkgo.DeferCleanup(func(ctx context.Context) error { return x.c.Close(ctx) })
	if !probe {
		return
	}
	if x.probe, err = x.c.NewProbe(mongo.ProbeConfig{Prefix: fmt.Sprintf("%s-%s-%d-", Name, x.name, time.Now().UnixNano()), AckTimeout: max(ack, time.Millisecond)}); err != nil {
		ginkgo.Fail(err.Error())
	}
	x.runProbe(ctx, func(ctx context.Context) { x.probe.Run(ctx, d.ProbeEvery.D()) })
}

func (x *mongoRun) readBack(ctx context.Context, v *framework.Verdict) loss {
	if !x.recovered {
		x.f.Inconclusive(v, "the replica set did not elect a new primary: see the failover spec of this experiment")
	}
	if x.read == nil {
		x.stopProbe()
		r, err := x.probe.Verify(ctx)
		if err != nil {
			x.f.Errorf(v, "reading the probe's writes back: %v", err)
		}
		x.read = &loss{accepted: r.Accepted, acknowledged: r.Acknowledged, lost: len(r.Lost), lostAcknowledged: len(r.LostAcknowledged), window: r.LossWindow, fault: x.injected}
	}
	return *x.read
}

// mongoExperiments: the region-outage verdict from the set's own votes,
// the primary killed, and one then both secondaries lost.
func mongoExperiments(f *framework.Framework) {
	mongoRegionOutage(f)
	mongoPrimaryLoss(f)
	mongoSecondaryLoss(f)
}

// memberVotes counts a replica set's votes by the spec's role for their
// region ("primary", "failover", or the Atlas name of any other region),
// read from each member's region tag, which may name the Atlas region or
// the role.
func memberVotes(members []mongo.Member, atlas spec.MongoDBAtlas) Votes {
	v := Votes{}
	for _, m := range members {
		if m.Votes == 0 {
			continue
		}
		place := m.Tags[mongo.RegionTag]
		for _, r := range atlas.Regions {
			if place == r.Name || place == r.Region {
				place = r.Region
			}
		}
		v[place] += m.Votes
	}
	return v
}

// mongoRegionOutage judges the runbook's "automated failover" of the
// data layer for MongoDB: with the primary region lost, whether the
// members left hold a majority of the set's votes, without which no
// primary is elected and writes stop until someone reconfigures the set.
func mongoRegionOutage(f *framework.Framework) {
	p := f.Target.Spec
	atlas := p.Replication.MongoDBAtlas
	x := &mongoRun{f: f, name: "region-outage"}
	v := verdict("mongo.region-outage.majority", atlas.Source+"; "+p.Route53.Source,
		"automated failover: with the primary region lost, the members left hold a majority of the replica set's votes and elect a primary")
	ginkgo.Describe("the MongoDB primary's region lost", ginkgo.Ordered, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) { x.open(ctx, nil, false) })
		f.It(v, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready()
			rs, err := x.c.ReplicaSet(ctx)
			if err != nil {
				f.Errorf(v, "reading the replica set: %v", err)
			}
			votes := memberVotes(rs.Members, atlas)
			l := votes.LoseRegion("primary", 0)
			v.Observed = fmt.Sprintf("votes %s: %s", votes, l)
			if !l.Elects {
				f.Fail(v, fmt.Sprintf("%s: %s; writes cannot resume without reconfiguring the set", v.Section, v.Observed))
			}
		})
	})
}

// mongoPrimaryLoss: the primary killed under majority writes; a new
// primary within the election window, no acknowledged write lost, the
// loss under the RPO.
func mongoPrimaryLoss(f *framework.Framework) {
	p := f.Target.Spec
	d := p.Experiments.Data
	src := p.Replication.Source
	x := &mongoRun{f: f, name: "primary-loss"}
	election := verdict("mongo.primary-loss.failover", src, fmt.Sprintf("a new primary elected within %s of the primary's loss", d.MongoDB.Within))
	acked := verdict("mongo.primary-loss.acknowledged-writes", src, "no write acknowledged by a majority before the primary's loss is lost")
	measured := verdict("mongo.primary-loss.rpo", src, "the writes lost with the primary span less than the MongoDB RPO")
	kill := chaos.MongoNode{On: f.Chaos(), Role: "primary", Count: 1}
	ginkgo.Describe("the MongoDB primary lost", ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) { x.open(ctx, kill, true) })
		f.It(election, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready()
			watch, err := x.c.WatchFailover(ctx, 0)
			if err != nil {
				f.Errorf(v, "watching the replica set: %v", err)
			}
			ginkgo.DeferCleanup(watch.Close)
			x.injected = f.Now()
			f.Inject(ctx, v, kill)
			x.injectedBy = f.Now()
			var fo mongo.Failover
			at := f.ExpectWithin(ctx, v, "a new primary", func(ctx context.Context) (time.Time, bool, error) {
				wctx, cancel := context.WithTimeout(ctx, f.Real(time.Second))
				defer cancel()
				got, err := watch.Wait(wctx)
				if err != nil {
					return time.Time{}, false, nil
				}
				fo = got
				return got.SwitchedAt, true, nil
			}, framework.Window{Earliest: x.injected, Latest: x.injectedBy.Add(d.MongoDB.Within.D())})
			x.recovered = true
			v.Observed = fmt.Sprintf("%s -> %s, %s after the kill", fo.From, fo.To, at.Sub(x.injected).Round(time.Second))
		})
		lossSpecs(f, acked, measured, x)
	})
}

// mongoSecondaryLoss: with one secondary of three lost, majority writes
// go on (two of three members acknowledge); with both lost they stall.
func mongoSecondaryLoss(f *framework.Framework) {
	p := f.Target.Spec
	d := p.Experiments.Data
	src := p.Replication.Source
	for _, c := range []struct {
		id, expected string
		count        int
		acknowledged bool
	}{
		{"mongo.secondary-loss.one", "with one secondary lost, majority writes are still acknowledged", 1, true},
		{"mongo.secondary-loss.both", "with both secondaries lost, no write is acknowledged by a majority", 2, false},
	} {
		x := &mongoRun{f: f, name: fmt.Sprintf("secondary-loss-%d", c.count)}
		kill := chaos.MongoNode{On: f.Chaos(), Role: "secondary", Count: c.count}
		ginkgo.Describe(fmt.Sprintf("%d MongoDB secondaries lost", c.count), ginkgo.Ordered, func() {
			ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) { x.open(ctx, kill, true) })
			f.It(verdict(c.id, src, c.expected), func(ctx ginkgo.SpecContext, v *framework.Verdict) {
				x.ready()
				f.Inject(ctx, v, kill)
				from := f.Now()
				until := from.Add(d.Steady.D())
				v.Window = framework.Window{Earliest: from, Latest: until}
				if err := f.Sleep(ctx, until.Sub(f.Now())); err != nil {
					return
				}
				sent, acked := 0, 0
				for _, w := range x.probe.Writes() {
					if w.At.Before(from.Add(d.AckTimeout.D())) {
						continue
					}
					sent++
					if w.Acknowledged {
						acked++
					}
				}
				v.Observed = fmt.Sprintf("%d of %d writes acknowledged by a majority with %d secondaries lost", acked, sent, c.count)
				if sent == 0 {
					f.Inconclusive(v, "the probe sent no write while the secondaries were lost")
				}
				if (c.acknowledged && acked != sent) || (!c.acknowledged && acked > 0) {
					f.Fail(v, fmt.Sprintf("%s: %s; want %s", v.Section, v.Observed, c.expected))
				}
			})
		})
	}
}

func (x *mongoRun) objective() spec.RPO { return x.rpo }
