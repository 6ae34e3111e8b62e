package lb

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// DownMode is the state of the load balancer's fault hook.
type DownMode string

// The modes of SetDown.
const (
	// Up serves normally.
	Up DownMode = "up"
	// Refuse stops listening and cuts every open connection: clients get
	// connection refused, as from a load balancer that is gone.
	Refuse DownMode = "refuse"
	// Blackhole accepts connections and reads requests but never answers,
	// as when packets to the region are dropped. Requests held when the
	// mode ends have their connections closed without an answer.
	Blackhole DownMode = "blackhole"
)

// ParseDownMode reads a mode as written on a command line or in a request.
func ParseDownMode(s string) (DownMode, error) {
	switch m := DownMode(strings.ToLower(strings.TrimSpace(s))); m {
	case Up, Refuse, Blackhole:
		return m, nil
	}
	return "", fmt.Errorf("load balancer mode %q: want up, refuse or blackhole", s)
}

// Option configures a LoadBalancer.
type Option func(*LoadBalancer)

// WithLogger logs target health changes and failed requests to log
// (default: nowhere).
func WithLogger(log *slog.Logger) Option { return func(l *LoadBalancer) { l.log = log } }

// LoadBalancer is one region's Application Load Balancer. It is safe for
// concurrent use.
type LoadBalancer struct {
	cfg       Config
	clock     clock.Clock
	sink      MetricSink
	log       *slog.Logger
	dimension string // app/<name>/<id>
	groups    []*group
	byName    map[string]*group
	byARN     map[string]*group
	rules     []rule
	def       *group
	proxy     *httputil.ReverseProxy
	transport *http.Transport
	checker   *http.Client
	// listeners are the HTTP listener, then the HTTPS one if configured.
	listeners []*listener

	mu   sync.Mutex
	mode DownMode
	// released is closed when a blackhole ends, to let go of the requests
	// it holds.
	released chan struct{}
	closed   bool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// listener is one address the load balancer answers on.
type listener struct {
	addr string // port resolved
	tls  *tls.Config
	srv  *http.Server // nil while refusing or after Close
}

type rule struct {
	pattern string
	group   *group
}

// New starts a load balancer listening on cfg.Addr, with its health checks
// and, if sink is not nil, its metric publication, all on platform time
// from c. Close stops it.
func New(cfg Config, c clock.Clock, sink MetricSink, opts ...Option) (*LoadBalancer, error) {
	cfg.TargetGroups = append([]TargetGroupConfig(nil), cfg.TargetGroups...)
	cfg.Rules = append([]Rule(nil), cfg.Rules...)
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	l := &LoadBalancer{
		cfg:       cfg,
		clock:     c,
		sink:      sink,
		log:       slog.New(slog.DiscardHandler),
		dimension: "app/" + cfg.Name + "/" + cfg.ID,
		byName:    map[string]*group{},
		byARN:     map[string]*group{},
		mode:      Up,
	}
	for _, o := range opts {
		o(l)
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	for _, gc := range cfg.TargetGroups {
		g := newGroup(l, gc)
		l.groups = append(l.groups, g)
		l.byName[gc.Name] = g
		l.byARN[g.arn] = g
	}
	for _, r := range cfg.Rules {
		l.rules = append(l.rules, rule{pattern: r.PathPattern, group: l.byName[r.TargetGroup]})
	}
	l.def = l.byName[cfg.DefaultTargetGroup]
	l.transport = &http.Transport{
		// "The load balancer failed to establish a connection to the
		// target before the connection timeout expired (10 seconds)"
		// (load-balancer-troubleshooting.html, HTTP 504).
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ResponseHeaderTimeout: cfg.IdleTimeout,
		// A few hundred requests a second over a handful of targets: keep
		// enough idle connections that requests reuse them instead of
		// dialling, as ALB keeps connections to its targets open.
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		// The proxy passes bodies through as the target encoded them.
		DisableCompression: true,
	}
	l.proxy = &httputil.ReverseProxy{
		Rewrite:        rewrite,
		Transport:      l.transport,
		ModifyResponse: answered,
		ErrorHandler:   l.proxyError,
		ErrorLog:       slog.NewLogLogger(l.log.Handler(), slog.LevelWarn),
	}
	l.checker = &http.Client{
		// "After each health check is completed, the load balancer node
		// closes the connection that was established for the health
		// check" (target-group-health-checks.html). The sandbox keeps it
		// open instead: at 60x a 30 s interval is two checks a second per
		// target, and a fresh connection for each costs the sandbox at
		// its maximum of 60 tasks more CPU than everything else it does
		// idle, while no verdict differs: a killed task fails the kept
		// connection as it would a new one, and a hung one times out.
		Transport: &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute},
		// A redirect is an answer: its code is matched like any other.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	l.listeners = []*listener{{addr: cfg.Addr}}
	if cfg.HTTPSAddr != "" {
		l.listeners = append(l.listeners, &listener{addr: cfg.HTTPSAddr, tls: cfg.TLS})
	}
	for _, li := range l.listeners {
		if err := l.listenLocked(li); err != nil {
			l.closeListenersLocked()
			l.cancel()
			return nil, err
		}
	}
	for _, g := range l.groups {
		l.wg.Go(g.healthLoop)
	}
	if sink != nil {
		l.wg.Go(l.publishLoop)
	}
	return l, nil
}

// listenLocked listens on li's address and serves there with a fresh
// server: a closed http.Server cannot serve again. Its port, once
// resolved, is kept, so that coming back up keeps the address. It requires
// l.mu, or that l is not yet shared.
func (l *LoadBalancer) listenLocked(li *listener) error {
	ln, err := net.Listen("tcp", li.addr)
	if err != nil {
		return fmt.Errorf("load balancer %s: listen on %s: %w", l.cfg.Name, li.addr, err)
	}
	li.addr = ln.Addr().String()
	if li.tls != nil {
		ln = tls.NewListener(ln, li.tls)
	}
	srv := &http.Server{
		Handler:           l,
		ReadHeaderTimeout: 10 * time.Second,
		// The idle timeout applies to client connections too
		// (application-load-balancers.html, Connection idle timeout).
		IdleTimeout: l.cfg.IdleTimeout,
		ErrorLog:    slog.NewLogLogger(l.log.Handler(), slog.LevelWarn),
	}
	li.srv = srv
	l.wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			l.log.Warn("load balancer stopped serving", "lb", l.cfg.Name, "addr", li.addr, "err", err)
		}
	})
	return nil
}

