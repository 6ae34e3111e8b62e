package rpo

import (
	"testing"
	"time"
)

type write struct {
	seq       int
	acked, ok bool
	held      bool
}

func TestTally(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	w := func(seq int, ok, acked, held bool) write { return write{seq: seq, ok: ok, acked: acked, held: held} }
	outcome := func(x write) Outcome {
		return Outcome{At: t0.Add(time.Duration(x.seq) * time.Second), Accepted: x.ok, Acknowledged: x.acked}
	}
	tests := []struct {
		name            string
		writes          []write
		accepted, acked int
		lost, lostAcked int
		window          time.Duration
	}{
		{"nothing lost", []write{w(1, true, true, true), w(2, true, true, true)}, 2, 2, 0, 0, 0},
		{"unacknowledged tail lost after a survivor", []write{w(1, true, true, true), w(2, true, false, false), w(3, true, false, false)}, 3, 1, 2, 0, 2 * time.Second},
		{"acknowledged write lost", []write{w(1, true, true, false)}, 1, 1, 1, 1, 0},
		{"never accepted is not expected", []write{w(1, false, false, false), w(2, true, true, true)}, 1, 1, 0, 0, 0},
		{"loss from the first write", []write{w(1, true, false, false), w(4, true, false, false)}, 2, 0, 2, 0, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Tally(tt.writes, outcome, func(x write) bool { return x.held })
			if l.Accepted != tt.accepted || l.Acknowledged != tt.acked || len(l.Lost) != tt.lost || len(l.LostAcknowledged) != tt.lostAcked || l.LossWindow != tt.window {
				t.Errorf("got %+v, want accepted %d acked %d lost %d lost-acked %d window %s", l, tt.accepted, tt.acked, tt.lost, tt.lostAcked, tt.window)
			}
		})
	}
}

// Writes come back in the order they were numbered, whatever order they
// finished in.
func TestLogOrdersBySequence(t *testing.T) {
	var l Log[string]
	a, b, c := l.Next(), l.Next(), l.Next()
	l.Add(c, "c")
	l.Add(a, "a")
	l.Add(b, "b")
	if got := l.Writes(); len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("writes %v, want [a b c]", got)
	}
}
