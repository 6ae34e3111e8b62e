package notify

import (
	"reflect"
	"sync"
	"testing"
)

func TestFeedDeliversInOrderAndAllowsReentry(t *testing.T) {
	var f Feed[int]
	var got []int
	cancel := f.Subscribe(func(n int) {
		got = append(got, n)
		// A subscriber that causes another event does not deadlock, and
		// its event comes after the ones already queued.
		if n == 1 {
			f.Queue(10)
			f.Deliver()
		}
	})
	f.Queue(1, 2)
	f.Deliver()
	if want := []int{1, 2, 10}; !reflect.DeepEqual(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	cancel()
	f.Queue(3)
	f.Deliver()
	if len(got) != 3 {
		t.Errorf("an unsubscribed function got %v", got)
	}
}

func TestFeedSurvivesAPanickingSubscriber(t *testing.T) {
	var f Feed[string]
	cancel := f.Subscribe(func(string) { panic("subscriber bug") })
	func() {
		defer func() { recover() }()
		f.Queue("a")
		f.Deliver()
	}()
	cancel()
	var mu sync.Mutex
	var got []string
	f.Subscribe(func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() })
	f.Queue("b")
	f.Deliver()
	if !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("after a panic, delivered %v, want [b]", got)
	}
}
