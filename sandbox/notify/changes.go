package notify

import "sync"

// Changes tells waiters that something changed, without saying what: a
// waiter takes Current and finds it closed once Signal has been called
// since. Engines use it to let others skip work whose result cannot have
// changed. The zero Changes is ready to use.
type Changes struct {
	mu sync.Mutex
	ch chan struct{}
}

// Current is the channel the next Signal closes.
func (c *Changes) Current() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch == nil {
		c.ch = make(chan struct{})
	}
	return c.ch
}

// Signal closes the channel every waiter holds.
func (c *Changes) Signal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ch != nil {
		close(c.ch)
		c.ch = nil
	}
}

// closed is the channel of a state that is unknown, and so has changed.
var closed = func() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}()

// Any returns a channel closed once any of chs is closed, or done is. A
// nil channel among chs stands for a state nobody can vouch for, and
// makes the result closed already. The goroutines that wait end with the
// result.
func Any(done <-chan struct{}, chs ...<-chan struct{}) <-chan struct{} {
	for _, ch := range chs {
		if ch == nil {
			return closed
		}
	}
	out := make(chan struct{})
	var once sync.Once
	for _, ch := range append(chs, done) {
		go func() {
			select {
			case <-ch:
				once.Do(func() { close(out) })
			case <-out:
			}
		}()
	}
	return out
}
