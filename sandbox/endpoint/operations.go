package endpoint

import (
	"context"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/awsapi"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/ecs"
)

var ecsOperations = map[string]operation{
	"DescribeClusters": call(func(r Region) func(ecs.DescribeClustersInput) (ecs.DescribeClustersOutput, error) {
		return r.ECS.DescribeClusters
	}),
	"DescribeServices": call(func(r Region) func(ecs.DescribeServicesInput) (ecs.DescribeServicesOutput, error) {
		return r.ECS.DescribeServices
	}),
	"ListTasks": call(func(r Region) func(ecs.ListTasksInput) (ecs.ListTasksOutput, error) { return r.ECS.ListTasks }),
	"DescribeTasks": call(func(r Region) func(ecs.DescribeTasksInput) (ecs.DescribeTasksOutput, error) {
		return r.ECS.DescribeTasks
	}),
	"StopTask":      wrap("task", func(r Region) func(ecs.StopTaskInput) (ecs.Task, error) { return r.ECS.StopTask }),
	"CreateService": wrap("service", func(r Region) func(ecs.CreateServiceInput) (ecs.Service, error) { return r.ECS.CreateService }),
	"UpdateService": wrap("service", func(r Region) func(ecs.UpdateServiceInput) (ecs.Service, error) { return r.ECS.UpdateService }),
	"DescribeTaskDefinition": call(func(r Region) func(ecs.DescribeTaskDefinitionInput) (ecs.DescribeTaskDefinitionOutput, error) {
		return r.ECS.DescribeTaskDefinition
	}),
	"ListClusters": call(func(r Region) func(struct{}) (ecs.ListClustersOutput, error) {
		return func(struct{}) (ecs.ListClustersOutput, error) { return r.ECS.ListClusters(), nil }
	}),
	"RegisterTaskDefinition": wrap("taskDefinition", func(r Region) func(ecs.RegisterTaskDefinitionInput) (ecs.TaskDefinition, error) {
		return r.ECS.RegisterTaskDefinition
	}),
}

var autoScalingOperations = map[string]operation{
	"RegisterScalableTarget": call(func(r Region) func(autoscaling.RegisterScalableTargetInput) (autoscaling.RegisterScalableTargetOutput, error) {
		return r.AutoScaling.RegisterScalableTarget
	}),
	"DescribeScalableTargets": call(func(r Region) func(autoscaling.DescribeScalableTargetsInput) (autoscaling.DescribeScalableTargetsOutput, error) {
		return r.AutoScaling.DescribeScalableTargets
	}),
	"DeregisterScalableTarget": exec(func(r Region) func(autoscaling.DeregisterScalableTargetInput) error {
		return r.AutoScaling.DeregisterScalableTarget
	}),
	"PutScalingPolicy": call(func(r Region) func(autoscaling.PutScalingPolicyInput) (autoscaling.PutScalingPolicyOutput, error) {
		return r.AutoScaling.PutScalingPolicy
	}),
	"DescribeScalingPolicies": call(func(r Region) func(autoscaling.DescribeScalingPoliciesInput) (autoscaling.DescribeScalingPoliciesOutput, error) {
		return r.AutoScaling.DescribeScalingPolicies
	}),
	"DeleteScalingPolicy": exec(func(r Region) func(autoscaling.DeleteScalingPolicyInput) error {
		return r.AutoScaling.DeleteScalingPolicy
	}),
	"PutScheduledAction": exec(func(r Region) func(autoscaling.PutScheduledActionInput) error {
		return r.AutoScaling.PutScheduledAction
	}),
	"DescribeScheduledActions": call(func(r Region) func(autoscaling.DescribeScheduledActionsInput) (autoscaling.DescribeScheduledActionsOutput, error) {
		return r.AutoScaling.DescribeScheduledActions
	}),
	"DeleteScheduledAction": exec(func(r Region) func(autoscaling.DeleteScheduledActionInput) error {
		return r.AutoScaling.DeleteScheduledAction
	}),
	"DescribeScalingActivities": call(func(r Region) func(autoscaling.DescribeScalingActivitiesInput) (autoscaling.DescribeScalingActivitiesOutput, error) {
		return r.AutoScaling.DescribeScalingActivities
	}),
}

