package supervisor

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"time"

	"github.com/gameday-sre/gameday/sandbox/elasticache"
	"github.com/gameday-sre/gameday/sandbox/faults"
	"github.com/gameday-sre/gameday/sandbox/mongors"
	"github.com/gameday-sre/gameday/sandbox/redisha"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/targets/profile"
)

// CacheName is the replication group of the Redis cache and the master
// name its sentinels know: the runbook names none, so the sandbox uses the
// name its target profiles give it.
const CacheName = "main-cache"

// startData starts the data layer with the real servers this machine has.
// A server it cannot run is left out and reported, never faked.
func (s *sandbox) startData(ctx context.Context, dir state.Dir) error {
	if _, err := exec.LookPath(redisha.DefaultServerBin); err != nil {
		s.data.Redis.Absent = fmt.Sprintf("%s is not on PATH (apt-get install redis-server redis-sentinel): no Redis cache, so the data suite's Redis specs skip", redisha.DefaultServerBin)
	} else {
		g, err := redisha.Start(ctx, redisha.Config{
			MasterName: CacheName, Dir: dir.File("redis"), Replicas: s.cfg.RedisReplicas,
			TimeScale: s.cfg.TimeScale, Processes: dir, Logger: s.log.With("service", "redis"),
		})
		if err != nil {
			return fmt.Errorf("redis: %w", err)
		}
		s.redis = g
		s.endpoints.RedisSentinels = g.SentinelAddrs()
		p := s.cfg.Platform
		s.cache, err = elasticache.New(elasticache.Config{
			ReplicationGroupID: CacheName, Description: "the Redis cache, replicated to the failover region",
			Region: p.Regions.Primary.Name, Logger: s.log.With("service", "elasticache"),
		}, cacheGroup{g: g, regions: map[string]string{"primary": p.Regions.Primary.Name, "failover": p.Regions.Failover.Name}}, s.clock)
		if err != nil {
			return fmt.Errorf("elasticache: %w", err)
		}
		if d := s.cfg.LinkDelay; d > 0 {
			if _, err := g.LinkDelay(ctx, s.real(d), 0); err != nil {
				return fmt.Errorf("link delay %s: %w", d, err)
			}
		}
	}
	if _, err := exec.LookPath(mongors.Binary); err != nil {
		s.data.Mongo.Absent = "mongod is not on PATH: no MongoDB replica set on this machine, so the MongoDB rows and specs skip (docker compose up mongo runs one where Docker exists)"
		return nil
	}
	ips := map[string]string{}
	for i, role := range []string{"primary", "failover"} {
		ips[role], _, _ = net.SplitHostPort(regionAddrs[i])
	}
	set, err := mongors.Start(ctx, s.cfg.Platform.Replication.MongoDBAtlas, mongors.Config{Dir: dir.File("mongo"), RegionIPs: ips, Processes: dir})
	if err != nil {
		return fmt.Errorf("mongodb: %w", err)
	}
	s.mongo = set
	s.endpoints.Mongo = set.URI()
	s.data.Mongo.URI = set.URI()
	return nil
}

// real converts a platform duration to the real time it lasts here.
func (s *sandbox) real(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.cfg.TimeScale)
}

func (s *sandbox) needRedis() (*redisha.Group, error) {
	if s.redis == nil {
		return nil, fmt.Errorf("this sandbox runs no Redis cache: %s", s.data.Redis.Absent)
	}
	return s.redis, nil
}

// undo makes a redisha fault a faults.Injected.
func undo(f redisha.Fault) faults.Injected {
	return faults.Injected{Note: f.String(), Undo: f.Revert}
}