// closeListenersLocked stops every listener; Close, unlike Shutdown, also
// cuts connections that are busy.
func (l *LoadBalancer) closeListenersLocked() error {
	var errs []error
	for _, li := range l.listeners {
		if li.srv != nil {
			errs = append(errs, li.srv.Close())
			li.srv = nil
		}
	}
	return errors.Join(errs...)
}

// String describes the load balancer's configuration for reports.
func (l *LoadBalancer) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "load balancer %s on %s, idle timeout %s (real time)", l.dimension, l.Addr(), l.cfg.IdleTimeout)
	if a := l.HTTPSAddr(); a != "" {
		fmt.Fprintf(&b, ", HTTPS on %s", a)
	}
	for _, r := range l.rules {
		fmt.Fprintf(&b, "; %s -> %s", r.pattern, r.group.cfg.Name)
	}
	fmt.Fprintf(&b, "; default -> %s", l.def.cfg.Name)
	for _, g := range l.groups {
		h := g.cfg.HealthCheck
		fmt.Fprintf(&b, "; %s: health check %s every %s, timeout %s (real time), healthy after %d, unhealthy after %d, deregistration delay %s",
			g.dimension, h.Path, h.Interval, h.Timeout, h.HealthyThreshold, h.UnhealthyThreshold, g.cfg.DeregistrationDelay)
	}
	return b.String()
}

// Name is the load balancer's name.
func (l *LoadBalancer) Name() string { return l.cfg.Name }

// Addr is the address it listens on, such as 127.0.0.1:41234.
func (l *LoadBalancer) Addr() string { return l.listeners[0].addr }

// HTTPSAddr is the address of its HTTPS listener, "" if it has none.
func (l *LoadBalancer) HTTPSAddr() string {
	if len(l.listeners) < 2 {
		return ""
	}
	return l.listeners[1].addr
}

// URL is its base URL, such as http://127.0.0.1:41234.
func (l *LoadBalancer) URL() string { return "http://" + l.Addr() }

// ARN is the load balancer's ARN.
func (l *LoadBalancer) ARN() string {
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", l.cfg.Region, l.cfg.AccountID, l.dimension)
}

// Dimension is the value of its LoadBalancer dimension: app/<name>/<id>.
func (l *LoadBalancer) Dimension() string { return l.dimension }

// TargetGroupInfo names a target group every way AWS does.
type TargetGroupInfo struct {
	Name string
	ARN  string
	// Dimension is the value of the TargetGroup dimension:
	// targetgroup/<name>/<id>.
	Dimension string
}

// TargetGroups lists the target groups in configuration order.
func (l *LoadBalancer) TargetGroups() []TargetGroupInfo {
	out := make([]TargetGroupInfo, len(l.groups))
	for i, g := range l.groups {
		out[i] = TargetGroupInfo{Name: g.cfg.Name, ARN: g.arn, Dimension: g.dimension}
	}
	return out
}

