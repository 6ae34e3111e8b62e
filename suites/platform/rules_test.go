package platform

import (
	"testing"
	"time"
)

func TestAlarmWindow(t *testing.T) {
	start := time.Date(2026, 12, 5, 10, 0, 40, 0, time.UTC)
	tests := []struct {
		n                int
		earliest, latest string
	}{
		{HighDatapoints, "10:03:00", "10:06:00"},
		{LowDatapoints, "10:15:00", "10:18:00"},
	}
	for _, tt := range tests {
		e, l := AlarmWindow(start, tt.n)
		if e.Format(time.TimeOnly) != tt.earliest || l.Format(time.TimeOnly) != tt.latest {
			t.Errorf("AlarmWindow(%d) = %s..%s, want %s..%s", tt.n, e.Format(time.TimeOnly), l.Format(time.TimeOnly), tt.earliest, tt.latest)
		}
	}
}

func TestDirectionChanges(t *testing.T) {
	out, in := Activity{From: 2, To: 3}, Activity{From: 3, To: 2}
	tests := []struct {
		name string
		acts []Activity
		want int
	}{
		{"none", nil, 0},
		{"one way", []Activity{out, out, out}, 0},
		{"out then in", []Activity{out, out, in}, 1},
		{"oscillating", []Activity{out, in, out, in}, 3},
	}
	for _, tt := range tests {
		if got := DirectionChanges(tt.acts); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
