package fis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/sandbox/ecs"
)

// The resource types of the targets the sandbox resolves.
const (
	ResourceECSTask          = "aws:ecs:task"
	ResourceReplicationGroup = "aws:elasticache:replicationgroup"
	ResourceSubnet           = "aws:ec2:subnet"
)

// The actions the sandbox serves.
const (
	ActionStopTask       = "aws:ecs:stop-task"
	ActionTaskLatency    = "aws:ecs:task-network-latency"
	ActionInterruptAZ    = "aws:elasticache:replicationgroup-interrupt-az-power"
	ActionDisruptNetwork = "aws:network:disrupt-connectivity"
)

// The sources of stop conditions.
const (
	StopSourceAlarm = "aws:cloudwatch:alarm"
	StopSourceNone  = "none"
)

const (
	// The defaults of aws:ecs:task-network-latency's delayMilliseconds
	// and jitterMilliseconds, as FIS's action reference gives them.
	defaultLatencyMillis = 200
	defaultJitterMillis  = 10
	// revertTimeout bounds the revert of an action's fault, which runs
	// after the experiment's own context may have ended.
	revertTimeout = 2 * time.Minute
	// durationExample is shown where a duration is wrong.
	durationExample = "PT1M"
)

// actionKind is one FIS action: the target key and resource type it
// takes (FIS's action reference), its parameters, and what the sandbox
// does for it. inject returns how to undo what it did, nil when there is
// nothing to undo (ECS replaces stopped tasks).
type actionKind struct {
	targetKey    string
	resourceType string
	// lasts: the action holds its fault for its duration parameter,
	// which it requires.
	lasts  bool
	params []string
	inject func(ctx context.Context, e *Engine, x *experiment, name string, a Action, resources []string) (func(context.Context) error, error)
}

var actionKinds = map[string]actionKind{
	ActionStopTask: {
		targetKey: "Tasks", resourceType: ResourceECSTask,
		inject: stopTasks,
	},
	ActionTaskLatency: {
		targetKey: "Tasks", resourceType: ResourceECSTask, lasts: true,
		params: []string{"duration", "delayMilliseconds", "jitterMilliseconds", "flowsPercent", "sources", "installDependencies", "useEcsFaultInjectionEndpoints"},
		inject: taskLatency,
	},
	ActionInterruptAZ: {
		targetKey: "ReplicationGroups", resourceType: ResourceReplicationGroup, lasts: true,
		params: []string{"duration"},
		inject: func(ctx context.Context, e *Engine, _ *experiment, _ string, _ Action, _ []string) (func(context.Context) error, error) {
			return e.hold(ctx, "redis-primary", "kill")
		},
	},
	ActionDisruptNetwork: {
		targetKey: "Subnets", resourceType: ResourceSubnet, lasts: true,
		params: []string{"duration", "scope"},
		inject: func(ctx context.Context, e *Engine, _ *experiment, _ string, a Action, _ []string) (func(context.Context) error, error) {
			if s := a.Parameters["scope"]; s != "" && s != "all" {
				return nil, fmt.Errorf("scope %q: the sandbox disrupts all of a region's connectivity (scope all)", s)
			}
			return e.hold(ctx, "region-outage", e.cfg.Region, "blackhole")
		},
	},
}

// hold injects a sandbox fault hook and returns its revert.
func (e *Engine) hold(ctx context.Context, kind string, args ...string) (func(context.Context) error, error) {
	f, err := e.cfg.Faults.Inject(ctx, kind, args)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		_, err := e.cfg.Faults.Revert(ctx, f.ID)
		return err
	}, nil
}

// stopTasks stops the resolved tasks through ECS StopTask, as FIS does;
// the reason names the experiment.
func stopTasks(_ context.Context, e *Engine, x *experiment, name string, _ Action, tasks []string) (func(context.Context) error, error) {
	reason := fmt.Sprintf("Stopped by AWS FIS experiment %s (action %s)", x.id, name)
	for _, arn := range tasks {
		if _, err := e.cfg.ECS.StopTask(ecs.StopTaskInput{Cluster: e.cfg.ECS.Name(), Task: arn, Reason: reason}); err != nil {
			return nil, fmt.Errorf("stopping task %s: %w", arn, err)
		}
	}
	return nil, nil
}

