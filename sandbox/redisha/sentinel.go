package redisha

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// sentinel is one redis-sentinel.
type sentinel struct {
	name   string
	place  string // "primary", "failover" or "witness"
	ip     string
	port   string
	client *redis.SentinelClient
	proc   *process
}

func (s *sentinel) addr() string { return net.JoinHostPort(s.ip, s.port) }

func (s *sentinel) role() string { return "redis-sentinel " + s.name }

func (s *sentinel) config(dir, master, masterAddr string, t timing) string {
	host, port, _ := net.SplitHostPort(masterAddr)
	ms := func(name string, d time.Duration) string {
		return fmt.Sprintf("sentinel %s %s %d", name, master, d.Milliseconds())
	}
	return strings.Join([]string{
		"bind " + s.ip,
		"port " + s.port,
		// Pings and INFO carry this sentinel's place, so the fronts send
		// them across the link exactly when this sentinel is in the
		// other region.
		"bind-source-addr " + s.ip,
		"protected-mode no",
		"daemonize no",
		`logfile ""`,
		"dir " + dir,
		// Hello messages carry this address; the other sentinels and
		// clients discovering sentinels connect to it.
		"sentinel announce-ip " + s.ip,
		"sentinel announce-port " + s.port,
		fmt.Sprintf("sentinel monitor %s %s %s %d", master, host, port, Quorum),
		ms("down-after-milliseconds", t.downAfter),
		ms("failover-timeout", t.failoverTimeout),
		fmt.Sprintf("sentinel parallel-syncs %s 1", master),
	}, "\n") + "\n"
}

func (s *sentinel) start(g *Group, masterAddr string) error {
	conf := filepath.Join(g.cfg.Dir, s.name+".conf")
	// A sentinel rewrites its file with what it learns; it must be
	// writable and is written afresh on every start.
	if err := os.WriteFile(conf, []byte(s.config(g.cfg.Dir, g.cfg.MasterName, masterAddr, g.timing)), 0o644); err != nil {
		return fmt.Errorf("writing the configuration of %s: %w", s.name, err)
	}
	p, err := startProcess(g.cfg.SentinelBin, []string{conf}, filepath.Join(g.cfg.Dir, s.name+".log"), s.role(), g.cfg.Processes, g.log)
	if err != nil {
		return err
	}
	s.proc = p
	return nil
}

// scalePeriods sets the sentinel's internal periods to the group's time
// scale. SENTINEL DEBUG exists from Redis 7.0; an older sentinel keeps
// its defaults, and failovers are slower but still happen.
func (s *sentinel) scalePeriods(ctx context.Context, g *Group) {
	args := []any{"sentinel", "debug"}
	for _, p := range []struct {
		name string
		ms   int64
	}{
		{"info-period", g.timing.infoPeriod.Milliseconds()},
		{"ping-period", g.timing.pingPeriod.Milliseconds()},
		{"ask-period", g.timing.askPeriod.Milliseconds()},
		{"publish-period", g.timing.publishPeriod.Milliseconds()},
	} {
		args = append(args, p.name, strconv.FormatInt(p.ms, 10))
	}
	if err := s.client.Process(ctx, redis.NewStatusCmd(ctx, args...)); err != nil {
		g.log.Warn("sentinel keeps its default periods", "sentinel", s.addr(), "err", err)
	}
}