// Inputs of the CloudWatch operations whose engine methods take plain
// arguments.
type (
	alarmNames     struct{ AlarmNames []string }
	dashboardNames struct{ DashboardNames []string }
	dashboardName  struct{ DashboardName string }
	metricData     struct {
		Namespace  string
		MetricData []cloudwatch.MetricDatum
	}
)

var cloudWatchOperations = map[string]operation{
	"PutMetricAlarm": exec(func(r Region) func(cloudwatch.PutMetricAlarmInput) error { return r.CloudWatch.PutMetricAlarm }),
	"DescribeAlarms": call(func(r Region) func(cloudwatch.DescribeAlarmsInput) (cloudwatch.DescribeAlarmsOutput, error) {
		return r.CloudWatch.DescribeAlarms
	}),
	"DescribeAlarmHistory": call(func(r Region) func(cloudwatch.DescribeAlarmHistoryInput) (cloudwatch.DescribeAlarmHistoryOutput, error) {
		return r.CloudWatch.DescribeAlarmHistory
	}),
	"SetAlarmState": exec(func(r Region) func(cloudwatch.SetAlarmStateInput) error { return r.CloudWatch.SetAlarmState }),
	"DeleteAlarms": required("AlarmNames", exec(func(r Region) func(alarmNames) error {
		return func(in alarmNames) error { return r.CloudWatch.DeleteAlarms(in.AlarmNames) }
	})),
	"EnableAlarmActions": required("AlarmNames", exec(func(r Region) func(alarmNames) error {
		return func(in alarmNames) error { return r.CloudWatch.EnableAlarmActions(in.AlarmNames) }
	})),
	"DisableAlarmActions": required("AlarmNames", exec(func(r Region) func(alarmNames) error {
		return func(in alarmNames) error { return r.CloudWatch.DisableAlarmActions(in.AlarmNames) }
	})),
	"PutMetricData": required("Namespace", exec(func(r Region) func(metricData) error {
		return func(in metricData) error { return r.CloudWatch.PutMetricData(in.Namespace, in.MetricData) }
	})),
	"GetMetricData": call(func(r Region) func(cloudwatch.GetMetricDataInput) (cloudwatch.GetMetricDataOutput, error) {
		return r.CloudWatch.GetMetricData
	}),
	"GetMetricStatistics": call(func(r Region) func(cloudwatch.GetMetricStatisticsInput) (cloudwatch.GetMetricStatisticsOutput, error) {
		return r.CloudWatch.GetMetricStatistics
	}),
	"ListMetrics": call(func(r Region) func(cloudwatch.ListMetricsInput) (cloudwatch.ListMetricsOutput, error) {
		return r.CloudWatch.ListMetrics
	}),
	"PutDashboard": call(func(r Region) func(cloudwatch.PutDashboardInput) (cloudwatch.PutDashboardOutput, error) {
		return r.CloudWatch.PutDashboard
	}),
	"GetDashboard": required("DashboardName", call(func(r Region) func(dashboardName) (cloudwatch.GetDashboardOutput, error) {
		return func(in dashboardName) (cloudwatch.GetDashboardOutput, error) {
			return r.CloudWatch.GetDashboard(in.DashboardName)
		}
	})),
	"ListDashboards": call(func(r Region) func(cloudwatch.ListDashboardsInput) (cloudwatch.ListDashboardsOutput, error) {
		return r.CloudWatch.ListDashboards
	}),
	"DeleteDashboards": required("DashboardNames", exec(func(r Region) func(dashboardNames) error {
		return func(in dashboardNames) error { return r.CloudWatch.DeleteDashboards(in.DashboardNames) }
	})),
}

// required rejects a request lacking a member the operation requires, as
// the service's front end does before the engine sees it: engines that
// take plain arguments cannot tell absent from empty.
func required(member string, op operation) operation {
	return func(ctx context.Context, reg Region, in awsapi.Value) (any, error) {
		in.Require(member)
		if err := in.Err(); err != nil {
			return nil, err
		}
		return op(ctx, reg, in)
	}
}