// taskLatency holds the sandbox's latency fault on the service of each
// targeted task: the hook slows every running task of a service.
func taskLatency(ctx context.Context, e *Engine, _ *experiment, _ string, a Action, tasks []string) (func(context.Context) error, error) {
	delay, jitter := defaultLatencyMillis, defaultJitterMillis
	var err error
	if v := a.Parameters["delayMilliseconds"]; v != "" {
		if delay, err = strconv.Atoi(v); err != nil || delay <= 0 {
			return nil, fmt.Errorf("delayMilliseconds %q: want a positive whole number", v)
		}
	}
	if v := a.Parameters["jitterMilliseconds"]; v != "" {
		if jitter, err = strconv.Atoi(v); err != nil || jitter < 0 {
			return nil, fmt.Errorf("jitterMilliseconds %q: want a whole number, 0 or more", v)
		}
	}
	services, err := e.servicesOf(tasks)
	if err != nil {
		return nil, err
	}
	var undo []func(context.Context) error
	revert := func(ctx context.Context) error {
		var errs []error
		for _, u := range slices.Backward(undo) {
			errs = append(errs, u(ctx))
		}
		return errors.Join(errs...)
	}
	for _, svc := range services {
		u, err := e.hold(ctx, "latency", svc, fmt.Sprintf("%dms", delay), fmt.Sprintf("%dms", jitter), e.cfg.Region)
		if err != nil {
			return nil, errors.Join(err, revert(context.WithoutCancel(ctx)))
		}
		undo = append(undo, u)
	}
	return revert, nil
}

// servicesOf names the services the tasks belong to.
func (e *Engine) servicesOf(tasks []string) ([]string, error) {
	var services []string
	for batch := range slices.Chunk(tasks, 100) {
		out, err := e.cfg.ECS.DescribeTasks(ecs.DescribeTasksInput{Cluster: e.cfg.ECS.Name(), Tasks: batch})
		if err != nil {
			return nil, err
		}
		for _, t := range out.Tasks {
			if svc, ok := strings.CutPrefix(t.Group, "service:"); ok && !slices.Contains(services, svc) {
				services = append(services, svc)
			}
		}
	}
	slices.Sort(services)
	return services, nil
}

var (
	alarmARN  = regexp.MustCompile(`^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$`)
	selection = regexp.MustCompile(`^(ALL|COUNT\((\d+)\)|PERCENT\((\d+)\))$`)
)

// alarmName is the name in an alarm ARN, "" when it is none.
func alarmName(arn string) string {
	m := alarmARN.FindStringSubmatch(arn)
	if m == nil {
		return ""
	}
	return m[3]
}

// validateTemplate checks a template as CreateExperimentTemplate does:
// actions the sandbox serves, each naming a target of its resource type
// under its target key, a duration where the action lasts, startAfter
// naming other actions, targets it can resolve, and stop conditions on
// CloudWatch alarms of this region.
func (e *Engine) validateTemplate(in CreateTemplateInput) error {
	if len(in.Actions) == 0 {
		return validation("An experiment template needs at least one action.")
	}
	for name, t := range in.Targets {
		if err := e.validateTarget(name, t); err != nil {
			return err
		}
	}
	for name, a := range in.Actions {
		k, ok := actionKinds[a.ActionID]
		if !ok {
			return validation("Action %s: actionId %q is not an action this sandbox serves (%s).", name, a.ActionID, strings.Join(servedActions(), ", "))
		}
		for key, target := range a.Targets {
			t, ok := in.Targets[target]
			switch {
			case key != k.targetKey:
				return validation("Action %s: %s takes its targets under %s, not %s.", name, a.ActionID, k.targetKey, key)
			case !ok:
				return validation("Action %s: target %s is not defined in the template.", name, target)
			case t.ResourceType != k.resourceType:
				return validation("Action %s: %s acts on %s, but target %s is %s.", name, a.ActionID, k.resourceType, target, t.ResourceType)
			}
		}
		if _, ok := a.Targets[k.targetKey]; !ok {
			return validation("Action %s: %s needs a target under %s.", name, a.ActionID, k.targetKey)
		}
		for p := range a.Parameters {
			if !slices.Contains(k.params, p) {
				return validation("Action %s: %s has no parameter %s.", name, a.ActionID, p)
			}
		}
		if d, ok := a.Parameters["duration"]; ok || k.lasts {
			if _, err := ParseDuration(d); err != nil {
				return validation("Action %s: duration: %v (for example %s).", name, err, durationExample)
			}
		}
		for _, after := range a.StartAfter {
			if _, ok := in.Actions[after]; !ok || after == name {
				return validation("Action %s: startAfter names %s, which is not another action of the template.", name, after)
			}
		}
	}
	if len(in.StopConditions) == 0 {
		return validation("stopConditions: give at least one, {\"source\": \"none\"} for none.")
	}
	for _, s := range in.StopConditions {
		switch s.Source {
		case StopSourceNone:
		case StopSourceAlarm:
			m := alarmARN.FindStringSubmatch(s.Value)
			if m == nil || m[1] != e.cfg.Region {
				return validation("Stop condition value %q: want the ARN of a CloudWatch alarm in %s (arn:aws:cloudwatch:%s:ACCOUNT:alarm:NAME).", s.Value, e.cfg.Region, e.cfg.Region)
			}
		default:
			return validation("Stop condition source %q: want %s or %s.", s.Source, StopSourceAlarm, StopSourceNone)
		}
	}
	return nil
}

