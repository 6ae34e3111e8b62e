package clock

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func TestRealDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scale float64
		d     time.Duration
		want  time.Duration
	}{
		{60, 0, 0},
		{60, -time.Second, 0},
		{60, time.Nanosecond, time.Nanosecond},
		{60, 60 * time.Nanosecond, time.Nanosecond},
		{60, 61 * time.Nanosecond, 2 * time.Nanosecond},
		{60, time.Minute, time.Second},
		{60, 30 * time.Second, 500 * time.Millisecond},
		{60, 10 * time.Second, 166666667 * time.Nanosecond},
		{0.5, time.Second, 2 * time.Second},
		{1, time.Hour, time.Hour},
		{1e300, time.Hour, time.Nanosecond},
		{1e-300, time.Nanosecond, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%vx", tt.d, tt.scale), func(t *testing.T) {
			s, err := NewScaled(time.Time{}, tt.scale)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.realDuration(tt.d); got != tt.want {
				t.Errorf("realDuration(%v) at %vx = %v, want %v", tt.d, tt.scale, got, tt.want)
			}
		})
	}
}
