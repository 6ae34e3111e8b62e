package load

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestProfileValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile Profile
		wantErr string // "" for valid
	}{
		{"steady", Steady(42, 6*time.Minute), ""},
		{"ramp down to zero", Ramp(10, 0, time.Minute), ""},
		{"joined", append(Ramp(0, 42, 2*time.Minute), Steady(42, 6*time.Minute)...), ""},
		{"max last", append(Steady(1, time.Minute), Max(time.Minute)...), ""},
		{"empty", nil, "empty profile"},
		{"zero duration", Steady(1, 0), "must be positive"},
		{"negative rate", Ramp(-1, 5, time.Minute), "not negative"},
		{"NaN rate", Steady(math.NaN(), time.Minute), "not negative"},
		{"infinite end of ramp", Ramp(1, math.Inf(1), time.Minute), "unlimited"},
		{"max not last", append(Max(time.Minute), Steady(1, time.Minute)...), "must be the last"},
		{"overflow", Step(Level{1, math.MaxInt64 - 1}, Level{1, 2}), "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.profile.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestProfileString(t *testing.T) {
	p := append(Ramp(0, 42, 2*time.Minute), Step(Level{42, 6 * time.Minute})...)
	p = append(p, Max(time.Minute)...)
	want := "ramp 0→42 req/s over 2m0s, steady 42 req/s for 6m0s, max rate for 1m0s"
	if got := p.String(); got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
}

func TestUsers(t *testing.T) {
	// The runbook's range at an illustrative per-user rate; the real one
	// comes from the spec.
	for _, tc := range []struct {
		users   int
		perUser float64
		want    float64
	}{{1000, 0.05, 50}, {10000, 0.05, 500}, {0, 1, 0}} {
		if got := Users(tc.users, tc.perUser); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Users(%d, %v) = %v, want %v", tc.users, tc.perUser, got, tc.want)
		}
	}
}

// TestPlanRequests checks the integral of a profile: rates count real
// seconds, durations platform ones, so at 60x a platform minute at 42 req/s
// is 42 requests.
func TestPlanRequests(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile Profile
		scale   float64
		at      time.Duration // platform offset
		want    float64
	}{
		{"steady whole, 60x", Steady(42, 6*time.Minute), 60, 6 * time.Minute, 252},
		{"steady one minute, 60x", Steady(42, 6*time.Minute), 60, time.Minute, 42},
		{"steady past the end", Steady(42, 6*time.Minute), 60, time.Hour, 252},
		{"steady, real time", Steady(42, 6*time.Minute), 1, time.Minute, 42 * 60},
		{"ramp whole, 60x", Ramp(0, 60, 2*time.Minute), 60, 2 * time.Minute, 60},
		{"ramp first half, 60x", Ramp(0, 60, 2*time.Minute), 60, time.Minute, 15},
		{"ramp down first half", Ramp(60, 0, 2*time.Minute), 60, time.Minute, 45},
		{"step into the second level", Step(Level{10, time.Minute}, Level{100, time.Minute}), 60, 90 * time.Second, 10 + 50},
		{"before start", Steady(42, time.Minute), 60, -time.Second, 0},
		{"max adds no plan", append(Steady(42, time.Minute), Max(time.Minute)...), 60, 2 * time.Minute, 42},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := newPlan(tc.profile, tc.scale).requests(tc.at); math.Abs(got-tc.want) > 1e-6 {
				t.Fatalf("requests(%v) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}

// TestPlanOffsetOf checks that offsetOf inverts requests within each stage.
func TestPlanOffsetOf(t *testing.T) {
	profiles := map[string]Profile{
		"steady":          Steady(42, 6*time.Minute),
		"ramp up":         Ramp(0, 60, 2*time.Minute),
		"ramp down":       Ramp(60, 1, 2*time.Minute),
		"step with pause": Step(Level{10, time.Minute}, Level{0, time.Minute}, Level{100, time.Minute}),
	}
	for name, p := range profiles {
		t.Run(name, func(t *testing.T) {
			pl := newPlan(p, 60)
			total := pl.requests(pl.total)
			for h := 1.0; h <= total; h += 1 {
				x, ok := pl.offsetOf(h)
				if got := pl.requests(x); !ok || math.Abs(got-h) > 1e-3 {
					t.Fatalf("requests(offsetOf(%v) = %v, %v) = %v", h, x, ok, got)
				}
				if got := pl.requests(x); math.Abs(got-h) > 1e-3 {
					t.Fatalf("requests(offsetOf(%v) = %v) = %v", h, x, got)
				}
			}
			if x, ok := pl.offsetOf(total + 1); ok {
				t.Fatalf("offsetOf beyond the plan = %v, want not ok", x)
			}
		})
	}
}

// simulate runs a pacer the way vegeta's attack loop does (check the
// duration, pace, sleep, hit), on a virtual clock that advances by exactly
// the waits asked for, and counts the hits per platform minute. A hit due
// at the very end lands just past it; it counts in the last minute, as
// windows count it.
func simulate(t *testing.T, p Profile, scale float64) []int {
	t.Helper()
	pc := newPacer(p, scale)
	var (
		elapsed time.Duration
		hits    uint64
		perMin  = make([]int, int(p.Duration()/time.Minute))
	)
	for elapsed <= pc.real(pc.total) {
		wait, stop := pc.Pace(elapsed, hits)
		if stop {
			break
		}
		elapsed += wait
		perMin[min(pc.platform(elapsed), pc.total-1)/time.Minute]++
		hits++
		if hits > 1e6 {
			t.Fatal("pacer never stops")
		}
	}
	return perMin
}

func TestPacerFollowsProfile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile Profile
		scale   float64
	}{
		{"steady 42 at 60x", Steady(42, 6*time.Minute), 60},
		{"steady 2 at real time", Steady(2, 3*time.Minute), 1},
		{"ramp 0 to 120 at 60x", Ramp(0, 120, 4*time.Minute), 60},
		{"ramp 120 to 0 at 60x", Ramp(120, 0, 4*time.Minute), 60},
		{"steps with a pause at 60x", Step(Level{30, time.Minute}, Level{0, 2 * time.Minute}, Level{300, time.Minute}), 60},
		{"fractional rate at 600x", Steady(0.5, 30*time.Minute), 600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := simulate(t, tc.profile, tc.scale)
			pl := newPlan(tc.profile, tc.scale)
			var sum int
			for m, n := range got {
				sum += n
				from, to := time.Duration(m)*time.Minute, time.Duration(m+1)*time.Minute
				want := pl.requests(to) - pl.requests(from)
				// A hit due at a minute's boundary may fall either side.
				if math.Abs(float64(n)-want) > 1 {
					t.Errorf("minute %d: %d hits, plan %.2f", m, n, want)
				}
			}
			if want := math.Floor(pl.requests(pl.total) + 1e-9); float64(sum) != want {
				t.Errorf("total %d hits, plan %v", sum, want)
			}
		})
	}
}

