package ecs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/lb"
)

const (
	// DefaultRegion and DefaultAccountID go into ARNs; they match the
	// sandbox's other engines.
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"

	// DefaultStartDelay is how long, in platform time, a task takes from
	// launch to starting its process: PROVISIONING for the first half,
	// PENDING (the image pull) for the second. AWS publishes no figure;
	// 30-90 s is commonly observed on Fargate (an image pull on every
	// start, an ENI to attach), unconfirmed, so the default is the middle,
	// as config.DefaultTaskStartDelay.
	DefaultStartDelay = 60 * time.Second
	// DefaultStopTimeout is how long, in platform time, a task stopped by
	// the scheduler has between SIGTERM and SIGKILL: the container
	// definition's stopTimeout, 30 s by default on Fargate
	// (API_ContainerDefinition, stopTimeout).
	DefaultStopTimeout = 30 * time.Second
	// DefaultReconcileInterval is how often, in platform time, the
	// scheduler compares every service with its desired count even when
	// nothing told it to. Every change (an API call, a task starting or
	// ending) makes it look at once, so this is a safety net; AWS states
	// no interval.
	DefaultReconcileInterval = 10 * time.Second
	// DefaultProcessStartTimeout bounds, in real time, how long a task's
	// process may take to print its listening line and pass /health. It is
	// real time because it bounds a real process starting, which no clock
	// scale speeds up.
	DefaultProcessStartTimeout = 10 * time.Second
	// StoppedTaskRetention is how long stopped tasks stay visible:
	// "stopped tasks appear in the returned results for at least one
	// hour" (API_ListTasks).
	StoppedTaskRetention = time.Hour
	// MaxServiceEvents is how many events DescribeServices shows: "A
	// maximum of 100 of the latest events are displayed" (API_Service).
	MaxServiceEvents = 100
	// ListeningPrefix starts the one line a task process prints to stdout
	// once it listens, followed by its base URL: the task program's
	// contract (package sandbox/task).
	ListeningPrefix = "gameday-task listening on "
)

// TaskSpec is what the command of a task's process is built from.
type TaskSpec struct {
	TaskID  string
	TaskArn string
	Cluster string
	Service string
	Family  string
	// CPU is the task definition's CPU units (1024 is one vCPU) and
	// MemoryMiB its memory.
	CPU       int
	MemoryMiB int
	// StatsFile is where the process must keep its CPU accounting
	// (sandbox/taskstats) before it prints its listening line; empty when
	// the cluster publishes no metrics.
	StatsFile string
}

// CommandFunc returns the command line of a task's process (args[0] is the
// program) and its environment; a nil env inherits this process's.
type CommandFunc func(TaskSpec) (args, env []string)

// TargetGroups is where a service's tasks are registered as targets, by
// target group ARN. *lb.LoadBalancer is one; the sandbox may combine
// several.
type TargetGroups interface {
	HasTargetGroup(arn string) bool
	RegisterTargets(arn string, targets ...lb.Target) error
	// DeregisterTargets returns a channel closed once the targets have
	// drained.
	DeregisterTargets(arn string, targets ...lb.Target) (<-chan struct{}, error)
	// Unhealthy returns a channel closed once the target's health checks
	// have failed it (or it has left the group).
	Unhealthy(arn string, target lb.Target) (<-chan struct{}, error)
}

var _ TargetGroups = (*lb.LoadBalancer)(nil)

// ProcessRecorder writes task processes down as they start, so that a
// supervisor can stop them after a crash, and forgets them once they have
// ended. state.Dir is one. Record is called right after the process
// starts, before anything else can lose track of it; if it fails, the
// process is killed and the task fails to start.
type ProcessRecorder interface {
	Record(pid, pgid int, role string) error
	Forget(pid int) error
}

// Config is one ECS cluster.
type Config struct {
	// ClusterName is the cluster's name, such as main-cluster.
	ClusterName string
	Region      string // default DefaultRegion
	AccountID   string // default DefaultAccountID
	// Command builds each task's process; required.
	Command CommandFunc
	// StartDelay is the start-up of a task, in platform time; default
	// DefaultStartDelay. ServiceStartDelays overrides it per service name.
	StartDelay         time.Duration
	ServiceStartDelays map[string]time.Duration
	// StopTimeout, ReconcileInterval and ProcessStartTimeout default to
	// the constants of the same names.
	StopTimeout         time.Duration
	ReconcileInterval   time.Duration
	ProcessStartTimeout time.Duration
	// TargetGroups may be nil if no service has a load balancer.
	TargetGroups TargetGroups
	// NoDraining names services deployed without connection draining:
	// their tasks are killed at once when stopped, and their targets stay
	// registered until the load balancer's health checks fail them, as
	// targets registered outside ECS do. It is a deviation from the
	// runbook for testing the harness, never AWS's default.
	NoDraining []string
	// Metrics receives AWS/ECS CPUUtilization and MemoryUtilization; nil
	// publishes nothing.
	Metrics lb.MetricSink
	// StatsDir holds the tasks' stats files, where ECS reads their CPU;
	// required with Metrics.
	StatsDir string
	// Processes, if not nil, records each task process.
	Processes ProcessRecorder
	// OnStopped, if not nil, is called with each task that reaches
	// STOPPED, on a goroutine of its own so that it may call back into
	// the control plane.
	OnStopped func(Task)
	// Logger logs task transitions; default nowhere.
	Logger *slog.Logger
	// TaskOutput receives the tasks' stderr; default nowhere.
	TaskOutput io.Writer
}