func servedActions() []string {
	var ids []string
	for id := range actionKinds {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (e *Engine) validateTarget(name string, t Target) error {
	if !selection.MatchString(t.SelectionMode) {
		return validation("Target %s: selectionMode %q: want ALL, COUNT(n) or PERCENT(n).", name, t.SelectionMode)
	}
	if len(t.ResourceArns) > 0 && (len(t.ResourceTags) > 0 || len(t.Filters) > 0) {
		return validation("Target %s: give resourceArns or resourceTags and filters, not both.", name)
	}
	if len(t.ResourceTags) > 0 || len(t.Filters) > 0 {
		return validation("Target %s: the sandbox selects %s by resourceArns%s, not by tags or filters.", name, t.ResourceType, byParameters(t.ResourceType))
	}
	switch t.ResourceType {
	case ResourceECSTask:
		for p := range t.Parameters {
			if p != "cluster" && p != "service" {
				return validation("Target %s: %s takes the parameters cluster and service, not %s.", name, t.ResourceType, p)
			}
		}
		if len(t.ResourceArns) == 0 && t.Parameters["service"] == "" {
			return validation("Target %s: give the tasks' resourceArns, or the parameters cluster and service.", name)
		}
	case ResourceReplicationGroup, ResourceSubnet:
		if len(t.ResourceArns) == 0 {
			return validation("Target %s: give the %s resourceArns.", name, t.ResourceType)
		}
	default:
		return validation("Target %s: resourceType %q is not one the sandbox resolves (%s, %s, %s).", name, t.ResourceType, ResourceECSTask, ResourceReplicationGroup, ResourceSubnet)
	}
	return nil
}

func byParameters(resourceType string) string {
	if resourceType == ResourceECSTask {
		return " or the parameters cluster and service"
	}
	return ""
}

// resolve finds a target's resources and picks among them by its
// selection mode.
func (e *Engine) resolve(t Target) ([]string, error) {
	var found []string
	switch t.ResourceType {
	case ResourceECSTask:
		tasks, err := e.runningTasks(t)
		if err != nil {
			return nil, err
		}
		found = tasks
	case ResourceReplicationGroup:
		for _, arn := range t.ResourceArns {
			if slices.Contains(e.cfg.ReplicationGroups, arn) {
				found = append(found, arn)
			}
		}
	case ResourceSubnet:
		// The sandbox has no VPC: a subnet of the region stands for the
		// region's network.
		for _, arn := range t.ResourceArns {
			if strings.HasPrefix(arn, fmt.Sprintf("arn:aws:ec2:%s:", e.cfg.Region)) && strings.Contains(arn, ":subnet/") {
				found = append(found, arn)
			}
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no %s resource matches the target", t.ResourceType)
	}
	return pick(found, t.SelectionMode), nil
}

// pick applies a selection mode: COUNT(n) and PERCENT(n) choose at
// random, as FIS does; PERCENT rounds up, at least one.
func pick(found []string, mode string) []string {
	m := selection.FindStringSubmatch(mode)
	n := len(found)
	switch {
	case m[2] != "":
		n, _ = strconv.Atoi(m[2])
	case m[3] != "":
		p, _ := strconv.Atoi(m[3])
		n = max(1, (len(found)*p+99)/100)
	}
	shuffled := slices.Clone(found)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return shuffled[:min(n, len(shuffled))]
}

// runningTasks are the target's tasks that are running: those of its
// ARNs, or of its service.
func (e *Engine) runningTasks(t Target) ([]string, error) {
	cluster := e.cfg.ECS.Name()
	if c := t.Parameters["cluster"]; c != "" && c != cluster && c != e.cfg.ECS.ARN() {
		return nil, fmt.Errorf("cluster %s is not in %s (the cluster there is %s)", c, e.cfg.Region, cluster)
	}
	arns := t.ResourceArns
	if len(arns) == 0 {
		in := ecs.ListTasksInput{Cluster: cluster, ServiceName: t.Parameters["service"]}
		for {
			out, err := e.cfg.ECS.ListTasks(in)
			if err != nil {
				return nil, err
			}
			arns = append(arns, out.TaskArns...)
			if out.NextToken == "" {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	var running []string
	for batch := range slices.Chunk(arns, 100) {
		out, err := e.cfg.ECS.DescribeTasks(ecs.DescribeTasksInput{Cluster: cluster, Tasks: batch})
		if err != nil {
			return nil, err
		}
		for _, tk := range out.Tasks {
			if tk.LastStatus == ecs.StatusRunning && tk.DesiredStatus == ecs.StatusRunning {
				running = append(running, tk.TaskArn)
			}
		}
	}
	return running, nil
}

var isoDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$`)

// ParseDuration reads an ISO 8601 duration as FIS's duration parameters
// take it (PT1M, PT90S, PT1H30M).
func ParseDuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "PT" {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration such as PT1M", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	if m[3] != "" {
		f, _ := strconv.ParseFloat(m[3], 64)
		d += time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration", s)
	}
	return d, nil
}
