package profile

import (
	"fmt"
	"slices"
	"strings"
)

// Capability is something a target serves that a check or experiment may
// need: an AWS API, or a surface an endpoint implies. A spec that needs one
// the target lacks is skipped with the capability as its reason.
type Capability string

// Capabilities a profile lists under serves. An unknown name is a mistake
// in the profile, refused when it loads.
const (
	ECS             Capability = "ecs"
	AutoScaling     Capability = "application-autoscaling"
	CloudWatch      Capability = "cloudwatch"
	Route53         Capability = "route53"
	ElastiCache     Capability = "elasticache"
	GlobalDatastore Capability = "elasticache-global-datastore"
	// ClusterMode is a target whose Redis can run in cluster mode; the
	// sandbox's is a Sentinel group, which cannot.
	ClusterMode Capability = "elasticache-cluster-mode"
	Budgets     Capability = "budgets"
	// FIS is AWS Fault Injection Service.
	FIS Capability = "fis"
	// S3 serves the runbook's content bucket (names.contentBucket).
	S3 Capability = "s3"
)

// Capabilities an endpoint implies; a profile does not list them.
const (
	// MongoDB: the profile names the replica set (endpoints.mongo).
	MongoDB Capability = "mongodb"
	// Redis: the profile names the Redis cache's sentinels
	// (endpoints.redisSentinels), which clients find its primary through.
	Redis Capability = "redis"
	// LoadBalancer: the profile names the primary region's load balancer,
	// which load is driven through.
	LoadBalancer Capability = "load-balancer"
	// FaultHooks: the sandbox's fault API (endpoints.faults), through which
	// latency and task launch failures are injected where FIS is not.
	FaultHooks Capability = "fault-hooks"
)

var listed = []Capability{ECS, AutoScaling, CloudWatch, Route53, ElastiCache, GlobalDatastore, ClusterMode, Budgets, FIS, S3}

func checkServes(serves []Capability) error {
	for _, c := range serves {
		if !slices.Contains(listed, c) {
			names := make([]string, len(listed))
			for i, l := range listed {
				names[i] = string(l)
			}
			return fmt.Errorf("serves %q: not a capability gameday knows (%s)", c, strings.Join(names, ", "))
		}
	}
	return nil
}

// Has says whether the target serves c.
func (p *Profile) Has(c Capability) bool {
	switch c {
	case MongoDB:
		return p.Endpoints.Mongo != ""
	case Redis:
		return len(p.Endpoints.RedisSentinels) > 0
	case LoadBalancer:
		return p.Endpoints.LoadBalancers[p.Regions.Primary] != ""
	case FaultHooks:
		return p.Endpoints.Faults != ""
	}
	return slices.Contains(p.Serves, c)
}

// Lacks is the reason a spec that needs c is skipped on this target, or
// "" when the target has it. It says what was required and what was found.
func (p *Profile) Lacks(c Capability) string {
	if p.Has(c) {
		return ""
	}
	switch c {
	case MongoDB:
		return fmt.Sprintf("requires mongodb (target %s names no MongoDB endpoint, endpoints.mongo)", p.Name)
	case Redis:
		return fmt.Sprintf("requires redis (target %s names no Redis sentinels, endpoints.redisSentinels)", p.Name)
	case LoadBalancer:
		return fmt.Sprintf("requires load-balancer (target %s names none for its primary region %q, endpoints.loadBalancers)", p.Name, p.Regions.Primary)
	case FaultHooks:
		return fmt.Sprintf("requires fault-hooks (target %s has no sandbox fault API, endpoints.faults; on AWS these faults come through FIS)", p.Name)
	}
	return fmt.Sprintf("requires %s (target %s does not serve it)", c, p.Name)
}
