package rows

import (
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
)

// Observed is what was read from a target, as the drivers return it. The
// suite fills the parts of the areas it reads; a row judges only its own.
type Observed struct {
	ScalableTargets  []aastypes.ScalableTarget
	ScalingPolicies  []aastypes.ScalingPolicy
	ScheduledActions []aastypes.ScheduledAction
	Alarms           []cwtypes.MetricAlarm
	// Services are the runbook's ECS services that exist, with tags.
	Services []ecstypes.Service
	// TaskDefinitions are keyed by ARN.
	TaskDefinitions  map[string]ecstypes.TaskDefinition
	HealthChecks     []gdaws.HealthCheck
	RecordSets       []r53types.ResourceRecordSet
	ReplicationGroup *ectypes.ReplicationGroup
	// ReplicaSet is the MongoDB replica set's members.
	ReplicaSet []mongo.Member
	// Budget is nil when the target has no such budget.
	Budget *gdaws.Budget
	// Dashboards holds each dashboard's body by name; a missing name is a
	// dashboard that does not exist.
	Dashboards map[string]string
}

// Names are what the target calls the runbook's resources. The zero value
// of each field means the spec's name.
type Names struct {
	Cluster  string
	Services map[string]string
	DNS      map[string]string
	// HealthCheckTag finds a health check by this tag's value (the spec's
	// health check id); empty finds it by domain name.
	HealthCheckTag   string
	ReplicationGroup string
}

// ClusterOf is the ECS cluster.
func (n Names) ClusterOf(p *spec.Platform) string {
	if n.Cluster != "" {
		return n.Cluster
	}
	return p.Cluster
}

// ServiceOf is a service's ECS service name.
func (n Names) ServiceOf(s spec.Service) string {
	if name := n.Services[s.ID]; name != "" {
		return name
	}
	return s.ECSService
}

// ResourceID is a service's Application Auto Scaling resource id.
func (n Names) ResourceID(p *spec.Platform, s spec.Service) string {
	return "service/" + n.ClusterOf(p) + "/" + n.ServiceOf(s)
}

// DNSName is the target's name for a DNS name the runbook writes, in
// Route 53's form.
func (n Names) DNSName(name string) string {
	if mapped := n.DNS[name]; mapped != "" {
		name = mapped
	}
	return gdaws.FQDN(name)
}
