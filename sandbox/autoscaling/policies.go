package autoscaling

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
)

// policy is a scaling policy with its cooldown state.
type policy struct {
	ScalingPolicy
	// high and low name the alarms of a target tracking policy.
	high, low string
	// outUntil is when the scale-out cooldown ends; outBase the capacity
	// before the scale-out that started it (see cooldownBase).
	outUntil time.Time
	outBase  int
	// inUntil is when the scale-in cooldown ends.
	inUntil time.Time
}

// cooldowns returns the policy's scale-out and scale-in cooldowns. A step
// policy has one Cooldown for both directions
// (application-auto-scaling-step-scaling-policies.html, Cooldown period).
func (p *policy) cooldowns() (out, in time.Duration) {
	if c := p.TargetTrackingScalingPolicyConfiguration; c != nil {
		return seconds(c.ScaleOutCooldown), seconds(c.ScaleInCooldown)
	}
	c := seconds(p.StepScalingPolicyConfiguration.Cooldown)
	return c, c
}

// cooldownBase is the capacity a scale-out computes from. Inside the
// scale-out cooldown it is the capacity before the scale-out that started
// the cooldown: "While the scale-out cooldown period is in effect, the
// capacity added by the initiating scale-out activity is calculated as part
// of the desired capacity for the next scale-out activity"
// (application-auto-scaling-target-tracking.html). So the same alarm seen
// again computes the same capacity and does not scale, and only "a larger
// scale out" does — the step scaling guide's example: +2, then a step of +3
// during the cooldown adds 1.
func (p *policy) cooldownBase(current int, now time.Time) int {
	if now.Before(p.outUntil) {
		return p.outBase
	}
	return current
}

// scaledOut starts or continues the scale-out cooldown after a successful
// scale-out from current. A scale-out inside the cooldown restarts its
// clock ("After Application Auto Scaling successfully scales out ... it
// starts to calculate the cooldown time") but keeps the base, so that the
// capacity of the whole burst keeps counting.
func (p *policy) scaledOut(current int, now time.Time) {
	if !now.Before(p.outUntil) {
		p.outBase = current
	}
	out, _ := p.cooldowns()
	p.outUntil = now.Add(out)
}

func (e *Engine) policyARN(t *target, name string) string {
	return fmt.Sprintf("arn:aws:autoscaling:%s:%s:scalingPolicy:%s:resource/%s/%s:policyName/%s",
		e.region, e.accountID, t.uuid, t.ServiceNamespace, t.ResourceId, name)
}

// checkName applies the service model's constraints on policy and
// scheduled action names: 1-256 printable characters.
func checkName(field, name string) *Error {
	if name == "" {
		return required(field)
	}
	if len(name) > 256 {
		return lengthError(field, 1, 256)
	}
	if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return invalid("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{Print}+", name, field)
	}
	return nil
}