// TargetGroupARN returns the ARN of the target group called name.
func (l *LoadBalancer) TargetGroupARN(name string) (string, bool) {
	g, ok := l.byName[name]
	if !ok {
		return "", false
	}
	return g.arn, true
}

// HasTargetGroup reports whether arn is one of this load balancer's target
// groups.
func (l *LoadBalancer) HasTargetGroup(arn string) bool {
	_, ok := l.byARN[arn]
	return ok
}

// RegisterTargets adds targets to the target group with the ARN given.
// Registering a target that is already registered changes nothing, as in
// AWS.
func (l *LoadBalancer) RegisterTargets(targetGroupARN string, targets ...Target) error {
	g, ok := l.byARN[targetGroupARN]
	if !ok {
		return groupNotFound(targetGroupARN)
	}
	for _, t := range targets {
		if err := t.validate(); err != nil {
			return err
		}
	}
	for _, t := range targets {
		g.register(t)
	}
	return nil
}

// DeregisterTargets starts draining targets from the target group with the
// ARN given. The channel returned is closed once every one of them has
// left the group: when its in-flight requests have finished, or when the
// group's deregistration delay has passed.
func (l *LoadBalancer) DeregisterTargets(targetGroupARN string, targets ...Target) (<-chan struct{}, error) {
	g, ok := l.byARN[targetGroupARN]
	if !ok {
		return nil, groupNotFound(targetGroupARN)
	}
	return g.deregister(targets)
}

// Unhealthy returns a channel closed once the target's health checks have
// failed it (UnhealthyThreshold in a row), or at once if it is unhealthy
// already or not a registered target of the group.
func (l *LoadBalancer) Unhealthy(targetGroupARN string, target Target) (<-chan struct{}, error) {
	g, ok := l.byARN[targetGroupARN]
	if !ok {
		return nil, groupNotFound(targetGroupARN)
	}
	return g.unhealthy(target), nil
}

// DescribeTargetHealth reports the targets of a group, draining ones
// included, in the order they were registered.
func (l *LoadBalancer) DescribeTargetHealth(targetGroupARN string) ([]TargetHealth, error) {
	g, ok := l.byARN[targetGroupARN]
	if !ok {
		return nil, groupNotFound(targetGroupARN)
	}
	return g.describe(), nil
}

// Mode reports the fault hook's current mode.
func (l *LoadBalancer) Mode() DownMode {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mode
}

// SetDown sets the fault hook: Up, Refuse or Blackhole. Every change can be
// undone by another; back Up, the load balancer listens on the same
// address as before.
func (l *LoadBalancer) SetDown(mode DownMode) error {
	if _, err := ParseDownMode(string(mode)); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("load balancer %s: closed", l.cfg.Name)
	}
	if mode == l.mode {
		return nil
	}
	if l.mode == Blackhole {
		close(l.released)
		l.released = nil
	}
	switch mode {
	case Refuse:
		l.closeListenersLocked()
	case Up, Blackhole:
		for _, li := range l.listeners {
			if li.srv != nil {
				continue
			}
			if err := l.listenLocked(li); err != nil {
				l.closeListenersLocked()
				l.mode = Refuse
				return fmt.Errorf("coming back up: %w", err)
			}
		}
		if mode == Blackhole {
			l.released = make(chan struct{})
		}
	}
	l.log.Info("load balancer mode changed", "lb", l.cfg.Name, "from", l.mode, "to", mode)
	l.mode = mode
	return nil
}

// Close stops listening, cuts every connection and stops health checks and
// metric publication. Metrics of the platform minute in progress are not
// published.
func (l *LoadBalancer) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	if l.released != nil {
		close(l.released)
		l.released = nil
	}
	err := l.closeListenersLocked()
	l.mu.Unlock()
	l.cancel()
	l.wg.Wait()
	l.transport.CloseIdleConnections()
	return err
}

// blackholed returns the channel to wait on when requests must not be
// answered, or nil.
func (l *LoadBalancer) blackholed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.released
}

// route picks the target group of a path: the first rule that matches, or
// the default.
func (l *LoadBalancer) route(path string) *group {
	for _, r := range l.rules {
		if matchPath(r.pattern, path) {
			return r.group
		}
	}
	return l.def
}

// HealthyForDNS is the load balancer's health as Route 53 reads it for an
// alias record with EvaluateTargetHealth: up, and every target group with
// at least one healthy target (the target groups' DNS failover minimum of
// one healthy target, AWS's default; "when all the target groups in an
// Application Load Balancer are healthy, Route 53 marks the alias record
// as healthy").
func (l *LoadBalancer) HealthyForDNS() bool {
	if l.Mode() != Up {
		return false
	}
	for _, g := range l.groups {
		if healthy, _, _ := g.counts(); healthy == 0 {
			return false
		}
	}
	return true
}
