package cloudwatch

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentUse drives every kind of call at once, as the HTTP layer
// and the background evaluator will; run it under -race. At the end every
// state change must have reached the subscriber exactly once.
func TestConcurrentUse(t *testing.T) {
	e, c := newEngine(t)
	const alarms = 4
	for i := range alarms {
		in := alarmInput(fmt.Sprintf("a%d", i))
		in.Dimensions = []Dimension{{"Task", fmt.Sprint(i)}}
		in.DatapointsToAlarm = 2
		mustAlarm(t, e, in)
	}
	var delivered atomic.Int64
	e.OnTransition(func(tr Transition) {
		delivered.Add(1)
		// Call back into the engine from the subscriber, as the sandbox's
		// alarm actions do.
		msg, err := e.Notification(tr)
		if err != nil {
			t.Error(err)
		}
		e.RecordAction(tr.AlarmName, "arn:aws:sns:us-east-1:123456789012:ops", tr.Timestamp, msg, nil)
	})

	const minutes = 30
	var wg sync.WaitGroup
	for i := range alarms {
		wg.Go(func() {
			for m := range minutes {
				v := 10.0
				if (m/3+i)%2 == 0 {
					v = 90
				}
				at := t0.Add(time.Duration(m) * time.Minute)
				if err := e.PutMetricData("Custom", []MetricDatum{point1("Load", at, v, Dimension{"Task", fmt.Sprint(i)})}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for m := range minutes {
			c.Set(t0.Add(time.Duration(m) * time.Minute))
			e.Evaluate(t0.Add(time.Duration(m+1) * time.Minute))
		}
	})
	wg.Go(func() {
		for m := range minutes {
			state := []StateValue{StateOK, StateAlarm}[m%2]
			if err := e.SetAlarmState(SetAlarmStateInput{AlarmName: "a0", StateValue: state, StateReason: "drill"}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for range minutes {
			if _, err := e.DescribeAlarms(DescribeAlarmsInput{MaxRecords: 2}); err != nil {
				t.Error(err)
			}
			if _, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{}); err != nil {
				t.Error(err)
			}
			if _, err := e.GetMetricStatistics(GetMetricStatisticsInput{Namespace: "Custom", MetricName: "Load",
				Dimensions: []Dimension{{"Task", "1"}}, StartTime: t0, EndTime: t0.Add(time.Hour), Period: 60,
				ExtendedStatistics: []string{"p90"}}); err != nil {
				t.Error(err)
			}
			if _, err := e.GetMetricData(GetMetricDataInput{StartTime: t0, EndTime: t0.Add(time.Hour), MaxDatapoints: 7,
				MetricDataQueries: []MetricDataQuery{{Id: "l", MetricStat: &MetricStat{
					Metric: Metric{Namespace: "Custom", MetricName: "Load", Dimensions: []Dimension{{"Task", "2"}}}, Period: 60, Stat: "Average"}}},
			}); err != nil {
				t.Error(err)
			}
			if _, err := e.ListMetrics(ListMetricsInput{}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() {
		for i := range minutes {
			name := fmt.Sprintf("d%d", i%3)
			if _, err := e.PutDashboard(PutDashboardInput{DashboardName: name, DashboardBody: `{"widgets":[]}`}); err != nil {
				t.Error(err)
			}
			if _, err := e.ListDashboards(ListDashboardsInput{}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()

	h, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{HistoryItemType: HistoryStateUpdate, MaxRecords: 100})
	if err != nil {
		t.Fatal(err)
	}
	updates := len(h.AlarmHistoryItems)
	for token := h.NextToken; token != ""; {
		page, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{HistoryItemType: HistoryStateUpdate, MaxRecords: 100, NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		updates += len(page.AlarmHistoryItems)
		token = page.NextToken
	}
	if updates == 0 || int64(updates) != delivered.Load() {
		t.Fatalf("%d state updates in history, %d delivered to the subscriber", updates, delivered.Load())
	}
}