// PutScalingPolicy creates or updates a policy (API_PutScalingPolicy). A
// target tracking policy gets its two alarms, created here through Alarms
// and returned; an update replaces them in place. A step policy creates no
// alarm: the caller points alarms at the returned PolicyARN.
func (e *Engine) PutScalingPolicy(in PutScalingPolicyInput) (PutScalingPolicyOutput, error) {
	if err := checkIdentity(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return PutScalingPolicyOutput{}, err
	}
	if err := checkName("policyName", in.PolicyName); err != nil {
		return PutScalingPolicyOutput{}, err
	}
	switch in.PolicyType {
	case "", PolicyTypeTargetTracking, PolicyTypeStep:
	default:
		return PutScalingPolicyOutput{}, invalid("Unsupported policy type %q: the sandbox serves %s and %s", in.PolicyType, PolicyTypeTargetTracking, PolicyTypeStep)
	}
	now := e.clock.Now()
	e.mu.Lock()
	defer e.unlock()
	t, ok := e.targets[in.ResourceId]
	if !ok {
		// "You cannot create a scaling policy until you have registered the
		// resource as a scalable target."
		return PutScalingPolicyOutput{}, targetNotFound(in.ResourceId)
	}
	old := t.policies[in.PolicyName]
	typ := in.PolicyType
	switch {
	case old == nil && typ == "":
		return PutScalingPolicyOutput{}, invalid("PolicyType is required to create a scaling policy")
	case old == nil && len(t.policies) >= maxPoliciesPerTarget:
		return PutScalingPolicyOutput{}, newError(ErrCodeLimitExceeded, "Maximum number of scaling policies (%d) for scalable target %s reached", maxPoliciesPerTarget, t.ResourceId)
	case old != nil && typ == "":
		typ = old.PolicyType
	case old != nil && typ != old.PolicyType:
		// AWS does not say whether a policy can change type; the sandbox
		// refuses rather than guess what becomes of the old alarms.
		return PutScalingPolicyOutput{}, invalid("Policy %s is a %s policy; delete it before creating a %s policy of that name", in.PolicyName, old.PolicyType, typ)
	}
	p := &policy{}
	if old != nil {
		cp := *old
		p = &cp
	} else {
		p.ScalingPolicy = ScalingPolicy{
			PolicyARN:         e.policyARN(t, in.PolicyName),
			PolicyName:        in.PolicyName,
			ServiceNamespace:  t.ServiceNamespace,
			ResourceId:        t.ResourceId,
			ScalableDimension: t.ScalableDimension,
			PolicyType:        typ,
			CreationTime:      now,
		}
	}
	var out PutScalingPolicyOutput
	switch typ {
	case PolicyTypeTargetTracking:
		if in.StepScalingPolicyConfiguration != nil {
			return out, invalid("StepScalingPolicyConfiguration is not allowed with policy type %s", typ)
		}
		cfg := in.TargetTrackingScalingPolicyConfiguration
		if cfg == nil && old == nil {
			return out, invalid("TargetTrackingScalingPolicyConfiguration is required for policy type %s", typ)
		}
		if cfg != nil {
			p.TargetTrackingScalingPolicyConfiguration = cloneTargetTracking(cfg)
		}
		alarms, err := e.targetTrackingAlarms(t, p)
		if err != nil {
			return out, err
		}
		if err := e.putAlarms(alarms, old == nil); err != nil {
			return out, err
		}
		p.high, p.low = alarms[0].AlarmName, alarms[1].AlarmName
		p.Alarms = []Alarm{{p.high, e.alarmARN(p.high)}, {p.low, e.alarmARN(p.low)}}
		out.Alarms = slices.Clone(p.Alarms)
	case PolicyTypeStep:
		if in.TargetTrackingScalingPolicyConfiguration != nil {
			return out, invalid("TargetTrackingScalingPolicyConfiguration is not allowed with policy type %s", typ)
		}
		cfg := in.StepScalingPolicyConfiguration
		if cfg == nil && old == nil {
			return out, invalid("StepScalingPolicyConfiguration is required for policy type %s", typ)
		}
		if cfg != nil {
			if err := checkStepConfig(cfg); err != nil {
				return out, err
			}
			p.StepScalingPolicyConfiguration = cloneStep(cfg)
		}
	}
	t.policies[in.PolicyName] = p
	out.PolicyARN = p.PolicyARN
	return out, nil
}

// putAlarms creates alarms in order. If creating a new policy's alarms
// fails half way, the ones already made are removed again.
func (e *Engine) putAlarms(alarms []MetricAlarm, fresh bool) *Error {
	for i, a := range alarms {
		if err := e.alarms.PutMetricAlarm(a); err != nil {
			if fresh && i > 0 {
				names := make([]string, i)
				for j := range i {
					names[j] = alarms[j].AlarmName
				}
				// The put already failed; a failure to tidy up adds nothing
				// the caller can act on.
				_ = e.alarms.DeleteAlarms(names...)
			}
			return accessFailed("Failed to create CloudWatch alarm "+a.AlarmName, err)
		}
	}
	return nil
}

