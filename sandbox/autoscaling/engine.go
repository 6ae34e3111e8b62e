package autoscaling

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	// Time zones of scheduled actions must load on hosts without a zone
	// database (minimal containers), so the engine carries its own.
	_ "time/tzdata"
)

const (
	// DefaultRegion and DefaultAccountID go into ARNs; they match the
	// sandbox CloudWatch engine's, so alarm ARNs computed here agree with
	// the ones it reports.
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"

	// DefaultCooldown is the cooldown of a policy that sets none: "the
	// default value is 300" for ECS scale-out and scale-in cooldowns
	// (API_TargetTrackingScalingPolicyConfiguration) and for a step
	// policy's Cooldown (API_StepScalingPolicyConfiguration).
	DefaultCooldown = 300 * time.Second

	// TickInterval is how often the sandbox must call Tick: AWS evaluates
	// scheduled actions at one-minute resolution
	// (application-auto-scaling-scheduled-scaling.html, Limitations) and
	// re-invokes a policy every minute while its alarm stays in ALARM.
	TickInterval = time.Minute

	// ActivityRetention is how long activities are kept: "You can look up
	// scaling activities from the last six weeks"
	// (application-auto-scaling-scaling-activities.html).
	ActivityRetention = 6 * 7 * 24 * time.Hour

	// DefaultMaxActivities caps the activities kept whatever their age. Six
	// weeks of a not-scaled activity every minute is 60,480 per policy; a
	// game day reads only the last few, and the cap keeps memory flat on a
	// fast clock. The cap is the sandbox's, AWS states none.
	DefaultMaxActivities = 10000

	// maxCatchUp bounds how many missed minutes one Tick looks back over for
	// due scheduled actions, should the sandbox have stalled.
	maxCatchUp = 24 * time.Hour
)

// Quotas from application-auto-scaling-quotas.html; exceeding one is a
// LimitExceededException.
const (
	maxECSTargets         = 3000
	maxPoliciesPerTarget  = 50
	maxScheduledPerTarget = 200
	maxStepAdjustments    = 20
)

// Model holds the figures of target tracking that AWS does not document:
// the shape of the two alarms it creates and the arithmetic of its capacity
// changes. aws-semantics.md marks them unconfirmed; DefaultModel has the
// observed values, and WithModel changes them.
type Model struct {
	// AlarmHigh: metric > TargetValue for HighDatapointsToAlarm of
	// HighEvaluationPeriods periods of HighPeriod. Observed: 3 of 3 × 60 s
	// (alarms AWS created; aws/containers-roadmap #1208).
	HighPeriod            time.Duration
	HighEvaluationPeriods int
	HighDatapointsToAlarm int
	// AlarmLow: metric < LowThresholdRatio × TargetValue for
	// LowDatapointsToAlarm of LowEvaluationPeriods periods of LowPeriod.
	// Observed: 0.9 (a target of 70 gives 63), 15 of 15 × 60 s.
	LowThresholdRatio    float64
	LowPeriod            time.Duration
	LowEvaluationPeriods int
	LowDatapointsToAlarm int
	// TreatMissingData of both alarms; observed "missing" on AlarmHigh.
	TreatMissingData string
	// ScaleOutAim: a scale-out sets ceil(current × metric / (ScaleOutAim ×
	// TargetValue)), the capacity at which the metric would be back at the
	// target if it is proportional to capacity. AWS says only that it
	// "scales out proportionally to the metric as fast as it can" and rounds
	// "conservatively" (application-auto-scaling-target-tracking.html); the
	// formula is unpublished.
	ScaleOutAim float64
	// ScaleInAim: a scale-in removes floor(current − current × metric /
	// (ScaleInAim × TargetValue)) tasks, the most whole tasks whose removal
	// keeps the predicted metric at or below the target, so that it never
	// removes "too much capacity" (same page). Also unconfirmed.
	ScaleInAim float64
}

// DefaultModel returns the observed target tracking figures.
func DefaultModel() Model {
	return Model{
		HighPeriod:            time.Minute,
		HighEvaluationPeriods: 3,
		HighDatapointsToAlarm: 3,
		LowThresholdRatio:     0.9,
		LowPeriod:             time.Minute,
		LowEvaluationPeriods:  15,
		LowDatapointsToAlarm:  15,
		TreatMissingData:      "missing",
		ScaleOutAim:           1,
		ScaleInAim:            1,
	}
}

// String describes the model for reports.
func (m Model) String() string {
	return fmt.Sprintf("AlarmHigh > target, %d of %d × %s; AlarmLow < %g × target, %d of %d × %s; missing data %s; scale-out aim %g, scale-in aim %g",
		m.HighDatapointsToAlarm, m.HighEvaluationPeriods, m.HighPeriod,
		m.LowThresholdRatio, m.LowDatapointsToAlarm, m.LowEvaluationPeriods, m.LowPeriod,
		m.TreatMissingData, m.ScaleOutAim, m.ScaleInAim)
}

// Option configures an Engine.
type Option func(*Engine)

// WithRegion sets the region of ARNs (default DefaultRegion).
func WithRegion(region string) Option { return func(e *Engine) { e.region = region } }

// WithAccountID sets the account of ARNs (default DefaultAccountID).
func WithAccountID(id string) Option { return func(e *Engine) { e.accountID = id } }

