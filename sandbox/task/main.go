// Package task is the program that runs inside each of the sandbox's ECS
// tasks: one OS process per task, serving one of the platform's three
// services (frontend, api, ai) over HTTP on loopback, so that real load
// drives real scaling.
//
// The sandbox's scheduler starts it as `gameday sandbox task --service ...`
// and reads the one line it prints to stdout once it listens (see
// ListeningPrefix and ParseListening). The task serves until SIGTERM, after
// which it finishes what is in flight (within ShutdownGrace) and exits 0, or
// until SIGKILL. Its answers go through a capacity model (see model) that
// makes utilisation follow load, latency grow as utilisation approaches 1,
// and overload shed with 503.
//
// Every service answers
//
//	GET  /health                              200 "ok"
//	GET  /_sandbox/stats                      Stats as JSON
//	POST /_sandbox/latency?add=D&jitter=J     add latency to every answer
//
// and then, by service:
//
//	frontend  GET /, GET /editor/{docId}      small HTML pages of the product
//	api       POST /v1/documents/{id}/enhance body {"text": ...}; puts an AI
//	                                          work item on the queue, 202
//	          GET /v1/documents/{id}          the document as JSON
//	ai        no public routes: a worker leases items from the queue,
//	          spends CPU on each in proportion to its text, and acks it.
//
// The latency fault hook is a fault as a slow network or dependency makes
// it: every answer of the service's routes and /health is held back by add
// plus a uniformly random [0, jitter), which takes no CPU (busySeconds does
// not grow) and no capacity from other requests. add=0 with no jitter
// removes it. The /_sandbox routes themselves are never delayed: they are
// the sandbox's instruments, not part of the service, and delaying them
// would distort the metrics the fault is meant to move.
package task

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/gameday-sre/gameday/sandbox/taskstats"
)

// The services a task can run.
const (
	ServiceFrontend = "frontend"
	ServiceAPI      = "api"
	ServiceAI       = "ai"
)

const (
	// DefaultRequestsPerVCPU is C per vCPU: how many requests a vCPU serves
	// per real second. At 50, the runbook's tasks (frontend 0.5 vCPU, api 1)
	// serve 25 and 50 requests a second, so a load of a few hundred
	// requests a second, which a 2-core machine drives and serves with
	// ease, takes every service past its scaling thresholds and to its
	// maximum task counts.
	DefaultRequestsPerVCPU = 50
	// DefaultMaxQueueWait is the longest a request waits for the CPU before
	// it is shed. It is twice the runbook's APILatencyHigh threshold (p90
	// above 500 ms), so an overloaded service first shows as high latency,
	// then as 5xx errors.
	DefaultMaxQueueWait = time.Second
	// DefaultAIBytesPerVCPUSecond is how much text an AI task's vCPU
	// processes per real second. AI work is slow next to a request: at
	// 2048, a 2 vCPU task takes a quarter of a second over a KiB of text,
	// so a few tens of enhancement requests a second build the queue past
	// the runbook's scale-out threshold of 20 items.
	DefaultAIBytesPerVCPUSecond = 2048
	// ShutdownGrace bounds the drain after SIGTERM. It is ECS's default
	// stopTimeout, after which the agent sends SIGKILL anyway.
	ShutdownGrace = 30 * time.Second
)

// fargateVCPUs are the CPU sizes a Fargate task can have.
var fargateVCPUs = []float64{0.25, 0.5, 1, 2, 4, 8, 16}

type config struct {
	service              string
	vcpu                 float64
	memoryMiB            int
	listen               string
	queueURL             string
	requestsPerVCPU      float64
	maxQueueWait         time.Duration
	aiBytesPerVCPUSecond float64
	taskID               string
	statsFile            string
	// seed drives the service-time variation; tests fix it.
	seed uint64
}

// Main runs a task with command-line args (without the program name),
// until SIGTERM or SIGINT. It returns the process's exit code: 0 after a
// clean drain, 1 if the task failed or did not drain within ShutdownGrace,
// 2 for bad arguments.
func Main(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseArgs(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "gameday sandbox task: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "gameday sandbox task: %v\n", err)
		return 1
	}
	return 0
}

