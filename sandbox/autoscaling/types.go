package autoscaling

import "time"

// The one service namespace and scalable dimension the sandbox serves.
const (
	ServiceNamespaceECS                     = "ecs"
	ScalableDimensionECSServiceDesiredCount = "ecs:service:DesiredCount"
)

// SuspendedState says which kinds of scaling are suspended for a target
// (application-auto-scaling-suspend-resume-scaling.html). In an input, a nil
// field leaves the current value alone; in an output every field is set.
type SuspendedState struct {
	// DynamicScalingInSuspended stops scale-in by scaling policies.
	DynamicScalingInSuspended *bool
	// DynamicScalingOutSuspended stops scale-out by scaling policies.
	DynamicScalingOutSuspended *bool
	// ScheduledScalingSuspended stops scheduled actions; those that fall due
	// meanwhile never run.
	ScheduledScalingSuspended *bool
}

// RegisterScalableTargetInput registers a scalable target or updates one.
// MinCapacity and MaxCapacity are required for a new target; on an update,
// nil members are left unchanged.
type RegisterScalableTargetInput struct {
	ServiceNamespace  string
	ScalableDimension string
	ResourceId        string
	MinCapacity       *int32
	MaxCapacity       *int32
	SuspendedState    *SuspendedState
}

// RegisterScalableTargetOutput is the result of RegisterScalableTarget.
type RegisterScalableTargetOutput struct {
	ScalableTargetARN string
}

// ScalableTarget is a registered target as DescribeScalableTargets
// reports it.
type ScalableTarget struct {
	ServiceNamespace  string
	ScalableDimension string
	ResourceId        string
	MinCapacity       int32
	MaxCapacity       int32
	RoleARN           string
	CreationTime      time.Time
	SuspendedState    SuspendedState
	ScalableTargetARN string
}

// DescribeScalableTargetsInput lists targets. ScalableDimension needs
// ResourceIds. MaxResults is 1-50, 0 meaning the default 50.
type DescribeScalableTargetsInput struct {
	ServiceNamespace  string
	ResourceIds       []string
	ScalableDimension string
	MaxResults        int32
	NextToken         string
}

// DescribeScalableTargetsOutput is a page of targets in ResourceId order.
type DescribeScalableTargetsOutput struct {
	ScalableTargets []ScalableTarget
	NextToken       string
}

// DeregisterScalableTargetInput names a target to deregister, with its
// policies and scheduled actions.
type DeregisterScalableTargetInput struct {
	ServiceNamespace  string
	ScalableDimension string
	ResourceId        string
}

// PolicyType is the kind of a scaling policy.
type PolicyType string

// The policy types the sandbox serves (PredictiveScaling is not one).
const (
	PolicyTypeTargetTracking PolicyType = "TargetTrackingScaling"
	PolicyTypeStep           PolicyType = "StepScaling"
)

// MetricDimension is a CloudWatch dimension.
type MetricDimension struct {
	Name  string
	Value string
}

// The predefined metric types that apply to ECS services
// (API_PredefinedMetricSpecification).
const (
	ECSServiceAverageCPUUtilization    = "ECSServiceAverageCPUUtilization"
	ECSServiceAverageMemoryUtilization = "ECSServiceAverageMemoryUtilization"
	ALBRequestCountPerTarget           = "ALBRequestCountPerTarget"
)

// PredefinedMetricSpecification names one of the predefined metrics.
// ResourceLabel is required for, and only allowed with,
// ALBRequestCountPerTarget: app/<alb>/<id>/targetgroup/<tg>/<id>.
type PredefinedMetricSpecification struct {
	PredefinedMetricType string
	ResourceLabel        string
}

// CustomizedMetricSpecification is a CloudWatch metric used as given.
// Metric math (Metrics) is not supported by the sandbox.
type CustomizedMetricSpecification struct {
	MetricName string
	Namespace  string
	Dimensions []MetricDimension
	Statistic  string
	Unit       string
}

