package framework

import (
	"context"
	"fmt"
	"time"

	"github.com/gameday-sre/gameday/drivers/load"
	"github.com/gameday-sre/gameday/timeline"
)

// Load is load running in the background on one service, for a spec to
// lean on as evidence.
type Load struct {
	Target  load.Target
	Rate    float64
	started time.Time
	cancel  context.CancelFunc
	done    chan struct{}
	summary *load.Summary
	err     error
}

// StartLoad sends rate requests per real second to target, steadily, until
// Stop or the platform duration limit. Its per-minute windows go on the
// suite's timeline.
func (f *Framework) StartLoad(target load.Target, rate float64, limit time.Duration) (*Load, error) {
	return f.StartLoadWith(target, rate, limit)
}

// StartLoadWith is StartLoad with the load driver's options, such as
// load.Dial for clients that resolve the target's name through DNS, or
// load.Results to keep every request's result.
func (f *Framework) StartLoadWith(target load.Target, rate float64, limit time.Duration, opts ...load.Option) (*Load, error) {
	a, err := load.NewAttacker(f.Target.Clock, append([]load.Option{load.Timeline(f.Timeline)}, opts...)...)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Load{Target: target, Rate: rate, started: f.Now(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.summary, l.err = a.Run(ctx, target, load.Steady(rate, limit))
		if ctx.Err() != nil {
			l.err = nil
		}
	}()
	return l, nil
}

// Stop ends the load and returns what it delivered.
func (l *Load) Stop() (*load.Summary, error) {
	l.cancel()
	<-l.done
	return l.summary, l.err
}

// shortfall says how the load fell short of its plan so far, in the
// windows it has finished: "" when it delivered what was planned.
func (f *Framework) shortfall(l *Load) string {
	select {
	case <-l.done:
		if l.err != nil {
			return fmt.Sprintf("the load on %s stopped before its spec was judged: %v", l.Target.Service, l.err)
		}
	default:
	}
	minDelivered := f.Target.Spec.Experiments.Evidence.MinDelivered
	scale := float64(time.Minute) / float64(realDuration(f.Target.Clock, time.Minute))
	for _, e := range f.Timeline.Events() {
		w, ok := e.Data.(timeline.LoadWindow)
		if !ok || w.Service != l.Target.Service || e.At.Before(l.started) {
			continue
		}
		planned := w.Planned * time.Duration(w.Duration).Seconds() / scale
		if float64(w.Requests) < planned*minDelivered-1 {
			return fmt.Sprintf("the load on %s delivered %.1f req/s of the %.1f planned in the platform minute at %s (below %.0f %%): the platform did not get the load the experiment planned",
				l.Target.Service, w.Rate, w.Planned, e.At.Format(time.RFC3339), 100*minDelivered)
		}
	}
	return ""
}
