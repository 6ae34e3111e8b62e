package task

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/sandbox/taskstats"
)

// model is a task's CPU, the capacity model every answer goes through.
//
// A task of v vCPU serves C = v × requests-per-vCPU requests per real
// second: a Fargate vCPU is a share of a host core, and the CPU cost of a
// request is fixed, so throughput grows with the reservation. The model is a
// single server working in arrival order (FIFO) in real time: a request that
// arrives at t starts at max(t, busyUntil), takes a service time s, and is
// answered at start + s. One fast server rather than v slow ones keeps the
// utilisation the same and latency a function of utilisation alone, and a
// bigger task answers faster even when idle.
//
// Service times are exponentially distributed with mean 1/C. Real requests
// vary in cost, and the variation is what makes a queue form below full
// load: with fixed service times a load generator that paces its requests
// evenly, as vegeta does, would see no queueing at all until utilisation
// reached 1. With it, the model is an M/M/1 queue under random arrivals and
// a D/M/1 queue under paced ones; in both the mean latency grows like
// 1/(1−ρ) as utilisation ρ approaches 1, as a real server's does.
//
// The time the server is busy is the task's CPU time, so utilisation over
// an interval is Δbusy/Δt: what ECS reports as CPUUtilization. CPU time is
// booked at the mean cost of each request, not its sampled one: the
// variation stands for queueing, which shows in latency, while at a high
// time scale a platform minute is a real second or less, and sampling noise
// over so short a window would swing CPUUtilization by ±20 % where AWS
// averages a whole real minute. A request
// whose wait would exceed maxWait is shed: refused at once at no cost, as a
// server with a bounded accept queue refuses. Overload thus shows as
// latency up to maxWait, then as 503s, with utilisation pinned at 1.
//
// Everything here is real time: service times are the "hardware" of the
// sandbox, like the load generator's rate, and do not compress with the
// sandbox's platform clock.
type model struct {
	maxWait time.Duration
	// stats, when set, receives the accounting after every admission:
	// the ECS control plane reads it there (sandbox/taskstats).
	stats *taskstats.Writer

	mu        sync.Mutex
	rng       *rand.Rand
	busyUntil time.Time
	// acct is the CPU accounting: Work is the mean cost of every request
	// admitted so far, including what is not yet done; Booked is when a
	// server working at the mean cost of each request would be done with
	// what was admitted, the accounting's queue beside busyUntil, which
	// latency comes from; First is when the first request arrived, since
	// booked cost can run ahead of the clock under overload and a CPU
	// cannot.
	acct taskstats.Record
}

func newModel(maxWait time.Duration, seed uint64, started time.Time) *model {
	return &model{maxWait: maxWait, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), acct: taskstats.Record{Started: started}}
}

// admit books a request arriving at now whose service time has the given
// mean. It returns when the request completes, or ok false if it is shed.
func (m *model) admit(now time.Time, mean time.Duration) (done time.Time, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.acct.First.IsZero() {
		m.acct.First = now
	}
	start := now
	if m.busyUntil.After(now) {
		if m.busyUntil.Sub(now) > m.maxWait {
			return time.Time{}, false
		}
		start = m.busyUntil
	}
	s := time.Duration(m.rng.ExpFloat64() * float64(mean))
	m.busyUntil = start.Add(s)
	m.acct.Work += mean
	// The booked queue never holds more than the real one may (maxWait
	// and a request): under overload both sit at their limit, and the
	// drift between a random queue and its mean must not grow without end.
	m.acct.Booked = later(m.acct.Booked, now).Add(mean)
	if limit := now.Add(m.maxWait + mean); m.acct.Booked.After(limit) {
		m.acct.Booked = limit
	}
	if m.stats != nil {
		m.stats.Store(m.acct)
	}
	return m.busyUntil, true
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// busy is the CPU time spent up to now (taskstats.Record.Busy). It is
// measured on the booked queue, at the mean cost of each request, not on
// busyUntil. The sampled service times make a queue whose length swings
// by a tenth of a second per task from one real second to the next at 84 %
// utilisation: subtracting it from work made a one-second CPU datapoint
// swing by ±13 points, so that one minute in eight fell below a 70 %
// target under load that never changed. Sampling noise belongs in latency,
// where a real server shows it, not in CPUUtilization, which AWS averages
// over a whole real minute.
func (m *model) busy(now time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.acct.Busy(now)
}

// sleepUntil waits until t, or until done is closed, in which case it
// reports false. It takes one timer and no goroutine, so a waiting request
// costs little more than the goroutine net/http already gave it.
func sleepUntil(done <-chan struct{}, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-done:
		return false
	}
}