// TargetTrackingScalingPolicyConfiguration configures a target tracking
// policy. Give exactly one metric specification. Cooldowns are in seconds;
// nil means DefaultCooldown.
type TargetTrackingScalingPolicyConfiguration struct {
	TargetValue                   float64
	PredefinedMetricSpecification *PredefinedMetricSpecification
	CustomizedMetricSpecification *CustomizedMetricSpecification
	ScaleOutCooldown              *int32
	ScaleInCooldown               *int32
	DisableScaleIn                bool
}

// AdjustmentType says how a step's ScalingAdjustment is read.
type AdjustmentType string

// The adjustment types (application-auto-scaling-step-scaling-policies.html).
const (
	ChangeInCapacity        AdjustmentType = "ChangeInCapacity"
	ExactCapacity           AdjustmentType = "ExactCapacity"
	PercentChangeInCapacity AdjustmentType = "PercentChangeInCapacity"
)

// The metric aggregation types of a step policy; empty means Average.
const (
	AggregationAverage = "Average"
	AggregationMinimum = "Minimum"
	AggregationMaximum = "Maximum"
)

// StepAdjustment is one step: bounds relative to the alarm threshold (nil
// meaning infinity) and the adjustment to make inside them.
type StepAdjustment struct {
	MetricIntervalLowerBound *float64
	MetricIntervalUpperBound *float64
	ScalingAdjustment        int32
}

// StepScalingPolicyConfiguration configures a step policy. Cooldown is in
// seconds; nil means DefaultCooldown.
type StepScalingPolicyConfiguration struct {
	AdjustmentType         AdjustmentType
	StepAdjustments        []StepAdjustment
	MinAdjustmentMagnitude *int32
	Cooldown               *int32
	MetricAggregationType  string
}

// PutScalingPolicyInput creates or replaces a policy. On an update,
// PolicyType and a nil configuration keep their current values.
type PutScalingPolicyInput struct {
	PolicyName                               string
	ServiceNamespace                         string
	ScalableDimension                        string
	ResourceId                               string
	PolicyType                               PolicyType
	TargetTrackingScalingPolicyConfiguration *TargetTrackingScalingPolicyConfiguration
	StepScalingPolicyConfiguration           *StepScalingPolicyConfiguration
}

// Alarm names a CloudWatch alarm of a policy.
type Alarm struct {
	AlarmName string
	AlarmARN  string
}

// PutScalingPolicyOutput returns the policy's ARN and, for target
// tracking, the two alarms created for it.
type PutScalingPolicyOutput struct {
	PolicyARN string
	Alarms    []Alarm
}

// ScalingPolicy is a policy as DescribeScalingPolicies reports it.
type ScalingPolicy struct {
	PolicyARN                                string
	PolicyName                               string
	ServiceNamespace                         string
	ResourceId                               string
	ScalableDimension                        string
	PolicyType                               PolicyType
	TargetTrackingScalingPolicyConfiguration *TargetTrackingScalingPolicyConfiguration
	StepScalingPolicyConfiguration           *StepScalingPolicyConfiguration
	Alarms                                   []Alarm
	CreationTime                             time.Time
}

// DescribeScalingPoliciesInput lists policies; every filter is optional
// but ScalableDimension needs ResourceId.
type DescribeScalingPoliciesInput struct {
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
	PolicyNames       []string
	MaxResults        int32
	NextToken         string
}

// DescribeScalingPoliciesOutput is a page of policies, ordered by resource
// and name.
type DescribeScalingPoliciesOutput struct {
	ScalingPolicies []ScalingPolicy
	NextToken       string
}

// DeleteScalingPolicyInput names a policy to delete.
type DeleteScalingPolicyInput struct {
	PolicyName        string
	ServiceNamespace  string
	ScalableDimension string
	ResourceId        string
}

// ScalableTargetAction is what a scheduled action sets; give one or both.
type ScalableTargetAction struct {
	MinCapacity *int32
	MaxCapacity *int32
}

