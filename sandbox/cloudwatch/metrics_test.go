package cloudwatch

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPutMetricDataValidation(t *testing.T) {
	dims31 := make([]Dimension, 31)
	for i := range dims31 {
		dims31[i] = Dimension{Name: "d" + strings.Repeat("x", i), Value: "v"}
	}
	tests := []struct {
		name      string
		namespace string
		datum     MetricDatum
		want      ErrorCode
	}{
		{"valid", "Custom", point1("m", time.Time{}, 1), ""},
		{"reserved namespace", "AWS/ECS", point1("m", time.Time{}, 1), ErrCodeInvalidParameterValue},
		{"no namespace", "", point1("m", time.Time{}, 1), ErrCodeMissingParameter},
		{"no metric name", "Custom", point1("", time.Time{}, 1), ErrCodeMissingParameter},
		{"31 dimensions", "Custom", MetricDatum{MetricName: "m", Dimensions: dims31, Value: f64(1)}, ErrCodeInvalidParameterValue},
		{"duplicate dimension", "Custom", point1("m", time.Time{}, 1, Dimension{"a", "1"}, Dimension{"a", "2"}), ErrCodeInvalidParameterValue},
		{"empty dimension value", "Custom", point1("m", time.Time{}, 1, Dimension{"a", ""}), ErrCodeMissingParameter},
		{"NaN", "Custom", point1("m", time.Time{}, math.NaN()), ErrCodeInvalidParameterValue},
		{"+Inf", "Custom", point1("m", time.Time{}, math.Inf(1)), ErrCodeInvalidParameterValue},
		{"beyond 2^360", "Custom", point1("m", time.Time{}, math.Ldexp(1, 361)), ErrCodeInvalidParameterValue},
		{"NaN in Values", "Custom", MetricDatum{MetricName: "m", Values: []float64{1, math.NaN()}}, ErrCodeInvalidParameterValue},
		{"Inf in statistic set", "Custom", MetricDatum{MetricName: "m", StatisticValues: &StatisticSet{1, math.Inf(-1), 0, 0}}, ErrCodeInvalidParameterValue},
		{"two weeks old", "Custom", point1("m", t0.Add(-14*24*time.Hour), 1), ""},
		{"older than two weeks", "Custom", point1("m", t0.Add(-14*24*time.Hour-time.Second), 1), ErrCodeInvalidParameterValue},
		{"two hours ahead", "Custom", point1("m", t0.Add(2*time.Hour), 1), ""},
		{"more than two hours ahead", "Custom", point1("m", t0.Add(2*time.Hour+time.Second), 1), ErrCodeInvalidParameterValue},
		{"Value and Values", "Custom", MetricDatum{MetricName: "m", Value: f64(1), Values: []float64{1}}, ErrCodeInvalidParameterCombination},
		{"Value and StatisticValues", "Custom", MetricDatum{MetricName: "m", Value: f64(1), StatisticValues: &StatisticSet{1, 1, 1, 1}}, ErrCodeInvalidParameterCombination},
		{"Counts without Values", "Custom", MetricDatum{MetricName: "m", Counts: []float64{1}}, ErrCodeInvalidParameterCombination},
		{"no value", "Custom", MetricDatum{MetricName: "m"}, ErrCodeInvalidParameterCombination},
		{"Counts of other length", "Custom", MetricDatum{MetricName: "m", Values: []float64{1, 2}, Counts: []float64{1}}, ErrCodeInvalidParameterValue},
		{"negative count", "Custom", MetricDatum{MetricName: "m", Values: []float64{1}, Counts: []float64{-1}}, ErrCodeInvalidParameterValue},
		{"151 values", "Custom", MetricDatum{MetricName: "m", Values: make([]float64, 151)}, ErrCodeInvalidParameterValue},
		{"statistic set min above max", "Custom", MetricDatum{MetricName: "m", StatisticValues: &StatisticSet{2, 3, 2, 1}}, ErrCodeInvalidParameterValue},
		{"statistic set without samples", "Custom", MetricDatum{MetricName: "m", StatisticValues: &StatisticSet{0, 0, 0, 0}}, ErrCodeInvalidParameterValue},
		{"storage resolution 5", "Custom", MetricDatum{MetricName: "m", Value: f64(1), StorageResolution: 5}, ErrCodeInvalidParameterValue},
		{"unknown unit", "Custom", MetricDatum{MetricName: "m", Value: f64(1), Unit: "Furlongs"}, ErrCodeValidation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			err := e.PutMetricData(tc.namespace, []MetricDatum{tc.datum})
			if got := codeOf(err); got != tc.want {
				t.Fatalf("PutMetricData = %v, want code %q", err, tc.want)
			}
		})
	}
}