// targetTrackingAlarms validates a target tracking configuration and
// returns the two alarms AWS creates for it, AlarmHigh then AlarmLow,
// "TargetTracking-<resource>-AlarmHigh-<uuid>" and "…-AlarmLow-<uuid>"
// (application-auto-scaling-target-tracking.html). Their figures are the
// engine's Model. Names are kept across updates.
func (e *Engine) targetTrackingAlarms(t *target, p *policy) ([]MetricAlarm, *Error) {
	cfg := p.TargetTrackingScalingPolicyConfiguration
	if math.IsNaN(cfg.TargetValue) || math.IsInf(cfg.TargetValue, 0) || cfg.TargetValue <= 0 {
		// AWS accepts any double in ±2^360; the sandbox needs a positive
		// target because it scales by metric / TargetValue.
		return nil, invalid("TargetValue must be a positive number, got %v", cfg.TargetValue)
	}
	for _, c := range []struct {
		name string
		v    *int32
	}{{"scaleOutCooldown", cfg.ScaleOutCooldown}, {"scaleInCooldown", cfg.ScaleInCooldown}} {
		if c.v != nil && *c.v < 0 {
			return nil, rangeError(c.name, int(*c.v), 0, 0)
		}
	}
	base, err := metricOf(t, cfg)
	if err != nil {
		return nil, err
	}
	base.AlarmActions = []string{p.PolicyARN}
	base.AlarmDescription = "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + p.PolicyARN + "."
	base.TreatMissingData = e.model.TreatMissingData
	high, low := base, base
	high.AlarmName, low.AlarmName = p.high, p.low
	if p.high == "" {
		high.AlarmName = "TargetTracking-" + t.ResourceId + "-AlarmHigh-" + newUUID()
		low.AlarmName = "TargetTracking-" + t.ResourceId + "-AlarmLow-" + newUUID()
	}
	high.Threshold, high.ComparisonOperator = cfg.TargetValue, GreaterThanThreshold
	high.Period, high.EvaluationPeriods, high.DatapointsToAlarm = e.model.HighPeriod, e.model.HighEvaluationPeriods, e.model.HighDatapointsToAlarm
	low.Threshold, low.ComparisonOperator = cfg.TargetValue*e.model.LowThresholdRatio, LessThanThreshold
	low.Period, low.EvaluationPeriods, low.DatapointsToAlarm = e.model.LowPeriod, e.model.LowEvaluationPeriods, e.model.LowDatapointsToAlarm
	high.Dimensions, low.Dimensions = slices.Clone(base.Dimensions), slices.Clone(base.Dimensions)
	return []MetricAlarm{high, low}, nil
}

var statistics = []string{"Average", "Minimum", "Maximum", "SampleCount", "Sum"}

