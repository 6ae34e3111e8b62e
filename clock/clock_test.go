package clock_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

var refStart = time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC)

func newScaled(t *testing.T, scale float64) *clock.Scaled {
	t.Helper()
	c, err := clock.NewScaled(refStart, scale)
	if err != nil {
		t.Fatalf("NewScaled(%v, %v): %v", refStart, scale, err)
	}
	return c
}

// recv bounds every wait in real time so a broken clock fails the test
// instead of hanging it.
func recv(t *testing.T, ch <-chan time.Time, within time.Duration) time.Time {
	t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	select {
	case v := <-ch:
		return v
	case <-deadline.C:
		t.Fatalf("nothing received within %v real time", within)
		return time.Time{}
	}
}

func noRecv(t *testing.T, ch <-chan time.Time, wait time.Duration) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected value %v received", v)
	case <-time.After(wait):
	}
}

// clockCase lets one scenario run against both clocks, which checks that
// Scaled mirrors the semantics of package time.
type clockCase struct {
	name string
	clk  clock.Clock
	// platform is the platform duration that takes real time r on clk.
	platform func(r time.Duration) time.Duration
}

func clockCases(t *testing.T) []clockCase {
	scaled := newScaled(t, 60)
	return []clockCase{
		{"real", clock.Real(), func(r time.Duration) time.Duration { return r }},
		{"scaled60x", scaled, func(r time.Duration) time.Duration { return 60 * r }},
	}
}

func TestRealClock(t *testing.T) {
	t.Parallel()
	c := clock.Real()
	if d := time.Until(c.Now()); d < -time.Second || d > time.Second {
		t.Errorf("Real().Now() is %v away from time.Now()", d)
	}
	if got := c.Since(time.Now().Add(-time.Hour)); got < time.Hour || got > time.Hour+time.Second {
		t.Errorf("Real().Since(1h ago) = %v, want about 1h", got)
	}
	before := time.Now()
	v := recv(t, c.After(10*time.Millisecond), 2*time.Second)
	if d := v.Sub(before); d < 10*time.Millisecond {
		t.Errorf("Real().After(10ms) sent a time only %v after the call", d)
	}
	tk := c.NewTicker(5 * time.Millisecond)
	defer tk.Stop()
	first := recv(t, tk.C(), 2*time.Second)
	if second := recv(t, tk.C(), 2*time.Second); !second.After(first) {
		t.Errorf("Real ticker sent %v after %v", second, first)
	}
}

func TestTimerStopReset(t *testing.T) {
	t.Parallel()
	for _, cc := range clockCases(t) {
		t.Run(cc.name, func(t *testing.T) {
			t.Parallel()
			p := cc.platform
			tests := []struct {
				name string
				run  func(t *testing.T, clk clock.Clock)
			}{
				{"stop before fire", func(t *testing.T, clk clock.Clock) {
					tm := clk.NewTimer(p(time.Hour))
					if !tm.Stop() {
						t.Error("first Stop = false, want true")
					}
					if tm.Stop() {
						t.Error("second Stop = true, want false")
					}
					noRecv(t, tm.C(), 20*time.Millisecond)
				}},
				{"stop after fire before receive discards the value", func(t *testing.T, clk clock.Clock) {
					tm := clk.NewTimer(p(time.Millisecond))
					time.Sleep(30 * time.Millisecond)
					if !tm.Stop() {
						t.Error("Stop with an unreceived value = false, want true")
					}
					noRecv(t, tm.C(), 20*time.Millisecond)
				}},
				{"stop after receive", func(t *testing.T, clk clock.Clock) {
					tm := clk.NewTimer(p(time.Millisecond))
					recv(t, tm.C(), 2*time.Second)
					if tm.Stop() {
						t.Error("Stop after receive = true, want false")
					}
				}},
				{"reset active timer", func(t *testing.T, clk clock.Clock) {
					tm := clk.NewTimer(p(time.Hour))
					before := clk.Now()
					if !tm.Reset(p(20 * time.Millisecond)) {
						t.Error("Reset of active timer = false, want true")
					}
					v := recv(t, tm.C(), 2*time.Second)
					if d := v.Sub(before); d < p(20*time.Millisecond) {
						t.Errorf("fired %v after Reset, want at least %v", d, p(20*time.Millisecond))
					}
				}},
				{"reset discards a stale value", func(t *testing.T, clk clock.Clock) {
					tm := clk.NewTimer(p(time.Millisecond))
					time.Sleep(30 * time.Millisecond)
					before := clk.Now()
					if !tm.Reset(p(50 * time.Millisecond)) {
						t.Error("Reset with an unreceived value = false, want true")
					}
					v := recv(t, tm.C(), 2*time.Second)
					if d := v.Sub(before); d < p(50*time.Millisecond) {
						t.Errorf("received a value %v after Reset, want at least %v: stale value not discarded", d, p(50*time.Millisecond))
					}
				}},
				{"reset after receive rearms", func(t *testing.T, clk clock.Clock) {
					tm := clk.NewTimer(p(time.Millisecond))
					recv(t, tm.C(), 2*time.Second)
					if tm.Reset(p(time.Millisecond)) {
						t.Error("Reset of expired timer = true, want false")
					}
					recv(t, tm.C(), 2*time.Second)
				}},
				{"non-positive durations fire at once", func(t *testing.T, clk clock.Clock) {
					recv(t, clk.After(0), time.Second)
					recv(t, clk.After(-time.Second), time.Second)
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.run(t, cc.clk)
				})
			}
		})
	}
}

