package route53

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/notify"
)

// CheckerRegions are the locations of Route 53's health checkers
// (dns-failover-determining-health-of-endpoints.html); a health check
// without Regions is probed from all of them.
var CheckerRegions = []string{
	"us-east-1", "us-west-1", "us-west-2", "eu-west-1",
	"ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
}

// DefaultNameServers are the delegation set of every hosted zone, in the
// form of AWS's: one per top-level domain it spreads them over.
var DefaultNameServers = []string{
	"ns-2048.awsdns-64.com.", "ns-2049.awsdns-65.net.", "ns-2050.awsdns-66.org.", "ns-2051.awsdns-67.co.uk.",
}

// ProbeTimeouts bound one probe in platform time, as the intervals
// between probes are: see probe.go.
type ProbeTimeouts struct {
	// Connect bounds the TCP connection of an HTTP(S) check, Response the
	// wait for the status line after it, TCP the connection of a TCP
	// check.
	Connect, Response, TCP time.Duration
}

// DefaultProbeTimeouts are AWS's: an HTTP(S) endpoint must accept the
// connection within 4 s and answer within 2 s, a TCP endpoint within 10 s
// (dns-failover-determining-health-of-endpoints.html).
var DefaultProbeTimeouts = ProbeTimeouts{Connect: 4 * time.Second, Response: 2 * time.Second, TCP: 10 * time.Second}

// MinProbeTimeout is the real-time floor of each probe timeout: see
// probe.go.
const MinProbeTimeout = 250 * time.Millisecond

// Real is t in real time on a clock running scale times faster than real
// time, each timeout at least MinProbeTimeout.
func (t ProbeTimeouts) Real(scale float64) ProbeTimeouts {
	real := func(d time.Duration) time.Duration {
		return max(time.Duration(float64(d)/scale), MinProbeTimeout)
	}
	return ProbeTimeouts{Connect: real(t.Connect), Response: real(t.Response), TCP: real(t.TCP)}
}

// scaleOf is how much faster than real time c runs: a scaled clock says,
// any other clock is real time.
func scaleOf(c clock.Clock) float64 {
	if s, ok := c.(interface{ Scale() float64 }); ok && s.Scale() > 0 {
		return s.Scale()
	}
	return 1
}

// Resolver maps a host name to addresses, as public DNS does for AWS's
// checkers and for alias targets outside the hosted zones (load
// balancers). It returns no addresses and no error for a name it does not
// know, which the engine then looks up in its own hosted zones. It is
// called with the engine's lock held and must not call into the Engine.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// TargetHealth reports whether an alias target outside the hosted zones
// (a load balancer) is healthy, which is what EvaluateTargetHealth asks of
// it. Like Resolver, it must not call into the Engine.
type TargetHealth func(ctx context.Context, dnsName string) bool

// Dialer connects a checker to an endpoint's address, as the network
// between AWS's checkers and the endpoint does. The sandbox uses it to
// reach a region's port-443 listener where its load balancer really
// listens.
type Dialer func(ctx context.Context, network, address string) (net.Conn, error)

// Option configures an Engine.
type Option func(*Engine)

// WithDialer sets how probes connect (default: a plain TCP dial). Each
// call is bounded by the probe timeouts through ctx.
func WithDialer(d Dialer) Option { return func(e *Engine) { e.dial = d } }

// WithLogger sets the logger for health transitions and probe failures
// (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// WithResolver sets how health checks and alias targets resolve names
// before the hosted zones are consulted (default: only the hosted zones).
func WithResolver(r Resolver) Option { return func(e *Engine) { e.resolver = r } }

// WithTargetHealth sets the health of alias targets outside the hosted
// zones (default: healthy when the Resolver or the zones resolve them).
func WithTargetHealth(h TargetHealth) Option { return func(e *Engine) { e.targetHealth = h } }

