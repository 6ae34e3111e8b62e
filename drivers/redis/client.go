// Package redis is how suites reach a target's Redis replication group:
// through its sentinels, the way the platform's own clients do, with a
// go-redis failover client that follows the master across a failover.
//
// It measures what the runbook's "Redis Cache: cross-region replication,
// RPO < 1 minute" is about: a Probe writes sequenced keys and acknowledges
// each with WAIT, so that it knows which writes a replica held; Verify
// reads them back after a failover and reports the acknowledged writes
// that are missing and the time span of what was lost; ReplicationLag
// times how long a write takes to show on each replica; WatchFailover
// reports when the sentinels switched the master.
//
// Timestamps and durations are platform time, read from the clock given
// with WithClock; network timeouts are real time.
package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/gameday-sre/gameday/clock"
)

// Target is a replication group as its sentinels serve it.
type Target struct {
	// MasterName is the name the sentinels monitor the group under.
	MasterName string
	// Sentinels are the sentinels' host:port addresses.
	Sentinels []string
}

func (t Target) String() string {
	return fmt.Sprintf("redis %s via sentinels %s", t.MasterName, strings.Join(t.Sentinels, ","))
}

// DefaultTimeout bounds, in real time, each dial, read and write.
const DefaultTimeout = time.Second

// Option configures a Client.
type Option func(*options)

type options struct {
	clock   clock.Clock
	log     *slog.Logger
	timeout time.Duration
}

// WithClock sets the clock that timestamps and durations are read from;
// default clock.Real().
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sets where the client logs; default nowhere.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithTimeout sets the real-time bound of each dial, read and write;
// default DefaultTimeout. A failover is noticed no sooner than it.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// Client is a connection to a replication group's master through its
// sentinels. It is safe for concurrent use.
type Client struct {
	target Target
	opts   options
	// master is go-redis's failover client: it asks the sentinels for
	// the master on every new connection and drops its connections when
	// a sentinel announces +switch-master.
	master    *goredis.Client
	sentinels []*goredis.SentinelClient

	mu       sync.Mutex
	replicas map[string]*goredis.Client
}

// Dial connects to the group's master as its sentinels name it.
func Dial(ctx context.Context, t Target, opts ...Option) (*Client, error) {
	o := options{clock: clock.Real(), log: slog.New(slog.DiscardHandler), timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if t.MasterName == "" || len(t.Sentinels) == 0 {
		return nil, fmt.Errorf("redis: target %s: want a master name and at least one sentinel", t)
	}
	if o.timeout <= 0 {
		return nil, fmt.Errorf("redis: timeout %s: want more than 0", o.timeout)
	}
	c := &Client{target: t, opts: o, replicas: map[string]*goredis.Client{}}
	c.master = goredis.NewFailoverClient(&goredis.FailoverOptions{
		MasterName:      t.MasterName,
		SentinelAddrs:   t.Sentinels,
		Protocol:        2,
		DisableIdentity: true,
		DialTimeout:     o.timeout,
		ReadTimeout:     o.timeout,
		WriteTimeout:    o.timeout,
		// A probe write is tried once: a retry would hide the outage
		// the probe is there to see.
		MaxRetries:    -1,
		DialerRetries: 1,
	})
	for _, addr := range t.Sentinels {
		c.sentinels = append(c.sentinels, goredis.NewSentinelClient(c.nodeOptions(addr)))
	}
	if err := c.master.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redis: pinging the master of %s: %w", t, err)
	}
	return c, nil
}

// nodeOptions are for connections to one address: a sentinel or a
// replica. RESP2 without CLIENT SETINFO is what every Redis answers, so
// no handshake command fails against an older server.
func (c *Client) nodeOptions(addr string) *goredis.Options {
	return &goredis.Options{
		Addr:            addr,
		Protocol:        2,
		DisableIdentity: true,
		DialTimeout:     c.opts.timeout,
		ReadTimeout:     c.opts.timeout,
		WriteTimeout:    c.opts.timeout,
		MaxRetries:      -1,
		DialerRetries:   1,
	}
}

// Close closes every connection.
func (c *Client) Close() error {
	errs := []error{c.master.Close()}
	for _, s := range c.sentinels {
		errs = append(errs, s.Close())
	}
	c.mu.Lock()
	for _, r := range c.replicas {
		errs = append(errs, r.Close())
	}
	c.mu.Unlock()
	return errors.Join(errs...)
}

// MasterAddr is the master's address as a majority of the sentinels
// reports it.
func (c *Client) MasterAddr(ctx context.Context) (string, error) {
	votes := map[string]int{}
	var errs []error
	for i, s := range c.sentinels {
		hp, err := s.GetMasterAddrByName(ctx, c.target.MasterName).Result()
		if err == nil && len(hp) != 2 {
			err = fmt.Errorf("answer %q", hp)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("asking sentinel %s for the master of %s: %w", c.target.Sentinels[i], c.target.MasterName, err))
			continue
		}
		addr := net.JoinHostPort(hp[0], hp[1])
		if votes[addr]++; votes[addr] > len(c.sentinels)/2 {
			return addr, nil
		}
	}
	return "", fmt.Errorf("redis: no majority of the sentinels of %s agrees on its master (votes %v): %w", c.target.MasterName, votes, errors.Join(errs...))
}

// Replicas are the addresses of the replicas that at least one sentinel
// sees up and linked to the master. Sentinels across a slow or cut link
// may see a replica down that the others see replicating.
func (c *Client) Replicas(ctx context.Context) ([]string, error) {
	var addrs []string
	var errs []error
	answered := false
	for i, s := range c.sentinels {
		rs, err := s.Replicas(ctx, c.target.MasterName).Result()
		if err != nil {
			errs = append(errs, fmt.Errorf("asking sentinel %s for the replicas of %s: %w", c.target.Sentinels[i], c.target.MasterName, err))
			continue
		}
		answered = true
		for _, r := range rs {
			addr := net.JoinHostPort(r["ip"], r["port"])
			if r["flags"] == "slave" && r["master-link-status"] == "ok" && !slices.Contains(addrs, addr) {
				addrs = append(addrs, addr)
			}
		}
	}
	if !answered {
		return nil, fmt.Errorf("redis: %w", errors.Join(errs...))
	}
	return addrs, nil
}

// replica is a client for one replica, kept for the Client's life.
func (c *Client) replica(addr string) *goredis.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.replicas[addr]
	if !ok {
		r = goredis.NewClient(c.nodeOptions(addr))
		c.replicas[addr] = r
	}
	return r
}