// metricOf returns the metric a target tracking configuration tracks, as
// an alarm template. Predefined metrics map to the CloudWatch metrics AWS
// uses for them (monitoring-cloudwatch.html, predefined metrics):
// ECSServiceAverage{CPU,Memory}Utilization to AWS/ECS {CPU,Memory}Utilization
// Average by ClusterName and ServiceName; ALBRequestCountPerTarget to
// AWS/ApplicationELB RequestCountPerTarget Sum by TargetGroup, taken from
// the ResourceLabel. A customized metric is used as given.
func metricOf(t *target, cfg *TargetTrackingScalingPolicyConfiguration) (MetricAlarm, *Error) {
	pre, cust := cfg.PredefinedMetricSpecification, cfg.CustomizedMetricSpecification
	switch {
	case (pre == nil) == (cust == nil):
		return MetricAlarm{}, invalid("Specify exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification")
	case cust != nil:
		switch {
		case cust.MetricName == "":
			return MetricAlarm{}, required("customizedMetricSpecification.metricName")
		case cust.Namespace == "":
			return MetricAlarm{}, required("customizedMetricSpecification.namespace")
		case !slices.Contains(statistics, cust.Statistic):
			return MetricAlarm{}, invalid("1 validation error detected: Value '%s' at 'customizedMetricSpecification.statistic' failed to satisfy constraint: Member must satisfy enum value set: [%s]", cust.Statistic, strings.Join(statistics, ", "))
		}
		return MetricAlarm{
			Namespace:  cust.Namespace,
			MetricName: cust.MetricName,
			Dimensions: slices.Clone(cust.Dimensions),
			Statistic:  cust.Statistic,
			Unit:       cust.Unit,
		}, nil
	}
	if pre.ResourceLabel != "" && pre.PredefinedMetricType != ALBRequestCountPerTarget {
		return MetricAlarm{}, invalid("You can't specify a resource label unless the metric type is %s", ALBRequestCountPerTarget)
	}
	cluster, service, _ := parseServiceID(t.ResourceId)
	ecs := []MetricDimension{{Name: "ClusterName", Value: cluster}, {Name: "ServiceName", Value: service}}
	switch pre.PredefinedMetricType {
	case ECSServiceAverageCPUUtilization:
		return MetricAlarm{Namespace: "AWS/ECS", MetricName: "CPUUtilization", Dimensions: ecs, Statistic: "Average"}, nil
	case ECSServiceAverageMemoryUtilization:
		return MetricAlarm{Namespace: "AWS/ECS", MetricName: "MemoryUtilization", Dimensions: ecs, Statistic: "Average"}, nil
	case ALBRequestCountPerTarget:
		// app/<alb>/<id>/targetgroup/<tg>/<id>: the TargetGroup dimension is
		// its second half (API_PredefinedMetricSpecification).
		parts := strings.Split(pre.ResourceLabel, "/")
		if len(parts) != 6 || parts[0] != "app" || parts[3] != "targetgroup" || slices.Contains(parts, "") {
			return MetricAlarm{}, invalid("ResourceLabel %q for %s must be app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>", pre.ResourceLabel, ALBRequestCountPerTarget)
		}
		return MetricAlarm{
			Namespace:  "AWS/ApplicationELB",
			MetricName: "RequestCountPerTarget",
			Dimensions: []MetricDimension{{Name: "TargetGroup", Value: strings.Join(parts[3:], "/")}},
			Statistic:  "Sum",
		}, nil
	}
	return MetricAlarm{}, invalid("Unsupported predefined metric type %q for an ECS service: want %s, %s or %s",
		pre.PredefinedMetricType, ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget)
}

// checkStepConfig applies the rules of
// application-auto-scaling-step-scaling-policies.html: "The ranges of your
// step adjustments can't overlap or have a gap"; at most one null lower and
// one null upper bound; a negative lower bound needs a step with a null
// lower bound, a positive upper bound one with a null upper bound; no step
// with both bounds null. Plus the quota of 20 steps and the enums.
func checkStepConfig(cfg *StepScalingPolicyConfiguration) *Error {
	switch cfg.AdjustmentType {
	case ChangeInCapacity, ExactCapacity, PercentChangeInCapacity:
	case "":
		return invalid("AdjustmentType is required for a step scaling policy")
	default:
		return invalid("1 validation error detected: Value '%s' at 'stepScalingPolicyConfiguration.adjustmentType' failed to satisfy constraint: Member must satisfy enum value set: [%s, %s, %s]",
			cfg.AdjustmentType, ChangeInCapacity, PercentChangeInCapacity, ExactCapacity)
	}
	switch cfg.MetricAggregationType {
	case "", AggregationAverage, AggregationMinimum, AggregationMaximum:
	default:
		return invalid("1 validation error detected: Value '%s' at 'stepScalingPolicyConfiguration.metricAggregationType' failed to satisfy constraint: Member must satisfy enum value set: [%s, %s, %s]",
			cfg.MetricAggregationType, AggregationAverage, AggregationMinimum, AggregationMaximum)
	}
	if cfg.Cooldown != nil && *cfg.Cooldown < 0 {
		return rangeError("stepScalingPolicyConfiguration.cooldown", int(*cfg.Cooldown), 0, 0)
	}
	if m := cfg.MinAdjustmentMagnitude; m != nil && *m < 0 {
		return rangeError("stepScalingPolicyConfiguration.minAdjustmentMagnitude", int(*m), 0, 0)
	}
	steps := cfg.StepAdjustments
	switch {
	case len(steps) == 0:
		return invalid("At least one step adjustment is required for a step scaling policy")
	case len(steps) > maxStepAdjustments:
		return newError(ErrCodeLimitExceeded, "A step scaling policy can have at most %d step adjustments, got %d", maxStepAdjustments, len(steps))
	}
	for _, s := range steps {
		lo, hi := s.MetricIntervalLowerBound, s.MetricIntervalUpperBound
		switch {
		case lo == nil && hi == nil:
			return invalid("The upper and lower bound can't be null in the same step adjustment")
		case lo != nil && hi != nil && *hi <= *lo:
			return invalid("The upper bound (%g) of a step adjustment must be greater than its lower bound (%g)", *hi, *lo)
		case cfg.AdjustmentType == ExactCapacity && s.ScalingAdjustment < 0:
			return invalid("For ExactCapacity the scaling adjustment must be non-negative, got %d", s.ScalingAdjustment)
		}
	}
	sorted := sortSteps(steps)
	for i := 1; i < len(sorted); i++ {
		prev, cur := sorted[i-1], sorted[i]
		switch {
		case cur.MetricIntervalLowerBound == nil:
			return invalid("Only one step adjustment can have a null lower bound")
		case prev.MetricIntervalUpperBound == nil:
			return invalid("Only one step adjustment can have a null upper bound")
		case *prev.MetricIntervalUpperBound < *cur.MetricIntervalLowerBound:
			return invalid("Step adjustments have a gap between %g and %g: the ranges can't overlap or have a gap", *prev.MetricIntervalUpperBound, *cur.MetricIntervalLowerBound)
		case *prev.MetricIntervalUpperBound > *cur.MetricIntervalLowerBound:
			return invalid("Step adjustments overlap between %g and %g: the ranges can't overlap or have a gap", *cur.MetricIntervalLowerBound, *prev.MetricIntervalUpperBound)
		}
	}
	if lo := sorted[0].MetricIntervalLowerBound; lo != nil && *lo < 0 {
		return invalid("A step adjustment has a negative lower bound, so one must have a null lower bound")
	}
	if hi := sorted[len(sorted)-1].MetricIntervalUpperBound; hi != nil && *hi > 0 {
		return invalid("A step adjustment has a positive upper bound, so one must have a null upper bound")
	}
	return nil
}

