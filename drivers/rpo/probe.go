package rpo

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// Log numbers a probe's writes and keeps what became of each, for Tally.
// It is safe for concurrent use.
type Log[W any] struct {
	mu      sync.Mutex
	seq     int64
	entries []entry[W]
}

type entry[W any] struct {
	seq int64
	w   W
}

// Next is the number of the next write, in the order writes are sent.
func (l *Log[W]) Next() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	return l.seq
}

// Add records write seq, whatever became of it.
func (l *Log[W]) Add(seq int64, w W) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry[W]{seq, w})
}

// Writes are the writes recorded so far, in the order they were numbered.
func (l *Log[W]) Writes() []W {
	l.mu.Lock()
	es := slices.Clone(l.entries)
	l.mu.Unlock()
	slices.SortFunc(es, func(a, b entry[W]) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]W, len(es))
	for i, e := range es {
		out[i] = e.w
	}
	return out
}

// Run calls write every interval of c's time until ctx is done. A failed
// write is logged, not returned: during a failover failures are what is
// being observed, and the write has recorded itself.
func Run(ctx context.Context, c clock.Clock, interval time.Duration, write func(context.Context) error, log *slog.Logger) {
	tick := c.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := write(ctx); err != nil && ctx.Err() == nil {
			log.Debug("probe write", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C():
		}
	}
}
