package elasticache

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// TestFailoverInput is TestFailover's input.
type TestFailoverInput struct {
	ReplicationGroupId string
	NodeGroupId        string
}

// TestFailoverOutput is TestFailover's output.
type TestFailoverOutput struct {
	ReplicationGroup ReplicationGroup
}

// TestFailover starts a failover of the group's primary for a request
// signed for region ("" when unsigned) and returns the group as it was
// when the failover began, in Status modifying. The failover runs until
// the group is whole again or the engine is closed.
func (e *Engine) TestFailover(ctx context.Context, region string, in TestFailoverInput) (TestFailoverOutput, error) {
	if !e.serves(region, in.ReplicationGroupId) {
		return TestFailoverOutput{}, e.notFound(in.ReplicationGroupId)
	}
	if in.NodeGroupId != NodeGroupID {
		return TestFailoverOutput{}, newError(ErrCodeNodeGroupNotFound, "NodeGroup %s not found in ReplicationGroup %s", in.NodeGroupId, e.cfg.ReplicationGroupID)
	}
	e.starting.Lock()
	defer e.starting.Unlock()
	if err := e.mayStartFailover(); err != nil {
		return TestFailoverOutput{}, err
	}
	nodes, err := e.group.Status(ctx)
	if err != nil {
		return TestFailoverOutput{}, fmt.Errorf("status of replication group %s: %w", e.cfg.ReplicationGroupID, err)
	}
	if err := e.failoverAvailable(nodes); err != nil {
		return TestFailoverOutput{}, err
	}
	g, err := e.describe(nodes, true)
	if err != nil {
		return TestFailoverOutput{}, err
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	// Checked under the lock Close takes to cancel, so that no failover
	// starts after Close has begun waiting for them.
	if e.ctx.Err() != nil {
		return TestFailoverOutput{}, fmt.Errorf("replication group %s: the engine is closed", e.cfg.ReplicationGroupID)
	}
	e.failingOver = true
	e.tests = append(e.tests, e.clock.Now())
	e.wg.Add(1)
	go e.failover()
	return TestFailoverOutput{ReplicationGroup: g}, nil
}

// mayStartFailover refuses a test while another runs, "the first node
// replacement must complete before a subsequent call can be made", and
// beyond the quota of tests in the rolling window (API_TestFailover.html).
func (e *Engine) mayStartFailover() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failingOver {
		return newError(ErrCodeInvalidReplicationGroupState, "Replication group %s is not in available state: a failover is in progress", e.cfg.ReplicationGroupID)
	}
	now := e.clock.Now()
	e.tests = slices.DeleteFunc(e.tests, func(t time.Time) bool { return now.Sub(t) >= FailoverWindow })
	if len(e.tests) >= FailoverQuota {
		return newError(ErrCodeAPICallRateExceeded, "TestFailover has been called %d times in the last %s; the limit is %d", len(e.tests), FailoverWindow, FailoverQuota)
	}
	return nil
}

// failoverAvailable refuses a test that the group cannot pass: there must
// be a primary to lose and a replica to promote.
func (e *Engine) failoverAvailable(nodes []Node) error {
	id := e.cfg.ReplicationGroupID
	has := func(r Role) bool { return slices.ContainsFunc(nodes, func(n Node) bool { return n.Role == r }) }
	switch {
	case len(nodes) < 2:
		return newError(ErrCodeTestFailoverNotAvailable, "Replication group %s has no replicas: automatic failover is disabled", id)
	case !has(Primary):
		return newError(ErrCodeTestFailoverNotAvailable, "Replication group %s has no primary node to fail over", id)
	case !has(Replica):
		return newError(ErrCodeTestFailoverNotAvailable, "Replication group %s has no replica available to promote", id)
	}
	return nil
}

// failover runs the group's failover; the group is modifying until it
// returns.
func (e *Engine) failover() {
	defer e.wg.Done()
	id := e.cfg.ReplicationGroupID
	start := e.clock.Now()
	e.log.Info("elasticache: test failover started", "replication_group", id)
	err := e.group.Failover(e.ctx)
	e.mu.Lock()
	e.failingOver = false
	e.mu.Unlock()
	if err != nil {
		e.log.Error("elasticache: test failover failed", "replication_group", id, "err", err)
		return
	}
	e.log.Info("elasticache: test failover completed", "replication_group", id, "took", e.clock.Since(start))
}
