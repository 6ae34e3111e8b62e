package lb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
)

// Target is an IP target: an IPv4 address and a port, as TargetDescription
// has them.
type Target struct {
	ID   string
	Port int
}

// String is the target as host:port.
func (t Target) String() string { return net.JoinHostPort(t.ID, strconv.Itoa(t.Port)) }

func (t Target) validate() error {
	ip := net.ParseIP(t.ID)
	if ip == nil || ip.To4() == nil {
		return invalidTarget("The IP address '%s' is not a valid IPv4 address", t.ID)
	}
	if t.Port < 1 || t.Port > 65535 {
		return invalidTarget("The port %d of target '%s' is not between 1 and 65535", t.Port, t.ID)
	}
	return nil
}

// TargetState is a target's state as TargetHealth.State reports it.
type TargetState string

// The states a target goes through here.
const (
	StateInitial   TargetState = "initial"
	StateHealthy   TargetState = "healthy"
	StateUnhealthy TargetState = "unhealthy"
	StateDraining  TargetState = "draining"
)

// Reason codes of TargetHealth (API_TargetHealth).
const (
	ReasonInitialHealthChecking    = "Elb.InitialHealthChecking"
	ReasonResponseCodeMismatch     = "Target.ResponseCodeMismatch"
	ReasonTimeout                  = "Target.Timeout"
	ReasonFailedHealthChecks       = "Target.FailedHealthChecks"
	ReasonDeregistrationInProgress = "Target.DeregistrationInProgress"
)

// TargetHealth is a target and its health, as DescribeTargetHealth
// reports it. Reason and Description are empty for a healthy target.
type TargetHealth struct {
	Target      Target
	State       TargetState
	Reason      string
	Description string
}

type target struct {
	Target
	url *url.URL
	// inFlight counts requests being proxied to it. It changes under
	// group.mu's read lock when a request picks the target, so that
	// deregistration, under the write lock, sees every request that
	// picked it.
	inFlight atomic.Int64
	draining atomic.Bool
	// drained is closed when the target has left the group.
	drained   chan struct{}
	drainOnce sync.Once
	// failed is closed when health checks first make the target
	// unhealthy.
	failed     chan struct{}
	failedOnce sync.Once

	// Guarded by group.mu.
	state               TargetState
	reason, description string
	passes, fails       int // consecutive
	checking            bool
	// unchanged is Config.Unchanged's channel for the target, taken
	// before its last real check, which passed; nil when there is none
	// or the last real check failed.
	unchanged <-chan struct{}
}

type group struct {
	lb        *LoadBalancer
	cfg       TargetGroupConfig
	arn       string
	dimension string // targetgroup/<name>/<id>
	next      atomic.Uint64

	mu sync.RWMutex
	// members are the registered targets that are not draining, in
	// registration order; draining ones wait to leave.
	members  []*target
	draining []*target
	// routable is what requests are spread over: the healthy members, or
	// all of them when none is healthy (fail-open).
	routable []*target

	stats minuteStats
}

func newGroup(l *LoadBalancer, cfg TargetGroupConfig) *group {
	dim := "targetgroup/" + cfg.Name + "/" + cfg.ID
	return &group{
		lb:        l,
		cfg:       cfg,
		arn:       fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:%s", l.cfg.Region, l.cfg.AccountID, dim),
		dimension: dim,
		stats:     minuteStats{clock: l.clock},
	}
}

// pick returns the next target round robin and counts a request in
// flight to it, or nil if the group has no target.
func (g *group) pick() *target {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if len(g.routable) == 0 {
		return nil
	}
	t := g.routable[(g.next.Add(1)-1)%uint64(len(g.routable))]
	t.inFlight.Add(1)
	return t
}

// done ends a request to t.
func (g *group) done(t *target) {
	if t.inFlight.Add(-1) == 0 && t.draining.Load() {
		g.finishDrain(t)
	}
}

func (g *group) register(t Target) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range g.members {
		if m.Target == t {
			return
		}
	}
	m := &target{
		Target:      t,
		url:         &url.URL{Scheme: "http", Host: t.String()},
		drained:     make(chan struct{}),
		failed:      make(chan struct{}),
		state:       StateInitial,
		reason:      ReasonInitialHealthChecking,
		description: "Initial health checks in progress",
		checking:    true,
	}
	g.members = append(g.members, m)
	g.updateRoutableLocked()
	if g.lb.ctx.Err() == nil {
		g.lb.wg.Go(func() { g.check(m) })
	}
}

