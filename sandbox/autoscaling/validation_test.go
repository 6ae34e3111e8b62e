package autoscaling

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Every call that must be refused, with its AWS error code.
func TestValidation(t *testing.T) {
	const dim = ScalableDimensionECSServiceDesiredCount
	register := func(id string, lo, hi *int32) func(*harness) error {
		return func(h *harness) error {
			_, err := h.e.RegisterScalableTarget(RegisterScalableTargetInput{ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: id, MinCapacity: lo, MaxCapacity: hi})
			return err
		}
	}
	policy := func(id string, typ PolicyType, tt *TargetTrackingScalingPolicyConfiguration, step *StepScalingPolicyConfiguration) func(*harness) error {
		return func(h *harness) error {
			_, err := h.e.PutScalingPolicy(PutScalingPolicyInput{PolicyName: "p", ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: id,
				PolicyType: typ, TargetTrackingScalingPolicyConfiguration: tt, StepScalingPolicyConfiguration: step})
			return err
		}
	}
	steps := func(adjs ...StepAdjustment) func(*harness) error {
		return policy(frontend, PolicyTypeStep, nil, &StepScalingPolicyConfiguration{AdjustmentType: ChangeInCapacity, StepAdjustments: adjs})
	}
	action := func(id, name, sched, tz string, sta *ScalableTargetAction, start, end time.Time) func(*harness) error {
		return func(h *harness) error {
			return h.e.PutScheduledAction(PutScheduledActionInput{ScheduledActionName: name, ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: id,
				Schedule: sched, Timezone: tz, ScalableTargetAction: sta, StartTime: start, EndTime: end})
		}
	}
	cpu := tpl(70, ECSServiceAverageCPUUtilization, 180, 600)
	both := cpu
	both.CustomizedMetricSpecification = &CustomizedMetricSpecification{MetricName: "m", Namespace: "n", Statistic: "Average"}
	albNoLabel := tpl(1000, ALBRequestCountPerTarget, 60, 60)
	cpuLabel := cpu
	cpuLabel.PredefinedMetricSpecification = &PredefinedMetricSpecification{PredefinedMetricType: ECSServiceAverageCPUUtilization, ResourceLabel: "app/a/1/targetgroup/t/2"}
	zeroTarget := cpu
	zeroTarget.TargetValue = 0
	badStat := TargetTrackingScalingPolicyConfiguration{TargetValue: 10, CustomizedMetricSpecification: &CustomizedMetricSpecification{MetricName: "m", Namespace: "n", Statistic: "p90"}}
	sta := &ScalableTargetAction{MinCapacity: i32(1)}
	var twentyOne []StepAdjustment
	for i := range 21 {
		lo := float64(i)
		adj := StepAdjustment{MetricIntervalLowerBound: &lo, ScalingAdjustment: 1}
		if i < 20 {
			adj.MetricIntervalUpperBound = f64(lo + 1)
		}
		twentyOne = append(twentyOne, adj)
	}

	cases := []struct {
		name string
		call func(*harness) error
		code ErrorCode
		text string
	}{
		{"min > max", register(frontend, i32(5), i32(2)), ErrCodeValidation, "cannot be greater"},
		{"unknown ECS service", register("service/main-cluster/nope", i32(1), i32(2)), ErrCodeValidation, "ECS service doesn't exist"},
		{"new target without MaxCapacity", register(api, i32(1), nil), ErrCodeValidation, "required"},
		{"update making min > max", register(frontend, i32(11), nil), ErrCodeValidation, "cannot be greater"},
		{"negative capacity", register(frontend, i32(-1), nil), ErrCodeValidation, "greater than or equal to 0"},
		{"malformed resource ID", register("frontend-service", i32(1), i32(2)), ErrCodeValidation, "service/<cluster-name>/<service-name>"},
		{"other namespace", func(h *harness) error {
			_, err := h.e.RegisterScalableTarget(RegisterScalableTargetInput{ServiceNamespace: "dynamodb", ScalableDimension: "dynamodb:table:ReadCapacityUnits", ResourceId: "table/t"})
			return err
		}, ErrCodeValidation, "only ecs"},
		{"missing namespace", func(h *harness) error {
			_, err := h.e.RegisterScalableTarget(RegisterScalableTargetInput{ScalableDimension: dim, ResourceId: frontend})
			return err
		}, ErrCodeValidation, "serviceNamespace"},
		{"deregister unknown target", func(h *harness) error {
			return h.e.DeregisterScalableTarget(DeregisterScalableTargetInput{ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: api})
		}, ErrCodeObjectNotFound, "No scalable target found"},
		{"policy on an unregistered target", policy(api, PolicyTypeTargetTracking, &cpu, nil), ErrCodeObjectNotFound, "No scalable target registered"},
		{"policy without type", policy(frontend, "", &cpu, nil), ErrCodeValidation, "PolicyType is required"},
		{"predictive scaling", policy(frontend, "PredictiveScaling", nil, nil), ErrCodeValidation, "Unsupported policy type"},
		{"target tracking without configuration", policy(frontend, PolicyTypeTargetTracking, nil, nil), ErrCodeValidation, "required"},
		{"both metric specifications", policy(frontend, PolicyTypeTargetTracking, &both, nil), ErrCodeValidation, "exactly one"},
		{"ALBRequestCountPerTarget without ResourceLabel", policy(frontend, PolicyTypeTargetTracking, &albNoLabel, nil), ErrCodeValidation, "ResourceLabel"},
		{"ResourceLabel with CPU", policy(frontend, PolicyTypeTargetTracking, &cpuLabel, nil), ErrCodeValidation, "resource label"},
		{"TargetValue 0", policy(frontend, PolicyTypeTargetTracking, &zeroTarget, nil), ErrCodeValidation, "positive"},
		{"percentile statistic", policy(frontend, PolicyTypeTargetTracking, &badStat, nil), ErrCodeValidation, "enum value set"},
		{"step config with target tracking type", policy(frontend, PolicyTypeTargetTracking, &cpu, &StepScalingPolicyConfiguration{}), ErrCodeValidation, "not allowed"},
		{"step without adjustment type", policy(frontend, PolicyTypeStep, nil, &StepScalingPolicyConfiguration{StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: f64(0), ScalingAdjustment: 1}}}), ErrCodeValidation, "AdjustmentType is required"},
		{"no steps", steps(), ErrCodeValidation, "At least one step"},
		{"gap in steps", steps(
			StepAdjustment{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(10), ScalingAdjustment: 1},
			StepAdjustment{MetricIntervalLowerBound: f64(20), ScalingAdjustment: 2}), ErrCodeValidation, "gap"},
		{"overlapping steps", steps(
			StepAdjustment{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(20), ScalingAdjustment: 1},
			StepAdjustment{MetricIntervalLowerBound: f64(10), ScalingAdjustment: 2}), ErrCodeValidation, "overlap"},
		{"negative lower bound without a null one", steps(
			StepAdjustment{MetricIntervalLowerBound: f64(-10), MetricIntervalUpperBound: f64(0), ScalingAdjustment: -1}), ErrCodeValidation, "null lower bound"},
		{"positive upper bound without a null one", steps(
			StepAdjustment{MetricIntervalLowerBound: f64(0), MetricIntervalUpperBound: f64(10), ScalingAdjustment: 1}), ErrCodeValidation, "null upper bound"},
		{"two null lower bounds", steps(
			StepAdjustment{MetricIntervalUpperBound: f64(-10), ScalingAdjustment: -2},
			StepAdjustment{MetricIntervalUpperBound: f64(0), ScalingAdjustment: -1}), ErrCodeValidation, "Only one step adjustment can have a null lower bound"},
		{"both bounds null", steps(StepAdjustment{ScalingAdjustment: 1}), ErrCodeValidation, "can't be null in the same step"},
		{"upper not above lower", steps(StepAdjustment{MetricIntervalLowerBound: f64(5), MetricIntervalUpperBound: f64(5), ScalingAdjustment: 1}), ErrCodeValidation, "greater than its lower bound"},
		{"21 steps", steps(twentyOne...), ErrCodeLimitExceeded, "at most 20"},
		{"negative ExactCapacity", policy(frontend, PolicyTypeStep, nil, &StepScalingPolicyConfiguration{AdjustmentType: ExactCapacity,
			StepAdjustments: []StepAdjustment{{MetricIntervalLowerBound: f64(0), ScalingAdjustment: -1}}}), ErrCodeValidation, "non-negative"},
		{"changing a policy's type", func(h *harness) error {
			h.targetTracking(frontend, "p", cpu)
			return steps(StepAdjustment{MetricIntervalLowerBound: f64(0), ScalingAdjustment: 1})(h)
		}, ErrCodeValidation, "delete it before"},
		{"51st policy", func(h *harness) error {
			for i := range 50 {
				h.targetTracking(frontend, fmt.Sprint("p", i), cpu)
			}
			return policy(frontend, PolicyTypeTargetTracking, &cpu, nil)(h)
		}, ErrCodeLimitExceeded, "(50)"},
		{"CloudWatch refuses the alarms", func(h *harness) error {
			h.cw.putErr = fmt.Errorf("throttled")
			return policy(frontend, PolicyTypeTargetTracking, &cpu, nil)(h)
		}, ErrCodeFailedResourceAccess, "throttled"},
		{"CloudWatch refuses AlarmLow: AlarmHigh is removed again", func(h *harness) error {
			h.cw.putErr, h.cw.putErrOn = fmt.Errorf("limit"), "AlarmLow"
			err := policy(frontend, PolicyTypeTargetTracking, &cpu, nil)(h)
			if n := h.cw.count(); n != 0 {
				t.Errorf("%d alarms left behind", n)
			}
			if out, _ := h.e.DescribeScalingPolicies(DescribeScalingPoliciesInput{ServiceNamespace: "ecs"}); len(out.ScalingPolicies) != 0 {
				t.Errorf("policy stored despite the failure: %+v", out.ScalingPolicies)
			}
			return err
		}, ErrCodeFailedResourceAccess, "limit"},
		{"policy name too long", func(h *harness) error {
			_, err := h.e.PutScalingPolicy(PutScalingPolicyInput{PolicyName: strings.Repeat("p", 257), ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: frontend,
				PolicyType: PolicyTypeTargetTracking, TargetTrackingScalingPolicyConfiguration: &cpu})
			return err
		}, ErrCodeValidation, "length between 1 and 256"},
		{"delete unknown policy", func(h *harness) error {
			return h.e.DeleteScalingPolicy(DeleteScalingPolicyInput{PolicyName: "nope", ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: frontend})
		}, ErrCodeObjectNotFound, "No scaling policy found"},
		{"bad schedule", action(frontend, "a", "cron(0 8 * * *)", "", sta, time.Time{}, time.Time{}), ErrCodeValidation, "cron needs 6 fields"},
		{"both day fields", action(frontend, "a", "cron(0 8 * * MON *)", "", sta, time.Time{}, time.Time{}), ErrCodeValidation, "must be ?"},
		{"bad time zone", action(frontend, "a", "cron(0 8 ? * MON-FRI *)", "Mars/Olympus_Mons", sta, time.Time{}, time.Time{}), ErrCodeValidation, "IANA"},
		{"Local is not a time zone name", action(frontend, "a", "cron(0 8 ? * MON-FRI *)", "Local", sta, time.Time{}, time.Time{}), ErrCodeValidation, "IANA"},
		{"scheduled action without schedule", action(frontend, "a", "", "", sta, time.Time{}, time.Time{}), ErrCodeValidation, "schedule"},
		{"scheduled action without capacities", action(frontend, "a", "rate(1 hour)", "", nil, time.Time{}, time.Time{}), ErrCodeValidation, "ScalableTargetAction is required"},
		{"scheduled action setting nothing", action(frontend, "a", "rate(1 hour)", "", &ScalableTargetAction{}, time.Time{}, time.Time{}), ErrCodeValidation, "MinCapacity, MaxCapacity or both"},
		{"scheduled min > max", action(frontend, "a", "rate(1 hour)", "", &ScalableTargetAction{MinCapacity: i32(5), MaxCapacity: i32(2)}, time.Time{}, time.Time{}), ErrCodeValidation, "cannot be greater"},
		{"EndTime before StartTime", action(frontend, "a", "rate(1 hour)", "", sta, monday.Add(time.Hour), monday), ErrCodeValidation, "must be after StartTime"},
		{"slash in a scheduled action name", action(frontend, "a/b", "rate(1 hour)", "", sta, time.Time{}, time.Time{}), ErrCodeValidation, "must not contain"},
		{"scheduled action on an unregistered target", action(api, "a", "rate(1 hour)", "", sta, time.Time{}, time.Time{}), ErrCodeObjectNotFound, "No scalable target registered"},
		{"201st scheduled action", func(h *harness) error {
			for i := range 200 {
				if err := action(frontend, fmt.Sprint("a", i), "rate(1 hour)", "", sta, time.Time{}, time.Time{})(h); err != nil {
					return err
				}
			}
			return action(frontend, "one-too-many", "rate(1 hour)", "", sta, time.Time{}, time.Time{})(h)
		}, ErrCodeLimitExceeded, "(200)"},
		{"delete unknown scheduled action", func(h *harness) error {
			return h.e.DeleteScheduledAction(DeleteScheduledActionInput{ScheduledActionName: "nope", ServiceNamespace: "ecs", ScalableDimension: dim, ResourceId: frontend})
		}, ErrCodeObjectNotFound, "No scheduled action found"},
		{"dimension filter without resource", func(h *harness) error {
			_, err := h.e.DescribeScalingPolicies(DescribeScalingPoliciesInput{ServiceNamespace: "ecs", ScalableDimension: dim})
			return err
		}, ErrCodeValidation, "must also specify a resource ID"},
		{"MaxResults 51", func(h *harness) error {
			_, err := h.e.DescribeScalingActivities(DescribeScalingActivitiesInput{ServiceNamespace: "ecs", MaxResults: 51})
			return err
		}, ErrCodeValidation, "less than or equal to 50"},
		{"foreign NextToken", func(h *harness) error {
			_, err := h.e.DescribeScalableTargets(DescribeScalableTargetsInput{ServiceNamespace: "ecs", NextToken: encodeToken("activities", "x")})
			return err
		}, ErrCodeInvalidNextToken, "invalid"},
		{"garbage NextToken", func(h *harness) error {
			_, err := h.e.DescribeScheduledActions(DescribeScheduledActionsInput{ServiceNamespace: "ecs", NextToken: "%%%"})
			return err
		}, ErrCodeInvalidNextToken, "invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]int{frontend: 2, api: 2})
			h.register(frontend, 2, 10)
			err := apiError(t, c.call(h), c.code)
			if !strings.Contains(err.Message, c.text) {
				t.Errorf("message %q does not contain %q", err.Message, c.text)
			}
		})
	}
}