// WithNameServers sets the delegation set of new hosted zones (default
// DefaultNameServers).
func WithNameServers(ns ...string) Option {
	return func(e *Engine) {
		e.nameServers = make([]string, len(ns))
		for i, n := range ns {
			e.nameServers[i] = fqdn(n)
		}
	}
}

// WithProbeTimeouts sets the platform-time bounds of one probe (default
// DefaultProbeTimeouts).
func WithProbeTimeouts(t ProbeTimeouts) Option { return func(e *Engine) { e.timeouts = t } }

// Engine is the sandbox's Route 53: hosted zones with simple and failover
// record sets, health checks that really probe their endpoints on the
// platform clock, and the answers the zones' name servers give. It is
// safe for concurrent use; Close stops the probing.
type Engine struct {
	clock        clock.Clock
	log          *slog.Logger
	resolver     Resolver
	targetHealth TargetHealth
	dial         Dialer
	nameServers  []string
	// timeouts are platform time; realTimeouts what they last in real
	// time on the engine's clock.
	timeouts, realTimeouts ProbeTimeouts

	// ctx ends when the engine is closed; every probing goroutine is in
	// wg.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.RWMutex
	zones     map[string]*zone // by bare ID
	zoneRefs  map[string]string
	changes   map[string]ChangeInfo // by bare ID
	checks    map[string]*healthCheck
	seq       uint64 // orders zones and health checks by creation
	checkRefs map[string]checkRef
	// tags are by tagKey.
	tags map[string]map[string]string
	// changes are queued under mu and delivered after it is released.
	healthChanges notify.Feed[HealthChange]
}

// checkRef is what a caller reference was used for; deleted references
// cannot be reused, as in AWS.
type checkRef struct {
	id      string
	deleted bool
}

// New returns an engine without hosted zones or health checks, reading
// platform time from c.
func New(c clock.Clock, opts ...Option) *Engine {
	e := &Engine{
		clock:       c,
		log:         slog.Default(),
		nameServers: DefaultNameServers,
		timeouts:    DefaultProbeTimeouts,
		dial:        (&net.Dialer{}).DialContext,
		zones:       map[string]*zone{},
		zoneRefs:    map[string]string{},
		changes:     map[string]ChangeInfo{},
		checks:      map[string]*healthCheck{},
		checkRefs:   map[string]checkRef{},
		tags:        map[string]map[string]string{},
	}
	for _, o := range opts {
		o(e)
	}
	e.realTimeouts = e.timeouts.Real(scaleOf(c))
	e.ctx, e.cancel = context.WithCancel(context.Background())
	return e
}

// String describes the engine's configuration for reports.
func (e *Engine) String() string {
	return fmt.Sprintf("route53 name servers %s, probe timeouts connect %s response %s tcp %s (platform time; real %s, %s, %s)",
		strings.Join(e.nameServers, ","), e.timeouts.Connect, e.timeouts.Response, e.timeouts.TCP,
		e.realTimeouts.Connect, e.realTimeouts.Response, e.realTimeouts.TCP)
}

// Close stops every health check's probing and waits for probes in
// flight. The engine still answers API calls and queries; health checks
// keep the status they had. Close is idempotent.
func (e *Engine) Close() error {
	e.cancel()
	e.wg.Wait()
	return nil
}

// OnHealthChange subscribes f to status changes of health checks. f runs
// on the goroutine that caused the change, after the engine's lock is
// released, so it may call back into the engine; calls are in the order
// the changes happened. The returned function unsubscribes.
func (e *Engine) OnHealthChange(f func(HealthChange)) (cancel func()) {
	return e.healthChanges.Subscribe(f)
}

// newID returns n random characters of AWS's resource IDs (upper-case
// letters and digits) after prefix.
func newID(prefix string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

// newUUID returns a random UUID, the form of health check IDs.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// fqdn returns name in the form Route 53 stores it: lower case, with the
// trailing dot.
func fqdn(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}
