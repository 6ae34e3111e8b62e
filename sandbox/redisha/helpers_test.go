package redisha_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gameday-sre/gameday/sandbox/redisha"
)

// Bounds, in real time, of what the tests wait for. A failover at 60x
// takes one to three seconds; the bounds leave room for a loaded host.
const (
	startTimeout    = 20 * time.Second
	failoverTimeout = 15 * time.Second
	revertTimeout   = 20 * time.Second
	pollInterval    = 20 * time.Millisecond
)

func requireRedis(t *testing.T) {
	t.Helper()
	for _, bin := range []string{redisha.DefaultServerBin, redisha.DefaultSentinelBin} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("requires %s in PATH (Debian: apt-get install redis-server redis-sentinel): %v", bin, err)
		}
	}
}

// recorder is a redisha.Recorder that remembers what is recorded now.
type recorder struct {
	mu    sync.Mutex
	roles map[int]string
}

func (r *recorder) Record(pid, pgid int, role string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pid != pgid {
		return fmt.Errorf("pid %d has group %d; want its own group", pid, pgid)
	}
	r.roles[pid] = role
	return nil
}

func (r *recorder) Forget(pid int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.roles, pid)
	return nil
}

func (r *recorder) recorded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var roles []string
	for _, role := range r.roles {
		roles = append(roles, role)
	}
	slices.Sort(roles)
	return roles
}

// startGroup starts a group named gameday-cache and stops it when the
// test ends.
func startGroup(t *testing.T, replicas int, rec redisha.Recorder) *redisha.Group {
	t.Helper()
	requireRedis(t)
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	began := time.Now()
	dir := t.TempDir()
	g, err := redisha.Start(ctx, redisha.Config{
		MasterName: "gameday-cache",
		Dir:        dir,
		Replicas:   replicas,
		Processes:  rec,
		Logger:     slog.New(slog.NewTextHandler(t.Output(), nil)),
	})
	if err != nil {
		t.Fatalf("starting a redis group with %d replicas: %v", replicas, err)
	}
	t.Logf("group with %d replicas steady after %s", replicas, time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("status at failure: %+v", g.Status(context.Background()))
			dumpLogs(t, dir)
		}
		g.Stop()
	})
	return g
}

// dumpLogs logs the tail of every process's log.
func dumpLogs(t *testing.T, dir string) {
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Logf("%s: %v", path, err)
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		t.Logf("%s (last lines):\n%s", filepath.Base(path), strings.Join(lines[max(len(lines)-40, 0):], "\n"))
	}
}

// client talks to addr directly, from 127.0.0.1: never across the link.
func client(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// eventually polls cond until it holds or within passes.
func eventually(t *testing.T, within time.Duration, what string, cond func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	var err error
	for {
		if err = cond(ctx); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not within %s: %v", what, within, err)
		case <-time.After(pollInterval):
		}
	}
}

func nodeStatus(st redisha.Status, name string) redisha.NodeStatus {
	for _, n := range st.Nodes {
		if n.Name == name {
			return n
		}
	}
	return redisha.NodeStatus{}
}

func roles(st redisha.Status) string {
	var b strings.Builder
	for _, n := range st.Nodes {
		fmt.Fprintf(&b, "%s=%s ", n.Name, n.Role)
	}
	return strings.TrimSpace(b.String())
}

// consistently polls cond for the whole of d and fails at its first
// error.
func consistently(t *testing.T, d time.Duration, what string, cond func(ctx context.Context) error) {
	t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if err := cond(t.Context()); err != nil {
			t.Fatalf("%s: broken after %s: %v", what, d-time.Until(end), err)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(pollInterval):
		}
	}
}
