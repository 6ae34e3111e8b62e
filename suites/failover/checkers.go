package failover

import (
	"context"
	"fmt"
	"sync"
	"time"

	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
)

// healthyShare is Route 53's rule for a health check's status: "If more
// than 18% of health checkers report that an endpoint is healthy, Route 53
// considers it healthy" (dns-failover-determining-health-of-endpoints).
const healthyShare = 0.18

// checkers follows a health check as Route 53 decides it. Route 53's API
// gives each checker's newest observation (GetHealthCheckStatus) and the
// check's FailureThreshold (ListHealthChecks), not the check's status: a
// checker changes its mind after FailureThreshold observations in a row
// that disagree with it, and the check is unhealthy once no more than 18 %
// of its checkers think it healthy. The watch reads every observation:
// it asks several times per RequestInterval.
type checkers struct {
	f         *framework.Framework
	id        string
	threshold int
	interval  time.Duration
	cancel    context.CancelFunc
	done      chan struct{}

	mu   sync.Mutex
	seen map[string]*checker
	// down is when the check turned unhealthy, zero while it has not; up
	// when it turned healthy again after that.
	down, up time.Time
	err      error
}

// checker is one checker region's view: healthy or not, and how many
// observations in a row disagree with it.
type checker struct {
	healthy bool
	last    time.Time
	streak  int
	status  string
}

// watchChecks starts following the target's health check for hc.
func watchChecks(ctx context.Context, f *framework.Framework, hc spec.HealthCheck) (*checkers, error) {
	all, err := f.Target.AWS.HealthChecks(ctx)
	if err != nil {
		return nil, err
	}
	var found *gdaws.HealthCheck
	for i, c := range all {
		if tag := f.Target.Names.HealthCheckTag; tag != "" {
			if c.Tags[tag] == hc.ID {
				found = &all[i]
			}
			continue
		}
		if cfg := c.HealthCheckConfig; cfg != nil && cfg.FullyQualifiedDomainName != nil && cfg.Port != nil &&
			gdaws.FQDN(*cfg.FullyQualifiedDomainName) == f.Target.Names.DNSName(hc.FQDN) && int(*cfg.Port) == hc.Port {
			found = &all[i]
		}
	}
	if found == nil || found.HealthCheckConfig == nil {
		return nil, fmt.Errorf("target %s has no Route 53 health check for %s (%s:%d)", f.Target.Name, hc.ID, hc.FQDN, hc.Port)
	}
	cfg := found.HealthCheckConfig
	w := &checkers{f: f, id: *found.Id, threshold: 3, interval: 30 * time.Second, seen: map[string]*checker{}, done: make(chan struct{})}
	// AWS's defaults, where the configuration leaves them out.
	if cfg.FailureThreshold != nil {
		w.threshold = int(*cfg.FailureThreshold)
	}
	if cfg.RequestInterval != nil {
		w.interval = time.Duration(*cfg.RequestInterval) * time.Second
	}
	if err := w.read(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w.cancel = cancel
	go w.loop(wctx)
	return w, nil
}

// readsPerInterval is how often the watch asks per RequestInterval: often
// enough that a late answer still sees every observation.
const readsPerInterval = 4

func (w *checkers) loop(ctx context.Context) {
	defer close(w.done)
	for {
		if w.f.Sleep(ctx, w.interval/readsPerInterval) != nil {
			return
		}
		if err := w.read(ctx); err != nil && ctx.Err() == nil {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
		}
	}
}

func (w *checkers) stop() {
	w.cancel()
	<-w.done
}

// read applies the checkers' newest observations.
func (w *checkers) read(ctx context.Context) error {
	obs, err := w.f.Target.AWS.HealthCheckStatus(ctx, w.id)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.err = nil
	for _, o := range obs {
		w.observe(o)
	}
	return nil
}

// observe counts one observation towards its checker's mind, once.
func (w *checkers) observe(o r53types.HealthCheckObservation) {
	if o.Region == "" || o.StatusReport == nil || o.StatusReport.CheckedTime == nil {
		return
	}
	region, at := string(o.Region), *o.StatusReport.CheckedTime
	c := w.seen[region]
	if c == nil {
		// A checker is first taken as healthy: the watch starts on a
		// healthy region, as Route 53 starts a new check.
		c = &checker{healthy: true}
		w.seen[region] = c
	}
	if !at.After(c.last) {
		return
	}
	// An observation missed between two reads still counted in the
	// streak: the checker probes every interval.
	missed := 0
	if !c.last.IsZero() {
		missed = max(0, int((at.Sub(c.last)+w.interval/2)/w.interval)-1)
	}
	c.last = at
	if o.StatusReport.Status != nil {
		c.status = *o.StatusReport.Status
	}
	ok := len(c.status) >= len("Success") && c.status[:len("Success")] == "Success"
	if ok == c.healthy {
		c.streak = 0
		return
	}
	c.streak += 1 + missed
	if c.streak < w.threshold {
		return
	}
	c.healthy, c.streak = ok, 0
	healthy := 0
	for _, c := range w.seen {
		if c.healthy {
			healthy++
		}
	}
	isHealthy := float64(healthy) > healthyShare*float64(len(w.seen))
	switch {
	case !isHealthy && w.down.IsZero():
		w.down = at
	case isHealthy && !w.down.IsZero() && w.up.IsZero():
		w.up = at
	}
}

// unhealthy is the moment the check turned unhealthy.
func (w *checkers) unhealthy(context.Context) (time.Time, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.down, !w.down.IsZero(), w.err
}

// healthySince is the moment the check was healthy again after the
// region returned at back: when it turned healthy, or back itself if it
// never turned unhealthy (the region returned before enough checkers
// changed their minds).
func (w *checkers) healthySince(back time.Time) (time.Time, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.down.IsZero() || w.down.After(back) {
		return back, true, w.err
	}
	return w.up, !w.up.IsZero(), w.err
}

// takes is how long the deployed check takes to change its mind: its
// FailureThreshold probes an interval apart.
func (w *checkers) takes() time.Duration { return time.Duration(w.threshold) * w.interval }

// describe says what the checkers last reported, for the verdict.
func (w *checkers) describe() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	healthy := 0
	for _, c := range w.seen {
		if c.healthy {
			healthy++
		}
	}
	return fmt.Sprintf("%d of %d checkers healthy, FailureThreshold %d, RequestInterval %s deployed", healthy, len(w.seen), w.threshold, w.interval)
}
