package clock_test

import (
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// Now is called for every sample and every timeline event, on both clocks.
func BenchmarkNow(b *testing.B) {
	scaled, err := clock.NewScaled(time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC), 60)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		clock clock.Clock
	}{{"real", clock.Real()}, {"scaled60x", scaled}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.clock.Now()
			}
		})
	}
}