func (g *group) deregister(targets []Target) (<-chan struct{}, error) {
	g.mu.Lock()
	var leaving []*target
	for _, t := range targets {
		i := g.memberIndexLocked(t)
		if i < 0 {
			g.mu.Unlock()
			return nil, invalidTarget("The following targets are not registered: '%s'", t)
		}
		leaving = append(leaving, g.members[i])
	}
	for _, m := range leaving {
		g.members = deleteTarget(g.members, m)
		m.draining.Store(true)
		m.state, m.reason, m.description = StateDraining, ReasonDeregistrationInProgress, "Target deregistration is in progress"
		g.draining = append(g.draining, m)
	}
	g.updateRoutableLocked()
	g.mu.Unlock()

	for _, m := range leaving {
		if m.inFlight.Load() == 0 {
			g.finishDrain(m)
			continue
		}
		g.lb.wg.Go(func() {
			timer := g.lb.clock.NewTimer(g.cfg.DeregistrationDelay)
			defer timer.Stop()
			select {
			case <-timer.C():
				g.finishDrain(m)
			case <-m.drained:
			case <-g.lb.ctx.Done():
			}
		})
	}
	if len(leaving) == 1 {
		return leaving[0].drained, nil
	}
	all := make(chan struct{})
	g.lb.wg.Go(func() {
		for _, m := range leaving {
			select {
			case <-m.drained:
			case <-g.lb.ctx.Done():
				return
			}
		}
		close(all)
	})
	return all, nil
}

// finishDrain removes a draining target for good, and closes the idle
// connections kept open to it: a target shutting down gracefully (Go's
// http.Server.Shutdown, for one) would otherwise wait for them.
// http.Transport closes idle connections to every host or none, so others'
// are closed too; they are dialled again when needed.
func (g *group) finishDrain(m *target) {
	m.drainOnce.Do(func() {
		g.mu.Lock()
		g.draining = deleteTarget(g.draining, m)
		g.mu.Unlock()
		g.lb.transport.CloseIdleConnections()
		close(m.drained)
	})
}

// unhealthy is the channel of Unhealthy for t.
func (g *group) unhealthy(t Target) <-chan struct{} {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if i := g.memberIndexLocked(t); i >= 0 {
		return g.members[i].failed
	}
	gone := make(chan struct{})
	close(gone)
	return gone
}

func (g *group) memberIndexLocked(t Target) int {
	for i, m := range g.members {
		if m.Target == t {
			return i
		}
	}
	return -1
}

func deleteTarget(ts []*target, m *target) []*target {
	for i, x := range ts {
		if x == m {
			return append(ts[:i:i], ts[i+1:]...)
		}
	}
	return ts
}

// updateRoutableLocked recomputes what requests go to; it requires g.mu.
// The slice is replaced, never changed in place.
func (g *group) updateRoutableLocked() {
	var healthy []*target
	for _, m := range g.members {
		if m.state == StateHealthy {
			healthy = append(healthy, m)
		}
	}
	if len(healthy) == 0 {
		healthy = append([]*target(nil), g.members...)
	}
	g.routable = healthy
}

func (g *group) describe() []TargetHealth {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]TargetHealth, 0, len(g.members)+len(g.draining))
	for _, ts := range [][]*target{g.members, g.draining} {
		for _, m := range ts {
			th := TargetHealth{Target: m.Target, State: m.state}
			if m.state != StateHealthy {
				th.Reason, th.Description = m.reason, m.description
			}
			out = append(out, th)
		}
	}
	return out
}

// counts returns the healthy and unhealthy targets, as HealthyHostCount
// and UnHealthyHostCount count them (initial ones are neither), and how
// many are registered.
func (g *group) counts() (healthy, unhealthy, registered int) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for _, m := range g.members {
		switch m.state {
		case StateHealthy:
			healthy++
		case StateUnhealthy:
			unhealthy++
		}
	}
	return healthy, unhealthy, len(g.members)
}

