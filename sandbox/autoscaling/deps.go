package autoscaling

import (
	"errors"
	"time"
)

// The engine consumes three narrow interfaces, so that the sandbox can hand
// it its ECS scheduler and CloudWatch engine through small adapters and a
// test can hand it fakes. The Engine calls them while holding its own lock:
// implementations must not call back into the Engine.

// Capacity is the scalable dimension ecs:service:DesiredCount: the desired
// count of ECS services, named by resource IDs such as
// service/main-cluster/frontend-service.
type Capacity interface {
	// DesiredCount returns the service's desired count, or an error that
	// wraps ErrUnknownResource if there is no such service.
	DesiredCount(resourceID string) (int, error)
	// SetDesiredCount changes it, as UpdateService does. An error makes the
	// scaling activity Failed, with the error as its reason.
	SetDesiredCount(resourceID string, n int) error
}

// ErrUnknownResource is what a Capacity wraps when asked about a service
// that does not exist.
var ErrUnknownResource = errors.New("no such resource")

// Alarms is the part of CloudWatch that Application Auto Scaling uses: it
// creates and deletes the alarms of target tracking policies and reads the
// alarms that invoke a policy.
type Alarms interface {
	// PutMetricAlarm creates or replaces an alarm.
	PutMetricAlarm(a MetricAlarm) error
	// DeleteAlarms deletes alarms; names that do not exist are ignored.
	DeleteAlarms(names ...string) error
	// AlarmsWithAction returns every alarm whose AlarmActions contain arn
	// while its actions are enabled, whatever its state.
	AlarmsWithAction(arn string) ([]AlarmStatus, error)
	// RemoveAlarmAction removes arn from the AlarmActions of every alarm:
	// "Deleting a step scaling policy deletes the underlying alarm action,
	// but does not delete the CloudWatch alarm" (API_DeleteScalingPolicy).
	RemoveAlarmAction(arn string) error
}

// MetricAlarm is an alarm to create, in PutMetricAlarm's terms.
type MetricAlarm struct {
	AlarmName        string
	AlarmDescription string
	AlarmActions     []string
	Namespace        string
	MetricName       string
	Dimensions       []MetricDimension
	// Statistic is Average, Minimum, Maximum, SampleCount or Sum.
	Statistic string
	Unit      string
	Period    time.Duration
	// EvaluationPeriods is N and DatapointsToAlarm M of an M-out-of-N
	// alarm.
	EvaluationPeriods  int
	DatapointsToAlarm  int
	Threshold          float64
	ComparisonOperator string
	TreatMissingData   string
}

// The comparison operators of the alarms this engine creates.
const (
	GreaterThanThreshold = "GreaterThanThreshold"
	LessThanThreshold    = "LessThanThreshold"
)

// AlarmState is a CloudWatch alarm state.
type AlarmState string

// The alarm states.
const (
	StateOK               AlarmState = "OK"
	StateAlarm            AlarmState = "ALARM"
	StateInsufficientData AlarmState = "INSUFFICIENT_DATA"
)

// AlarmStatus is an alarm as the engine needs to see it when deciding.
type AlarmStatus struct {
	AlarmName  string
	StateValue AlarmState
	Threshold  float64
	// Datapoints are the values of the alarm's most recent evaluation,
	// newest first (what CloudWatch reports as recentDatapoints in the
	// alarm's StateReasonData). Target tracking reads the newest; step
	// scaling aggregates them with its MetricAggregationType.
	Datapoints []float64
}

// Deployments tells whether an ECS service is in the middle of a
// deployment: "Scale-in is suspended during an ECS deployment; scale-out
// continues" (AmazonECS/latest/developerguide/service-autoscaling-targettracking.html).
type Deployments interface {
	InDeployment(resourceID string) bool
}

// Clock gives the platform time of API calls (creation times, the start of
// activities that API calls cause). clock.Clock satisfies it.
type Clock interface {
	Now() time.Time
}
