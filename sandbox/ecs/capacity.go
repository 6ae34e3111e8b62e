package ecs

import (
	"fmt"
	"strings"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
)

var (
	_ autoscaling.Capacity    = (*ControlPlane)(nil)
	_ autoscaling.Deployments = (*ControlPlane)(nil)
)

// serviceOfResourceLocked resolves an Application Auto Scaling resource id,
// service/<cluster>/<service>.
func (c *ControlPlane) serviceOfResourceLocked(resourceID string) (*service, error) {
	rest, ok := strings.CutPrefix(resourceID, "service/"+c.cfg.ClusterName+"/")
	if s, found := c.services[rest]; ok && found {
		return s, nil
	}
	return nil, fmt.Errorf("%w: %s is not a service of cluster %s: %w", autoscaling.ErrUnknownResource, resourceID, c.cfg.ClusterName, serviceNotFound())
}

// DesiredCount is the desired count of the service with the resource id
// service/<cluster>/<service>, for Application Auto Scaling.
func (c *ControlPlane) DesiredCount(resourceID string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.serviceOfResourceLocked(resourceID)
	if err != nil {
		return 0, err
	}
	return s.desired, nil
}

// SetDesiredCount sets it, as UpdateService does.
func (c *ControlPlane) SetDesiredCount(resourceID string, n int) error {
	if n < 0 {
		return invalid("desiredCount must be 0 or more.")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.serviceOfResourceLocked(resourceID)
	if err != nil {
		return err
	}
	s.desired = n
	c.reconcileNowLocked(s)
	return nil
}

// InDeployment reports whether a rolling deployment of the service is
// under way: Application Auto Scaling does not scale in meanwhile.
func (c *ControlPlane) InDeployment(resourceID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.serviceOfResourceLocked(resourceID)
	return err == nil && len(s.deployments) > 1
}

// FailLaunches is a fault hook: while on, every task the service launches
// fails at the end of its image pull with CannotPullContainerError and
// stop code TaskFailedToStart. The desired count stays as it is, so the
// scheduler keeps launching replacements, as ECS does. The service need
// not exist yet.
func (c *ControlPlane) FailLaunches(service string, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on {
		c.failLaunches[service] = true
	} else {
		delete(c.failLaunches, service)
	}
	c.log.Info("launch failure fault", "service", service, "on", on)
}
