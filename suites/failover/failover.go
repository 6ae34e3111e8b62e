// Package failover is the failover suite: under steady load from clients
// that reach the API by its public name, through a DNS resolver that
// honours the answer's TTL, the primary region goes down (a load balancer
// that refuses, or one that never answers), and the suite judges what the
// runbook's Route 53 configuration promises: the primary health check
// turns unhealthy inside the window its FailureThreshold and
// RequestInterval give, the clients' answer moves to the failover region
// inside detection plus the TTL, the clients recover inside the spec's
// budget, and once the region is back the answer returns to it. Every
// number comes from the spec; the fault goes through the chaos ledger.
package failover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/drivers/dns"
	"github.com/gameday-sre/gameday/drivers/load"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Name is the suite's name, the first part of its spec ids.
const Name = "failover"

// The clients read one document through the API's public name.
const (
	apiService = "api"
	apiPath    = "/v1/documents/d1"
)

// resolveEvery is how often, in platform time, the suite asks for the
// clients' answer besides their own connections: when it changed is known
// to within this, so a window on it closes this much later.
const resolveEvery = time.Second

// loadLimit bounds the clients' load in platform time; the experiment
// stops it long before.
const loadLimit = 2 * time.Hour

// Declare declares one experiment per way a region goes down that a
// target can show as AWS would: its load balancer refusing connections
// (region-down, ids failover.refuse.*), and the whole region at once, its
// data stores too (region-outage, ids failover.outage.*). A blackholed
// region is left out: the sandbox's checkers give a probe at least a
// quarter of a real second, 15 platform seconds at 60x against AWS's 6,
// so the last of its failing probes comes later than AWS's would.
func Declare(f *framework.Framework) {
	experiment(f, "refuse", chaos.RegionDown{Mode: chaos.Refuse})
	experiment(f, "outage", chaos.RegionDown{Mode: chaos.Refuse, Whole: true})
}

