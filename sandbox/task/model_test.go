package task

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// dm1Sigma solves σ = exp(−(1−σ)/ρ), the root that fixes a D/M/1 queue's
// waiting time.
func dm1Sigma(rho float64) float64 {
	sigma := 0.5
	for range 200 {
		sigma = math.Exp(-(1 - sigma) / rho)
	}
	return sigma
}

// TestModelMatchesQueueingTheory runs the model in virtual time, so it is
// exact and fast, and holds it to the textbook results for the two kinds of
// load it meets: paced (vegeta's constant rate) and random (Poisson).
func TestModelMatchesQueueingTheory(t *testing.T) {
	const s = 10 * time.Millisecond
	tests := []struct {
		name    string
		rho     float64
		poisson bool
		// wantLatency is the theoretical mean time from arrival to answer.
		wantLatency time.Duration
	}{
		{"paced ρ=0.2", 0.2, false, time.Duration(float64(s) / (1 - dm1Sigma(0.2)))},
		{"paced ρ=0.5", 0.5, false, time.Duration(float64(s) / (1 - dm1Sigma(0.5)))},
		{"paced ρ=0.8", 0.8, false, time.Duration(float64(s) / (1 - dm1Sigma(0.8)))},
		{"Poisson ρ=0.2", 0.2, true, time.Duration(float64(s) / (1 - 0.2))},
		{"Poisson ρ=0.8", 0.8, true, time.Duration(float64(s) / (1 - 0.8))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(time.Hour, 1, time.Time{})
			arrivals := rand.New(rand.NewPCG(2, 3))
			gap := float64(s) / tt.rho
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			now := t0
			const n = 30000
			var total time.Duration
			for range n {
				if tt.poisson {
					now = now.Add(time.Duration(arrivals.ExpFloat64() * gap))
				} else {
					now = now.Add(time.Duration(gap))
				}
				done, ok := m.admit(now, s)
				if !ok {
					t.Fatal("shed with an hour's allowance")
				}
				total += done.Sub(now)
				if busy := m.busy(now); busy > now.Sub(t0) {
					t.Fatalf("busy %s after %s: utilisation above 1", busy, now.Sub(t0))
				}
			}
			util := m.busy(now).Seconds() / now.Sub(t0).Seconds()
			if math.Abs(util-tt.rho) > 0.02 {
				t.Errorf("utilisation %.3f, want %.2f", util, tt.rho)
			}
			mean := total / n
			if ratio := float64(mean) / float64(tt.wantLatency); ratio < 0.9 || ratio > 1.1 {
				t.Errorf("mean latency %s, want %s (ratio %.2f)", mean, tt.wantLatency, ratio)
			}
		})
	}
}

func TestModelOverloadSheds(t *testing.T) {
	const s, maxWait, rho = 10 * time.Millisecond, 100 * time.Millisecond, 2.0
	m := newModel(maxWait, 1, time.Time{})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	const n = 20000
	shed := 0
	var worst time.Duration
	for range n {
		now = now.Add(time.Duration(float64(s) / rho))
		done, ok := m.admit(now, s)
		if !ok {
			shed++
			continue
		}
		worst = max(worst, done.Sub(now))
	}
	if util := m.busy(now).Seconds() / now.Sub(t0).Seconds(); util < 0.98 || util > 1 {
		t.Errorf("utilisation %.3f under overload, want about 1", util)
	}
	// Served at capacity, the rest shed: a fraction 1 − 1/ρ.
	if frac := float64(shed) / n; math.Abs(frac-(1-1/rho)) > 0.03 {
		t.Errorf("shed %.3f of requests, want %.2f", frac, 1-1/rho)
	}
	// No admitted request waits past maxWait; the service time after it
	// is exponential, and 20 means is beyond any sample here.
	if worst > maxWait+20*s {
		t.Errorf("worst latency %s, want at most the %s wait plus a service time", worst, maxWait)
	}
}

func TestModelZeroMaxWait(t *testing.T) {
	m := newModel(0, 1, time.Time{})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, ok := m.admit(now, time.Millisecond); !ok {
		t.Fatal("the first request was shed")
	}
	// With no wait allowed, a request arriving while the CPU is busy is
	// shed, and one arriving after is served.
	if _, ok := m.admit(now, time.Millisecond); ok {
		t.Error("a request that would wait was not shed with max wait 0")
	}
	if _, ok := m.admit(now.Add(time.Hour), time.Millisecond); !ok {
		t.Error("a request to an idle CPU was shed")
	}
}

// Under paced load that never changes, each one-second CPU sample reads
// the same utilisation, within a request's cost: the sampled service times
// show in latency, not in CPUUtilization. Before, the queue they made
// swung a sample at 84 % by ±13 points, and one minute in eight fell below
// a 70 % target.
func TestModelUtilisationIsSteadyUnderSteadyLoad(t *testing.T) {
	const s = 40 * time.Millisecond // a 0.5 vCPU frontend task at 50 requests per vCPU-second
	for _, rho := range []float64{0.3, 0.6, 0.84} {
		m := newModel(time.Second, 7, time.Time{})
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		gap := time.Duration(float64(s) / rho)
		now, prev, next := t0, time.Duration(0), t0.Add(time.Second)
		worst := 0.0
		for range int(120 * time.Second / gap) {
			now = now.Add(gap)
			// ECS reads a task's stats at a moment; what arrives after it
			// belongs to the next sample.
			for !now.Before(next) {
				busy := m.busy(next)
				if next.After(t0.Add(time.Second)) {
					worst = max(worst, math.Abs((busy-prev).Seconds()-rho))
				}
				prev, next = busy, next.Add(time.Second)
			}
			m.admit(now, s)
		}
		if worst > s.Seconds()+0.01 {
			t.Errorf("ρ=%.2f: a one-second sample was %.3f off, want within one request's cost (%.2f)", rho, worst, s.Seconds())
		}
	}
}