func parseArgs(args []string, usage io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("gameday sandbox task", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintln(usage, "usage: gameday sandbox task --service frontend|api|ai --vcpu N --memory-mib N [flags]")
		fs.SetOutput(usage)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fs.StringVar(&cfg.service, "service", "", "the service this task runs: frontend, api or ai (required)")
	fs.Float64Var(&cfg.vcpu, "vcpu", 0, "the task's CPU reservation, a Fargate size: 0.25, 0.5, 1, 2, 4, 8 or 16 (required; the runbook allocates frontend 0.5, api 1, ai 2)")
	fs.IntVar(&cfg.memoryMiB, "memory-mib", 0, "the task's memory reservation in MiB, reported in its stats (required)")
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:0", "address to serve HTTP on; port 0 picks a free one")
	fs.StringVar(&cfg.queueURL, "queue-url", "", "base URL of the AI work queue (required for api and ai)")
	fs.Float64Var(&cfg.requestsPerVCPU, "requests-per-vcpu", DefaultRequestsPerVCPU, "requests one vCPU serves per real second; capacity is vcpu times this")
	fs.DurationVar(&cfg.maxQueueWait, "max-queue-wait", DefaultMaxQueueWait, "a request that would wait longer than this for the CPU is shed with 503")
	fs.Float64Var(&cfg.aiBytesPerVCPUSecond, "ai-bytes-per-vcpu-second", DefaultAIBytesPerVCPUSecond, "bytes of text one vCPU of the ai service processes per real second")
	fs.StringVar(&cfg.taskID, "task-id", "", "the task's id in stats and logs (default SERVICE-PID)")
	fs.StringVar(&cfg.statsFile, "stats-file", "", "a file to keep the task's CPU accounting in, memory-mapped, for the sandbox's ECS to read (sandbox/taskstats); default none")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := cfg.validate(); err != nil {
		return config{}, err
	}
	if cfg.taskID == "" {
		cfg.taskID = cfg.service + "-" + strconv.Itoa(os.Getpid())
	}
	cfg.seed = rand.Uint64()
	return cfg, nil
}

func (c *config) validate() error {
	switch c.service {
	case ServiceFrontend, ServiceAPI, ServiceAI:
	case "":
		return errors.New("--service is required: frontend, api or ai")
	default:
		return fmt.Errorf("--service %q: want frontend, api or ai", c.service)
	}
	if !slices.Contains(fargateVCPUs, c.vcpu) {
		return fmt.Errorf("--vcpu %v: want a Fargate CPU size, one of %v", c.vcpu, fargateVCPUs)
	}
	if c.memoryMiB <= 0 {
		return fmt.Errorf("--memory-mib %d: want a positive number of MiB, such as 1024", c.memoryMiB)
	}
	if c.service != ServiceFrontend {
		u, err := url.Parse(c.queueURL)
		if c.queueURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--queue-url %q: the %s service needs the queue's base URL, such as http://127.0.0.1:8080", c.queueURL, c.service)
		}
	}
	if !(c.requestsPerVCPU > 0) {
		return fmt.Errorf("--requests-per-vcpu %v: want a number above 0", c.requestsPerVCPU)
	}
	if c.maxQueueWait < 0 {
		return fmt.Errorf("--max-queue-wait %s: want 0 or more", c.maxQueueWait)
	}
	if !(c.aiBytesPerVCPUSecond > 0) {
		return fmt.Errorf("--ai-bytes-per-vcpu-second %v: want a number above 0", c.aiBytesPerVCPUSecond)
	}
	return nil
}

// run serves until ctx is done, then drains.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.listen, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil)).With("task", cfg.taskID, "service", cfg.service)
	t := newTask(cfg, log)
	if cfg.statsFile != "" {
		w, err := taskstats.Create(cfg.statsFile, t.startedAt)
		if err != nil {
			ln.Close()
			return err
		}
		defer w.Close()
		t.model.stats = w
	}
	srv := &http.Server{
		Handler:           t.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if _, err := fmt.Fprintf(stdout, "%shttp://%s\n", ListeningPrefix, ln.Addr()); err != nil {
		ln.Close()
		return fmt.Errorf("announce the listening address: %w", err)
	}
	log.Info("task started", "addr", ln.Addr().String(), "vcpu", cfg.vcpu, "memoryMiB", cfg.memoryMiB,
		"capacityPerSecond", cfg.vcpu*cfg.requestsPerVCPU, "maxQueueWait", cfg.maxQueueWait)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// leasing stops at SIGTERM; hard ends the work in hand when the grace
	// runs out.
	leasing, stopLeasing := context.WithCancel(ctx)
	defer stopLeasing()
	hard, stopHard := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHard()
	var worker sync.WaitGroup
	if cfg.service == ServiceAI {
		worker.Go(func() { t.work(leasing, hard) })
	}

	select {
	case err := <-served:
		stopLeasing()
		stopHard()
		worker.Wait()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("draining", "grace", ShutdownGrace)
	grace := time.AfterFunc(ShutdownGrace, stopHard)
	defer grace.Stop()
	shutErr := srv.Shutdown(hard)
	worker.Wait()
	if shutErr != nil || hard.Err() != nil {
		srv.Close()
		return fmt.Errorf("in-flight work did not finish within %s", ShutdownGrace)
	}
	log.Info("stopped")
	return nil
}
