package endpoint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

const topic = "arn:aws:sns:us-east-1:123456789012:operations-alerts"

// An alarm's actions run on its transitions: SetAlarmState to ALARM
// executes the step policy with the datapoints its StateReasonData gives
// and publishes to the SNS topic, each recorded as an Action history item
// with AWS's wording; an action on a policy that is gone is recorded as
// failed.
func TestAlarmActionsRunOnTransitions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		reasonData string
		// wantDesired is the desired count the policy set, 0 for none.
		wantDesired   int
		deletePolicy  bool
		wantPolicyRan string // the history summary's start for the policy action
	}{
		{"datapoints above the threshold", `{"version":"1.0","recentDatapoints":[1500.0]}`, 4, false, "Successfully executed action "},
		{"no datapoints to act on", "", 0, false, "Successfully executed action "},
		{"a deleted policy", `{"version":"1.0","recentDatapoints":[1500.0]}`, 0, true, "Failed to execute action "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := serve(t, "us-east-1")
			ctx := context.Background()
			policyARN := stepPolicy(t, c)
			if _, err := c.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
				AlarmName: aws.String("api-requests-high"), Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCountPerTarget"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String("targetgroup/tg-api/abc")}},
				Statistic:  cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1000),
				ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{policyARN, topic},
			}); err != nil {
				t.Fatal(err)
			}
			if tc.deletePolicy {
				// The alarm keeps an action on a policy that no longer
				// exists, as after a policy is replaced under it.
				if _, err := c.aas.DeleteScalingPolicy(ctx, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("api-step-out"),
					ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resource)}); err != nil {
					t.Fatal(err)
				}
				if _, err := c.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
					AlarmName: aws.String("api-requests-high"), Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCountPerTarget"),
					Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1000),
					ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{policyARN, topic},
				}); err != nil {
					t.Fatal(err)
				}
			}
			in := &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("api-requests-high"), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("gameday drill")}
			if tc.reasonData != "" {
				in.StateReasonData = aws.String(tc.reasonData)
			}
			if _, err := c.cw.SetAlarmState(ctx, in); err != nil {
				t.Fatal(err)
			}

			acts, err := c.aas.DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(resource)})
			if err != nil {
				t.Fatal(err)
			}
			var scaled []string
			for _, a := range acts.ScalingActivities {
				if a.StatusCode == aastypes.ScalingActivityStatusCodeSuccessful {
					scaled = append(scaled, aws.ToString(a.Description)+" / "+aws.ToString(a.Cause))
				}
			}
			switch {
			case tc.wantDesired == 0 && len(scaled) > 0:
				t.Errorf("scaled with nothing to act on: %q", scaled)
			case tc.wantDesired > 0 && (len(scaled) != 1 ||
				scaled[0] != fmt.Sprintf("Setting desired count to %d. / monitor alarm api-requests-high in state ALARM triggered policy api-step-out", tc.wantDesired)):
				t.Errorf("activities %q, want one setting the desired count to %d, caused by the alarm", scaled, tc.wantDesired)
			}

			hist, err := c.cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("api-requests-high"), HistoryItemType: cwtypes.HistoryItemTypeAction})
			if err != nil {
				t.Fatal(err)
			}
			summaries := map[string]string{}
			for _, h := range hist.AlarmHistoryItems {
				summaries[aws.ToString(h.HistorySummary)] = aws.ToString(h.HistoryData)
			}
			if _, ok := summaries[tc.wantPolicyRan+policyARN]; !ok || len(summaries) != 2 {
				t.Errorf("Action history %v, want %q and the topic's", slices.Collect(maps.Keys(summaries)), tc.wantPolicyRan+policyARN)
			}
			data, ok := summaries["Successfully executed action "+topic]
			if !ok {
				t.Fatalf("no successful Action item for the topic in %v", slices.Collect(maps.Keys(summaries)))
			}
			var item struct {
				PublishedMessage string `json:"publishedMessage"`
			}
			var msg struct {
				AlarmName, NewStateValue, OldStateValue, NewStateReason string
				Trigger                                                 struct{ MetricName string }
			}
			if err := json.Unmarshal([]byte(data), &item); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(item.PublishedMessage), &msg); err != nil || msg.AlarmName != "api-requests-high" ||
				msg.NewStateValue != "ALARM" || msg.OldStateValue != "INSUFFICIENT_DATA" || msg.NewStateReason != "gameday drill" ||
				msg.Trigger.MetricName != "RequestCountPerTarget" {
				t.Errorf("published message %s (%v)", item.PublishedMessage, err)
			}
		})
	}
}

// stepPolicy registers the target (min 1, max 10, desired 2) and a step
// policy adding 2 tasks above the threshold, and returns its ARN.
func stepPolicy(t *testing.T, c clients) string {
	t.Helper()
	ctx := context.Background()
	if _, err := c.aas.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String(resource), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(10),
	}); err != nil {
		t.Fatal(err)
	}
	out, err := c.aas.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("api-step-out"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resource),
		PolicyType: aastypes.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{
			AdjustmentType: aastypes.AdjustmentTypeChangeInCapacity, Cooldown: aws.Int32(180),
			StepAdjustments: []aastypes.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(2)}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(out.PolicyARN); strings.HasPrefix(arn, "arn:aws:autoscaling:") {
		return arn
	}
	t.Fatalf("policy ARN %q", aws.ToString(out.PolicyARN))
	return ""
}
