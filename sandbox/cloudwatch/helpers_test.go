package cloudwatch

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// t0 is a whole hour, so periods of any length start on it.
var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// fakeClock is a clock that moves only when told. The engine reads only
// Now; the embedded nil Clock makes any other use fail loudly.
type fakeClock struct {
	clock.Clock
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func newEngine(t *testing.T, opts ...Option) (*Engine, *fakeClock) {
	t.Helper()
	c := &fakeClock{now: t0}
	return New(c, opts...), c
}

func f64(v float64) *float64 { return &v }

func boolp(v bool) *bool { return &v }

// codeOf is the AWS error code of err, "" when err is not an *Error.
func codeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func mustPut(t *testing.T, e *Engine, namespace string, data ...MetricDatum) {
	t.Helper()
	if err := e.PutServiceMetricData(namespace, data); err != nil {
		t.Fatalf("PutServiceMetricData: %v", err)
	}
}

// point1 is a datum of one value at ts.
func point1(name string, ts time.Time, v float64, dims ...Dimension) MetricDatum {
	return MetricDatum{MetricName: name, Dimensions: dims, Timestamp: ts, Value: f64(v)}
}

// alarmInput is a 3-of-3 alarm on Custom/Load > 50 over 60 s periods,
// which cases adjust.
func alarmInput(name string) PutMetricAlarmInput {
	return PutMetricAlarmInput{
		AlarmName:          name,
		Namespace:          "Custom",
		MetricName:         "Load",
		Statistic:          StatisticAverage,
		Period:             60,
		EvaluationPeriods:  3,
		Threshold:          f64(50),
		ComparisonOperator: GreaterThanThreshold,
		AlarmActions:       []string{"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:p1"},
		OKActions:          []string{"arn:aws:sns:us-east-1:123456789012:ok"},
	}
}

func mustAlarm(t *testing.T, e *Engine, in PutMetricAlarmInput) {
	t.Helper()
	if err := e.PutMetricAlarm(in); err != nil {
		t.Fatalf("PutMetricAlarm(%s): %v", in.AlarmName, err)
	}
}

func stateOf(t *testing.T, e *Engine, name string) MetricAlarm {
	t.Helper()
	out, err := e.DescribeAlarms(DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil || len(out.MetricAlarms) != 1 {
		t.Fatalf("DescribeAlarms(%s) = %+v, %v", name, out, err)
	}
	return out.MetricAlarms[0]
}