// healthLoop checks every member each interval and samples the host
// counts for the minute's metrics.
func (g *group) healthLoop() {
	ticker := g.lb.clock.NewTicker(g.cfg.HealthCheck.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-g.lb.ctx.Done():
			return
		case <-ticker.C():
		}
		g.mu.Lock()
		for _, m := range g.members {
			switch {
			case m.checking:
				// A check still running from the last round is not
				// doubled.
			case quiet(m):
				g.applyCheckLocked(m, "", "")
			default:
				m.checking = true
				g.lb.wg.Go(func() { g.check(m) })
			}
		}
		g.mu.Unlock()
		healthy, unhealthy, _ := g.counts()
		g.stats.sampleHosts(float64(healthy), float64(unhealthy))
	}
}

// quiet reports whether m's check this round is a quiet pass: m is
// healthy, its last real check passed, and the process behind it has not
// changed since that check began, so the exchange would pass again. It
// requires g.mu.
//
// The sandbox's choice: a quiet pass counts as the check AWS would run at
// that moment, on the same interval, so HealthyThreshold and
// UnhealthyThreshold count the same rounds; only the exchange is skipped,
// which at 60x is two requests a second per target that a healthy
// process answers the same way every time. Whatever can change the answer
// closes the channel first: the process exiting (seen through the kernel,
// not by polling) and the faults that change how a task answers. From the
// next round on the checks are real again, so a killed task fails after
// UnhealthyThreshold intervals as AWS would fail it, and a task made slow
// times out as before.
func quiet(m *target) bool {
	if m.state != StateHealthy || m.unchanged == nil {
		return false
	}
	select {
	case <-m.unchanged:
		return false
	default:
		return true
	}
}

// check runs one health check of m and applies its outcome.
func (g *group) check(m *target) {
	hc := g.cfg.HealthCheck
	// Taken before the exchange, so that a change while it runs closes
	// the channel kept for the next rounds.
	var unchanged <-chan struct{}
	if g.lb.cfg.Unchanged != nil {
		unchanged = g.lb.cfg.Unchanged(m.Target)
	}
	ctx, cancel := context.WithTimeout(g.lb.ctx, hc.Timeout)
	defer cancel()
	reason, description := "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url.String()+hc.Path, nil)
	if err == nil {
		req.Header.Set("User-Agent", "ELB-HealthChecker/2.0")
		var resp *http.Response
		resp, err = g.lb.checker.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != healthyStatus {
				reason, description = ReasonResponseCodeMismatch, fmt.Sprintf("Health checks failed with these codes: [%d]", resp.StatusCode)
			}
		}
	}
	if g.lb.ctx.Err() != nil {
		return
	}
	var ne net.Error
	switch {
	case err == nil:
	case errors.As(err, &ne) && ne.Timeout():
		reason, description = ReasonTimeout, "Request timed out"
	default:
		reason, description = ReasonFailedHealthChecks, "Health checks failed"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	m.checking = false
	m.unchanged = nil
	if reason == "" {
		m.unchanged = unchanged
	}
	g.applyCheckLocked(m, reason, description)
}

// applyCheckLocked records a check's outcome; an empty reason is a
// pass. It requires g.mu.
func (g *group) applyCheckLocked(m *target, reason, description string) {
	if m.state == StateDraining {
		return
	}
	before := m.state
	if reason == "" {
		m.fails = 0
		m.passes++
		// One pass makes a new target healthy; an unhealthy one needs
		// HealthyThreshold in a row.
		if m.state == StateInitial || m.passes >= g.cfg.HealthCheck.HealthyThreshold {
			m.state, m.reason, m.description = StateHealthy, "", ""
		}
	} else {
		m.passes = 0
		m.fails++
		if m.state == StateUnhealthy || m.fails >= g.cfg.HealthCheck.UnhealthyThreshold {
			m.state, m.reason, m.description = StateUnhealthy, reason, description
		}
	}
	if m.state == StateUnhealthy {
		m.failedOnce.Do(func() { close(m.failed) })
	}
	if m.state != before {
		g.lb.log.Info("target health changed", "targetGroup", g.cfg.Name, "target", m.Target.String(), "from", before, "to", m.state, "reason", m.reason)
		g.updateRoutableLocked()
	}
}