// TestPacerForgivesLongLag checks that an attack that stalled sends only
// maxLag's worth of plan at once when it resumes, not the whole backlog.
func TestPacerForgivesLongLag(t *testing.T) {
	const rate, scale = 100.0, 60
	for _, tc := range []struct {
		name  string
		stall time.Duration // real
		burst float64       // hits sent at once on resuming
	}{
		{"short pause is caught up", 100 * time.Millisecond, rate * 0.1},
		{"long stall is forgiven", 3 * time.Second, rate * maxLag.Seconds()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pc := newPacer(Steady(rate, 10*time.Minute), scale)
			var hits uint64
			for {
				wait, _ := pc.Pace(tc.stall, hits)
				if wait > 0 {
					break
				}
				hits++
			}
			if math.Abs(float64(hits)-tc.burst) > 1 {
				t.Fatalf("sent %d hits at once after a %v stall, want about %v", hits, tc.stall, tc.burst)
			}
			// And afterwards it keeps the plan's rate.
			wait, _ := pc.Pace(tc.stall, hits)
			if want := time.Second / rate; wait > want+time.Millisecond {
				t.Fatalf("next wait %v, want at most %v", wait, want)
			}
		})
	}
}

func TestPacerRate(t *testing.T) {
	p := append(Ramp(0, 60, 2*time.Minute), Max(time.Minute)...)
	pc := newPacer(p, 60)
	for _, tc := range []struct {
		elapsed time.Duration // real
		want    float64
	}{{0, 0}, {time.Second, 30}, {2*time.Second + time.Millisecond, math.Inf(1)}, {time.Hour, 0}} {
		if got := pc.Rate(tc.elapsed); math.Abs(got-tc.want) > 1e-6 && got != tc.want {
			t.Errorf("Rate(%v) = %v, want %v", tc.elapsed, got, tc.want)
		}
	}
	if wait, stop := pc.Pace(2*time.Second+time.Millisecond, 1e9); wait != 0 || stop {
		t.Errorf("Pace in the max stage = %v, %v; want no wait", wait, stop)
	}
}
