// Package scalingalarms lets the sandbox's Application Auto Scaling create,
// read and delete its alarms in the sandbox's CloudWatch, as AWS's does in
// CloudWatch: the one place the two engines meet.
package scalingalarms

import (
	"slices"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
)

// New returns cw as Application Auto Scaling sees it; c dates the
// datapoints it reads.
func New(cw *cloudwatch.Engine, c clock.Clock) autoscaling.Alarms {
	return scalingAlarms{cw: cw, clock: c}
}

type scalingAlarms struct {
	cw    *cloudwatch.Engine
	clock clock.Clock
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
			points, err := s.cw.AlarmDatapoints(a.AlarmName, s.clock.Now())
			if err != nil {
				return nil, err
			}
			values := make([]float64, len(points))
			for i, p := range points {
				values[i] = p.Value
			}
			out = append(out, autoscaling.AlarmStatus{AlarmName: a.AlarmName, StateValue: autoscaling.AlarmState(a.StateValue), Threshold: a.Threshold, Datapoints: values})
		}
		if page.NextToken == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}
