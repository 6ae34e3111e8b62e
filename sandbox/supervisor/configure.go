package supervisor

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/sandbox/ecs"
	"github.com/gameday-sre/gameday/spec"
)

// configure applies the runbook's configuration to the region, as its
// commands would, less what deviations removed. Both regions get all of
// it: the failover region is a full copy of the primary (Multi-Region
// Architecture).
func (r *region) configure(cfg *config.Sandbox) error {
	p := cfg.Platform
	for _, svc := range p.Services {
		if err := r.createService(p, svc); err != nil {
			return fmt.Errorf("creating %s: %w", svc.ECSService, err)
		}
		if err := r.scale(p, svc); err != nil {
			return fmt.Errorf("configuring scaling of %s: %w", svc.ECSService, err)
		}
		if slices.Contains(cfg.StepScaling, svc.ID) {
			if err := r.stepScaling(p, svc); err != nil {
				return fmt.Errorf("step scaling of %s: %w", svc.ECSService, err)
			}
		}
	}
	for _, a := range p.ScheduledActions {
		if slices.Contains(cfg.Absent.ScheduledActions, a.Name) {
			continue
		}
		min, max := int32(a.MinCapacity), int32(a.MaxCapacity)
		if err := r.scaling.PutScheduledAction(autoscaling.PutScheduledActionInput{
			ScheduledActionName: a.Name, ServiceNamespace: "ecs", ScalableDimension: "ecs:service:DesiredCount",
			ResourceId: resourceID(p, ecsName(p, a.Service)), Schedule: a.Schedule.String(), Timezone: a.Timezone,
			ScalableTargetAction: &autoscaling.ScalableTargetAction{MinCapacity: &min, MaxCapacity: &max},
		}); err != nil {
			return fmt.Errorf("scheduled action %s: %w", a.Name, err)
		}
	}
	body, err := p.Dashboard.Body()
	if err != nil {
		return err
	}
	if _, err := r.cw.PutDashboard(cloudwatch.PutDashboardInput{DashboardName: p.Dashboard.Name, DashboardBody: body}); err != nil {
		return fmt.Errorf("dashboard %s: %w", p.Dashboard.Name, err)
	}
	for _, a := range p.Alarms {
		if slices.Contains(cfg.Absent.Alarms, a.Name) {
			continue
		}
		if err := r.cw.PutMetricAlarm(alarmInput(a)); err != nil {
			return fmt.Errorf("alarm %s: %w", a.Name, err)
		}
	}
	return nil
}

func (r *region) createService(p *spec.Platform, svc spec.Service) error {
	td, err := r.ecs.RegisterTaskDefinition(ecs.RegisterTaskDefinitionInput{
		Family:                  svc.ECSService,
		Cpu:                     strconv.Itoa(int(svc.Allocation.VCPU * 1024)),
		Memory:                  strconv.Itoa(int(svc.Allocation.MemoryGiB * 1024)),
		NetworkMode:             "awsvpc",
		RequiresCompatibilities: []string{"FARGATE"},
		ContainerDefinitions:    []ecs.ContainerDefinition{{Name: svc.ID, Image: "gameday-sandbox/" + svc.ID}},
	})
	if err != nil {
		return err
	}
	tg, _ := r.balancer.TargetGroupARN(svc.TargetGroup)
	desired := svc.ScalableTarget.MinCapacity
	var tags []ecs.Tag
	for _, t := range p.CostAllocationTags.Tags {
		tags = append(tags, ecs.Tag{Key: t.Key, Value: t.Value})
	}
	_, err = r.ecs.CreateService(ecs.CreateServiceInput{
		Cluster: p.Cluster, ServiceName: svc.ECSService, TaskDefinition: td.TaskDefinitionArn,
		DesiredCount: &desired, LaunchType: "FARGATE",
		LoadBalancers: []ecs.LoadBalancer{{TargetGroupArn: tg, ContainerName: svc.ID, ContainerPort: 8080}},
		Tags:          tags,
	})
	return err
}

func (r *region) scale(p *spec.Platform, svc spec.Service) error {
	resource := resourceID(p, svc.ECSService)
	min, max := int32(svc.ScalableTarget.MinCapacity), int32(svc.ScalableTarget.MaxCapacity)
	if _, err := r.scaling.RegisterScalableTarget(autoscaling.RegisterScalableTargetInput{
		ServiceNamespace: "ecs", ScalableDimension: "ecs:service:DesiredCount", ResourceId: resource, MinCapacity: &min, MaxCapacity: &max,
	}); err != nil {
		return err
	}
	for _, pol := range svc.Policies {
		out, in := int32(pol.ScaleOutCooldown.Seconds()), int32(pol.ScaleInCooldown.Seconds())
		tt := &autoscaling.TargetTrackingScalingPolicyConfiguration{TargetValue: pol.TargetValue, ScaleOutCooldown: &out, ScaleInCooldown: &in, DisableScaleIn: pol.DisableScaleIn}
		if pol.PredefinedMetric != "" {
			tt.PredefinedMetricSpecification = &autoscaling.PredefinedMetricSpecification{PredefinedMetricType: pol.PredefinedMetric, ResourceLabel: pol.ResourceLabel}
		}
		if m := pol.CustomizedMetric; m != nil {
			dims := make([]autoscaling.MetricDimension, len(m.Dimensions))
			for i, d := range m.Dimensions {
				dims[i] = autoscaling.MetricDimension{Name: d.Name, Value: d.Value}
			}
			tt.CustomizedMetricSpecification = &autoscaling.CustomizedMetricSpecification{MetricName: m.MetricName, Namespace: m.Namespace, Dimensions: dims, Statistic: m.Statistic, Unit: m.Unit}
		}
		if _, err := r.scaling.PutScalingPolicy(autoscaling.PutScalingPolicyInput{
			PolicyName: pol.Name, ServiceNamespace: "ecs", ScalableDimension: "ecs:service:DesiredCount", ResourceId: resource,
			PolicyType: autoscaling.PolicyType(pol.Type), TargetTrackingScalingPolicyConfiguration: tt,
		}); err != nil {
			return fmt.Errorf("policy %s: %w", pol.Name, err)
		}
	}
	return nil
}

