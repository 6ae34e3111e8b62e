package redisha_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/redisha"
)

// Losing the primary, by a kill or a freeze, promotes the replica in the
// failover region; reverting brings the old primary back as its replica.
func TestPrimaryLossFailsOverAndRevertRejoinsAsReplica(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(context.Context, *redisha.Group) (redisha.Fault, error)
	}{
		{"kill", func(ctx context.Context, g *redisha.Group) (redisha.Fault, error) { return g.KillPrimary(ctx) }},
		{"pause", func(ctx context.Context, g *redisha.Group) (redisha.Fault, error) { return g.PausePrimary(ctx) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGroup(t, 1, nil)
			primary, replica := g.Nodes()[0], g.Nodes()[1]
			if err := client(t, primary.Addr).Set(t.Context(), "before", "1", 0).Err(); err != nil {
				t.Fatalf("writing to the primary at %s: %v", primary.Addr, err)
			}
			eventually(t, failoverTimeout, "the replica has the write", func(ctx context.Context) error {
				return client(t, replica.Addr).Get(ctx, "before").Err()
			})

			f, err := tc.inject(t.Context(), g)
			if err != nil {
				t.Fatal(err)
			}
			began := time.Now()
			eventually(t, failoverTimeout, "the sentinels promote the replica", func(ctx context.Context) error {
				if st := g.Status(ctx); st.Master != replica.Addr || nodeStatus(st, replica.Name).Role != "master" {
					return fmt.Errorf("master %q, roles %s", st.Master, roles(st))
				}
				return nil
			})
			t.Logf("%s: promoted after %s", f, time.Since(began).Round(time.Millisecond))
			if v, err := client(t, replica.Addr).Get(t.Context(), "before").Result(); err != nil || v != "1" {
				t.Errorf("the new master has before=%q (%v), want 1", v, err)
			}

			ctx, cancel := context.WithTimeout(t.Context(), revertTimeout)
			defer cancel()
			if err := f.Revert(ctx); err != nil {
				t.Fatal(err)
			}
			if err := g.WaitSteady(ctx); err != nil {
				t.Fatal(err)
			}
			st := g.Status(ctx)
			if old := nodeStatus(st, primary.Name); old.Role != "replica" || old.MasterAddr != replica.Addr || !old.LinkUp {
				t.Errorf("after Revert the old primary is %+v, want a replica of %s with its link up", old, replica.Addr)
			}
			if err := f.Revert(ctx); err != nil {
				t.Errorf("a second Revert: %v, want nothing to do", err)
			}
		})
	}
}

// With no replica there is nothing to promote: the sentinels keep naming
// the dead primary, and Revert brings it back empty.
func TestKillWithoutReplicasLosesTheData(t *testing.T) {
	g := startGroup(t, 0, nil)
	primary := g.Nodes()[0]
	c := client(t, primary.Addr)
	if err := c.Set(t.Context(), "before", "1", 0).Err(); err != nil {
		t.Fatalf("writing to %s: %v", primary.Addr, err)
	}
	k, err := g.KillPrimary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Three down-after periods at 60x: long enough for a failover to
	// have started, were there anything to promote.
	consistently(t, 1500*time.Millisecond, "the sentinels keep naming the dead primary", func(ctx context.Context) error {
		if st := g.Status(ctx); st.Master != primary.Addr || nodeStatus(st, primary.Name).Role != "down" {
			return fmt.Errorf("master %q, roles %s", st.Master, roles(st))
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(t.Context(), revertTimeout)
	defer cancel()
	if err := k.Revert(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.WaitSteady(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Exists(ctx, "before").Result(); err != nil || n != 0 {
		t.Errorf("EXISTS before after the restart: %d (%v), want 0: nothing persists", n, err)
	}
}

// A cut link stops replication but not the primary: it keeps taking
// writes that no replica acknowledges, the sentinel across the link alone
// cannot fail it over, and the replica catches up once the link is back.
func TestLinkCutStopsReplicationWithoutFailover(t *testing.T) {
	g := startGroup(t, 1, nil)
	primary, replica := g.Nodes()[0], g.Nodes()[1]
	p := client(t, primary.Addr)
	cut, err := g.LinkCut(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, failoverTimeout, "the replica sees its link down", func(ctx context.Context) error {
		if n := nodeStatus(g.Status(ctx), replica.Name); n.LinkUp {
			return fmt.Errorf("%+v", n)
		}
		return nil
	})
	if err := p.Set(t.Context(), "during", "1", 0).Err(); err != nil {
		t.Fatalf("writing to %s with the link cut: %v", primary.Addr, err)
	}
	if n, err := p.Wait(t.Context(), 1, 200*time.Millisecond).Result(); err != nil || n != 0 {
		t.Errorf("WAIT 1 with the link cut: %d (%v), want 0 replicas", n, err)
	}
	consistently(t, 1500*time.Millisecond, "no failover with the link cut: one sentinel is not a quorum", func(ctx context.Context) error {
		if st := g.Status(ctx); st.Master != primary.Addr {
			return fmt.Errorf("master %q, want %s", st.Master, primary.Addr)
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(t.Context(), revertTimeout)
	defer cancel()
	if err := cut.Revert(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.WaitSteady(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := client(t, replica.Addr).Get(ctx, "during").Result(); err != nil || v != "1" {
		t.Errorf("the replica has during=%q (%v) after the link is back, want 1", v, err)
	}
}
