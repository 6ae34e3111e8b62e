package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// fastClock runs a platform minute in 100 µs of real time, so lease
// timeouts of a minute pass at once without the test sleeping.
func fastClock(t *testing.T) *clock.Scaled {
	t.Helper()
	c, err := clock.NewScaled(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), 600000)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustEnqueue(t *testing.T, q *Queue, doc string) Item {
	t.Helper()
	it, err := q.Enqueue(doc, json.RawMessage(`{"text":"`+doc+`"}`))
	if err != nil {
		t.Fatalf("Enqueue(%s): %v", doc, err)
	}
	return it
}

func mustLease(t *testing.T, q *Queue) Item {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	it, err := q.Lease(ctx)
	if err != nil {
		t.Fatalf("Lease: %v", err)
	}
	return it
}

func TestFIFOAndDepth(t *testing.T) {
	q := New()
	docs := []string{"a", "b", "c", "d"}
	for i, d := range docs {
		mustEnqueue(t, q, d)
		if got := q.Depth(); got != i+1 {
			t.Fatalf("Depth after %d enqueues = %d", i+1, got)
		}
	}
	for i, want := range docs {
		it := mustLease(t, q)
		if it.DocumentID != want || it.Leases != 1 {
			t.Errorf("lease %d = %s (leases %d), want %s (leases 1)", i, it.DocumentID, it.Leases, want)
		}
		if got, leased := q.Depth(), q.Leased(); got != len(docs)-i-1 || leased != i+1 {
			t.Errorf("after lease %d: depth %d leased %d, want %d and %d", i, got, leased, len(docs)-i-1, i+1)
		}
	}
}

func TestAck(t *testing.T) {
	q := New()
	a := mustEnqueue(t, q, "a")
	b := mustEnqueue(t, q, "b")
	if got := mustLease(t, q); got.ID != a.ID {
		t.Fatalf("leased %s, want %s", got.ID, a.ID)
	}
	tests := []struct {
		name    string
		id      string
		wantErr error
		depth   int
		leased  int
	}{
		{"leased item", a.ID, nil, 1, 0},
		{"acked already", a.ID, ErrNotFound, 1, 0},
		{"never enqueued", "item-99", ErrNotFound, 1, 0},
		// The work is done whatever the lease's state, so a waiting item
		// can be acknowledged too.
		{"waiting item", b.ID, nil, 0, 0},
	}
	for _, tt := range tests {
		err := q.Ack(tt.id)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("%s: Ack(%s) = %v, want %v", tt.name, tt.id, err, tt.wantErr)
		}
		if d, l := q.Depth(), q.Leased(); d != tt.depth || l != tt.leased {
			t.Errorf("%s: depth %d leased %d, want %d and %d", tt.name, d, l, tt.depth, tt.leased)
		}
	}
}