func alarmInput(a spec.Alarm) cloudwatch.PutMetricAlarmInput {
	dims := make([]cloudwatch.Dimension, len(a.Dimensions))
	for i, d := range a.Dimensions {
		dims[i] = cloudwatch.Dimension{Name: d.Name, Value: d.Value}
	}
	threshold := a.Threshold
	return cloudwatch.PutMetricAlarmInput{
		AlarmName: a.Name, AlarmActions: a.AlarmActions, MetricName: a.MetricName, Namespace: a.Namespace,
		Statistic: cloudwatch.Statistic(a.Statistic), ExtendedStatistic: a.ExtendedStatistic, Dimensions: dims,
		Period: int32(a.Period.Seconds()), EvaluationPeriods: int32(a.EvaluationPeriods), DatapointsToAlarm: int32(a.DatapointsToAlarm),
		Threshold: &threshold, ComparisonOperator: cloudwatch.ComparisonOperator(a.Comparison), TreatMissingData: a.TreatMissingData,
	}
}

// Step adjustments of the deviation SERVICE.policy=step. The runbook's
// trigger row gives thresholds and a cooldown, not adjustments: one task
// per invocation, two once the metric is twice the scale-out threshold,
// and one fewer below the scale-in threshold.
const (
	stepOut       = 1
	stepOutDouble = 2
	stepIn        = -1
)

// stepScaling deploys what a service's trigger row promises, for a
// service the runbook gives no policy (config.StepScalable): two step
// scaling policies on the service's scalable target, each invoked by a
// CloudWatch alarm on AWS/ApplicationELB RequestCountPerTarget of its
// target group (Sum, "the only valid statistic", over 60 s, the per-minute
// count the predefined metric ALBRequestCountPerTarget tracks;
// load-balancer-cloudwatch-metrics.html): above the scale-out threshold
// it adds tasks, below the scale-in threshold it removes one, each with
// the row's cooldown. A row without a duration alarms on one period.
func (r *region) stepScaling(p *spec.Platform, svc spec.Service) error {
	tr := svc.Triggers
	tg, ok := r.targetGroupDimension(svc.TargetGroup)
	if !ok {
		return fmt.Errorf("no target group %s on the load balancer", svc.TargetGroup)
	}
	cooldown := int32(tr.Cooldown.Seconds())
	out, in := *tr.ScaleOut.Above, *tr.ScaleIn.Below
	sides := []struct {
		name       string
		threshold  float64
		comparison cloudwatch.ComparisonOperator
		sustained  spec.Duration
		steps      []autoscaling.StepAdjustment
	}{
		{"scale-out", out, cloudwatch.GreaterThanThreshold, tr.ScaleOut.For, []autoscaling.StepAdjustment{
			{MetricIntervalLowerBound: new(0.0), MetricIntervalUpperBound: new(out), ScalingAdjustment: stepOut},
			{MetricIntervalLowerBound: new(out), ScalingAdjustment: stepOutDouble},
		}},
		{"scale-in", in, cloudwatch.LessThanThreshold, tr.ScaleIn.For, []autoscaling.StepAdjustment{
			{MetricIntervalUpperBound: new(0.0), ScalingAdjustment: stepIn},
		}},
	}
	for _, side := range sides {
		pol, err := r.scaling.PutScalingPolicy(autoscaling.PutScalingPolicyInput{
			PolicyName: svc.ID + "-request-count-" + side.name, ServiceNamespace: "ecs", ScalableDimension: "ecs:service:DesiredCount",
			ResourceId: resourceID(p, svc.ECSService), PolicyType: autoscaling.PolicyTypeStep,
			StepScalingPolicyConfiguration: &autoscaling.StepScalingPolicyConfiguration{
				AdjustmentType: autoscaling.ChangeInCapacity, StepAdjustments: side.steps, Cooldown: &cooldown,
			},
		})
		if err != nil {
			return err
		}
		periods := max(int32(side.sustained.Seconds()/60), 1)
		if err := r.cw.PutMetricAlarm(cloudwatch.PutMetricAlarmInput{
			AlarmName:        fmt.Sprintf("%s-RequestCountPerTarget-%s", svc.ECSService, side.name),
			AlarmDescription: fmt.Sprintf("%s: %s %s", tr.Source, svc.Component, side.name),
			AlarmActions:     []string{pol.PolicyARN},
			Namespace:        "AWS/ApplicationELB", MetricName: "RequestCountPerTarget",
			Dimensions: []cloudwatch.Dimension{{Name: "TargetGroup", Value: tg}},
			Statistic:  cloudwatch.StatisticSum, Period: 60, EvaluationPeriods: periods,
			Threshold: new(side.threshold), ComparisonOperator: side.comparison,
		}); err != nil {
			return err
		}
	}
	return nil
}
