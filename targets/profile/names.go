package profile

import (
	"strings"

	"github.com/gameday-sre/gameday/spec"
)

// ClusterOf is the target's ECS cluster.
func (n ResourceNames) ClusterOf(p *spec.Platform) string {
	if n.Cluster != "" {
		return n.Cluster
	}
	return p.Cluster
}

// ServiceOf is a service's ECS service name.
func (n ResourceNames) ServiceOf(s spec.Service) string {
	if name := n.Services[s.ID]; name != "" {
		return name
	}
	return s.ECSService
}

// ResourceID is a service's Application Auto Scaling resource id.
func (n ResourceNames) ResourceID(p *spec.Platform, s spec.Service) string {
	return "service/" + n.ClusterOf(p) + "/" + n.ServiceOf(s)
}

// DNSName is the target's name for a DNS name the runbook writes, in
// Route 53's form: lower case, with the trailing dot.
func (n ResourceNames) DNSName(name string) string {
	if mapped := n.DNS[name]; mapped != "" {
		name = mapped
	}
	return strings.ToLower(strings.TrimSuffix(name, ".")) + "."
}
