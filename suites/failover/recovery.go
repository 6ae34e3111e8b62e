package failover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/targets/profile"
)

// results keeps the clients' results as the load driver writes them, in
// vegeta's encoding, for the recovery to be read from every request.
type results struct {
	clock *profile.Clock
	mu    sync.Mutex
	buf   bytes.Buffer
}

// Write implements io.Writer; the load driver writes whole results.
func (r *results) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

// sent is one request as the client saw it: when it was sent, in platform
// time, and whether it succeeded.
type sent struct {
	at time.Time
	ok bool
}

// read decodes the results so far. A request the load cancelled when it
// stopped was not answered by the platform and is left out.
func (r *results) read() ([]sent, error) {
	r.mu.Lock()
	data := bytes.Clone(r.buf.Bytes())
	r.mu.Unlock()
	dec := vegeta.NewDecoder(bytes.NewReader(data))
	var out []sent
	for {
		var res vegeta.Result
		err := dec.Decode(&res)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("reading the clients' results: %w", err)
		}
		if strings.Contains(res.Error, context.Canceled.Error()) {
			continue
		}
		out = append(out, sent{at: r.clock.Platform(res.Timestamp), ok: res.Error == "" && res.Code >= 200 && res.Code < 400})
	}
}

// recovered finds, among requests sent since from and answered by until,
// the first success after the last failure; held says whether every
// request after it succeeded for at least hold. Results arrive in the
// order of their answers, not of their sending.
func recovered(all []sent, from, until time.Time, hold time.Duration) (at, lastFailed time.Time, held bool) {
	var last time.Time
	for _, s := range all {
		if !s.ok && !s.at.Before(from) && !s.at.After(until) && s.at.After(last) {
			last = s.at
		}
	}
	var first, newest time.Time
	for _, s := range all {
		if !s.ok || s.at.Before(from) || s.at.After(until) || !s.at.After(last) {
			continue
		}
		if first.IsZero() || s.at.Before(first) {
			first = s.at
		}
		if s.at.After(newest) {
			newest = s.at
		}
	}
	return first, last, !first.IsZero() && newest.Sub(first) >= hold
}

// judgeRecovery waits until the clients have recovered for good (every
// request a TTL long succeeding) or the budget is past, and judges when.
// Only requests whose answer is due are read, those sent a client's
// timeout ago: one still in flight may yet fail.
func (x *run) judgeRecovery(ctx context.Context, v *framework.Verdict, fo spec.Failover) {
	f := x.f
	budget := x.injected.Add(fo.RecoveryBudget.D())
	hold := fo.AnswerTTL.D()
	var at, lastFailed time.Time
	var held bool
	var readErr error
	limit := fo.RecoveryBudget.D() + hold + 2*fo.ClientTimeout.D()
	f.Eventually(ctx, "the clients of "+x.record.Name+" to recover", limit+time.Minute, func(context.Context) (bool, error) {
		f.Progress(v, "waiting for the clients to recover")
		all, err := x.results.read()
		if err != nil {
			readErr = err
			return true, nil
		}
		answered := f.Now().Add(-fo.ClientTimeout.D())
		at, lastFailed, held = recovered(all, x.injected, answered, hold)
		return held || answered.After(budget.Add(hold)), nil
	})
	if readErr != nil {
		f.Errorf(v, "%v", readErr)
	}
	failed := "no request failed"
	if !lastFailed.IsZero() {
		failed = "the last failed request sent at " + lastFailed.Format(time.RFC3339)
	}
	if !held {
		v.Observed = fmt.Sprintf("not recovered by %s (%s)", budget.Format(time.RFC3339), failed)
		f.Fail(v, fmt.Sprintf("%s: clients of %s %s; want them recovered within %s of the region going down at %s",
			v.Section, x.record.Name, v.Observed, fo.RecoveryBudget, x.injected.Format(time.RFC3339)))
		return
	}
	v.Observed = fmt.Sprintf("recovered %s after the region went down: %s, the first success after it at %s",
		at.Sub(x.injected).Round(time.Second), failed, at.Format(time.RFC3339))
	f.ExpectWithin(ctx, v, "the clients' recovery", func(context.Context) (time.Time, bool, error) { return at, true, nil },
		framework.Window{Earliest: x.injected, Latest: budget})
}