// ControlPlane is ECS for one cluster: its API and its service scheduler.
// It is safe for concurrent use.
type ControlPlane struct {
	cfg   Config
	clock clock.Clock
	arn   string
	log   *slog.Logger
	probe *http.Client

	mu           sync.Mutex
	taskDefs     map[string][]*TaskDefinition
	services     map[string]*service
	serviceNames []string // creation order
	tasks        map[string]*task
	taskSeq      uint64
	failLaunches map[string]bool
	closed       bool

	kick   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var clusterPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// New starts a cluster's control plane: its scheduler and, if cfg.Metrics
// is set, its metric publication, on platform time from c. Close stops it
// and every task it started.
func New(cfg Config, c clock.Clock) (*ControlPlane, error) {
	if !clusterPattern.MatchString(cfg.ClusterName) {
		return nil, fmt.Errorf("ecs: cluster name %q: want 1-255 letters, digits, hyphens and underscores", cfg.ClusterName)
	}
	if cfg.Command == nil {
		return nil, fmt.Errorf("ecs: cluster %s: no Command to start tasks with", cfg.ClusterName)
	}
	if cfg.Metrics != nil && cfg.StatsDir == "" {
		return nil, fmt.Errorf("ecs: cluster %s: Metrics without a StatsDir to read the tasks' CPU from", cfg.ClusterName)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.StartDelay == 0 {
		cfg.StartDelay = DefaultStartDelay
	}
	if cfg.StopTimeout == 0 {
		cfg.StopTimeout = DefaultStopTimeout
	}
	if cfg.ReconcileInterval == 0 {
		cfg.ReconcileInterval = DefaultReconcileInterval
	}
	if cfg.ProcessStartTimeout == 0 {
		cfg.ProcessStartTimeout = DefaultProcessStartTimeout
	}
	for name, d := range cfg.ServiceStartDelays {
		if d < 0 {
			return nil, fmt.Errorf("ecs: start delay of service %s is negative: %s", name, d)
		}
	}
	if cfg.StartDelay < 0 || cfg.StopTimeout < 0 || cfg.ReconcileInterval < 0 || cfg.ProcessStartTimeout < 0 {
		return nil, fmt.Errorf("ecs: cluster %s: negative start delay, stop timeout, reconcile interval or process start timeout", cfg.ClusterName)
	}
	cfg.ServiceStartDelays = maps.Clone(cfg.ServiceStartDelays)
	cfg.NoDraining = slices.Clone(cfg.NoDraining)
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cl := &ControlPlane{
		cfg:   cfg,
		clock: c,
		arn:   fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", cfg.Region, cfg.AccountID, cfg.ClusterName),
		log:   log.With("cluster", cfg.ClusterName),
		// Health probes open a connection each, as ELB's do, so that none
		// lingers to hold up a task's graceful shutdown.
		probe:        &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
		taskDefs:     map[string][]*TaskDefinition{},
		services:     map[string]*service{},
		tasks:        map[string]*task{},
		failLaunches: map[string]bool{},
		kick:         make(chan struct{}, 1),
	}
	cl.ctx, cl.cancel = context.WithCancel(context.Background())
	cl.wg.Go(cl.schedule)
	if cfg.Metrics != nil {
		cl.wg.Go(cl.publishLoop)
	}
	return cl, nil
}

// String describes the control plane's configuration for reports.
func (c *ControlPlane) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ecs cluster %s in %s: start delay %s", c.cfg.ClusterName, c.cfg.Region, c.cfg.StartDelay)
	names := slices.Sorted(maps.Keys(c.cfg.ServiceStartDelays))
	for _, name := range names {
		fmt.Fprintf(&b, ", %s %s", name, c.cfg.ServiceStartDelays[name])
	}
	fmt.Fprintf(&b, "; stop timeout %s, reconcile every %s, process start timeout %s (real time)", c.cfg.StopTimeout, c.cfg.ReconcileInterval, c.cfg.ProcessStartTimeout)
	return b.String()
}

// Name is the cluster's name.
func (c *ControlPlane) Name() string { return c.cfg.ClusterName }

// ARN is the cluster's ARN.
func (c *ControlPlane) ARN() string { return c.arn }

// Close stops the scheduler and ends every task process this cluster
// started, with SIGKILL to its process group, and waits for them to exit.
// It touches no other process. The API keeps answering from the state as
// it was; nothing is launched any more.
func (c *ControlPlane) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	return nil
}