// WithModel replaces DefaultModel.
func WithModel(m Model) Option { return func(e *Engine) { e.model = m } }

// WithDeployments lets the engine hold back scale-in while a service
// deploys. Without it no service is ever deploying.
func WithDeployments(d Deployments) Option { return func(e *Engine) { e.deployments = d } }

// WithMaxActivities sets the cap on kept activities (default
// DefaultMaxActivities).
func WithMaxActivities(n int) Option { return func(e *Engine) { e.maxActivities = n } }

// OnFailedActivity registers f to be called with every activity that
// failed: Capacity.SetDesiredCount returned an error, or a scheduled action
// could not apply its capacities. The sandbox uses it to publish the
// FailedScalingActivity metric the runbook's AutoScalingFailure alarm
// watches. Not-scaled activities carry StatusCode Failed too, but they are
// decisions, not failures, and do not call f. f runs after the engine's lock is
// released, on the goroutine whose call caused the failure, and may call
// back into the engine.
func OnFailedActivity(f func(ScalingActivity)) Option { return func(e *Engine) { e.onFailed = f } }

// Engine is one region's Application Auto Scaling for ECS services. It is
// safe for concurrent use: API calls and Tick are serialised by one lock.
type Engine struct {
	capacity      Capacity
	alarms        Alarms
	clock         Clock
	region        string
	accountID     string
	model         Model
	deployments   Deployments
	maxActivities int
	onFailed      func(ScalingActivity)

	mu         sync.Mutex
	targets    map[string]*target // by ResourceId
	activities []activityRecord   // oldest first
	seq        uint64
	lastMinute time.Time // the last minute Tick processed
	failed     []ScalingActivity
}

// New returns an engine with no scalable targets.
func New(capacity Capacity, alarms Alarms, clock Clock, opts ...Option) *Engine {
	e := &Engine{
		capacity:      capacity,
		alarms:        alarms,
		clock:         clock,
		region:        DefaultRegion,
		accountID:     DefaultAccountID,
		model:         DefaultModel(),
		maxActivities: DefaultMaxActivities,
		targets:       map[string]*target{},
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// String describes the engine's configuration for reports.
func (e *Engine) String() string {
	return fmt.Sprintf("application-autoscaling %s account %s, default cooldown %s, activities kept %s (at most %d); target tracking: %s",
		e.region, e.accountID, DefaultCooldown, ActivityRetention, e.maxActivities, e.model)
}

// unlock releases the lock and then reports the failed activities recorded
// under it, so that the hook may call back into the engine.
func (e *Engine) unlock() {
	failed := e.failed
	e.failed = nil
	e.mu.Unlock()
	if e.onFailed == nil {
		return
	}
	for _, a := range failed {
		e.onFailed(a)
	}
}

// newUUID returns a random (version 4) UUID, the form of AWS's activity
// IDs and of the suffixes of target tracking alarm names.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (e *Engine) alarmARN(name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", e.region, e.accountID, name)
}

// roleARN is the service-linked role AWS reports for ECS targets
// (application-autoscaling-service-linked-roles.html).
func (e *Engine) roleARN() string {
	return fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService", e.accountID)
}

// checkNamespace validates ServiceNamespace, which every call requires.
func checkNamespace(ns string) *Error {
	switch ns {
	case "":
		return required("serviceNamespace")
	case ServiceNamespaceECS:
		return nil
	}
	return invalid("Unsupported service namespace %q: the sandbox serves only %s", ns, ServiceNamespaceECS)
}

func checkDimension(dim string) *Error {
	switch dim {
	case "":
		return required("scalableDimension")
	case ScalableDimensionECSServiceDesiredCount:
		return nil
	}
	return invalid("Unsupported scalable dimension %q: the sandbox serves only %s", dim, ScalableDimensionECSServiceDesiredCount)
}

// parseServiceID splits an ECS resource ID, service/<cluster>/<service>.
func parseServiceID(id string) (cluster, service string, err *Error) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 || parts[0] != "service" || parts[1] == "" || parts[2] == "" {
		return "", "", invalid("Unsupported resource ID %q: an ECS service is service/<cluster-name>/<service-name>", id)
	}
	return parts[1], parts[2], nil
}

// checkIdentity validates the three members that name a scalable target.
func checkIdentity(ns, dim, resourceID string) *Error {
	if err := checkNamespace(ns); err != nil {
		return err
	}
	if err := checkDimension(dim); err != nil {
		return err
	}
	if resourceID == "" {
		return required("resourceId")
	}
	_, _, err := parseServiceID(resourceID)
	return err
}

// checkFilter validates the optional ResourceId and ScalableDimension
// filters of the Describe calls: "If you specify a scalable dimension, you
// must also specify a resource ID" (API_DescribeScalingPolicies).
func checkFilter(ns, dim string, haveResource bool) *Error {
	if err := checkNamespace(ns); err != nil {
		return err
	}
	if dim == "" {
		return nil
	}
	if !haveResource {
		return invalid("If you specify a scalable dimension, you must also specify a resource ID")
	}
	return checkDimension(dim)
}

func ptr[T any](v T) *T { return &v }

func seconds(s *int32) time.Duration {
	if s == nil {
		return DefaultCooldown
	}
	return time.Duration(*s) * time.Second
}
