// Package queue is the sandbox's AI work queue: the queue the API service
// puts enhancement work on and the AI service drains, and whose depth is the
// runbook's AIServiceQueueDepth, the AI service's scaling metric.
//
// It is real and in memory: the sandbox's supervisor holds one Queue and
// serves it over HTTP (Handler), and the API and AI task processes reach it
// with a Client. Delivery is at least once, as with SQS: a leased item that
// is not acknowledged within the lease timeout goes back to the front of the
// queue, so a task that is SIGKILLed in the middle of an item loses no work;
// the item is processed again by another task.
package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

const (
	// DefaultMaxDepth bounds the memory a runaway producer can take. It is
	// far above the runbook's AI scale-out threshold (> 20 items), so a
	// sandbox that behaves never reaches it; WithMaxDepth sets it low to
	// make the queue refuse work.
	DefaultMaxDepth = 10000
	// DefaultLeaseTimeout is SQS's default visibility timeout, 30 s. It is
	// platform time, while an AI task processes in real time, so at a high
	// time scale a supervisor must raise it above the real processing time
	// of an item (times the scale) or items are delivered twice.
	DefaultLeaseTimeout = 30 * time.Second
	// MaxPayloadBytes is SQS's maximum message size, 256 KiB.
	MaxPayloadBytes = 256 << 10
)

// Item is one unit of AI work.
type Item struct {
	ID         string `json:"id"`
	DocumentID string `json:"documentId"`
	// EnqueuedAt is platform time.
	EnqueuedAt time.Time `json:"enqueuedAt"`
	// Payload is the work's JSON, opaque to the queue: for an enhancement,
	// {"text": "..."}.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Leases counts deliveries, including this one: above 1 the item is
	// being redelivered after a lease expired.
	Leases int `json:"leases"`
}

// Option configures a Queue.
type Option func(*Queue)

// WithClock sets the clock lease timeouts run on (default clock.Real()); the
// sandbox passes its scaled platform clock.
func WithClock(c clock.Clock) Option { return func(q *Queue) { q.clock = c } }

// WithMaxDepth makes Enqueue refuse work once n items are waiting (default
// DefaultMaxDepth). Leased items do not count: they are being worked on.
// n must be at least 1; a queue that refuses everything is a programming
// error, and New panics on it.
func WithMaxDepth(n int) Option { return func(q *Queue) { q.maxDepth = n } }

// WithLeaseTimeout sets how long, in platform time, a leased item may go
// unacknowledged before it is delivered again (default
// DefaultLeaseTimeout). d must be positive; New panics otherwise.
func WithLeaseTimeout(d time.Duration) Option { return func(q *Queue) { q.leaseTimeout = d } }

// Queue is a FIFO of work items with leases. It is safe for concurrent use.
type Queue struct {
	clock        clock.Clock
	maxDepth     int
	leaseTimeout time.Duration

	mu  sync.Mutex
	seq uint64
	// visible holds the items waiting to be leased, ordered by seq, which
	// is enqueue order: an expired lease is put back where it came from,
	// ahead of everything enqueued after it.
	visible []*entry
	leased  map[string]*entry
	// changed is closed, and replaced, whenever an item becomes visible, to
	// wake every Lease waiting for one.
	changed chan struct{}
}

type entry struct {
	item     Item
	seq      uint64
	deadline time.Time // of the current lease, platform time
}

// New returns an empty queue.
func New(opts ...Option) *Queue {
	q := &Queue{
		clock:        clock.Real(),
		maxDepth:     DefaultMaxDepth,
		leaseTimeout: DefaultLeaseTimeout,
		leased:       map[string]*entry{},
		changed:      make(chan struct{}),
	}
	for _, o := range opts {
		o(q)
	}
	if q.maxDepth < 1 {
		panic(fmt.Sprintf("queue: max depth %d: want at least 1", q.maxDepth))
	}
	if q.leaseTimeout <= 0 {
		panic(fmt.Sprintf("queue: lease timeout %s: want a positive duration", q.leaseTimeout))
	}
	return q
}

// String describes the queue's configuration for reports.
func (q *Queue) String() string {
	return fmt.Sprintf("queue: max depth %d, lease timeout %s", q.maxDepth, q.leaseTimeout)
}

