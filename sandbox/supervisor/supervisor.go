// Package supervisor puts the sandbox together: it starts the engines on
// one platform clock, configures them from the spec as the runbook's
// commands would, runs the per-minute control loop, serves the sandbox's own
// control API, and writes the endpoints and target profile once every
// service runs its minimum number of tasks.
package supervisor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/sandbox/dnsserver"
	"github.com/gameday-sre/gameday/sandbox/elasticache"
	"github.com/gameday-sre/gameday/sandbox/endpoint"
	"github.com/gameday-sre/gameday/sandbox/faults"
	"github.com/gameday-sre/gameday/sandbox/fis"
	"github.com/gameday-sre/gameday/sandbox/mongors"
	"github.com/gameday-sre/gameday/sandbox/redisha"
	"github.com/gameday-sre/gameday/sandbox/route53"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Options are what Run needs.
type Options struct {
	Config *config.Sandbox
	Dir    state.Dir
	// TaskCommand starts a task process; the task's flags are appended.
	TaskCommand []string
	Log         io.Writer
}

// Run runs the sandbox until ctx is done, then stops everything it started.
func Run(ctx context.Context, o Options) (err error) {
	cfg := o.Config
	log := slog.New(slog.NewTextHandler(o.Log, nil))
	clk, err := clock.NewScaled(cfg.StartAt, cfg.TimeScale)
	if err != nil {
		return err
	}
	if err := o.Dir.Record(os.Getpid(), syscall.Getpgrp(), state.RoleSupervisor); err != nil {
		return err
	}
	defer o.Dir.Forget(os.Getpid())

	s := &sandbox{cfg: cfg, clock: clk, log: log, healthSince: map[string]time.Time{}, lag: &minuteLag{clock: clk}}
	defer s.close()
	if err := s.start(o); err != nil {
		return err
	}
	for _, r := range s.regions {
		if err := r.configure(cfg); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
	}
	// The platform's minutes start with the clock, not once the data
	// stores are up: a scheduled action due a minute after --start-at
	// runs then, however long the rest of the start-up takes.
	loop, stopLoop := context.WithCancel(ctx)
	defer stopLoop()
	go s.controlLoop(loop)
	if err := s.startData(ctx, o.Dir); err != nil {
		return err
	}
	if err := s.serveAWS(); err != nil {
		return err
	}
	if err := s.waitForMinimum(ctx); err != nil {
		return err
	}
	s.lag.markReady()
	if err := s.startRoute53(ctx); err != nil {
		return err
	}
	if err := s.publishEndpoints(o.Dir); err != nil {
		return err
	}
	log.Info("sandbox ready", "aws", s.endpoints.AWS, "loadBalancers", s.endpoints.LoadBalancers, "clock", clk)
	<-ctx.Done()
	log.Info("sandbox stopping")
	return nil
}

type sandbox struct {
	cfg     *config.Sandbox
	clock   *clock.Scaled
	log     *slog.Logger
	regions []*region // primary first
	route53 *route53.Engine
	dns     *dnsserver.Server
	redis   *redisha.Group
	cache   *elasticache.Engine
	mongo   *mongors.Set
	// data holds why a store is absent; dataStatus adds the live state.
	data DataStatus
	mu   sync.Mutex
	// healthSince is when each health check's status last changed.
	healthSince map[string]time.Time
	faults      *faults.Registry
	servers     []*http.Server
	endpoints   Endpoints
	lag         *minuteLag
}