// experiment is one region failure and the four promises judged on it,
// in order: the fault stays in place from detection to recovery, and
// the failback spec reverts it. name is the experiment's part of the
// spec ids; down is the fault, its target and region filled in here.
func experiment(f *framework.Framework, name string, down chaos.RegionDown) {
	p := f.Target.Spec
	primary, hc := primaryRecord(p)
	fo := p.Experiments.Failover
	interval, threshold := hc.RequestInterval.D(), hc.FailureThreshold
	// A checker's first failing probe may come at once; the last of the
	// FailureThreshold probes a full interval later each, and it may take
	// the probe's timeout to fail. The first may also have started before
	// the region went down and failed on it, up to a probe's timeout
	// earlier: checkers probe in bursts (Route 53's "several requests per
	// second ... followed by a few seconds with no health checks at
	// all"), so a burst in flight flips them all together.
	detectWithin := time.Duration(threshold)*interval + fo.ProbeTimeout.D()
	detectFrom := time.Duration(threshold-1)*interval - fo.ProbeTimeout.D()
	labels := []framework.Label{framework.Failover, framework.Behaviour, framework.Disruptive}
	verdict := func(id, section, expected string) *framework.Verdict {
		return &framework.Verdict{ID: Name + "." + name + "." + id, Section: section, Labels: labels, Expected: expected}
	}
	detection := verdict("detection", p.Route53.Source, fmt.Sprintf("health check %s unhealthy %s to %s after the primary region goes down (FailureThreshold %d x RequestInterval %s, a probe's timeout %s)",
		hc.ID, detectFrom, detectWithin, threshold, interval, fo.ProbeTimeout))
	failover := verdict("dns-failover", p.Route53.Source, fmt.Sprintf("the clients' answer for %s on the failover region within the TTL %s of detection", primary.Name, fo.AnswerTTL))
	recovery := verdict("client-recovery", fo.Source, fmt.Sprintf("clients of %s succeed again for good within %s of the region going down", primary.Name, fo.RecoveryBudget))
	failback := verdict("failback", p.Route53.Source, fmt.Sprintf("the clients' answer for %s back on the primary region once health check %s is healthy again, within the TTL %s",
		primary.Name, hc.ID, fo.AnswerTTL))

	x := &run{f: f, name: name, down: down, record: primary, hc: hc}
	ginkgo.Describe(fmt.Sprintf("the primary region down (%s, %s)", down.Kind(), down.Mode), ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			f.Requires(profile.LoadBalancer, profile.Route53)
			x.start(ctx, detection)
		})
		f.It(detection, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready(v)
			at := f.ExpectWithin(ctx, v, "health check "+hc.ID+" unhealthy", x.watch.unhealthy,
				framework.Window{Earliest: x.injected.Add(detectFrom), Latest: x.injectedBy.Add(detectWithin)})
			x.detected = at
			v.Observed = fmt.Sprintf("unhealthy %s after the region went down (%s)", at.Sub(x.injected).Round(time.Second), x.watch.describe())
		})
		f.It(failover, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready(v)
			// The answer may move sooner than the health check (an alias
			// that evaluates its target's health), never later than a
			// client's TTL after it.
			from := x.detected
			if from.IsZero() {
				from = x.injectedBy.Add(detectWithin)
			}
			at := f.ExpectWithin(ctx, v, "the clients' answer for "+primary.Name+" on the failover region", x.answered(x.injected, x.secondary),
				framework.Window{Earliest: x.injected, Latest: from.Add(fo.AnswerTTL.D() + resolveEvery)})
			v.Observed = fmt.Sprintf("%s at %s, %s after the region went down", x.addrs(x.secondary), at.Format(time.RFC3339), at.Sub(x.injected).Round(time.Second))
		})
		f.It(recovery, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready(v)
			v.RestsOn(x.load)
			x.judgeRecovery(ctx, v, fo)
		})
		f.It(failback, func(ctx ginkgo.SpecContext, v *framework.Verdict) {
			x.ready(v)
			if err := x.fault.Revert(ctx); err != nil {
				f.Errorf(v, "reverting %s %s (%s): %v", x.down.Kind(), f.Target.Regions.Primary, x.down.Mode, err)
			}
			back := f.Now()
			// How long the deployed check takes is detection's to judge;
			// here, that the answer follows it, neither before the check
			// is healthy again nor later than a client's TTL after.
			f.Eventually(ctx, v.Section+": health check "+hc.ID+" healthy again after the region returned", 2*x.watch.takes()+fo.ProbeTimeout.D(),
				func(context.Context) (bool, error) { _, ok, err := x.watch.healthySince(back); return ok, err })
			up, _, _ := x.watch.healthySince(back)
			at := f.ExpectWithin(ctx, v, "the clients' answer for "+primary.Name+" on the primary region", x.answered(back, x.primary),
				framework.Window{Earliest: up, Latest: up.Add(fo.AnswerTTL.D() + resolveEvery)})
			v.Observed = fmt.Sprintf("%s at %s, %s after the region returned, %s after health check %s was healthy again",
				x.addrs(x.primary), at.Format(time.RFC3339), at.Sub(back).Round(time.Second), at.Sub(up).Round(time.Second), hc.ID)
		})
	})
}

// primaryRecord is the spec's PRIMARY failover record and its health
// check.
func primaryRecord(p *spec.Platform) (spec.FailoverRecord, spec.HealthCheck) {
	var r spec.FailoverRecord
	for _, fr := range p.Route53.FailoverRecords {
		if fr.Failover == "PRIMARY" {
			r = fr
		}
	}
	for _, hc := range p.Route53.HealthChecks {
		if hc.ID == r.HealthCheck {
			return r, hc
		}
	}
	return r, spec.HealthCheck{}
}