func TestTickerNonPositivePanics(t *testing.T) {
	t.Parallel()
	for _, cc := range clockCases(t) {
		tests := []struct {
			name string
			fn   func()
		}{
			{"NewTicker(0)", func() { cc.clk.NewTicker(0) }},
			{"NewTicker(-1s)", func() { cc.clk.NewTicker(-time.Second) }},
			{"Reset(0)", func() {
				tk := cc.clk.NewTicker(time.Hour)
				defer tk.Stop()
				tk.Reset(0)
			}},
		}
		for _, tt := range tests {
			t.Run(cc.name+"/"+tt.name, func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Errorf("%s did not panic", tt.name)
					}
				}()
				tt.fn()
			})
		}
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	for _, cc := range clockCases(t) {
		p := cc.platform
		tests := []struct {
			name    string
			ctx     func() (context.Context, context.CancelFunc)
			d       time.Duration
			wantErr error
			// minElapsed and maxReal bound the sleep in platform and real time.
			minElapsed time.Duration
			maxReal    time.Duration
		}{
			{
				name:       "completes",
				ctx:        func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
				d:          p(30 * time.Millisecond),
				minElapsed: p(30 * time.Millisecond),
				maxReal:    2 * time.Second,
			},
			{
				name: "cancelled while sleeping",
				ctx: func() (context.Context, context.CancelFunc) {
					ctx, cancel := context.WithCancel(context.Background())
					time.AfterFunc(20*time.Millisecond, cancel)
					return ctx, cancel
				},
				d:       p(time.Hour),
				wantErr: context.Canceled,
				maxReal: 2 * time.Second,
			},
			{
				name: "deadline while sleeping",
				ctx: func() (context.Context, context.CancelFunc) {
					return context.WithTimeout(context.Background(), 20*time.Millisecond)
				},
				d:       p(time.Hour),
				wantErr: context.DeadlineExceeded,
				maxReal: 2 * time.Second,
			},
			{
				name: "already cancelled",
				ctx: func() (context.Context, context.CancelFunc) {
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					return ctx, cancel
				},
				d:       p(time.Hour),
				wantErr: context.Canceled,
				maxReal: time.Second,
			},
			{
				name: "already cancelled zero duration",
				ctx: func() (context.Context, context.CancelFunc) {
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					return ctx, cancel
				},
				wantErr: context.Canceled,
				maxReal: time.Second,
			},
			{
				name:    "negative duration",
				ctx:     func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
				d:       -time.Hour,
				maxReal: time.Second,
			},
		}
		for _, tt := range tests {
			t.Run(cc.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := tt.ctx()
				defer cancel()
				realStart, platStart := time.Now(), cc.clk.Now()
				err := cc.clk.Sleep(ctx, tt.d)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Sleep(%v) = %v, want %v", tt.d, err, tt.wantErr)
				}
				if got := cc.clk.Since(platStart); got < tt.minElapsed {
					t.Errorf("Sleep(%v) returned after %v platform time, want at least %v", tt.d, got, tt.minElapsed)
				}
				if got := time.Since(realStart); got > tt.maxReal {
					t.Errorf("Sleep(%v) took %v real time, want at most %v", tt.d, got, tt.maxReal)
				}
			})
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	clk := newScaled(t, 60)
	sharedTimer := clk.NewTimer(time.Hour)
	sharedTicker := clk.NewTicker(time.Second)
	defer sharedTicker.Stop()

	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			prev := clk.Now()
			for i := range 200 {
				now := clk.Now()
				if now.Before(prev) {
					t.Errorf("Now went backwards: %v after %v", now, prev)
					return
				}
				prev = now
				if d := clk.Since(now); d < 0 {
					t.Errorf("Since(Now()) = %v, want >= 0", d)
					return
				}
				switch i % 20 {
				case 0:
					recv(t, clk.After(time.Millisecond), 2*time.Second)
				case 1:
					sharedTimer.Reset(time.Millisecond)
				case 2:
					sharedTimer.Stop()
				case 3:
					sharedTicker.Reset(time.Second)
				}
				select {
				case <-sharedTimer.C():
				case <-sharedTicker.C():
				default:
				}
			}
		})
	}
	wg.Wait()
	sharedTimer.Stop()
}
