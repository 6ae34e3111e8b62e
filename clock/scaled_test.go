package clock_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

func TestNewScaledRejectsInvalidScale(t *testing.T) {
	t.Parallel()
	for _, scale := range []float64{0, math.Copysign(0, -1), -1, -0.5, math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(fmt.Sprint(scale), func(t *testing.T) {
			c, err := clock.NewScaled(refStart, scale)
			if err == nil {
				t.Fatalf("NewScaled(_, %v) = %v, want error", scale, c)
			}
			if c != nil {
				t.Errorf("NewScaled(_, %v) returned non-nil clock with error", scale)
			}
			msg := err.Error()
			for _, want := range []string{fmt.Sprint(scale), "finite", "greater than 0"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestNewScaledAccessors(t *testing.T) {
	t.Parallel()
	for _, scale := range []float64{1e-9, 0.5, 1, 60, 1e9} {
		t.Run(fmt.Sprint(scale), func(t *testing.T) {
			start := time.Now() // carries a monotonic reading that must not leak into platform time
			c, err := clock.NewScaled(start, scale)
			if err != nil {
				t.Fatalf("NewScaled(_, %v): %v", scale, err)
			}
			if c.Scale() != scale {
				t.Errorf("Scale() = %v, want %v", c.Scale(), scale)
			}
			if !c.Start().Equal(start) {
				t.Errorf("Start() = %v, want %v", c.Start(), start)
			}
			if now := c.Now(); now.Before(start) {
				t.Errorf("Now() = %v, before start %v", now, start)
			}
		})
	}
}

func TestScaledString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		start time.Time
		scale float64
		want  string
	}{
		{refStart, 60, "scaled 60x from 2026-11-30T07:59:00Z"},
		{refStart, 0.5, "scaled 0.5x from 2026-11-30T07:59:00Z"},
		{refStart, 1e6, "scaled 1000000x from 2026-11-30T07:59:00Z"},
		{time.Date(2026, 11, 30, 8, 59, 0, 5e8, time.FixedZone("CET", 3600)), 1, "scaled 1x from 2026-11-30T08:59:00.5+01:00"},
	}
	for _, tt := range tests {
		c, err := clock.NewScaled(tt.start, tt.scale)
		if err != nil {
			t.Fatalf("NewScaled(%v, %v): %v", tt.start, tt.scale, err)
		}
		if got := c.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestScaledAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("samples the clock across 5 s of real time")
	}
	t.Parallel()
	const scale = 60
	c := newScaled(t, scale)
	realStart, platStart := time.Now(), c.Now()
	for range 10 {
		time.Sleep(500 * time.Millisecond)
		realElapsed := time.Since(realStart)
		platElapsed := c.Since(platStart)
		want := scale * realElapsed
		if diff := (platElapsed - want).Abs(); diff > want/50 {
			t.Errorf("after %v real: platform elapsed %v, want %v ± 2%% (off by %v)", realElapsed, platElapsed, want, diff)
		}
	}
}

func TestScaledAfterFiresInPlatformTime(t *testing.T) {
	t.Parallel()
	c := newScaled(t, 60)
	realStart, platStart := time.Now(), c.Now()
	v := recv(t, c.After(30*time.Second), 5*time.Second)
	realElapsed := time.Since(realStart)
	if realElapsed < 450*time.Millisecond {
		t.Errorf("After(30s) at 60x fired after %v real, want about 500ms", realElapsed)
	}
	if realElapsed > 2*time.Second {
		t.Errorf("After(30s) at 60x fired after %v real, want about 500ms", realElapsed)
	}
	if got := c.Since(platStart); got < 30*time.Second {
		t.Errorf("platform time since start at fire = %v, want >= 30s", got)
	}
	if got := v.Sub(platStart); got < 30*time.Second {
		t.Errorf("value received is %v after start, want >= 30s of platform time", got)
	}
	if now := c.Now(); v.After(now) {
		t.Errorf("value received %v is later than platform Now %v", v, now)
	}
}

func TestScaledTicker(t *testing.T) {
	t.Parallel()
	const period = 10 * time.Second // about 167ms real at 60x
	c := newScaled(t, 60)
	prev := c.Now()
	first := prev
	tk := c.NewTicker(period)
	defer tk.Stop()
	for i := range 3 {
		v := recv(t, tk.C(), 2*time.Second)
		// Ticks are scheduled on fixed deadlines, so one tick's delivery
		// latency can shorten the next gap slightly.
		if gap := v.Sub(prev); gap < period*9/10 || gap > 3*period {
			t.Errorf("tick %d came %v after the previous one, want about %v", i, gap, period)
		}
		prev = v
	}
	if total := prev.Sub(first); total < 3*period {
		t.Errorf("three ticks took %v platform time, want >= %v", total, 3*period)
	}

	// Let a tick sit unreceived so Reset has to discard it.
	time.Sleep(250 * time.Millisecond)
	const longer = 30 * time.Second
	before := c.Now()
	tk.Reset(longer)
	v := recv(t, tk.C(), 2*time.Second)
	if d := v.Sub(before); d < longer {
		t.Errorf("first tick after Reset(%v) came %v later, want >= %v", longer, d, longer)
	}
	if gap := recv(t, tk.C(), 2*time.Second).Sub(v); gap < longer*9/10 || gap > 3*longer {
		t.Errorf("tick gap after Reset(%v) = %v", longer, gap)
	}

	tk.Reset(time.Second) // about 17ms real
	recv(t, tk.C(), 2*time.Second)
	tk.Stop()
	noRecv(t, tk.C(), 100*time.Millisecond)

	tk.Reset(time.Second)
	recv(t, tk.C(), 2*time.Second)
}

func TestScaledTinyDurations(t *testing.T) {
	t.Parallel()
	c := newScaled(t, 60)
	recv(t, c.After(time.Nanosecond), time.Second)
	tk := c.NewTicker(time.Nanosecond)
	defer tk.Stop()
	recv(t, tk.C(), time.Second)
	recv(t, tk.C(), time.Second)
}