// run is one experiment's shared state: the clients, the fault and what
// the specs before saw.
type run struct {
	f *framework.Framework
	// name is the experiment's part of the spec ids.
	name   string
	down   chaos.RegionDown
	record spec.FailoverRecord
	hc     spec.HealthCheck
	// lacks is why the target cannot run the experiment, for each spec to
	// skip with: Ginkgo tells an Ordered container's specs only that their
	// BeforeAll skipped.
	lacks string

	resolver dns.Resolver
	dialer   *dns.Dialer
	net      net.Dialer
	// ports are the load balancers' ports by address.
	ports              map[netip.Addr]string
	primary, secondary []netip.Addr
	load               *framework.Load
	results            *results
	watch              *checkers
	fault              *chaos.Fault
	// injected and injectedBy bound when the region went down: just
	// before the injection was asked for, and once it had answered.
	injected, injectedBy, detected time.Time

	mu sync.Mutex
	// answers are the clients' answers for the name, each with when a
	// client first had it.
	answers []answer
}

// answer is a fresh answer a client got.
type answer struct {
	addrs []netip.Addr
	at    time.Time
}

// ready skips the spec when the target cannot run the experiment.
func (x *run) ready(v *framework.Verdict) {
	if x.lacks != "" {
		ginkgo.Skip(x.lacks)
	}
	if x.fault == nil {
		x.f.Errorf(v, "the experiment did not start: see %s.%s.detection", Name, x.name)
	}
}

// start finds the regions' addresses, starts the clients on the name and
// the watch on the checkers, then takes the primary region down.
func (x *run) start(ctx context.Context, v *framework.Verdict) {
	f := x.f
	t := f.Target
	if t.Endpoints.DNS == "" {
		x.lacks = fmt.Sprintf("requires a DNS server answering for %s (target %s names none, endpoints.dns; on AWS name the resolver clients use)", x.record.Name, t.Name)
		return
	}
	down := x.down
	down.On, down.Region = f.Chaos(), t.Regions.Primary
	if err := down.Supported(); err != nil {
		x.lacks = err.Error()
		return
	}
	x.resolver = dns.Resolver{Server: t.Endpoints.DNS}
	x.ports = map[netip.Addr]string{}
	var err error
	if x.primary, err = x.regionAddrs(ctx, t.Regions.Primary); err != nil {
		f.Errorf(v, "%v", err)
	}
	if x.secondary, err = x.regionAddrs(ctx, t.Regions.Failover); err != nil {
		f.Errorf(v, "%v", err)
	}
	if x.watch, err = watchChecks(ctx, f, x.hc); err != nil {
		f.Errorf(v, "%v", err)
	}
	ginkgo.DeferCleanup(x.watch.stop)
	// The moment a client has an answer is once it arrived, not when it
	// was asked for: a window must not open on a question.
	x.dialer = &dns.Dialer{Resolver: x.resolver, Clock: t.Clock, OnResolve: func(_ string, a dns.Answer, _ time.Time) {
		x.mu.Lock()
		x.answers = append(x.answers, answer{addrs: a.Addrs, at: f.Now()})
		x.mu.Unlock()
	}}
	name := strings.TrimSuffix(t.Names.DNSName(x.record.Name), ".")
	if a, err := x.dialer.Lookup(ctx, name); err != nil || !overlaps(a.Addrs, x.primary) {
		f.Errorf(v, "%s: before the fault %s answers %v (%v), want the primary region's %s", x.record.Name, t.Endpoints.DNS, a.Addrs, err, x.addrs(x.primary))
	}
	x.startLoad(v, name)
	x.resolveLoop(name)
	x.injected = f.Now()
	x.fault = f.Inject(ctx, v, down)
	x.injectedBy = f.Now()
}