// sortSteps orders steps by lower bound, a null (−∞) lower bound first.
func sortSteps(steps []StepAdjustment) []StepAdjustment {
	out := slices.Clone(steps)
	slices.SortStableFunc(out, func(a, b StepAdjustment) int {
		return compareLower(a.MetricIntervalLowerBound, b.MetricIntervalLowerBound)
	})
	return out
}

func compareLower(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch {
	case *a < *b:
		return -1
	case *a > *b:
		return 1
	}
	return 0
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return ptr(*p)
}

func cloneTargetTracking(c *TargetTrackingScalingPolicyConfiguration) *TargetTrackingScalingPolicyConfiguration {
	out := *c
	out.PredefinedMetricSpecification = clonePtr(c.PredefinedMetricSpecification)
	if c.CustomizedMetricSpecification != nil {
		cust := *c.CustomizedMetricSpecification
		cust.Dimensions = slices.Clone(cust.Dimensions)
		out.CustomizedMetricSpecification = &cust
	}
	out.ScaleOutCooldown = clonePtr(c.ScaleOutCooldown)
	out.ScaleInCooldown = clonePtr(c.ScaleInCooldown)
	return &out
}

func cloneStep(c *StepScalingPolicyConfiguration) *StepScalingPolicyConfiguration {
	out := *c
	out.MinAdjustmentMagnitude = clonePtr(c.MinAdjustmentMagnitude)
	out.Cooldown = clonePtr(c.Cooldown)
	out.StepAdjustments = make([]StepAdjustment, len(c.StepAdjustments))
	for i, s := range c.StepAdjustments {
		out.StepAdjustments[i] = StepAdjustment{
			MetricIntervalLowerBound: clonePtr(s.MetricIntervalLowerBound),
			MetricIntervalUpperBound: clonePtr(s.MetricIntervalUpperBound),
			ScalingAdjustment:        s.ScalingAdjustment,
		}
	}
	return &out
}