func TestPutMetricDataIsAtomicAndServicePathAllowsAWSNamespaces(t *testing.T) {
	e, _ := newEngine(t)
	bad := []MetricDatum{point1("ok", t0, 1), point1("bad", t0, math.NaN())}
	if err := e.PutMetricData("Custom", bad); codeOf(err) != ErrCodeInvalidParameterValue {
		t.Fatalf("PutMetricData with a bad datum = %v", err)
	}
	if out, _ := e.ListMetrics(ListMetricsInput{}); len(out.Metrics) != 0 {
		t.Fatalf("a rejected request stored %v", out.Metrics)
	}
	if err := e.PutServiceMetricData("AWS/ECS", []MetricDatum{point1("CPUUtilization", t0, 40)}); err != nil {
		t.Fatalf("PutServiceMetricData(AWS/ECS) = %v", err)
	}
	if err := e.PutMetricData("Custom", make([]MetricDatum, 1001)); codeOf(err) != ErrCodeInvalidParameterValue {
		t.Fatalf("1001 metrics = %v", err)
	}
	if err := e.PutMetricData("Custom", nil); codeOf(err) != ErrCodeMissingParameter {
		t.Fatalf("no metric data = %v", err)
	}
}

func TestListMetrics(t *testing.T) {
	e, c := newEngine(t)
	mustPut(t, e, "AWS/ECS",
		point1("CPUUtilization", t0, 1, Dimension{"ServiceName", "api"}, Dimension{"ClusterName", "prod"}),
		point1("CPUUtilization", t0, 1, Dimension{"ServiceName", "web"}, Dimension{"ClusterName", "prod"}),
		point1("MemoryUtilization", t0, 1, Dimension{"ServiceName", "api"}, Dimension{"ClusterName", "prod"}),
	)
	mustPut(t, e, "Custom", point1("Load", t0.Add(-4*time.Hour), 1))
	names := func(in ListMetricsInput) []string {
		t.Helper()
		out, err := e.ListMetrics(in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range out.Metrics {
			s := m.Namespace + "/" + m.MetricName
			for _, d := range m.Dimensions {
				s += " " + d.Name + "=" + d.Value
			}
			got = append(got, s)
		}
		return got
	}
	c.Set(t0.Add(time.Minute))
	tests := []struct {
		name string
		in   ListMetricsInput
		want []string
	}{
		{"by name", ListMetricsInput{MetricName: "MemoryUtilization"},
			[]string{"AWS/ECS/MemoryUtilization ClusterName=prod ServiceName=api"}},
		{"by dimension value", ListMetricsInput{Namespace: "AWS/ECS", Dimensions: []DimensionFilter{{Name: "ServiceName", Value: "web"}}},
			[]string{"AWS/ECS/CPUUtilization ClusterName=prod ServiceName=web"}},
		{"by dimension name", ListMetricsInput{Dimensions: []DimensionFilter{{Name: "ClusterName"}}, MetricName: "CPUUtilization"},
			[]string{"AWS/ECS/CPUUtilization ClusterName=prod ServiceName=api", "AWS/ECS/CPUUtilization ClusterName=prod ServiceName=web"}},
		{"recently active", ListMetricsInput{Namespace: "Custom", RecentlyActive: "PT3H"}, nil},
		{"all of a namespace", ListMetricsInput{Namespace: "Custom"}, []string{"Custom/Load"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("ListMetrics = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRetentionDropsOldDataButKeepsWhatAlarmsNeed(t *testing.T) {
	e, c := newEngine(t, WithRetention(time.Hour))
	mustPut(t, e, "Custom", point1("Short", t0, 1), point1("Long", t0, 1))
	// 24 hourly periods need 26 hours of history (the evaluation range is
	// EvaluationPeriods + 2), beyond the one-hour retention.
	in := alarmInput("daily")
	in.MetricName, in.Period, in.EvaluationPeriods = "Long", 3600, 24
	mustAlarm(t, e, in)

	later := t0.Add(25 * time.Hour)
	c.Set(later)
	e.Evaluate(later)
	out, err := e.ListMetrics(ListMetricsInput{Namespace: "Custom"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Metrics) != 1 || out.Metrics[0].MetricName != "Long" {
		t.Fatalf("after 25 h with an alarm looking back 26 h, metrics = %+v, want only Long", out.Metrics)
	}

	c.Set(t0.Add(27 * time.Hour))
	e.Evaluate(t0.Add(27 * time.Hour))
	if out, _ := e.ListMetrics(ListMetricsInput{Namespace: "Custom"}); len(out.Metrics) != 0 {
		t.Fatalf("after 27 h, metrics = %+v, want none", out.Metrics)
	}
}
