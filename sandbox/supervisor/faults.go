package supervisor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gameday-sre/gameday/sandbox/ecs"
	"github.com/gameday-sre/gameday/sandbox/faults"
	"github.com/gameday-sre/gameday/sandbox/lb"
	"github.com/gameday-sre/gameday/sandbox/task"
)

// faultKinds are the sandbox's fault hooks. REGION defaults to the
// primary region wherever it is optional.
func (s *sandbox) faultKinds() []faults.Kind {
	return []faults.Kind{
		{
			Name: "kill-task", Usage: "SERVICE [COUNT] [REGION]", MinArgs: 1, MaxArgs: 3,
			Help: "SIGKILL COUNT (default 1) running tasks of the service; ECS replaces them after the start delay, so revert has nothing to undo",
			Inject: func(_ context.Context, args []string) (faults.Injected, error) {
				r, procs, err := s.serviceTasks(args[0], arg(args, 2))
				if err != nil {
					return faults.Injected{}, err
				}
				n, err := count(arg(args, 1), len(procs))
				if err != nil {
					return faults.Injected{}, err
				}
				var killed []string
				for _, p := range procs[:n] {
					if err := syscall.Kill(-p.PGID, syscall.SIGKILL); err != nil {
						return faults.Injected{Note: strings.Join(killed, " ")}, fmt.Errorf("killing task %s (pid %d): %w", p.TaskArn, p.PID, err)
					}
					killed = append(killed, p.TaskArn[strings.LastIndexByte(p.TaskArn, '/')+1:])
				}
				return faults.Injected{
					Note: fmt.Sprintf("killed %d task(s) of %s in %s: %s", n, args[0], r.name, strings.Join(killed, " ")),
					Undo: func(context.Context) error { return nil },
				}, nil
			},
		},
		{
			Name: "region-down", Usage: "REGION [refuse|blackhole]", MinArgs: 1, MaxArgs: 2,
			Help: "take the region's load balancer down: refuse connections (default) or accept and never answer; revert brings it back on the same address",
			Inject: func(_ context.Context, args []string) (faults.Injected, error) {
				r, err := s.regionNamed(args[0])
				if err != nil {
					return faults.Injected{}, err
				}
				mode, err := lb.ParseDownMode(cmpOr(arg(args, 1), "refuse"))
				if err != nil || mode == lb.Up {
					return faults.Injected{}, fmt.Errorf("mode %q: want refuse or blackhole", arg(args, 1))
				}
				if err := r.balancer.SetDown(mode); err != nil {
					return faults.Injected{}, err
				}
				return faults.Injected{
					Note: fmt.Sprintf("load balancer %s of %s: %s", r.balancer.URL(), r.name, mode),
					Undo: func(context.Context) error { return r.balancer.SetDown(lb.Up) },
				}, nil
			},
		},
		{
			Name: "region-outage", Usage: "REGION [refuse|blackhole]", MinArgs: 1, MaxArgs: 2,
			Help: "the whole region stops answering at once: its load balancer (refuse, the default, or blackhole) and every Redis node and sentinel placed there (frozen, so connections go silent); revert brings them all back",
			Inject: func(ctx context.Context, args []string) (faults.Injected, error) {
				return s.regionOutage(ctx, args[0], arg(args, 1))
			},
		},
		{
			Name: "latency", Usage: "SERVICE DURATION [JITTER] [REGION]", MinArgs: 2, MaxArgs: 4,
			Help: "add DURATION (and up to JITTER more) to every response of the service's running tasks",
			Inject: func(ctx context.Context, args []string) (faults.Injected, error) {
				r, procs, err := s.serviceTasks(args[0], arg(args, 3))
				if err != nil {
					return faults.Injected{}, err
				}
				add, err := time.ParseDuration(args[1])
				if err != nil || add <= 0 {
					return faults.Injected{}, fmt.Errorf("DURATION %q: want a positive duration such as 800ms", args[1])
				}
				var jitter time.Duration
				if j := arg(args, 2); j != "" {
					if jitter, err = time.ParseDuration(j); err != nil || jitter < 0 {
						return faults.Injected{}, fmt.Errorf("JITTER %q: want a duration such as 50ms", j)
					}
				}
				set := func(ctx context.Context, l task.Latency) error {
					var errs []error
					for _, p := range procs {
						// Before the task answers otherwise, so that
						// the load balancer's health checks are real
						// again by the time it does.
						r.ecs.Disturb(p.TaskArn)
						if err := task.SetLatency(ctx, p.URL, l); err != nil {
							errs = append(errs, fmt.Errorf("task %s: %w", p.TaskArn, err))
						}
					}
					return errors.Join(errs...)
				}
				if err := set(ctx, task.Latency{Add: add, Jitter: jitter}); err != nil {
					return faults.Injected{}, errors.Join(err, set(ctx, task.Latency{}))
				}
				return faults.Injected{
					Note: fmt.Sprintf("+%s (jitter %s) on %d task(s) of %s in %s; tasks started later run without it", add, jitter, len(procs), args[0], r.name),
					Undo: func(ctx context.Context) error { return set(ctx, task.Latency{}) },
				}, nil
			},
		},
		{
			Name: "launch-failures", Usage: "SERVICE [REGION]", MinArgs: 1, MaxArgs: 2,
			Help: "every task the service launches fails with CannotPullContainerError, as a broken image or registry would make it",
			Inject: func(_ context.Context, args []string) (faults.Injected, error) {
				r, _, err := s.serviceTasks(args[0], arg(args, 1))
				if err != nil {
					return faults.Injected{}, err
				}
				r.ecs.FailLaunches(args[0], true)
				return faults.Injected{
					Note: fmt.Sprintf("launches of %s in %s fail", args[0], r.name),
					Undo: func(context.Context) error { r.ecs.FailLaunches(args[0], false); return nil },
				}, nil
			},
		},
	}
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func count(s string, available int) (int, error) {
	if s == "" {
		s = "1"
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("COUNT %q: want a whole number of tasks, 1 or more", s)
	}
	if n > available {
		return 0, fmt.Errorf("COUNT %d: the service runs %d task(s)", n, available)
	}
	return n, nil
}

func (s *sandbox) regionNamed(name string) (*region, error) {
	if name == "" {
		return s.primary(), nil
	}
	if r, ok := s.region(name); ok {
		return r, nil
	}
	names := make([]string, len(s.regions))
	for i, r := range s.regions {
		names[i] = r.name
	}
	return nil, fmt.Errorf("region %q: this sandbox runs %s", name, strings.Join(names, " and "))
}

// regionOutage takes down the region's load balancer and freezes the
// Redis processes placed there; what it did is undone if a later step
// fails. The region's tasks keep running behind a load balancer nobody
// reaches, which from outside the region is the same as their loss, and
// ECS, whose control plane is not regional here, does not replace them.
func (s *sandbox) regionOutage(ctx context.Context, name, modeArg string) (faults.Injected, error) {
	r, err := s.regionNamed(name)
	if err != nil {
		return faults.Injected{}, err
	}
	mode, err := lb.ParseDownMode(cmpOr(modeArg, "refuse"))
	if err != nil || mode == lb.Up {
		return faults.Injected{}, fmt.Errorf("mode %q: want refuse or blackhole", modeArg)
	}
	place := "failover"
	if r == s.primary() {
		place = "primary"
	}
	if err := r.balancer.SetDown(mode); err != nil {
		return faults.Injected{}, err
	}
	notes := []string{fmt.Sprintf("load balancer %s of %s: %s", r.balancer.URL(), r.name, mode)}
	undos := []func(context.Context) error{func(context.Context) error { return r.balancer.SetDown(lb.Up) }}
	if s.redis != nil {
		o, err := s.redis.RegionOutage(ctx, place)
		if err != nil {
			return faults.Injected{}, errors.Join(err, r.balancer.SetDown(lb.Up))
		}
		notes, undos = append(notes, o.String()), append(undos, o.Revert)
	}
	return faults.Injected{
		Note: strings.Join(notes, "; "),
		Undo: func(ctx context.Context) error {
			var errs []error
			for _, u := range slices.Backward(undos) {
				errs = append(errs, u(ctx))
			}
			return errors.Join(errs...)
		},
	}, nil
}

// serviceTasks finds a service by its ECS name and its running tasks'
// processes in a region.
func (s *sandbox) serviceTasks(service, regionName string) (*region, []ecs.Process, error) {
	r, err := s.regionNamed(regionName)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, svc := range s.cfg.Platform.Services {
		names = append(names, svc.ECSService)
	}
	if !slices.Contains(names, service) {
		return nil, nil, fmt.Errorf("service %q: the services are %s", service, strings.Join(names, ", "))
	}
	var procs []ecs.Process
	for _, p := range r.ecs.Processes() {
		if p.Service == service && p.URL != "" {
			procs = append(procs, p)
		}
	}
	return r, procs, nil
}
