// Package scalingalarms is where the sandbox's Application Auto Scaling and
// CloudWatch meet, as AWS's do: Application Auto Scaling creates, reads and
// deletes its alarms in CloudWatch (New), and CloudWatch invokes the
// actions of its alarms on every state transition (Act).
package scalingalarms

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
)

// New returns cw as Application Auto Scaling sees it.
func New(cw *cloudwatch.Engine) autoscaling.Alarms {
	return scalingAlarms{cw: cw}
}

type scalingAlarms struct {
	cw *cloudwatch.Engine
}

func (s scalingAlarms) PutMetricAlarm(a autoscaling.MetricAlarm) error {
	dims := make([]cloudwatch.Dimension, len(a.Dimensions))
	for i, d := range a.Dimensions {
		dims[i] = cloudwatch.Dimension{Name: d.Name, Value: d.Value}
	}
	threshold := a.Threshold
	return s.cw.PutMetricAlarm(cloudwatch.PutMetricAlarmInput{
		AlarmName:          a.AlarmName,
		AlarmDescription:   a.AlarmDescription,
		AlarmActions:       a.AlarmActions,
		Namespace:          a.Namespace,
		MetricName:         a.MetricName,
		Dimensions:         dims,
		Statistic:          cloudwatch.Statistic(a.Statistic),
		Unit:               cloudwatch.StandardUnit(a.Unit),
		Period:             int32(a.Period / time.Second),
		EvaluationPeriods:  int32(a.EvaluationPeriods),
		DatapointsToAlarm:  int32(a.DatapointsToAlarm),
		Threshold:          &threshold,
		ComparisonOperator: cloudwatch.ComparisonOperator(a.ComparisonOperator),
		TreatMissingData:   a.TreatMissingData,
	})
}

func (s scalingAlarms) DeleteAlarms(names ...string) error { return s.cw.DeleteAlarms(names) }

func (s scalingAlarms) RemoveAlarmAction(arn string) error {
	s.cw.RemoveAlarmAction(arn)
	return nil
}

// AlarmsWithAction reads each alarm's datapoints from the reason data of
// its latest evaluation, or from the StateReasonData SetAlarmState forced
// until the next evaluation: "for EC2 Auto Scaling or application Auto
// Scaling alarm actions, the Auto Scaling policy uses the information in
// this field to take the correct action" (API_SetAlarmState). A forced
// state without recentDatapoints gives a policy nothing to size a change
// with, and it does nothing.
func (s scalingAlarms) AlarmsWithAction(arn string) ([]autoscaling.AlarmStatus, error) {
	var out []autoscaling.AlarmStatus
	in := cloudwatch.DescribeAlarmsInput{ActionPrefix: arn, MaxRecords: 100}
	for {
		page, err := s.cw.DescribeAlarms(in)
		if err != nil {
			return nil, err
		}
		for _, a := range page.MetricAlarms {
			if !a.ActionsEnabled || !slices.Contains(a.AlarmActions, arn) {
				continue
			}
			out = append(out, autoscaling.AlarmStatus{AlarmName: a.AlarmName, StateValue: autoscaling.AlarmState(a.StateValue), Threshold: a.Threshold,
				Datapoints: recentDatapoints(s.cw.SizingData(a.AlarmName))})
		}
		if page.NextToken == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// recentDatapoints reads stateReasonData's recentDatapoints, written
// oldest first, and returns them newest first; none if there are none.
func recentDatapoints(reasonData string) []float64 {
	var data struct {
		RecentDatapoints []float64 `json:"recentDatapoints"`
	}
	if json.Unmarshal([]byte(reasonData), &data) != nil {
		return nil
	}
	slices.Reverse(data.RecentDatapoints)
	return data.RecentDatapoints
}

// Act makes cw's alarms invoke their actions on every state transition,
// from evaluation and from SetAlarmState alike, and records each outcome
// as an Action history item, readable with DescribeAlarmHistory
// (HistoryItemType Action):
//
//   - an Application Auto Scaling policy ARN executes that policy
//     (autoscaling.Engine.InvokePolicy); Application Auto Scaling itself
//     re-invokes it every minute while the alarm stays in ALARM;
//   - an SNS topic ARN publishes the alarm's notification: the sandbox
//     has no SNS, so the history item, whose publishedMessage is the
//     notification AWS would send, is the delivery the harness reads;
//   - any other action fails: the sandbox serves nothing else an alarm
//     can act on.
//
// The returned function stops it.
func Act(cw *cloudwatch.Engine, aas *autoscaling.Engine, log *slog.Logger) (cancel func()) {
	return cw.OnTransition(func(t cloudwatch.Transition) {
		for _, action := range t.Actions {
			published, err := execute(cw, aas, t, action)
			if err != nil {
				log.Warn("alarm action failed", "alarm", t.AlarmName, "action", action, "err", err)
			}
			cw.RecordAction(t.AlarmName, action, t.Timestamp, published, err)
		}
	})
}

func execute(cw *cloudwatch.Engine, aas *autoscaling.Engine, t cloudwatch.Transition, action string) (published string, err error) {
	// arn:partition:service:region:account:resource
	parts := strings.SplitN(action, ":", 6)
	service := ""
	if len(parts) == 6 {
		service = parts[2]
	}
	switch {
	case service == "autoscaling" && strings.HasPrefix(parts[5], "scalingPolicy:"):
		return "", aas.InvokePolicy(action)
	case service == "sns":
		return cw.Notification(t)
	}
	return "", fmt.Errorf("the sandbox does not execute %s actions", service)
}