// describePolicy returns a copy of the policy for DescribeScalingPolicies. A step
// policy's alarms are the alarms that currently invoke it.
func (e *Engine) describePolicy(p *policy) (ScalingPolicy, *Error) {
	out := p.ScalingPolicy
	out.Alarms = slices.Clone(p.Alarms)
	if c := p.TargetTrackingScalingPolicyConfiguration; c != nil {
		out.TargetTrackingScalingPolicyConfiguration = cloneTargetTracking(c)
		return out, nil
	}
	out.StepScalingPolicyConfiguration = cloneStep(p.StepScalingPolicyConfiguration)
	statuses, err := e.alarms.AlarmsWithAction(p.PolicyARN)
	if err != nil {
		return out, accessFailed("Failed to read the CloudWatch alarms of policy "+p.PolicyName, err)
	}
	for _, s := range statuses {
		out.Alarms = append(out.Alarms, Alarm{AlarmName: s.AlarmName, AlarmARN: e.alarmARN(s.AlarmName)})
	}
	slices.SortFunc(out.Alarms, func(a, b Alarm) int { return strings.Compare(a.AlarmName, b.AlarmName) })
	return out, nil
}

// DescribeScalingPolicies lists policies, by resource and then name
// (API_DescribeScalingPolicies).
func (e *Engine) DescribeScalingPolicies(in DescribeScalingPoliciesInput) (DescribeScalingPoliciesOutput, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension, in.ResourceId != ""); err != nil {
		return DescribeScalingPoliciesOutput{}, err
	}
	e.mu.Lock()
	defer e.unlock()
	var all []*policy
	for _, id := range slices.Sorted(maps.Keys(e.targets)) {
		if in.ResourceId != "" && id != in.ResourceId {
			continue
		}
		for _, p := range e.targets[id].sortedPolicies() {
			if len(in.PolicyNames) == 0 || slices.Contains(in.PolicyNames, p.PolicyName) {
				all = append(all, p)
			}
		}
	}
	page, next, perr := paginate(all, func(p *policy) string { return p.ResourceId + "\x00" + p.PolicyName }, "policies", in.MaxResults, in.NextToken)
	if perr != nil {
		return DescribeScalingPoliciesOutput{}, perr
	}
	out := DescribeScalingPoliciesOutput{NextToken: next}
	for _, p := range page {
		sp, err := e.describePolicy(p)
		if err != nil {
			return DescribeScalingPoliciesOutput{}, err
		}
		out.ScalingPolicies = append(out.ScalingPolicies, sp)
	}
	return out, nil
}

// releaseAlarmsLocked undoes what a policy did to CloudWatch. Target
// tracking alarms "are managed by AWS and deleted automatically when no
// longer needed" (application-auto-scaling-target-tracking.html); a step
// policy's alarms stay but lose the action that invoked it
// (API_DeleteScalingPolicy).
func (e *Engine) releaseAlarmsLocked(p *policy) *Error {
	if p.PolicyType == PolicyTypeTargetTracking {
		if err := e.alarms.DeleteAlarms(p.high, p.low); err != nil {
			return accessFailed("Failed to delete the CloudWatch alarms of policy "+p.PolicyName, err)
		}
		return nil
	}
	if err := e.alarms.RemoveAlarmAction(p.PolicyARN); err != nil {
		return accessFailed("Failed to remove policy "+p.PolicyName+" from its CloudWatch alarms", err)
	}
	return nil
}

// DeleteScalingPolicy deletes a policy and releases its alarms
// (API_DeleteScalingPolicy).
func (e *Engine) DeleteScalingPolicy(in DeleteScalingPolicyInput) error {
	if err := checkIdentity(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return err
	}
	if err := checkName("policyName", in.PolicyName); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.unlock()
	var p *policy
	if t, ok := e.targets[in.ResourceId]; ok {
		p = t.policies[in.PolicyName]
	}
	if p == nil {
		return newError(ErrCodeObjectNotFound,
			"No scaling policy found for service namespace: %s, resource ID: %s, scalable dimension: %s, policy name: %s",
			in.ServiceNamespace, in.ResourceId, in.ScalableDimension, in.PolicyName)
	}
	if err := e.releaseAlarmsLocked(p); err != nil {
		return err
	}
	delete(e.targets[in.ResourceId].policies, in.PolicyName)
	return nil
}
