// Package mongo is how suites reach a target's MongoDB replica set: with
// mongo-driver v2, as the platform's own services do, following the
// primary across elections.
//
// It measures what the runbook's "MongoDB: cross-region replica sets,
// RPO < 1 minute" and its Atlas layout are about: ReplicaSet reads the
// members (priority, votes, region tag, state, lag) and CheckLayout diffs
// them against the spec; a Probe inserts sequenced documents with write
// concern majority, so that it knows which writes a majority held, and
// Verify reads them back after a failover and reports the acknowledged
// writes that are missing and the time span of what was lost;
// WatchFailover reports when the primary changed; StepDown is the
// reversible fault a chaos injector uses to force an election.
//
// Timestamps and durations are platform time, read from the clock given
// with WithClock; network timeouts are real time. Times read from the
// servers (optimes, and so lag) are the servers' own.
package mongo

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/gameday-sre/gameday/clock"
)

// Target is a replica set as a connection string names it.
type Target struct {
	// URI is a mongodb:// or mongodb+srv:// connection string; a
	// replicaSet option makes the driver check the set's name.
	URI string
	// Addrs maps a member's host:port, as the replica set's
	// configuration names it, to the address this machine reaches it
	// at. The driver connects to the hosts the configuration lists, not
	// to the seed list (Server Discovery and Monitoring spec), so a set
	// whose members know each other by container names is unreachable
	// from the Docker host without it. Empty: hosts are dialled as named.
	Addrs map[string]string
}

// String names the endpoint without credentials or options, either of
// which may hold a secret.
func (t Target) String() string { return redact(t.URI) }

// redact keeps the scheme and host list of a connection string.
func redact(uri string) string {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return "mongodb endpoint (unparsable URI)"
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + "://" + rest
}

// DefaultTimeout bounds, in real time, connecting, selecting a server
// and each command. A failover is noticed no sooner than it.
const DefaultTimeout = 2 * time.Second

// heartbeat is the driver's monitoring interval: the Server Discovery and
// Monitoring spec's minimum, so that a new primary is found within half
// a second of being elected rather than the default ten.
const heartbeat = 500 * time.Millisecond

// Option configures a Client.
type Option func(*config)

type config struct {
	clock   clock.Clock
	log     *slog.Logger
	timeout time.Duration
}

// WithClock sets the clock that timestamps and durations are read from;
// default clock.Real().
func WithClock(c clock.Clock) Option { return func(o *config) { o.clock = c } }

// WithLogger sets where the client logs; default nowhere.
func WithLogger(l *slog.Logger) Option { return func(o *config) { o.log = l } }

// WithTimeout sets the real-time bound of connecting, server selection
// and each command; default DefaultTimeout.
func WithTimeout(d time.Duration) Option { return func(o *config) { o.timeout = d } }

// Client is a connection to a replica set. It is safe for concurrent use.
type Client struct {
	target Target
	opts   config
	mc     *mongo.Client
}

// Dial connects to the replica set and waits, for as long as ctx and the
// timeout allow, for its primary to answer.
func Dial(ctx context.Context, t Target, opts ...Option) (*Client, error) {
	o := config{clock: clock.Real(), log: slog.New(slog.DiscardHandler), timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if t.URI == "" {
		return nil, fmt.Errorf("mongo: dialling: no connection string")
	}
	if o.timeout <= 0 {
		return nil, fmt.Errorf("mongo: dialling %s: timeout %s: want more than 0", t, o.timeout)
	}
	mc, err := mongo.Connect(clientOptions(t, o.timeout))
	if err != nil {
		return nil, fmt.Errorf("mongo: dialling %s: %w", t, err)
	}
	c := &Client{target: t, opts: o, mc: mc}
	pctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := mc.Ping(pctx, readpref.Primary()); err != nil {
		c.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("mongo: pinging the primary of %s: %w", t, err)
	}
	return c, nil
}

func clientOptions(t Target, timeout time.Duration) *options.ClientOptions {
	o := options.Client().ApplyURI(t.URI).
		SetAppName("gameday").
		SetConnectTimeout(timeout).
		SetServerSelectionTimeout(timeout).
		SetHeartbeatInterval(heartbeat)
	if len(t.Addrs) > 0 {
		o.SetDialer(addrDialer{addrs: maps.Clone(t.Addrs)})
	}
	return o
}

// addrDialer dials a member at the address Target.Addrs gives it.
type addrDialer struct {
	addrs map[string]string
	net.Dialer
}

func (d addrDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if to, ok := d.addrs[addr]; ok {
		addr = to
	}
	return d.Dialer.DialContext(ctx, network, addr)
}

// Close closes every connection.
func (c *Client) Close(ctx context.Context) error {
	if err := c.mc.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongo: disconnecting from %s: %w", c.target, err)
	}
	return nil
}

// admin runs a command on the primary's admin database, bounded by the
// timeout.
func (c *Client) admin(ctx context.Context, cmd any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeout)
	defer cancel()
	return c.mc.Database("admin").RunCommand(ctx, cmd).Decode(out)
}
