package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/drivers/rpo"
)

// Report is what a verification found.
type Report struct {
	rpo.Loss[Write]
	// Lag is the replication lag measured after the read-back, one entry
	// per replica then up.
	Lag []Lag
}

// verifyBatch is how many keys one MGET reads.
const verifyBatch = 500

// Verify reads writes back from the current master and measures the
// replication lag. Writes that were never accepted are not expected.
func (c *Client) Verify(ctx context.Context, writes []Write) (Report, error) {
	var r Report
	present := make(map[int64]bool, len(writes))
	for start := 0; start < len(writes); start += verifyBatch {
		batch := writes[start:min(start+verifyBatch, len(writes))]
		keys := make([]string, len(batch))
		for i, w := range batch {
			keys[i] = w.Key
		}
		vals, err := c.master.MGet(ctx, keys...).Result()
		if err != nil {
			return r, fmt.Errorf("redis: reading back %d probe keys from the master of %s: %w", len(keys), c.target.MasterName, err)
		}
		for i, v := range vals {
			present[batch[i].Seq] = v == strconv.FormatInt(batch[i].Seq, 10)
		}
	}
	r.Loss = rpo.Tally(writes, outcome, func(w Write) bool { return present[w.Seq] })
	lag, err := c.ReplicationLag(ctx)
	r.Lag = lag
	return r, err
}

// Lag is how long a write took to show on one replica, in platform time.
type Lag struct {
	Replica string
	Lag     time.Duration
}

// lagPoll is how often a replica is read while waiting for a marker:
// the resolution of the measurement.
const lagPoll = time.Millisecond

// ReplicationLag writes a marker to the master and times, from the
// master's reply, how long each replica the sentinels see up takes to
// show it. It waits for as long as ctx allows.
func (c *Client) ReplicationLag(ctx context.Context) ([]Lag, error) {
	replicas, err := c.Replicas(ctx)
	if err != nil {
		return nil, err
	}
	if len(replicas) == 0 {
		return nil, nil
	}
	now := c.opts.clock.Now()
	key, val := "gameday:lag:"+strconv.FormatInt(now.UnixNano(), 10), strconv.FormatInt(now.UnixNano(), 10)
	if err := c.master.Set(ctx, key, val, time.Minute).Err(); err != nil {
		return nil, fmt.Errorf("redis: writing lag marker %s to the master of %s: %w", key, c.target.MasterName, err)
	}
	written := c.opts.clock.Now()
	lags := make([]Lag, len(replicas))
	errs := make([]error, len(replicas))
	var wg sync.WaitGroup
	for i, addr := range replicas {
		wg.Go(func() {
			lags[i].Replica = addr
			lags[i].Lag, errs[i] = c.awaitMarker(ctx, addr, key, val, written)
		})
	}
	wg.Wait()
	return lags, errors.Join(errs...)
}

func (c *Client) awaitMarker(ctx context.Context, addr, key, val string, written time.Time) (time.Duration, error) {
	r := c.replica(addr)
	tick := time.NewTicker(lagPoll)
	defer tick.Stop()
	for {
		if v, err := r.Get(ctx, key).Result(); err == nil && v == val {
			return c.opts.clock.Since(written), nil
		}
		select {
		case <-ctx.Done():
			return c.opts.clock.Since(written), fmt.Errorf("redis: lag marker %s not on replica %s: %w", key, addr, ctx.Err())
		case <-tick.C:
		}
	}
}

func outcome(w Write) rpo.Outcome {
	return rpo.Outcome{At: w.At, Accepted: w.Accepted, Acknowledged: w.Acknowledged}
}
