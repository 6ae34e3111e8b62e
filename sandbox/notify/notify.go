// Package notify hands an engine's events (alarm transitions, health check
// changes) to subscribers in the order they happened, outside the engine's
// lock, so that a subscriber may call back into the engine.
package notify

import "sync"

// Feed is one engine's stream of events of type T. An engine Queues
// events while it holds its own lock, which orders them, and Delivers
// once it has let go of it. The zero Feed is ready to use.
type Feed[T any] struct {
	mu      sync.Mutex
	subs    []subscriber[T]
	nextSub uint64
	// pending holds events not yet handed out; delivering is true while a
	// goroutine hands them out.
	pending    []T
	delivering bool
}

type subscriber[T any] struct {
	id uint64
	f  func(T)
}

// Subscribe calls f with every event queued from now on, on the goroutine
// that delivers it. The returned function unsubscribes.
func (f *Feed[T]) Subscribe(fn func(T)) (cancel func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextSub++
	id := f.nextSub
	f.subs = append(f.subs, subscriber[T]{id: id, f: fn})
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for i, s := range f.subs {
			if s.id == id {
				f.subs = append(f.subs[:i:i], f.subs[i+1:]...)
				return
			}
		}
	}
}

// Queue adds events to be delivered, after those already queued.
func (f *Feed[T]) Queue(events ...T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = append(f.pending, events...)
}

// Deliver hands queued events to the subscribers. The goroutine that finds
// no delivery in progress delivers everything queued, including what other
// goroutines or the subscribers themselves queue meanwhile: that keeps the
// order and lets a subscriber cause events without deadlocking.
func (f *Feed[T]) Deliver() {
	f.mu.Lock()
	if f.delivering {
		f.mu.Unlock()
		return
	}
	f.delivering = true
	locked := true
	// A panicking subscriber must not leave delivery switched off forever.
	defer func() {
		if !locked {
			f.mu.Lock()
		}
		f.delivering = false
		f.mu.Unlock()
	}()
	for len(f.pending) > 0 {
		batch := f.pending
		f.pending = nil
		subs := append([]subscriber[T](nil), f.subs...)
		f.mu.Unlock()
		locked = false
		for _, ev := range batch {
			for _, s := range subs {
				s.f(ev)
			}
		}
		f.mu.Lock()
		locked = true
	}
}
