package task

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gameday-sre/gameday/sandbox/queue"
)

const (
	// leaseWait is one long poll of the AI worker: the longest the queue
	// allows, as SQS workers poll with WaitTimeSeconds 20. An enqueue ends
	// it at once, so it only sets how often an idle worker asks, which at
	// the AI service's maximum of thirty tasks is what its idle cost is;
	// SIGTERM cancels it.
	leaseWait = queue.MaxLeaseWait
	// retryDelay paces the worker while the queue cannot be reached.
	retryDelay = time.Second
)

// work is the AI service's worker: it leases one item at a time, spends
// its CPU on it and acknowledges it. It stops leasing when leasing is done
// and gives up the item in hand when hard is; an item given up is not
// acknowledged, so the queue delivers it again after its lease timeout.
func (t *task) work(leasing, hard context.Context) {
	for {
		it, ok, err := t.queue.Lease(leasing, leaseWait)
		switch {
		case leasing.Err() != nil:
			return
		case err != nil:
			t.log.Warn("lease from the AI queue failed; retrying", "err", err, "in", retryDelay)
			sleepUntil(leasing.Done(), time.Now().Add(retryDelay))
			continue
		case !ok:
			continue
		}
		t.process(hard, it)
	}
}

func (t *task) process(ctx context.Context, it queue.Item) {
	t.requests.Add(1)
	t.inFlight.Add(1)
	defer t.inFlight.Add(-1)
	// The worker leases only when its previous item is done, so the CPU is
	// idle now and nothing is shed.
	done, _ := t.model.admit(time.Now(), t.itemMean(it))
	if !sleepUntil(ctx.Done(), done) {
		t.log.Warn("gave up a work item at shutdown; the queue will deliver it again", "item", it.ID)
		return
	}
	err := t.queue.Ack(ctx, it.ID)
	switch {
	case errors.Is(err, queue.ErrNotFound):
		// Its lease ran out and another worker finished it first.
		t.log.Info("work item acknowledged by another worker", "item", it.ID)
	case err != nil:
		t.log.Warn("ack failed; the queue will deliver the item again", "item", it.ID, "err", err)
	}
}

// itemMean is the mean CPU time of a work item: its text at the service's
// processing rate, and at least one request's worth.
func (t *task) itemMean(it queue.Item) time.Duration {
	var p EnhanceRequest
	// A malformed payload still costs the work of looking at it.
	_ = json.Unmarshal(it.Payload, &p)
	perSecond := t.cfg.vcpu * t.cfg.aiBytesPerVCPUSecond
	return max(t.requestMean, time.Duration(float64(len(p.Text))/perSecond*float64(time.Second)))
}