// PutScheduledActionInput creates or updates a scheduled action. Schedule
// is cron(...), rate(...) or at(...) (spec/schedule); Timezone an IANA name,
// UTC when empty. StartTime and EndTime (zero: unset) bound a recurring
// schedule. On an update, an empty Schedule or Timezone and a nil
// ScalableTargetAction keep their values, while StartTime and EndTime are
// always replaced: "If you don't specify start and end times, the old
// values are deleted" (API_PutScheduledAction).
type PutScheduledActionInput struct {
	ScheduledActionName  string
	ServiceNamespace     string
	ScalableDimension    string
	ResourceId           string
	Schedule             string
	Timezone             string
	StartTime            time.Time
	EndTime              time.Time
	ScalableTargetAction *ScalableTargetAction
}

// ScheduledAction is a scheduled action as DescribeScheduledActions
// reports it.
type ScheduledAction struct {
	ScheduledActionName  string
	ScheduledActionARN   string
	ServiceNamespace     string
	Schedule             string
	Timezone             string
	ResourceId           string
	ScalableDimension    string
	StartTime            time.Time
	EndTime              time.Time
	ScalableTargetAction ScalableTargetAction
	CreationTime         time.Time
}

// DescribeScheduledActionsInput lists scheduled actions; ScalableDimension
// needs ResourceId.
type DescribeScheduledActionsInput struct {
	ServiceNamespace     string
	ResourceId           string
	ScalableDimension    string
	ScheduledActionNames []string
	MaxResults           int32
	NextToken            string
}

// DescribeScheduledActionsOutput is a page of scheduled actions, ordered by
// resource and name.
type DescribeScheduledActionsOutput struct {
	ScheduledActions []ScheduledAction
	NextToken        string
}

// DeleteScheduledActionInput names a scheduled action to delete.
type DeleteScheduledActionInput struct {
	ScheduledActionName string
	ServiceNamespace    string
	ScalableDimension   string
	ResourceId          string
}

// ScalingActivityStatusCode is the state of a scaling activity. AWS also
// has Pending and InProgress (before the target service answers),
// Overridden and Unfulfilled; the sandbox sets desired counts synchronously
// and never overrides an activity, so its activities end Successful or
// Failed at once.
type ScalingActivityStatusCode string

// The status codes this engine records.
const (
	StatusSuccessful ScalingActivityStatusCode = "Successful"
	StatusFailed     ScalingActivityStatusCode = "Failed"
)

// The not-scaled reason codes this engine records
// (application-auto-scaling-scaling-activities.html).
const (
	// AlreadyAtMaxCapacity: a scale-out was blocked by MaxCapacity.
	AlreadyAtMaxCapacity = "AlreadyAtMaxCapacity"
	// AlreadyAtMinCapacity: a scale-in was blocked by MinCapacity.
	AlreadyAtMinCapacity = "AlreadyAtMinCapacity"
	// AlreadyAtDesiredCapacity: the policy computed the current capacity.
	AlreadyAtDesiredCapacity = "AlreadyAtDesiredCapacity"
)

// NotScaledReason says why a triggered policy did not scale.
type NotScaledReason struct {
	Code            string
	CurrentCapacity *int32
	MaxCapacity     *int32
	MinCapacity     *int32
}

// ScalingActivity is one scaling activity. A not-scaled activity has
// StatusCode Failed and NotScaledReasons, as in AWS's own example.
type ScalingActivity struct {
	ActivityId        string
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
	Description       string
	Cause             string
	StartTime         time.Time
	// EndTime is zero for the activities AWS shows without one (scheduled
	// min/max changes, not-scaled activities).
	EndTime          time.Time
	StatusCode       ScalingActivityStatusCode
	StatusMessage    string
	NotScaledReasons []NotScaledReason
}

// DescribeScalingActivitiesInput lists activities, newest first; not-scaled
// activities only with IncludeNotScaledActivities.
type DescribeScalingActivitiesInput struct {
	ServiceNamespace           string
	ResourceId                 string
	ScalableDimension          string
	IncludeNotScaledActivities bool
	MaxResults                 int32
	NextToken                  string
}

// DescribeScalingActivitiesOutput is a page of activities.
type DescribeScalingActivitiesOutput struct {
	ScalingActivities []ScalingActivity
	NextToken         string
}
