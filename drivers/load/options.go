package load

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/gameday-sre/gameday/timeline"
)

// The defaults of an Attacker, vegeta's where vegeta has one.
const (
	// DefaultWorkers is how many workers an attack starts with; vegeta adds
	// more when they are all busy, up to MaxWorkers.
	DefaultWorkers uint64 = vegeta.DefaultWorkers
	// DefaultMaxWorkers leaves workers unbounded, as vegeta does: the load is
	// an open model, and a slow platform must get more concurrent requests,
	// not fewer requests. A bound turns slowness into a shortfall.
	DefaultMaxWorkers uint64 = vegeta.DefaultMaxWorkers
	// DefaultConnections is how many idle connections are kept per host.
	DefaultConnections = vegeta.DefaultConnections
	// DefaultMaxConnections (0) leaves connections per host unbounded.
	DefaultMaxConnections = 0
	// DefaultTimeout bounds one request, in real time: a response's latency
	// is real whatever the clock's scale.
	DefaultTimeout = vegeta.DefaultTimeout
	// DefaultMaxBody (0) keeps no response body: bodies are read and
	// discarded, so connections are reused, but neither memory nor the
	// results file grows with them.
	DefaultMaxBody int64 = 0
	// DefaultPeriod is the platform span each LoadWindow covers: a minute,
	// the period of the metrics the runbook's scaling policies act on.
	DefaultPeriod = time.Minute
)

// config is an Attacker's settings; it never changes after NewAttacker.
type config struct {
	workers, maxWorkers         uint64
	connections, maxConnections int
	timeout                     time.Duration
	keepAlive                   bool
	maxBody                     int64
	window                      time.Duration
	log                         *timeline.Log
	results                     io.Writer
	dial                        func(ctx context.Context, network, address string) (net.Conn, error)
}

func defaults() config {
	return config{
		workers:        DefaultWorkers,
		maxWorkers:     DefaultMaxWorkers,
		connections:    DefaultConnections,
		maxConnections: DefaultMaxConnections,
		timeout:        DefaultTimeout,
		keepAlive:      true,
		maxBody:        DefaultMaxBody,
		window:         DefaultPeriod,
	}
}

// Option configures an Attacker.
type Option func(*config)

// Workers sets how many workers an attack starts with.
func Workers(n uint64) Option { return func(c *config) { c.workers = n } }

// MaxWorkers bounds the workers, hence the requests in flight. Max profiles
// need it; with a rate profile, a bound the target's latency exhausts shows
// up as a shortfall.
func MaxWorkers(n uint64) Option { return func(c *config) { c.maxWorkers = n } }

// Connections sets how many idle connections are kept per host.
func Connections(n int) Option { return func(c *config) { c.connections = n } }

// MaxConnections bounds the connections per host; 0 is unbounded.
func MaxConnections(n int) Option { return func(c *config) { c.maxConnections = n } }

// Timeout bounds one request in real time; 0 is no bound.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// KeepAlive sets whether connections are reused between requests.
func KeepAlive(on bool) Option { return func(c *config) { c.keepAlive = on } }

// MaxBody sets how many bytes of each response body are kept in the results;
// -1 keeps all of it.
func MaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// Period sets the platform span of a LoadWindow; windows are aligned to
// multiples of it on the clock, as CloudWatch aligns its periods.
func Period(d time.Duration) Option { return func(c *config) { c.window = d } }

// Timeline records a LoadWindow per window on log; nil records nothing.
func Timeline(log *timeline.Log) Option { return func(c *config) { c.log = log } }

// Dial replaces how the attack opens connections: drivers/dns's Dialer
// resolves the target's name through a chosen DNS server per new
// connection, honouring the TTL, so the load follows a DNS failover as
// clients do.
func Dial(f func(ctx context.Context, network, address string) (net.Conn, error)) Option {
	return func(c *config) { c.dial = f }
}

// Results writes every result to w in vegeta's gob encoding, as `vegeta
// attack` does, for `vegeta report` and `vegeta plot`; nil keeps none. Runs of
// one Attacker share one stream, each result carrying its target's service as
// its attack name, so vegeta can tell them apart.
func Results(w io.Writer) Option { return func(c *config) { c.results = w } }

func (c config) validate() error {
	switch {
	case c.workers == 0:
		return fmt.Errorf("load: workers must be at least 1")
	case c.maxWorkers < c.workers:
		return fmt.Errorf("load: max workers %d below workers %d", c.maxWorkers, c.workers)
	case c.connections < 0 || c.maxConnections < 0:
		return fmt.Errorf("load: connections %d and max connections %d must not be negative", c.connections, c.maxConnections)
	case c.timeout < 0:
		return fmt.Errorf("load: timeout %v must not be negative", c.timeout)
	case c.window <= 0:
		return fmt.Errorf("load: period %v must be positive", c.window)
	}
	return nil
}

func (c config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workers=%d max-workers=%s connections=%d max-connections=%s",
		c.workers, bound(c.maxWorkers == math.MaxUint64, c.maxWorkers), c.connections, bound(c.maxConnections == 0, c.maxConnections))
	fmt.Fprintf(&b, " timeout=%s keepalive=%t max-body=%d period=%v", bound(c.timeout == 0, c.timeout), c.keepAlive, c.maxBody, c.window)
	fmt.Fprintf(&b, " timeline=%t results=%t", c.log != nil, c.results != nil)
	return b.String()
}

func bound[T any](unbounded bool, v T) string {
	if unbounded {
		return "unbounded"
	}
	return fmt.Sprint(v)
}