// Enqueue appends an item for documentID. payload must be empty or valid
// JSON of at most MaxPayloadBytes. The error is ErrFull when the queue holds
// its maximum depth and ErrInvalid for bad arguments.
func (q *Queue) Enqueue(documentID string, payload json.RawMessage) (Item, error) {
	if documentID == "" {
		return Item{}, &Error{Status: ErrInvalid.Status, Message: "documentId is required"}
	}
	if len(payload) > MaxPayloadBytes {
		return Item{}, &Error{Status: ErrInvalid.Status, Message: fmt.Sprintf("payload of %d bytes: at most %d", len(payload), MaxPayloadBytes)}
	}
	if len(payload) > 0 && !json.Valid(payload) {
		return Item{}, &Error{Status: ErrInvalid.Status, Message: "payload is not valid JSON"}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.clock.Now()
	q.expire(now)
	if len(q.visible) >= q.maxDepth {
		return Item{}, &Error{Status: ErrFull.Status, Message: fmt.Sprintf(
			"queue full: %d items waiting, the maximum depth; retry once the AI service has drained some", len(q.visible))}
	}
	q.seq++
	e := &entry{seq: q.seq, item: Item{
		ID:         "item-" + strconv.FormatUint(q.seq, 10),
		DocumentID: documentID,
		EnqueuedAt: now,
		Payload:    bytes.Clone(payload),
	}}
	q.visible = append(q.visible, e)
	q.wake()
	return e.copyItem(), nil
}

// Lease takes the item at the front of the queue, waiting until one is
// there or ctx is done. An item already waiting is returned even if ctx is
// done, so a context that has expired polls. The item must be acknowledged
// with Ack within the lease timeout or it is delivered again.
func (q *Queue) Lease(ctx context.Context) (Item, error) {
	for {
		q.mu.Lock()
		now := q.clock.Now()
		q.expire(now)
		if len(q.visible) > 0 {
			e := q.visible[0]
			q.visible[0] = nil
			q.visible = q.visible[1:]
			e.item.Leases++
			e.deadline = now.Add(q.leaseTimeout)
			q.leased[e.item.ID] = e
			it := e.copyItem()
			q.mu.Unlock()
			return it, nil
		}
		changed := q.changed
		// A lease that expires also makes an item visible, and nothing
		// else would notice it while every caller is waiting here.
		next, ok := q.nextDeadline()
		q.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return Item{}, err
		}
		if err := q.wait(ctx, changed, next, ok, now); err != nil {
			return Item{}, err
		}
	}
}

func (q *Queue) wait(ctx context.Context, changed <-chan struct{}, deadline time.Time, hasDeadline bool, now time.Time) error {
	var expiry <-chan time.Time
	if hasDeadline {
		t := q.clock.NewTimer(deadline.Sub(now))
		defer t.Stop()
		expiry = t.C()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-expiry:
	}
	return nil
}

// Ack removes an item whose work is done. The work being done, it removes
// the item even if its lease has expired and it went back to the queue; if
// another worker has leased it again meanwhile, that worker's Ack finds
// nothing. The error is ErrNotFound for an item that is not in the queue.
func (q *Queue) Ack(id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.leased[id]; ok {
		delete(q.leased, id)
		return nil
	}
	if i := slices.IndexFunc(q.visible, func(e *entry) bool { return e.item.ID == id }); i >= 0 {
		q.visible = slices.Delete(q.visible, i, i+1)
		return nil
	}
	return &Error{Status: ErrNotFound.Status, Message: fmt.Sprintf("item %q is not in the queue (acknowledged already, or never enqueued)", id)}
}

// Depth is the number of items waiting to be leased: AIServiceQueueDepth.
func (q *Queue) Depth() int {
	d, _ := q.counts()
	return d
}

// Leased is the number of items being worked on.
func (q *Queue) Leased() int {
	_, l := q.counts()
	return l
}

func (q *Queue) counts() (depth, leased int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.expire(q.clock.Now())
	return len(q.visible), len(q.leased)
}

// expire puts back the items whose lease ended at or before now. It requires
// q.mu.
func (q *Queue) expire(now time.Time) {
	requeued := false
	for id, e := range q.leased {
		if now.Before(e.deadline) {
			continue
		}
		delete(q.leased, id)
		i, _ := slices.BinarySearchFunc(q.visible, e.seq, func(v *entry, seq uint64) int {
			switch {
			case v.seq < seq:
				return -1
			case v.seq > seq:
				return 1
			}
			return 0
		})
		q.visible = slices.Insert(q.visible, i, e)
		requeued = true
	}
	if requeued {
		q.wake()
	}
}

// nextDeadline is the earliest lease deadline. It requires q.mu.
func (q *Queue) nextDeadline() (time.Time, bool) {
	var next time.Time
	for _, e := range q.leased {
		if next.IsZero() || e.deadline.Before(next) {
			next = e.deadline
		}
	}
	return next, !next.IsZero()
}

// wake requires q.mu.
func (q *Queue) wake() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// copyItem gives callers their own payload, so that nothing they do to it
// reaches the queue.
func (e *entry) copyItem() Item {
	it := e.item
	it.Payload = bytes.Clone(it.Payload)
	return it
}
