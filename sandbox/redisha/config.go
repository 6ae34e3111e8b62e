package redisha

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"time"
)

// Defaults for Config.
const (
	DefaultPrimaryIP   = "127.0.1.1"
	DefaultFailoverIP  = "127.0.2.1"
	DefaultWitnessIP   = "127.0.3.1"
	DefaultTimeScale   = 60
	DefaultServerBin   = "redis-server"
	DefaultSentinelBin = "redis-sentinel"
	// DefaultStartTimeout bounds, in real time, how long a process may
	// take to answer and the group to reach its steady state.
	DefaultStartTimeout = 20 * time.Second
)

// Sentinels and Quorum are fixed: three sentinels in three places, two of
// which must agree, is the smallest deployment that survives a region.
const (
	Sentinels = 3
	Quorum    = 2
)

// Recorder writes processes down as they start, so that `sandbox down`
// can stop them even after the supervisor crashed, and forgets them once
// they have ended. state.Dir is one. If Record fails the process is
// killed and the start fails.
type Recorder interface {
	Record(pid, pgid int, role string) error
	Forget(pid int) error
}

// Config is one Redis replication group.
type Config struct {
	// MasterName is the name the sentinels monitor the group under and
	// clients ask for, such as the replication group's ID; required.
	MasterName string
	// Dir holds the configuration files, the data and one log file per
	// process; required. It is created if missing.
	Dir string
	// Replicas is how many replicas run in the failover region: 1 as the
	// runbook's cross-region replication has it, 0 for a lone primary
	// that cannot fail over (the redis.replicas=0 deviation).
	Replicas int
	// PrimaryIP, FailoverIP and WitnessIP are the loopback addresses of
	// the two regions and of the third sentinel's place; defaults
	// DefaultPrimaryIP, DefaultFailoverIP and DefaultWitnessIP.
	PrimaryIP, FailoverIP, WitnessIP string
	// TimeScale is platform seconds per real second; default
	// DefaultTimeScale.
	TimeScale float64
	// ServerBin and SentinelBin are the executables; defaults
	// DefaultServerBin and DefaultSentinelBin, looked up in PATH.
	ServerBin, SentinelBin string
	// StartTimeout defaults to DefaultStartTimeout.
	StartTimeout time.Duration
	// Processes, if not nil, records every process started.
	Processes Recorder
	// Logger logs starts, exits and faults; default nowhere.
	Logger *slog.Logger
}

// masterNamePattern keeps the name to what a sentinel config line and a
// pubsub message can carry without quoting.
var masterNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func (c Config) withDefaults() (Config, error) {
	if !masterNamePattern.MatchString(c.MasterName) {
		return c, fmt.Errorf("redisha: master name %q: want 1-64 letters, digits, dots, hyphens and underscores", c.MasterName)
	}
	if c.Dir == "" {
		return c, errors.New("redisha: no Dir for configuration, data and logs")
	}
	if c.Replicas < 0 {
		return c, fmt.Errorf("redisha: %d replicas: want 0 or more", c.Replicas)
	}
	c.PrimaryIP = or(c.PrimaryIP, DefaultPrimaryIP)
	c.FailoverIP = or(c.FailoverIP, DefaultFailoverIP)
	c.WitnessIP = or(c.WitnessIP, DefaultWitnessIP)
	ips := map[string]bool{}
	for _, ip := range []string{c.PrimaryIP, c.FailoverIP, c.WitnessIP} {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() || !a.IsLoopback() {
			return c, fmt.Errorf("redisha: address %q: want an IPv4 loopback address such as 127.0.1.1", ip)
		}
		if ips[ip] {
			return c, fmt.Errorf("redisha: address %s is given to two places; the regions and the witness need one each, because the cross-region link is told apart by source address", ip)
		}
		ips[ip] = true
	}
	if c.TimeScale == 0 {
		c.TimeScale = DefaultTimeScale
	}
	if c.TimeScale < 1 {
		return c, fmt.Errorf("redisha: time scale %v: want 1 or more", c.TimeScale)
	}
	c.ServerBin = or(c.ServerBin, DefaultServerBin)
	c.SentinelBin = or(c.SentinelBin, DefaultSentinelBin)
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func (c Config) String() string {
	return fmt.Sprintf("redis group %s: primary on %s, %d replicas on %s, %d sentinels (quorum %d), time scale %gx, %s",
		c.MasterName, c.PrimaryIP, c.Replicas, c.FailoverIP, Sentinels, Quorum, c.TimeScale, c.timing())
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// timing is Sentinel's timing at the group's time scale, in real time.
type timing struct {
	downAfter, failoverTimeout                       time.Duration
	infoPeriod, pingPeriod, askPeriod, publishPeriod time.Duration
}

// Floors below which scaling stops: the sentinel timer runs 10-20 times a
// second, and a ping answered late on a busy two-core host must not
// count as a node down. Pings and hellos every 250 ms still give two
// chances within down-after, at a quarter of the chatter of 100 ms, which
// an idle sandbox otherwise spends most of its Redis CPU on.
const (
	minPeriod          = 250 * time.Millisecond
	minDownAfter       = 500 * time.Millisecond
	minFailoverTimeout = 2 * time.Second
)

func (c Config) timing() timing {
	scale := func(platform, floor time.Duration) time.Duration {
		return max(time.Duration(float64(platform)/c.TimeScale).Round(time.Millisecond), floor)
	}
	// Sentinel's defaults, platform time: down-after-milliseconds 30 s,
	// failover-timeout 180 s, INFO every 10 s, PING every 1 s, asking the
	// other sentinels every 1 s, hello every 2 s.
	return timing{
		downAfter:       scale(30*time.Second, minDownAfter),
		failoverTimeout: scale(180*time.Second, minFailoverTimeout),
		infoPeriod:      scale(10*time.Second, minPeriod),
		pingPeriod:      scale(time.Second, minPeriod),
		askPeriod:       scale(time.Second, minPeriod),
		publishPeriod:   scale(2*time.Second, minPeriod),
	}
}

func (t timing) String() string {
	return fmt.Sprintf("down-after %s, failover-timeout %s", t.downAfter, t.failoverTimeout)
}
