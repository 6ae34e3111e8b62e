package notify

import (
	"testing"
	"time"
)

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-time.After(100 * time.Millisecond):
		return false
	}
}

func TestChanges(t *testing.T) {
	var c Changes
	before := c.Current()
	if c.Current() != before {
		t.Error("two waiters before a change hold different channels")
	}
	c.Signal()
	if !isClosed(before) {
		t.Error("Signal left a waiter's channel open")
	}
	after := c.Current()
	if isClosed(after) {
		t.Error("a channel taken after the change is closed already")
	}
}

func TestAny(t *testing.T) {
	for _, tt := range []struct {
		name   string
		close  func(a, b, done chan struct{})
		inputs func(a, b chan struct{}) []<-chan struct{}
		closed bool
	}{
		{"none closes", func(a, b, done chan struct{}) {}, func(a, b chan struct{}) []<-chan struct{} { return []<-chan struct{}{a, b} }, false},
		{"one closes", func(a, b, done chan struct{}) { close(b) }, func(a, b chan struct{}) []<-chan struct{} { return []<-chan struct{}{a, b} }, true},
		{"done", func(a, b, done chan struct{}) { close(done) }, func(a, b chan struct{}) []<-chan struct{} { return []<-chan struct{}{a, b} }, true},
		{"a state nobody vouches for", func(a, b, done chan struct{}) {}, func(a, b chan struct{}) []<-chan struct{} { return []<-chan struct{}{a, nil} }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
			out := Any(done, tt.inputs(a, b)...)
			tt.close(a, b, done)
			if got := isClosed(out); got != tt.closed {
				t.Errorf("closed = %v, want %v", got, tt.closed)
			}
		})
	}
}
