package mongo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Failover is a change of primary as the watch saw it.
type Failover struct {
	From, To string
	// LostAt is when a poll first found From no longer primary (no
	// primary, or an election under way); zero if the first poll to
	// miss it already found To.
	LostAt time.Time
	// SwitchedAt is when a poll first found To primary, in platform
	// time.
	SwitchedAt time.Time
}

// Since is the failover's duration counted from lost, the moment the
// primary was lost.
func (f Failover) Since(lost time.Time) time.Duration { return f.SwitchedAt.Sub(lost) }

// DefaultPollInterval is how often, in real time, a FailoverWatch asks
// who is primary: the resolution of the times it reports.
const DefaultPollInterval = 100 * time.Millisecond

// FailoverWatch polls the set for a change of primary.
type FailoverWatch struct {
	c        *Client
	failures chan Failover
	stop     context.CancelFunc
	wg       sync.WaitGroup
}

// WatchFailover finds the current primary, then polls every interval
// (real time; DefaultPollInterval if 0) until Close. It asks with hello
// through the driver's primary selection, and counts the answer only if
// the member says it is the writable primary: a stepped-down member
// answers until the driver's monitoring moves on, and says it is not.
func (c *Client) WatchFailover(ctx context.Context, interval time.Duration) (*FailoverWatch, error) {
	if interval == 0 {
		interval = DefaultPollInterval
	}
	primary, err := c.primary(ctx)
	if err != nil {
		return nil, err
	}
	if primary == "" {
		return nil, fmt.Errorf("mongo: watching %s for a failover: no primary to begin with", c.target)
	}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	w := &FailoverWatch{c: c, failures: make(chan Failover, 16), stop: stop}
	w.wg.Go(func() { w.poll(wctx, primary, interval) })
	return w, nil
}

func (w *FailoverWatch) poll(ctx context.Context, primary string, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var lostAt time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now, err := w.c.primary(ctx)
		at := w.c.opts.clock.Now()
		if err != nil && ctx.Err() == nil {
			w.c.opts.log.Debug("polling for the primary", "err", err)
		}
		switch {
		case now == primary:
			lostAt = time.Time{}
		case now == "":
			if lostAt.IsZero() {
				lostAt = at
			}
		default:
			select {
			case w.failures <- Failover{From: primary, To: now, LostAt: lostAt, SwitchedAt: at}:
			case <-ctx.Done():
				return
			}
			primary, lostAt = now, time.Time{}
		}
	}
}

// Wait returns the next change of primary: the first since the watch
// began, then the first since the last Wait returned.
func (w *FailoverWatch) Wait(ctx context.Context) (Failover, error) {
	select {
	case <-ctx.Done():
		return Failover{}, fmt.Errorf("mongo: waiting for %s to fail over: %w", w.c.target, ctx.Err())
	case f := <-w.failures:
		return f, nil
	}
}

// Close stops the polling.
func (w *FailoverWatch) Close() {
	w.stop()
	w.wg.Wait()
}

// primary is the host:port of the member that says it is the writable
// primary, or "" if the one the driver selects does not.
func (c *Client) primary(ctx context.Context) (string, error) {
	var hello struct {
		IsWritablePrimary bool   `bson:"isWritablePrimary"`
		Me                string `bson:"me"`
	}
	if err := c.admin(ctx, bson.D{{Key: "hello", Value: 1}}, &hello); err != nil {
		return "", fmt.Errorf("mongo: hello to the primary of %s: %w", c.target, err)
	}
	if !hello.IsWritablePrimary {
		return "", nil
	}
	return hello.Me, nil
}

// Stepdown is a primary made to step down: the fault a chaos injector
// uses to force an election without killing a process.
type Stepdown struct {
	c *Client
	// From is the member that was primary.
	From string
	// At is when the step-down was sent, in platform time.
	At time.Time
	// For is how long From may not stand for election, in real time.
	For time.Duration
}

func (s *Stepdown) String() string {
	return fmt.Sprintf("step down %s for %s at %s", s.From, s.For, s.At.Format(time.RFC3339Nano))
}

// CatchUp is replSetStepDown's secondaryCatchUpPeriodSecs: how long the
// primary waits for an electable secondary to catch up before it steps
// down; with majority writes one is never far behind.
const CatchUp = 5 * time.Second

// StepDown makes the primary step down (replSetStepDown) and stand aside
// for period, whole seconds above CatchUp. The server refuses if no
// electable secondary catches up within CatchUp (replSetStepDown docs),
// and then nothing has changed.
//
// Undo: none is needed, and Revert only waits for it. The member may
// stand again once period ends, and a member of the highest priority
// calls an election as soon as it has caught up with a lower-priority
// primary (replica set elections docs, "Member Priority"): the set
// returns by itself to a primary in the runbook's primary region.
// replSetFreeze {0} would end the period early, but Atlas does not
// support it (replSetFreeze docs), so nothing here depends on it.
func (c *Client) StepDown(ctx context.Context, period time.Duration) (*Stepdown, error) {
	if period%time.Second != 0 || period <= CatchUp {
		return nil, fmt.Errorf("mongo: stepping down the primary of %s for %s: want whole seconds above %s", c.target, period, CatchUp)
	}
	from, err := c.primary(ctx)
	if err != nil {
		return nil, err
	}
	s := &Stepdown{c: c, From: from, At: c.opts.clock.Now(), For: period}
	cmd := bson.D{
		{Key: "replSetStepDown", Value: int64(period / time.Second)},
		{Key: "secondaryCatchUpPeriodSecs", Value: int64(CatchUp / time.Second)},
	}
	// The command outlives the client timeout by the catch-up period.
	sctx, cancel := context.WithTimeout(ctx, CatchUp+c.opts.timeout)
	defer cancel()
	var reply bson.Raw
	if err := c.mc.Database("admin").RunCommand(sctx, cmd).Decode(&reply); err != nil {
		return nil, fmt.Errorf("mongo: %s on %s: %w", s, c.target, err)
	}
	return s, nil
}

// Revert waits, for as long as ctx allows, until a member of the
// highest priority is primary again: the steady state the runbook's
// layout describes.
func (s *Stepdown) Revert(ctx context.Context) error {
	tick := time.NewTicker(DefaultPollInterval)
	defer tick.Stop()
	var last string
	for {
		rs, err := s.c.ReplicaSet(ctx)
		if err == nil {
			p, ok := rs.Primary()
			if ok && p.Priority == rs.TopPriority() {
				return nil
			}
			last = fmt.Sprintf("primary %q at priority %g, top priority %g", p.Host, p.Priority, rs.TopPriority())
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("mongo: after %s: waiting for a top-priority primary on %s (last seen: %s): %w", s, s.c.target, last, ctx.Err())
		case <-tick.C:
		}
	}
}
