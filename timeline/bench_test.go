package timeline_test

import (
	"io"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// A game day samples capacity for every service every few seconds from
// several goroutines; appending must stay cheap under contention.
func BenchmarkAppendParallel(b *testing.B) {
	log := timeline.New(io.Discard)
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := log.Append(at, timeline.CapacitySample{Service: "frontend-service", Desired: 4, Running: 3, Pending: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
