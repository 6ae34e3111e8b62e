package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ScalableTargets lists every ECS scalable target, following every page.
func (c *Clients) ScalableTargets(ctx context.Context) ([]aastypes.ScalableTarget, error) {
	var out []aastypes.ScalableTarget
	pages := applicationautoscaling.NewDescribeScalableTargetsPaginator(c.AutoScaling, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("application-autoscaling DescribeScalableTargets", "namespace ecs", err)
		}
		out = append(out, page.ScalableTargets...)
	}
	return out, nil
}

// ScalingPolicies lists the scaling policies of one resource
// (service/<cluster>/<service>).
func (c *Clients) ScalingPolicies(ctx context.Context, resourceID string) ([]aastypes.ScalingPolicy, error) {
	var out []aastypes.ScalingPolicy
	pages := applicationautoscaling.NewDescribeScalingPoliciesPaginator(c.AutoScaling, &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: &resourceID})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("application-autoscaling DescribeScalingPolicies", resourceID, err)
		}
		out = append(out, page.ScalingPolicies...)
	}
	return out, nil
}

// ScheduledActions lists the scheduled actions of one resource.
func (c *Clients) ScheduledActions(ctx context.Context, resourceID string) ([]aastypes.ScheduledAction, error) {
	var out []aastypes.ScheduledAction
	pages := applicationautoscaling.NewDescribeScheduledActionsPaginator(c.AutoScaling, &applicationautoscaling.DescribeScheduledActionsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: &resourceID})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("application-autoscaling DescribeScheduledActions", resourceID, err)
		}
		out = append(out, page.ScheduledActions...)
	}
	return out, nil
}

// ScalingActivities lists the scaling activities of one resource, newest
// first as Application Auto Scaling returns them, following every page:
// what a behavioural suite reads to see when and why a service scaled.
func (c *Clients) ScalingActivities(ctx context.Context, resourceID string) ([]aastypes.ScalingActivity, error) {
	var out []aastypes.ScalingActivity
	pages := applicationautoscaling.NewDescribeScalingActivitiesPaginator(c.AutoScaling, &applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: &resourceID})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("application-autoscaling DescribeScalingActivities", resourceID, err)
		}
		out = append(out, page.ScalingActivities...)
	}
	return out, nil
}

// Alarms lists metric alarms by name; no names lists them all.
func (c *Clients) Alarms(ctx context.Context, names ...string) ([]cwtypes.MetricAlarm, error) {
	var out []cwtypes.MetricAlarm
	pages := cloudwatch.NewDescribeAlarmsPaginator(c.CloudWatch, &cloudwatch.DescribeAlarmsInput{AlarmNames: names})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("cloudwatch DescribeAlarms", describeNames(names), err)
		}
		out = append(out, page.MetricAlarms...)
	}
	return out, nil
}

// AlarmHistory lists one alarm's history (state changes, configuration
// updates, actions), newest first, following every page.
func (c *Clients) AlarmHistory(ctx context.Context, name string) ([]cwtypes.AlarmHistoryItem, error) {
	var out []cwtypes.AlarmHistoryItem
	pages := cloudwatch.NewDescribeAlarmHistoryPaginator(c.CloudWatch, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: &name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("cloudwatch DescribeAlarmHistory", name, err)
		}
		out = append(out, page.AlarmHistoryItems...)
	}
	return out, nil
}

// Services describes ECS services of a cluster, with their tags (the
// runbook's cost allocation tags live on the services). A service that does
// not exist is left out.
func (c *Clients) Services(ctx context.Context, cluster string, names ...string) ([]ecstypes.Service, error) {
	out, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &cluster, Services: names, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if err != nil {
		return nil, fail("ecs DescribeServices", "cluster "+cluster, err)
	}
	return out.Services, nil
}

// describeTasksBatch is how many tasks DescribeTasks takes at once.
const describeTasksBatch = 100

// Tasks describes the tasks of a cluster's service, running and recently
// stopped (ECS keeps a stopped task for about an hour): what a
// behavioural suite reads to see that a killed task was replaced.
func (c *Clients) Tasks(ctx context.Context, cluster, service string) ([]ecstypes.Task, error) {
	resource := "service " + cluster + "/" + service
	var arns []string
	for _, status := range []ecstypes.DesiredStatus{ecstypes.DesiredStatusRunning, ecstypes.DesiredStatusStopped} {
		pages := ecs.NewListTasksPaginator(c.ECS, &ecs.ListTasksInput{Cluster: &cluster, ServiceName: &service, DesiredStatus: status})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fail("ecs ListTasks", resource+" ("+string(status)+")", err)
			}
			arns = append(arns, page.TaskArns...)
		}
	}
	var out []ecstypes.Task
	for start := 0; start < len(arns); start += describeTasksBatch {
		batch := arns[start:min(start+describeTasksBatch, len(arns))]
		page, err := c.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: batch})
		if err != nil {
			return nil, fail("ecs DescribeTasks", resource, err)
		}
		out = append(out, page.Tasks...)
	}
	return out, nil
}

// TaskDefinition describes one task definition by ARN or family:revision.
func (c *Clients) TaskDefinition(ctx context.Context, arn string) (*ecstypes.TaskDefinition, error) {
	out, err := c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &arn})
	if err != nil {
		return nil, fail("ecs DescribeTaskDefinition", arn, err)
	}
	return out.TaskDefinition, nil
}

func describeNames(names []string) string {
	if len(names) == 0 {
		return "(all)"
	}
	s := names[0]
	for _, n := range names[1:] {
		s += ", " + n
	}
	return s
}
