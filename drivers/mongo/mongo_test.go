package mongo_test

// These tests need a MongoDB replica set: the one GAMEDAY_MONGO_URI names
// (docker compose up, or a staging cluster), else one started in Docker by
// targets/containers. Where there is neither they skip, saying so. The
// disruptive test only ever steps down a set it started itself.

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets/containers"
)

// Real-time bounds, with room for a loaded two-core host and an image
// pull.
const (
	startTimeout    = 3 * time.Minute
	stopTimeout     = time.Minute
	failoverTimeout = 30 * time.Second
	// revertTimeout allows the step-down period, an election and the
	// priority takeover after it.
	revertTimeout = time.Minute
	stepDownFor   = 10 * time.Second
)

// startSet starts a replica set in Docker, or skips saying why it cannot.
func startSet(t *testing.T, why string) mongo.Target {
	t.Helper()
	if err := containers.Docker(t.Context()); err != nil {
		t.Skipf("%s; no Docker engine: %v", why, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	set, terminate, err := containers.MongoReplicaSet(ctx)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		if err := terminate(ctx); err != nil {
			t.Errorf("terminating the replica set: %v", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return mongo.Target{URI: set.URI, Addrs: set.Addrs}
}

// target is GAMEDAY_MONGO_URI's set, else one started in Docker.
func target(t *testing.T) mongo.Target {
	t.Helper()
	if uri := os.Getenv("GAMEDAY_MONGO_URI"); uri != "" {
		return mongo.Target{URI: uri}
	}
	return startSet(t, "requires GAMEDAY_MONGO_URI or a Docker engine: GAMEDAY_MONGO_URI is unset")
}

func dial(t *testing.T, tg mongo.Target) *mongo.Client {
	t.Helper()
	c, err := mongo.Dial(t.Context(), tg, mongo.WithLogger(slog.New(slog.NewTextHandler(t.Output(), nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func TestReplicaSetFollowsRunbookLayout(t *testing.T) {
	c := dial(t, target(t))
	rs, err := c.ReplicaSet(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rs.Members {
		t.Logf("%s: %s, priority %g, votes %d, tags %v, lag %s", m.Host, m.State, m.Priority, m.Votes, m.Tags, m.Lag)
	}
	if _, ok := rs.Primary(); !ok {
		t.Errorf("replica set %s has no primary", rs.Name)
	}
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if problems := mongo.CheckLayout(rs.Members, p); problems != nil {
		t.Errorf("replica set %s departs from the runbook:\n%s", rs.Name, strings.Join(problems, "\n"))
	}
}

// Stepping the primary down: another member is elected, the watch sees
// the switch, no write a majority acknowledged is lost, and the set
// returns to a primary of the top priority.
func TestStepDownKeepsAcknowledgedWrites(t *testing.T) {
	c := dial(t, startSet(t, "steps down a primary: requires a Docker engine to start a replica set of its own"))
	probe, err := c.NewProbe(mongo.ProbeConfig{Prefix: "stepdown:" + time.Now().Format(time.RFC3339Nano) + ":"})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := probe.Write(t.Context()); err != nil {
			t.Fatalf("a write before the fault: %v", err)
		}
	}
	watch, err := c.WatchFailover(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	runCtx, stopRun := context.WithCancel(t.Context())
	running := make(chan struct{})
	go func() {
		defer close(running)
		probe.Run(runCtx, 10*time.Millisecond)
	}()

	sd, err := c.StepDown(t.Context(), stepDownFor)
	if err != nil {
		stopRun()
		<-running
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), failoverTimeout)
	defer cancel()
	f, err := watch.Wait(ctx)
	stopRun()
	<-running
	if err != nil {
		t.Fatal(err)
	}
	if f.From != sd.From || f.To == sd.From {
		t.Errorf("failover %s -> %s, want from %s to another member", f.From, f.To, sd.From)
	}
	t.Logf("%s: new primary %s after %s", sd, f.To, f.Since(sd.At).Round(time.Millisecond))

	r, err := probe.Verify(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d accepted, %d acknowledged, %d lost over %s", r.Accepted, r.Acknowledged, len(r.Lost), r.LossWindow)
	if len(r.LostAcknowledged) > 0 {
		t.Errorf("acknowledged writes lost: %+v", r.LostAcknowledged)
	}
	if r.Acknowledged < 20 {
		t.Errorf("%d writes acknowledged, want at least the 20 before the fault", r.Acknowledged)
	}

	rctx, cancel := context.WithTimeout(t.Context(), revertTimeout)
	defer cancel()
	if err := sd.Revert(rctx); err != nil {
		t.Fatal(err)
	}
}
