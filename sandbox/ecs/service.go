package ecs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Deployment defaults for a rolling update: "the default value for
// minimum healthy percent is 100%" and "the default value for maximum
// percent is 200%" (deployment-type-ecs.html).
const (
	DefaultMaximumPercent        = 200
	DefaultMinimumHealthyPercent = 100
)

var serviceNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,254}$`)

type service struct {
	name, arn     string
	taskDef       *TaskDefinition
	desired       int
	loadBalancers []LoadBalancer
	deployCfg     DeploymentConfiguration
	// deployments[0] is the PRIMARY one; the others are ACTIVE, their
	// tasks being replaced.
	deployments []*deployment
	events      []ServiceEvent // newest first
	tasks       []*task        // in launch order, stopped ones until pruned
	steady      bool
	// undrained: Config.NoDraining names the service.
	undrained bool
	createdAt time.Time
	tags      []Tag
}

type deployment struct {
	id                   string
	taskDef              *TaskDefinition
	createdAt, updatedAt time.Time
	rolloutState         string
	rolloutReason        string
	failedTasks          int
}

func (c *ControlPlane) newDeploymentLocked(td *TaskDefinition) *deployment {
	now := c.clock.Now()
	return &deployment{
		id:            newDeploymentID(),
		taskDef:       td,
		createdAt:     now,
		updatedAt:     now,
		rolloutState:  "IN_PROGRESS",
		rolloutReason: "ECS deployment in progress.",
	}
}

// eventLocked adds an event to a service's stream, newest first.
func (c *ControlPlane) eventLocked(s *service, format string, args ...any) {
	msg := fmt.Sprintf("(service %s) ", s.name) + fmt.Sprintf(format, args...)
	c.log.Info("service event", "service", s.name, "message", msg)
	s.events = slices.Insert(s.events, 0, ServiceEvent{Id: newEventID(), CreatedAt: c.clock.Now(), Message: msg})
	if len(s.events) > MaxServiceEvents {
		s.events = s.events[:MaxServiceEvents]
	}
}

// CreateService creates a Fargate service with the REPLICA strategy and
// launches its tasks.
func (c *ControlPlane) CreateService(in CreateServiceInput) (Service, error) {
	if !serviceNamePattern.MatchString(in.ServiceName) {
		return Service{}, invalid("Service name %q: up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed, starting with a letter.", in.ServiceName)
	}
	if in.DesiredCount == nil {
		return Service{}, invalid("desiredCount is required for a service with the REPLICA scheduling strategy.")
	}
	if *in.DesiredCount < 0 {
		return Service{}, invalid("desiredCount must be 0 or more.")
	}
	if in.LaunchType != "" && in.LaunchType != LaunchTypeFargate {
		return Service{}, invalid("launchType %s: the sandbox runs FARGATE only.", in.LaunchType)
	}
	dc := DeploymentConfiguration{MaximumPercent: DefaultMaximumPercent, MinimumHealthyPercent: DefaultMinimumHealthyPercent}
	if in.DeploymentConfiguration != nil {
		dc = *in.DeploymentConfiguration
	}
	// A rolling update must be able to start a task or stop one.
	if dc.MinimumHealthyPercent < 0 || dc.MinimumHealthyPercent > 100 || dc.MaximumPercent < 100 || dc.MaximumPercent > 200 ||
		dc.MaximumPercent == dc.MinimumHealthyPercent {
		return Service{}, invalid("deploymentConfiguration: minimumHealthyPercent %d and maximumPercent %d: want 0-100 and 100-200, not both 100.", dc.MinimumHealthyPercent, dc.MaximumPercent)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCluster(in.Cluster); err != nil {
		return Service{}, err
	}
	if _, ok := c.services[in.ServiceName]; ok {
		return Service{}, invalid("Creation of service was not idempotent.")
	}
	td, err := c.taskDefinitionLocked(in.TaskDefinition)
	if err != nil {
		return Service{}, err
	}
	if !slices.Contains(td.RequiresCompatibilities, LaunchTypeFargate) {
		return Service{}, invalid("Task definition does not support launch_type FARGATE.")
	}
	for _, l := range in.LoadBalancers {
		if c.cfg.TargetGroups == nil || !c.cfg.TargetGroups.HasTargetGroup(l.TargetGroupArn) {
			return Service{}, invalid("The target group with targetGroupArn %s does not have an associated load balancer.", l.TargetGroupArn)
		}
		if !slices.ContainsFunc(td.ContainerDefinitions, func(cd ContainerDefinition) bool { return cd.Name == l.ContainerName }) {
			return Service{}, invalid("The container %s does not exist in the task definition.", l.ContainerName)
		}
	}
	s := &service{
		name:          in.ServiceName,
		arn:           fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", c.cfg.Region, c.cfg.AccountID, c.cfg.ClusterName, in.ServiceName),
		taskDef:       td,
		desired:       *in.DesiredCount,
		loadBalancers: slices.Clone(in.LoadBalancers),
		deployCfg:     dc,
		undrained:     slices.Contains(c.cfg.NoDraining, in.ServiceName),
		createdAt:     c.clock.Now(),
		tags:          slices.Clone(in.Tags),
	}
	s.deployments = []*deployment{c.newDeploymentLocked(td)}
	c.services[s.name] = s
	c.serviceNames = append(c.serviceNames, s.name)
	c.reconcileNowLocked(s)
	return c.describeServiceLocked(s), nil
}

// UpdateService changes a service's desired count, and with a new task
// definition or ForceNewDeployment starts a rolling deployment that
// replaces its tasks.
func (c *ControlPlane) UpdateService(in UpdateServiceInput) (Service, error) {
	if in.DesiredCount != nil && *in.DesiredCount < 0 {
		return Service{}, invalid("desiredCount must be 0 or more.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCluster(in.Cluster); err != nil {
		return Service{}, err
	}
	s, err := c.serviceLocked(in.Service)
	if err != nil {
		return Service{}, err
	}
	td := s.taskDef
	if in.TaskDefinition != "" {
		if td, err = c.taskDefinitionLocked(in.TaskDefinition); err != nil {
			return Service{}, err
		}
		if !slices.Contains(td.RequiresCompatibilities, LaunchTypeFargate) {
			return Service{}, invalid("Task definition does not support launch_type FARGATE.")
		}
	}
	if in.DesiredCount != nil {
		s.desired = *in.DesiredCount
	}
	if td != s.taskDef || in.ForceNewDeployment {
		s.taskDef = td
		s.deployments = slices.Insert(s.deployments, 0, c.newDeploymentLocked(td))
	}
	c.reconcileNowLocked(s)
	return c.describeServiceLocked(s), nil
}

// DescribeServices reports up to 10 services; names not found are
// failures, not an error.
func (c *ControlPlane) DescribeServices(in DescribeServicesInput) (DescribeServicesOutput, error) {
	if len(in.Services) == 0 || len(in.Services) > 10 {
		return DescribeServicesOutput{}, invalid("services must have between 1 and 10 items.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkCluster(in.Cluster); err != nil {
		return DescribeServicesOutput{}, err
	}
	var out DescribeServicesOutput
	for _, ref := range in.Services {
		s, err := c.serviceLocked(ref)
		if err != nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", c.cfg.Region, c.cfg.AccountID, c.cfg.ClusterName, ref)
			}
			out.Failures = append(out.Failures, Failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		d := c.describeServiceLocked(s)
		if slices.Contains(in.Include, "TAGS") {
			d.Tags = slices.Clone(s.tags)
		}
		out.Services = append(out.Services, d)
	}
	return out, nil
}

func (c *ControlPlane) describeServiceLocked(s *service) Service {
	out := Service{
		ServiceArn:              s.arn,
		ServiceName:             s.name,
		ClusterArn:              c.arn,
		Status:                  "ACTIVE",
		TaskDefinition:          s.taskDef.TaskDefinitionArn,
		DesiredCount:            s.desired,
		LaunchType:              LaunchTypeFargate,
		SchedulingStrategy:      "REPLICA",
		LoadBalancers:           slices.Clone(s.loadBalancers),
		DeploymentConfiguration: s.deployCfg,
		Events:                  slices.Clone(s.events),
		CreatedAt:               s.createdAt,
	}
	for i, d := range s.deployments {
		dep := Deployment{
			Id:                 d.id,
			Status:             "ACTIVE",
			TaskDefinition:     d.taskDef.TaskDefinitionArn,
			FailedTasks:        d.failedTasks,
			CreatedAt:          d.createdAt,
			UpdatedAt:          d.updatedAt,
			LaunchType:         LaunchTypeFargate,
			RolloutState:       d.rolloutState,
			RolloutStateReason: d.rolloutReason,
		}
		if i == 0 {
			dep.Status = "PRIMARY"
			dep.DesiredCount = s.desired
		}
		for _, tk := range s.tasks {
			if tk.dep != d {
				continue
			}
			switch {
			case tk.view.LastStatus == StatusRunning:
				dep.RunningCount++
			case isPending(tk.view.LastStatus):
				dep.PendingCount++
			}
			// An old deployment wants what it still has.
			if i > 0 && !tk.stopRequested {
				dep.DesiredCount++
			}
		}
		out.RunningCount += dep.RunningCount
		out.PendingCount += dep.PendingCount
		out.Deployments = append(out.Deployments, dep)
	}
	return out
}