// dataFaultKinds are the fault hooks of the data layer.
func (s *sandbox) dataFaultKinds() []faults.Kind {
	return []faults.Kind{
		s.redisNodeKind("primary", (*redisha.Group).KillPrimary, (*redisha.Group).PausePrimary,
			"SIGKILL the Redis primary (revert restarts it as a replica of the new primary) or SIGSTOP it like a hung host (revert sends SIGCONT)"),
		s.redisNodeKind("replica", (*redisha.Group).KillReplica, (*redisha.Group).PauseReplica,
			"SIGKILL a replica of the Redis primary (revert restarts it as a replica) or SIGSTOP it like a hung host (revert sends SIGCONT); WAIT then finds no replica to acknowledge a write"),
		{
			Name: "link-delay", Usage: "DURATION [JITTER]", MinArgs: 1, MaxArgs: 2,
			Help: "delay the link between the regions (Redis replication) by DURATION of platform time each way, plus up to JITTER",
			Inject: func(ctx context.Context, args []string) (faults.Injected, error) {
				g, err := s.needRedis()
				if err != nil {
					return faults.Injected{}, err
				}
				d, err := time.ParseDuration(args[0])
				if err != nil || d <= 0 {
					return faults.Injected{}, fmt.Errorf("DURATION %q: want a positive duration such as 90s", args[0])
				}
				var jitter time.Duration
				if j := arg(args, 1); j != "" {
					if jitter, err = time.ParseDuration(j); err != nil || jitter < 0 {
						return faults.Injected{}, fmt.Errorf("JITTER %q: want a duration such as 5s", j)
					}
				}
				f, err := g.LinkDelay(ctx, s.real(d), s.real(jitter))
				if err != nil {
					return faults.Injected{}, err
				}
				return faults.Injected{Note: fmt.Sprintf("%s (platform %s, jitter %s)", f, d, jitter), Undo: f.Revert}, nil
			},
		},
		{
			Name: "link-cut", Usage: "", MinArgs: 0, MaxArgs: 0,
			Help: "cut the link between the regions: replication stops, no failover follows",
			Inject: func(ctx context.Context, _ []string) (faults.Injected, error) {
				g, err := s.needRedis()
				if err != nil {
					return faults.Injected{}, err
				}
				f, err := g.LinkCut(ctx)
				if err != nil {
					return faults.Injected{}, err
				}
				return undo(f), nil
			},
		},
		{
			Name: "mongo-primary", Usage: "kill", MinArgs: 1, MaxArgs: 1,
			Help: "SIGKILL the MongoDB primary, where the sandbox runs a replica set (revert restarts it as a secondary)",
			Inject: func(ctx context.Context, args []string) (faults.Injected, error) {
				if s.mongo == nil {
					return faults.Injected{}, fmt.Errorf("this sandbox runs no MongoDB: %s", s.data.Mongo.Absent)
				}
				if args[0] != "kill" {
					return faults.Injected{}, fmt.Errorf("%q: the sandbox's MongoDB faults are kill", args[0])
				}
				note, revert, err := s.mongo.KillPrimary(ctx)
				return faults.Injected{Note: note, Undo: revert}, err
			},
		},
		{
			Name: "mongo-secondary", Usage: "kill [COUNT]", MinArgs: 1, MaxArgs: 2,
			Help: "SIGKILL COUNT (default 1) MongoDB secondaries, where the sandbox runs a replica set (revert restarts them)",
			Inject: func(ctx context.Context, args []string) (faults.Injected, error) {
				if s.mongo == nil {
					return faults.Injected{}, fmt.Errorf("this sandbox runs no MongoDB: %s", s.data.Mongo.Absent)
				}
				if args[0] != "kill" {
					return faults.Injected{}, fmt.Errorf("%q: the sandbox's MongoDB faults are kill", args[0])
				}
				n, err := strconv.Atoi(cmpOr(arg(args, 1), "1"))
				if err != nil || n < 1 {
					return faults.Injected{}, fmt.Errorf("COUNT %q: want a whole number of secondaries, 1 or more", arg(args, 1))
				}
				note, revert, err := s.mongo.KillSecondaries(ctx, n)
				return faults.Injected{Note: note, Undo: revert}, err
			},
		},
	}
}

// redisNodeKind is the fault hook redis-ROLE: kill or pause one node of
// that role.
func (s *sandbox) redisNodeKind(role string, kill func(*redisha.Group, context.Context) (*redisha.Kill, error),
	pause func(*redisha.Group, context.Context) (*redisha.Pause, error), help string) faults.Kind {
	return faults.Kind{
		Name: "redis-" + role, Usage: "kill|pause", MinArgs: 1, MaxArgs: 1, Help: help,
		Inject: func(ctx context.Context, args []string) (faults.Injected, error) {
			g, err := s.needRedis()
			if err != nil {
				return faults.Injected{}, err
			}
			switch args[0] {
			case "kill":
				f, err := kill(g, ctx)
				if err != nil {
					return faults.Injected{}, err
				}
				return undo(f), nil
			case "pause":
				f, err := pause(g, ctx)
				if err != nil {
					return faults.Injected{}, err
				}
				return undo(f), nil
			}
			return faults.Injected{}, fmt.Errorf("%q: want kill or pause", args[0])
		},
	}
}

// dataStatus reports the data layer.
func (s *sandbox) dataStatus(ctx context.Context) DataStatus {
	d := s.data
	if s.redis == nil {
		return d
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	st := s.redis.Status(ctx)
	d.Redis.MasterName, d.Redis.Master, d.Redis.Sentinels = CacheName, st.Master, s.redis.SentinelAddrs()
	for _, n := range st.Nodes {
		d.Redis.Nodes = append(d.Redis.Nodes, RedisNode{Name: n.Name, Region: n.Region, Addr: n.Addr, Role: n.Role, LagBytes: n.LagBytes})
	}
	return d
}

// cacheGroup is the Redis group as ElastiCache describes it.
type cacheGroup struct {
	g       *redisha.Group
	regions map[string]string // redisha's places to AWS region names
}

func (c cacheGroup) Status(ctx context.Context) ([]elasticache.Node, error) {
	st := c.g.Status(ctx)
	roles := map[string]string{}
	for _, n := range st.Nodes {
		roles[n.Addr] = n.Role
	}
	var out []elasticache.Node
	for _, n := range c.g.Nodes() {
		role := elasticache.Down
		switch {
		case n.Addr == st.Master:
			role = elasticache.Primary
		case roles[n.Addr] == "replica":
			role = elasticache.Replica
		}
		out = append(out, elasticache.Node{Region: c.regions[n.Region], Addr: n.Addr, Role: role})
	}
	return out, nil
}

// Failover is what ElastiCache's TestFailover does to a group: the primary
// is lost, a replica promoted, and the old primary replaced as a replica.
func (c cacheGroup) Failover(ctx context.Context) error {
	k, err := c.g.KillPrimary(ctx)
	if err != nil {
		return err
	}
	if err := k.Revert(ctx); err != nil {
		return err
	}
	return c.g.WaitSteady(ctx)
}

// serves is what the sandbox's AWS endpoint serves, as a target profile
// lists it. ElastiCache comes with a running Redis group, which spans both
// regions as a global datastore does; it is a Sentinel group, never in
// cluster mode.
func (s *sandbox) serves() []profile.Capability {
	apis := []profile.Capability{profile.ECS, profile.AutoScaling, profile.CloudWatch, profile.Route53, profile.FIS}
	if s.cache != nil {
		apis = append(apis, profile.ElastiCache, profile.GlobalDatastore)
	}
	return apis
}