func TestEnqueueRefuses(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		payload string
		want    error
	}{
		{"no document", "", `{}`, ErrInvalid},
		{"not JSON", "d", `{"text":`, ErrInvalid},
		{"too large", "d", `"` + string(make([]byte, MaxPayloadBytes)) + `"`, ErrInvalid},
		{"no payload", "d", ``, nil},
	}
	for _, tt := range tests {
		_, err := New().Enqueue(tt.doc, json.RawMessage(tt.payload))
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestMaxDepth(t *testing.T) {
	q := New(WithMaxDepth(2))
	mustEnqueue(t, q, "a")
	mustEnqueue(t, q, "b")
	_, err := q.Enqueue("c", nil)
	if !errors.Is(err, ErrFull) {
		t.Fatalf("third Enqueue = %v, want ErrFull", err)
	}
	if err.Error() == ErrFull.Error() {
		t.Errorf("refusal %q does not say how full the queue is", err)
	}
	// Leased items are being worked on and do not count.
	mustLease(t, q)
	if _, err := q.Enqueue("c", nil); err != nil {
		t.Errorf("Enqueue after a lease: %v", err)
	}
}

func TestLeaseTimeoutRequeuesAtFront(t *testing.T) {
	clk := fastClock(t)
	q := New(WithClock(clk), WithLeaseTimeout(time.Minute))
	for _, d := range []string{"a", "b", "c"} {
		mustEnqueue(t, q, d)
	}
	first := mustLease(t, q)
	// Timers never fire early, so after this the lease has expired.
	if err := clk.Sleep(t.Context(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if d, l := q.Depth(), q.Leased(); d != 3 || l != 0 {
		t.Fatalf("after the lease timeout: depth %d leased %d, want 3 and 0", d, l)
	}
	again := mustLease(t, q)
	if again.ID != first.ID || again.Leases != 2 {
		t.Errorf("after expiry leased %s (leases %d), want %s again (leases 2)", again.ID, again.Leases, first.ID)
	}
	if err := q.Ack(again.ID); err != nil {
		t.Fatal(err)
	}
	if next := mustLease(t, q); next.DocumentID != "b" {
		t.Errorf("then leased %s, want b", next.DocumentID)
	}
}

func TestWaitingLeaseWakesOnExpiry(t *testing.T) {
	q := New(WithClock(fastClock(t)), WithLeaseTimeout(time.Minute))
	a := mustEnqueue(t, q, "a")
	mustLease(t, q)
	// Nothing is visible: only the lease's expiry can end this wait.
	if got := mustLease(t, q); got.ID != a.ID || got.Leases != 2 {
		t.Errorf("leased %s (leases %d), want %s redelivered", got.ID, got.Leases, a.ID)
	}
}

func TestLongPollWakesOnEnqueue(t *testing.T) {
	q := New()
	got := make(chan Item, 1)
	go func() {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		it, _ := q.Lease(ctx)
		got <- it
	}()
	// Let the lease start waiting; if it has not yet, it finds the item
	// at once, which the assertion below accepts too.
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	a := mustEnqueue(t, q, "a")
	select {
	case it := <-got:
		if it.ID != a.ID {
			t.Errorf("leased %q, want %s", it.ID, a.ID)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("waiting lease not woken %s after the enqueue", time.Since(start))
	}
}

func TestLeaseHonoursContext(t *testing.T) {
	q := New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := q.Lease(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Lease on an empty queue with a cancelled context = %v, want context.Canceled", err)
	}
	// An item already waiting is handed out even so: a zero wait polls.
	a := mustEnqueue(t, q, "a")
	if it, err := q.Lease(ctx); err != nil || it.ID != a.ID {
		t.Errorf("Lease with a waiting item and a cancelled context = %v, %v; want %s", it.ID, err, a.ID)
	}
}

func TestLeasedPayloadIsACopy(t *testing.T) {
	q := New(WithClock(fastClock(t)), WithLeaseTimeout(time.Minute))
	mustEnqueue(t, q, "a")
	it := mustLease(t, q)
	it.Payload[2] = 'X'
	if again := mustLease(t, q); string(again.Payload) != `{"text":"a"}` {
		t.Errorf("redelivered payload %s: a caller's change reached the queue", again.Payload)
	}
}

func TestNewPanicsOnNonsense(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
	}{
		{"max depth 0", WithMaxDepth(0)},
		{"negative lease timeout", WithLeaseTimeout(-time.Second)},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: New did not panic", tt.name)
				}
			}()
			New(tt.opt)
		}()
	}
}

func TestConcurrentProducersAndConsumers(t *testing.T) {
	const producers, perProducer, consumers = 4, 200, 4
	// Short leases make some items expire and be redelivered while others
	// are acknowledged, so every path runs concurrently.
	q := New(WithClock(fastClock(t)), WithLeaseTimeout(time.Hour))
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range perProducer {
				if _, err := q.Enqueue(fmt.Sprintf("p%d-%d", p, i), nil); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var mu sync.Mutex
	done := map[string]bool{}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var consumersWG sync.WaitGroup
	for range consumers {
		consumersWG.Go(func() {
			for {
				mu.Lock()
				finished := len(done) == producers*perProducer
				mu.Unlock()
				if finished {
					return
				}
				lctx, lcancel := context.WithTimeout(ctx, 50*time.Millisecond)
				it, err := q.Lease(lctx)
				lcancel()
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					continue
				}
				// A redelivered item may be acknowledged by its first
				// worker meanwhile; the work is done either way.
				if err := q.Ack(it.ID); err != nil && !errors.Is(err, ErrNotFound) {
					t.Error(err)
				}
				mu.Lock()
				done[it.DocumentID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	consumersWG.Wait()
	if len(done) != producers*perProducer {
		t.Fatalf("%d items done, want %d", len(done), producers*perProducer)
	}
	if d, l := q.Depth(), q.Leased(); d != 0 || l != 0 {
		t.Errorf("at the end depth %d leased %d, want 0 and 0", d, l)
	}
}

func TestString(t *testing.T) {
	got := New(WithMaxDepth(50), WithLeaseTimeout(time.Minute)).String()
	if want := "queue: max depth 50, lease timeout 1m0s"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
