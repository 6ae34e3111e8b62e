package mongors

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/spec"
)

func atlas(t *testing.T) spec.MongoDBAtlas {
	t.Helper()
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p.Replication.MongoDBAtlas
}

// The layout is the runbook's: two electable members in the primary
// region at priority 7, one in the failover region at 6.
func TestLayoutFollowsTheRunbook(t *testing.T) {
	got := Layout(atlas(t))
	want := []Member{{Region: "primary", Priority: 7}, {Region: "primary", Priority: 7}, {Region: "failover", Priority: 6}}
	if len(got) != len(want) {
		t.Fatalf("layout %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Region != want[i].Region || got[i].Priority != want[i].Priority {
			t.Errorf("member %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// Where mongod exists the set starts, elects a primary in the primary
// region, and fails over when that primary is killed.
func TestReplicaSetStartsAndFailsOver(t *testing.T) {
	if _, err := exec.LookPath(Binary); err != nil {
		t.Skipf("%s is not on PATH: no MongoDB server on this machine (install mongodb-org, or run docker compose up mongo)", Binary)
	}
	ctx := context.Background()
	s, err := Start(ctx, atlas(t), Config{Dir: t.TempDir(), RegionIPs: map[string]string{"primary": "127.0.1.1", "failover": "127.0.2.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	p, err := s.Primary(ctx)
	if err != nil || p.Region != "primary" {
		t.Fatalf("primary %+v, %v; want a member of the primary region", p, err)
	}
	_, undo, err := s.KillPrimary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for q, err := s.Primary(ctx); err != nil || q == p; q, err = s.Primary(ctx) {
		if time.Now().After(deadline) {
			t.Fatal("no other member became primary within a minute of the kill")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := undo(ctx); err != nil {
		t.Fatal(err)
	}
}
