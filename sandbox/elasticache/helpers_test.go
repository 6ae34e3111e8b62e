package elasticache

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

var t0 = time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)

// The sandbox's layout: the primary in the primary region, the replica in
// the failover region.
var (
	primaryNode = Node{Region: "us-east-1", Addr: "127.0.1.1:6379", Role: Primary}
	replicaNode = Node{Region: "us-west-2", Addr: "127.0.2.1:6379", Role: Replica}
)

// fakeClock is platform time that moves only when a test sets it.
type fakeClock struct {
	clock.Clock
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeGroup is a Redis group whose failover waits for the test: it swaps
// the primary with the first replica once release is closed.
type fakeGroup struct {
	mu        sync.Mutex
	nodes     []Node
	statusErr error
	release   chan struct{}
	failovers int
}

func newFakeGroup(nodes ...Node) *fakeGroup {
	return &fakeGroup{nodes: nodes, release: make(chan struct{})}
}

func (g *fakeGroup) Status(context.Context) ([]Node, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.nodes), g.statusErr
}

func (g *fakeGroup) Failover(ctx context.Context) error {
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p := slices.IndexFunc(g.nodes, func(n Node) bool { return n.Role == Primary })
	r := slices.IndexFunc(g.nodes, func(n Node) bool { return n.Role == Replica })
	if p < 0 || r < 0 {
		return errors.New("fake group: nothing to fail over")
	}
	g.nodes[p].Role, g.nodes[r].Role = Replica, Primary
	g.failovers++
	return nil
}

func (g *fakeGroup) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failovers
}

func newEngine(t *testing.T, g Group) (*Engine, *fakeClock) {
	t.Helper()
	c := &fakeClock{now: t0}
	e, err := New(Config{
		ReplicationGroupID: "main-cache", Description: "Cache, Horizontal + Cluster", Region: "us-east-1",
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
	}, g, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e, c
}

// codeOf is the AWS error code of err, "" when err is not an *Error.
func codeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// waitAvailable waits until the group no longer reports modifying.
func waitAvailable(t *testing.T, e *Engine) ReplicationGroup {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := e.DescribeReplicationGroups(t.Context(), "", DescribeReplicationGroupsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if g := out.ReplicationGroups[0]; g.Status == statusAvailable {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatal("the group still modifying after 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ptr[T any](v T) *T { return &v }