// reconcileNowLocked makes a service converge at once, so that the caller
// of an API call that changed it sees the tasks it launched.
func (c *ControlPlane) reconcileNowLocked(s *service) {
	if !c.closed {
		c.reconcileServiceLocked(s, c.clock.Now())
	}
}

// poke asks the scheduler to look at the services now.
func (c *ControlPlane) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// checkCluster resolves a Cluster parameter: a name or ARN, the
// default cluster when empty.
func (c *ControlPlane) checkCluster(ref string) *Error {
	if ref == "" {
		ref = "default"
	}
	if ref == c.cfg.ClusterName || ref == c.arn {
		return nil
	}
	return clusterNotFound()
}

// serviceLocked resolves a service by name or ARN.
func (c *ControlPlane) serviceLocked(ref string) (*service, *Error) {
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		prefix := fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/", c.cfg.Region, c.cfg.AccountID, c.cfg.ClusterName)
		var ok bool
		if name, ok = strings.CutPrefix(ref, prefix); !ok {
			return nil, serviceNotFound()
		}
	}
	s, ok := c.services[name]
	if !ok {
		return nil, serviceNotFound()
	}
	return s, nil
}

// taskLocked resolves a task by id or ARN.
func (c *ControlPlane) taskLocked(ref string) (*task, bool) {
	id := ref
	if i := strings.LastIndexByte(ref, '/'); i >= 0 && strings.HasPrefix(ref, "arn:") {
		if ref[:i+1] != c.taskARNPrefix() {
			return nil, false
		}
		id = ref[i+1:]
	}
	tk, ok := c.tasks[id]
	return tk, ok
}

func (c *ControlPlane) taskARNPrefix() string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/", c.cfg.Region, c.cfg.AccountID, c.cfg.ClusterName)
}

// startDelay is a service's task start-up.
func (c *ControlPlane) startDelay(serviceName string) time.Duration {
	if d, ok := c.cfg.ServiceStartDelays[serviceName]; ok {
		return d
	}
	return c.cfg.StartDelay
}

// ListClusters lists the region's one cluster.
func (c *ControlPlane) ListClusters() ListClustersOutput {
	return ListClustersOutput{ClusterArns: []string{c.arn}}
}

// DescribeClusters reports this cluster, if named (or if none is named and
// it is the default cluster); every other name is a failure.
func (c *ControlPlane) DescribeClusters(in DescribeClustersInput) (DescribeClustersOutput, error) {
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{"default"}
	}
	if len(refs) > 100 {
		return DescribeClustersOutput{}, invalid("clusters can have at most 100 items.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out DescribeClustersOutput
	for _, ref := range refs {
		if c.checkCluster(ref) != nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", c.cfg.Region, c.cfg.AccountID, ref)
			}
			out.Failures = append(out.Failures, Failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		cl := Cluster{ClusterArn: c.arn, ClusterName: c.cfg.ClusterName, Status: "ACTIVE", ActiveServicesCount: len(c.services)}
		for _, tk := range c.tasks {
			switch {
			case tk.view.LastStatus == StatusRunning:
				cl.RunningTasksCount++
			case isPending(tk.view.LastStatus):
				cl.PendingTasksCount++
			}
		}
		out.Clusters = append(out.Clusters, cl)
	}
	return out, nil
}

// isPending tells the statuses counted as pending: every status before
// RUNNING. AWS's documentation speaks of the PENDING state only; a task
// still provisioning or registering with its load balancer is not yet
// running either.
func isPending(status string) bool {
	return status == StatusProvisioning || status == StatusPending || status == StatusActivating
}

// newTaskID makes a task id: 32 hex digits, as ECS's.
func newTaskID() string {
	return fmt.Sprintf("%016x%016x", rand.Uint64(), rand.Uint64())
}

// newDeploymentID makes a deployment id: ecs-svc/ and 19 digits, as ECS's.
func newDeploymentID() string {
	return fmt.Sprintf("ecs-svc/%d", 1e18+rand.N(uint64(9e18)))
}

// newEventID makes an event id, a random (version 4) UUID as ECS's.
func newEventID() string {
	hi, lo := rand.Uint64(), rand.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	h := fmt.Sprintf("%016x%016x", hi, lo)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
