package rows

import (
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/drivers/mongo"
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
	// ContentReplication is the content bucket's replication; nil when
	// there is no such bucket.
	ContentReplication *gdaws.BucketReplication
	// ReplicaSet is the MongoDB replica set's members.
	ReplicaSet []mongo.Member
	// Budget is nil when the target has no such budget.
	Budget *gdaws.Budget
	// Dashboards holds each dashboard's body by name; a missing name is a
	// dashboard that does not exist.
	Dashboards map[string]string
}