// startLoad starts the clients: a fifth of the API's minimum fleet, by
// the spec, through the name, each new connection resolved afresh once
// the TTL has run out.
func (x *run) startLoad(v *framework.Verdict, name string) {
	f := x.f
	t := f.Target
	lb, err := url.Parse(t.Endpoints.LoadBalancers[t.Regions.Primary])
	if err != nil {
		f.Errorf(v, "the primary region's load balancer URL: %v", err)
	}
	var api spec.Service
	for _, s := range t.Spec.Services {
		if s.ID == apiService {
			api = s
		}
	}
	fo := t.Spec.Experiments.Failover
	rate := float64(api.ScalableTarget.MinCapacity) * api.Allocation.VCPU * t.Spec.Experiments.Load.RequestsPerVCPU * fo.Load
	u := url.URL{Scheme: lb.Scheme, Host: net.JoinHostPort(name, lb.Port()), Path: apiPath}
	x.results = &results{clock: t.Profile.Clock}
	x.load, err = f.StartLoadWith(load.Target{Service: api.ID, URL: u.String()}, rate, loadLimit,
		load.Dial(x.dial), load.Timeout(f.Real(fo.ClientTimeout.D())), load.Results(x.results))
	if err != nil {
		f.Errorf(v, "starting the clients' load on %s: %v", u.String(), err)
	}
	ginkgo.DeferCleanup(x.load.Stop)
}

// dial opens a client's connection to the name: resolved through the
// dialer, the TTL honoured, to the port of the region that answered. The
// sandbox gives each region's load balancer a port of its own, where
// AWS's listen on the same one; elsewhere every region has the URL's.
func (x *run) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	a, err := x.dialer.Lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, addr := range a.Addrs {
		p := port
		if rp := x.ports[addr]; rp != "" {
			p = rp
		}
		conn, err := x.net.DialContext(ctx, network, net.JoinHostPort(addr.String(), p))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("dialling %s (%s): %w", address, x.addrs(a.Addrs), errors.Join(errs...))
}

// regionAddrs are the addresses of a region's load balancer.
func (x *run) regionAddrs(ctx context.Context, region string) ([]netip.Addr, error) {
	raw := x.f.Target.Endpoints.LoadBalancers[region]
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("region %s: load balancer URL %q: %v", region, raw, err)
	}
	addrs := []netip.Addr{}
	if a, err := netip.ParseAddr(u.Hostname()); err == nil {
		addrs = append(addrs, a)
	} else {
		a, err := x.resolver.LookupA(ctx, u.Hostname())
		if err != nil {
			return nil, fmt.Errorf("region %s: resolving its load balancer: %w", region, err)
		}
		addrs = a.Addrs
	}
	for _, a := range addrs {
		x.ports[a] = u.Port()
	}
	return addrs, nil
}

// resolveLoop asks for the clients' answer every resolveEvery until the
// experiment ends, so a change shows when the TTL runs out even while
// every client keeps its connections open.
func (x *run) resolveLoop(name string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for x.f.Sleep(ctx, resolveEvery) == nil {
			// A failed question shows in the specs' own asking.
			_, _ = x.dialer.Lookup(ctx, name)
		}
	}()
	ginkgo.DeferCleanup(func() {
		cancel()
		<-done
	})
}

// answered is the first moment since from that the clients' answer for
// the name was want: what their connections use, the TTL honoured. It
// asks too, in case no client has opened a connection since.
func (x *run) answered(from time.Time, want []netip.Addr) framework.Event {
	name := strings.TrimSuffix(x.f.Target.Names.DNSName(x.record.Name), ".")
	return func(ctx context.Context) (time.Time, bool, error) {
		if _, err := x.dialer.Lookup(ctx, name); err != nil {
			return time.Time{}, false, err
		}
		x.mu.Lock()
		defer x.mu.Unlock()
		for _, a := range x.answers {
			if !a.at.Before(from) && overlaps(a.addrs, want) {
				return a.at, true, nil
			}
		}
		return time.Time{}, false, nil
	}
}

func (x *run) addrs(a []netip.Addr) string {
	s := make([]string, len(a))
	for i, addr := range a {
		s[i] = addr.String()
	}
	return strings.Join(s, ", ")
}

func overlaps(a, b []netip.Addr) bool {
	return slices.ContainsFunc(a, func(x netip.Addr) bool { return slices.Contains(b, x) })
}
