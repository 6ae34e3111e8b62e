package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gameday-sre/gameday/drivers/rpo"
)

// ProbeConfig configures a write probe.
type ProbeConfig struct {
	// Prefix starts every key the probe writes; required, and unique per
	// run, so that a verification never reads another run's keys.
	Prefix string
	// Replicas is how many replicas must acknowledge a write for it to
	// count as acknowledged; default 1.
	Replicas int
	// AckTimeout is WAIT's timeout, in real time: how long a write may
	// wait for its acknowledgements; default DefaultAckTimeout. It must
	// be below the client's timeout, which bounds WAIT's reply.
	AckTimeout time.Duration
}

// DefaultAckTimeout is long against replication within a region and
// short against a failover.
const DefaultAckTimeout = 250 * time.Millisecond

func (c ProbeConfig) String() string {
	return fmt.Sprintf("probe %s: WAIT %d replicas, %s", c.Prefix, c.Replicas, c.AckTimeout)
}

// Write is one probe write and what became of it.
type Write struct {
	Seq int64
	Key string
	// At is when the write was sent, in platform time.
	At time.Time
	// Accepted is whether a master answered OK to the SET.
	Accepted bool
	// Replicas is how many replicas WAIT reported holding the write.
	Replicas int
	// Acknowledged is whether Replicas reached the probe's Replicas.
	Acknowledged bool
	// Err is why the write or its WAIT failed.
	Err string `json:",omitempty"`
}

// Probe writes sequenced keys to the master, SET key seq then WAIT, on
// one connection so that WAIT counts exactly that write. It is safe for
// concurrent use; writes are numbered in the order they are sent.
type Probe struct {
	c   *Client
	cfg ProbeConfig

	log rpo.Log[Write]
}

// NewProbe returns a probe writing through c.
func (c *Client) NewProbe(cfg ProbeConfig) (*Probe, error) {
	if cfg.Prefix == "" {
		return nil, fmt.Errorf("redis: probe on %s: no key prefix", c.target)
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if cfg.AckTimeout == 0 {
		cfg.AckTimeout = DefaultAckTimeout
	}
	if cfg.Replicas < 0 || cfg.AckTimeout < time.Millisecond || cfg.AckTimeout >= c.opts.timeout {
		// WAIT counts whole milliseconds and blocks for ever on 0, and
		// a WAIT longer than the read timeout would be cut off as a
		// failed write.
		return nil, fmt.Errorf("redis: %s: want replicas >= 1 and 1ms <= ack timeout < the client timeout %s", cfg, c.opts.timeout)
	}
	return &Probe{c: c, cfg: cfg}, nil
}

// Write writes the next key and waits for its acknowledgements. The
// write is recorded whatever happens; the error says why it was not
// accepted or not acknowledged.
func (p *Probe) Write(ctx context.Context) (Write, error) {
	seq := p.log.Next()
	w := Write{Seq: seq, Key: p.cfg.Prefix + strconv.FormatInt(seq, 10), At: p.c.opts.clock.Now()}

	pipe := p.c.master.Pipeline()
	set := pipe.Set(ctx, w.Key, strconv.FormatInt(w.Seq, 10), 0)
	// Pipeliner has no Wait method; the command is the same.
	wait := pipe.Do(ctx, "wait", p.cfg.Replicas, p.cfg.AckTimeout.Milliseconds())
	_, err := pipe.Exec(ctx)
	w.Accepted = set.Err() == nil
	if n, werr := wait.Int(); w.Accepted && werr == nil {
		w.Replicas = n
		w.Acknowledged = w.Replicas >= p.cfg.Replicas
	}
	switch {
	case err != nil:
		err = fmt.Errorf("redis: probe write %s to the master of %s: %w", w.Key, p.c.target.MasterName, err)
	case !w.Acknowledged:
		err = fmt.Errorf("redis: probe write %s to the master of %s: %d of %d replicas acknowledged within %s", w.Key, p.c.target.MasterName, w.Replicas, p.cfg.Replicas, p.cfg.AckTimeout)
	}
	if err != nil {
		w.Err = err.Error()
	}
	p.log.Add(w.Seq, w)
	return w, err
}

// Run writes every interval (platform time) until ctx is done. Failed
// writes are recorded and logged, not returned: during a failover they
// are what is being observed.
func (p *Probe) Run(ctx context.Context, interval time.Duration) {
	rpo.Run(ctx, p.c.opts.clock, interval, func(ctx context.Context) error {
		_, err := p.Write(ctx)
		return err
	}, p.c.opts.log)
}

// Writes are the writes so far, in the order they were numbered.
func (p *Probe) Writes() []Write { return p.log.Writes() }