func (s *sandbox) close() {
	if s.mongo != nil {
		s.mongo.Stop()
	}
	if s.cache != nil {
		s.cache.Close()
	}
	if s.redis != nil {
		s.redis.Stop()
	}
	if s.dns != nil {
		s.dns.Close()
	}
	if s.route53 != nil {
		s.route53.Close()
	}
	for _, r := range s.regions {
		r.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range s.servers {
		srv.Shutdown(ctx)
	}
}

func (s *sandbox) primary() *region { return s.regions[0] }

func (s *sandbox) region(name string) (*region, bool) {
	for _, r := range s.regions {
		if r.name == name {
			return r, true
		}
	}
	return nil, false
}

func (s *sandbox) start(o Options) error {
	p := s.cfg.Platform
	mux := http.NewServeMux()
	mux.HandleFunc(StatusPath, s.serveStatus)
	mux.HandleFunc(LagPath, s.serveLag)
	s.faults = faults.NewRegistry(s.clock.Now, append(s.faultKinds(), s.dataFaultKinds()...)...)
	mux.Handle(faults.Path, s.faults.Handler())
	mux.Handle(faults.Path+"/", s.faults.Handler())
	// Go's profiles of the supervisor, on the loopback-only control
	// endpoint: where its own time goes is what the benchmark reports.
	mux.HandleFunc(ProfilePath, pprof.Profile)
	var err error
	if s.endpoints.Control, err = s.serve("control endpoint", mux); err != nil {
		return err
	}

	s.endpoints.LoadBalancers = map[string]string{}
	for i, name := range []string{p.Regions.Primary.Name, p.Regions.Failover.Name} {
		r, err := s.startRegion(i, name, regionAddrs[i], o)
		s.regions = append(s.regions, r)
		if err != nil {
			return err
		}
		mux.Handle(queuePath(name)+"/queue/", http.StripPrefix(queuePath(name), r.queue.Handler()))
		s.endpoints.LoadBalancers[name] = r.balancer.URL()
	}
	s.route53 = s.newRoute53()
	return nil
}

// serveAWS serves the AWS endpoint once every engine behind it exists.
func (s *sandbox) serveAWS() error {
	engines := map[string]endpoint.Region{}
	for i, r := range s.regions {
		cfg := fis.Config{Region: r.name, Clock: s.clock, ECS: r.ecs, Alarms: r.cw, Faults: s.faults, Log: r.log.With("service", "fis")}
		// The Redis group's home is the primary region, where ElastiCache
		// describes it.
		if i == 0 && s.cache != nil {
			cfg.ReplicationGroups = []string{fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", r.name, elasticache.DefaultAccountID, CacheName)}
		}
		var err error
		if r.fis, err = fis.New(cfg); err != nil {
			return err
		}
		engines[r.name] = r.engines()
	}
	aws, err := endpoint.New(engines, endpoint.Global{Route53: s.route53, ElastiCache: s.cache}, s.primary().name, s.log)
	if err != nil {
		return err
	}
	s.endpoints.AWS, err = s.serve("AWS endpoint", aws)
	return err
}

// serve serves h on a free loopback port until the sandbox closes and
// returns its URL.
func (s *sandbox) serve(what string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// tickOffset is where in each platform minute the control loop runs:
// halfway, so that the metrics the load balancers and ECS publish as the
// minute before ends are in CloudWatch when the alarms are evaluated, and
// a scheduled action runs inside the minute it is due.
const tickOffset = 30 * time.Second

// controlLoop runs every region's minute on the platform clock, at
// tickOffset into each minute. Each minute's timer aims at its own due
// time, so a late minute does not make the ones after it late; a minute
// whose time had passed when the next was due never runs, as a ticker
// drops the ticks its receiver was too late for, and counts as skipped in
// the lag.
func (s *sandbox) controlLoop(ctx context.Context) {
	now := s.clock.Now()
	due := now.Truncate(time.Minute).Add(tickOffset)
	if !due.After(now) {
		due = due.Add(time.Minute)
	}
	timer := s.clock.NewTimer(due.Sub(now))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now = <-timer.C():
		}
		if s.cfg.MinuteLag > 0 && s.clock.Sleep(ctx, s.cfg.MinuteLag) != nil {
			return
		}
		for _, r := range s.regions {
			r.tick(s.cfg.Platform, now)
		}
		s.lag.done(due)
		due = due.Add(autoscaling.TickInterval)
		now = s.clock.Now()
		for !now.Before(due.Add(autoscaling.TickInterval)) {
			s.lag.skippedTick(due, now)
			due = due.Add(autoscaling.TickInterval)
		}
		timer.Reset(due.Sub(now))
	}
}

func (s *sandbox) waitForMinimum(ctx context.Context) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		st := s.status()
		ready := true
		for _, svc := range st.Services {
			ready = ready && svc.Running >= svc.Min
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("stopped before every service reached its minimum")
		case <-t.C:
		}
	}
}

func (s *sandbox) publishEndpoints(dir state.Dir) error {
	p := s.cfg.Platform
	prof := &profile.Profile{
		Name:        "local",
		Description: "the sandbox started by gameday sandbox up in " + dir.Path,
		Regions:     profile.Regions{Primary: p.Regions.Primary.Name, Failover: p.Regions.Failover.Name},
		Endpoints: profile.Endpoints{AWS: s.endpoints.AWS, LoadBalancers: s.endpoints.LoadBalancers, DNS: s.endpoints.DNS,
			RedisSentinels: s.endpoints.RedisSentinels, Mongo: s.endpoints.Mongo, Faults: s.endpoints.Control},
		Clock:  &profile.Clock{Scale: s.cfg.TimeScale, PlatformOrigin: s.clock.Now(), RealOrigin: time.Now()},
		Serves: s.serves(),
		Names:  profile.ResourceNames{HostedZone: hostedZone(p), ReplicationGroup: CacheName},
	}
	if err := profile.Write(dir.File("target.yaml"), prof); err != nil {
		return err
	}
	return dir.WriteJSON(ReadyFile, s.endpoints)
}

func (s *sandbox) serveStatus(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.status())
}

// serveLag is the lag alone: what a game day reads after every verdict,
// without the status's reads of every engine, which a frozen Redis node
// would hold up.
func (s *sandbox) serveLag(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.lag.status())
}

func (s *sandbox) status() Status {
	st := Status{PlatformTime: s.clock.Now(), Clock: s.clock.String(), Endpoints: s.endpoints, Deviations: []string{}, Faults: s.faults.Active()}
	for _, d := range s.cfg.Deviations {
		st.Deviations = append(st.Deviations, d.String())
	}
	for _, r := range s.regions {
		r.status(s.cfg.Platform, &st)
	}
	s.route53Status(context.Background(), &st)
	st.Data = s.dataStatus(context.Background())
	st.Lag = s.lag.status()
	return st
}
