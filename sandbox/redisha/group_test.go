package redisha_test

import (
	"context"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/gameday-sre/gameday/sandbox/redisha"
)

func TestStartReportsAndStopEndsEverything(t *testing.T) {
	for _, tc := range []struct {
		name      string
		replicas  int
		wantRoles []string
	}{
		{"primary and replica", 1, []string{
			"redis gameday-cache-001", "redis gameday-cache-002",
			"redis-sentinel gameday-cache-sentinel-1", "redis-sentinel gameday-cache-sentinel-2", "redis-sentinel gameday-cache-sentinel-3"}},
		{"replicas=0", 0, []string{
			"redis gameday-cache-001",
			"redis-sentinel gameday-cache-sentinel-1", "redis-sentinel gameday-cache-sentinel-2", "redis-sentinel gameday-cache-sentinel-3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{roles: map[int]string{}}
			g := startGroup(t, tc.replicas, rec)
			if got := rec.recorded(); !slices.Equal(got, tc.wantRoles) {
				t.Errorf("recorded %q, want %q", got, tc.wantRoles)
			}
			nodes := g.Nodes()
			if len(nodes) != 1+tc.replicas || nodes[0].Region != "primary" || !strings.HasPrefix(nodes[0].Addr, redisha.DefaultPrimaryIP+":") {
				t.Fatalf("nodes %+v: want the primary first, on %s", nodes, redisha.DefaultPrimaryIP)
			}
			for _, n := range nodes[1:] {
				if n.Region != "failover" || !strings.HasPrefix(n.Addr, redisha.DefaultFailoverIP+":") {
					t.Errorf("replica %+v: want it in the failover region, on %s", n, redisha.DefaultFailoverIP)
				}
			}

			st := g.Status(t.Context())
			if st.Master != nodes[0].Addr {
				t.Errorf("master per sentinels %q, want %s", st.Master, nodes[0].Addr)
			}
			for _, s := range st.Sentinels {
				if s.Master != nodes[0].Addr || s.Flags != "master" || s.Replicas != tc.replicas || s.OtherSentinels != redisha.Sentinels-1 {
					t.Errorf("sentinel %+v: want master %s up, %d replicas, %d other sentinels", s, nodes[0].Addr, tc.replicas, redisha.Sentinels-1)
				}
			}
			if got := nodeStatus(st, nodes[0].Name); got.Role != "master" {
				t.Errorf("%s is %q, want master", nodes[0].Name, got.Role)
			}
			for _, n := range nodes[1:] {
				got := nodeStatus(st, n.Name)
				if got.Role != "replica" || got.MasterAddr != nodes[0].Addr || !got.LinkUp {
					t.Errorf("%s: %+v, want a replica of %s with its link up", n.Name, got, nodes[0].Addr)
				}
			}

			var pids []int
			rec.mu.Lock()
			for pid := range rec.roles {
				pids = append(pids, pid)
			}
			rec.mu.Unlock()
			g.Stop()
			if got := rec.recorded(); len(got) != 0 {
				t.Errorf("after Stop %q are still recorded", got)
			}
			for _, pid := range pids {
				if err := syscall.Kill(pid, 0); err == nil {
					t.Errorf("pid %d still exists after Stop", pid)
				}
			}
		})
	}
}

func TestStartRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  redisha.Config
		want string
	}{
		{"no master name", redisha.Config{Dir: "x"}, "master name"},
		{"master name with a space", redisha.Config{MasterName: "a b", Dir: "x"}, "master name"},
		{"no dir", redisha.Config{MasterName: "m"}, "no Dir"},
		{"negative replicas", redisha.Config{MasterName: "m", Dir: "x", Replicas: -1}, "-1 replicas"},
		{"not loopback", redisha.Config{MasterName: "m", Dir: "x", PrimaryIP: "10.0.0.1"}, "loopback"},
		{"one address for two places", redisha.Config{MasterName: "m", Dir: "x", FailoverIP: redisha.DefaultPrimaryIP}, "two places"},
		{"time scale below 1", redisha.Config{MasterName: "m", Dir: "x", TimeScale: 0.5}, "time scale"},
		{"missing binary", redisha.Config{MasterName: "m", Dir: "x", ServerBin: "/nonexistent/redis-server"}, "/nonexistent/redis-server"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := redisha.Start(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Start: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
