package cloudwatch

import (
	"maps"
	"slices"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	one := func(vs ...float64) *agg {
		a := &agg{}
		for _, v := range vs {
			a.add(&sample{count: 1, sum: v, min: v, max: v, values: []float64{v}})
		}
		return a
	}
	tenToOne := one(10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
	weighted := &agg{}
	weighted.add(&sample{count: 100, sum: 0.1*85 + 0.8*15, min: 0.1, max: 0.8, values: []float64{0.1, 0.8}, counts: []float64{85, 15}})
	tests := []struct {
		name string
		a    *agg
		p    float64
		want float64
		ok   bool
	}{
		{"p0 is the minimum", tenToOne, 0, 1, true},
		{"p10 of ten is the first", tenToOne, 10, 1, true},
		{"p11 of ten is the second", tenToOne, 11, 2, true},
		{"p50 of ten is the fifth", tenToOne, 50, 5, true},
		{"p90 of ten is the ninth", tenToOne, 90, 9, true},
		{"p99.9 of ten is the tenth", tenToOne, 99.9, 10, true},
		{"p100 is the maximum", tenToOne, 100, 10, true},
		{"p85 with counts", weighted, 85, 0.1, true},
		{"p85.01 with counts", weighted, 85.01, 0.8, true},
		{"p90 with counts", weighted, 90, 0.8, true},
		{"single value", one(7), 50, 7, true},
		{"negative values have no percentiles", one(1, -1), 50, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.a.percentile(tc.p)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("p%v = %v, %v; want %v, %v", tc.p, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestGetMetricStatistics(t *testing.T) {
	e, c := newEngine(t)
	ts := t0.Add(30 * time.Second)
	mustPut(t, e, "Custom",
		MetricDatum{MetricName: "Latency", Timestamp: ts, Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		// Statistic sets: the first can yield percentiles (Minimum equals
		// Maximum), the second cannot.
		MetricDatum{MetricName: "Set", Timestamp: ts, StatisticValues: &StatisticSet{SampleCount: 4, Sum: 8, Minimum: 2, Maximum: 2}},
		MetricDatum{MetricName: "Mixed", Timestamp: ts, StatisticValues: &StatisticSet{SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4}},
	)
	c.Set(t0.Add(10 * time.Minute))

	get := func(name string, std []Statistic, ext []string) Datapoint {
		t.Helper()
		out, err := e.GetMetricStatistics(GetMetricStatisticsInput{
			Namespace: "Custom", MetricName: name, StartTime: t0, EndTime: t0.Add(5 * time.Minute), Period: 300,
			Statistics: std, ExtendedStatistics: ext,
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Label != name || len(out.Datapoints) != 1 {
			t.Fatalf("GetMetricStatistics(%s) = %+v, want one datapoint labelled %s", name, out, name)
		}
		return out.Datapoints[0]
	}

	dp := get("Latency", []Statistic{StatisticSampleCount, StatisticSum, StatisticAverage, StatisticMinimum, StatisticMaximum}, nil)
	got := []float64{*dp.SampleCount, *dp.Sum, *dp.Average, *dp.Minimum, *dp.Maximum}
	if want := []float64{10, 55, 5.5, 1, 10}; !slices.Equal(got, want) || !dp.Timestamp.Equal(t0) || dp.Unit != UnitNone {
		t.Fatalf("statistics = %v at %v in %s, want %v at %v in None", got, dp.Timestamp, dp.Unit, want, t0)
	}
	dp = get("Latency", nil, []string{"p50", "p90", "p99.9"})
	if want := map[string]float64{"p50": 5, "p90": 9, "p99.9": 10}; !maps.Equal(dp.ExtendedStatistics, want) || dp.Average != nil {
		t.Fatalf("percentiles = %v (average %v), want %v only", dp.ExtendedStatistics, dp.Average, want)
	}
	if dp := get("Set", nil, []string{"p90"}); dp.ExtendedStatistics["p90"] != 2 {
		t.Fatalf("p90 of a statistic set of one value = %v, want 2", dp.ExtendedStatistics)
	}
	if dp := get("Mixed", nil, []string{"p90"}); dp.ExtendedStatistics != nil {
		t.Fatalf("p90 of a statistic set of several values = %v, want none", dp.ExtendedStatistics)
	}
	if dp := get("Mixed", []Statistic{StatisticAverage}, nil); *dp.Average != 2.5 {
		t.Fatalf("average of a statistic set = %v, want 2.5", *dp.Average)
	}
}

func TestPeriodBucketing(t *testing.T) {
	e, c := newEngine(t)
	mustPut(t, e, "Custom",
		// Standard resolution stores the minute: 10:00:59 counts at 10:00.
		point1("Std", t0.Add(59*time.Second), 1),
		point1("Std", t0.Add(4*time.Minute+59*time.Second), 2),
		point1("Std", t0.Add(5*time.Minute), 4),
		point1("Std", t0.Add(9*time.Minute), 8),
		point1("Std", t0.Add(10*time.Minute), 16),
		MetricDatum{MetricName: "Hi", Timestamp: t0.Add(9 * time.Second), Value: f64(1), StorageResolution: 1},
		MetricDatum{MetricName: "Hi", Timestamp: t0.Add(10 * time.Second), Value: f64(2), StorageResolution: 1},
		MetricDatum{MetricName: "Hi", Timestamp: t0.Add(19 * time.Second), Value: f64(4), StorageResolution: 1},
	)
	c.Set(t0.Add(30 * time.Minute))
	sums := func(name string, start, end time.Time, period int32) map[time.Time]float64 {
		t.Helper()
		out, err := e.GetMetricStatistics(GetMetricStatisticsInput{
			Namespace: "Custom", MetricName: name, StartTime: start, EndTime: end, Period: period, Statistics: []Statistic{StatisticSum},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := map[time.Time]float64{}
		for _, dp := range out.Datapoints {
			got[dp.Timestamp] = *dp.Sum
		}
		return got
	}
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	tests := []struct {
		name       string
		metric     string
		start, end time.Time
		period     int32
		want       map[time.Time]float64
	}{
		{"five-minute periods from the hour", "Std", t0, at(15 * time.Minute), 300,
			map[time.Time]float64{t0: 3, at(5 * time.Minute): 12, at(10 * time.Minute): 16}},
		{"end is exclusive", "Std", t0, at(10 * time.Minute), 300,
			map[time.Time]float64{t0: 3, at(5 * time.Minute): 12}},
		{"start rounds down to the minute", "Std", at(4*time.Minute + 34*time.Second), at(15 * time.Minute), 300,
			map[time.Time]float64{at(4 * time.Minute): 6, at(9 * time.Minute): 24}},
		{"one-minute periods", "Std", t0, at(6 * time.Minute), 60,
			map[time.Time]float64{t0: 1, at(4 * time.Minute): 2, at(5 * time.Minute): 4}},
		{"high resolution keeps seconds", "Hi", t0, at(time.Minute), 10,
			map[time.Time]float64{t0: 1, at(10 * time.Second): 6}},
		{"high resolution in whole minutes", "Hi", t0, at(time.Minute), 60,
			map[time.Time]float64{t0: 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sums(tc.metric, tc.start, tc.end, tc.period); !maps.Equal(got, tc.want) {
				t.Fatalf("sums = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("sub-minute periods are served for three hours", func(t *testing.T) {
		c.Set(t0.Add(4 * time.Hour))
		defer c.Set(t0.Add(30 * time.Minute))
		if got := sums("Hi", t0, at(time.Minute), 10); len(got) != 0 {
			t.Fatalf("10 s periods four hours back = %v, want none", got)
		}
	})
}

func TestUnitFilter(t *testing.T) {
	e, c := newEngine(t)
	mustPut(t, e, "Custom",
		MetricDatum{MetricName: "Latency", Timestamp: t0, Value: f64(0.2), Unit: UnitSeconds},
		MetricDatum{MetricName: "Latency", Timestamp: t0, Value: f64(300), Unit: UnitMilliseconds},
		MetricDatum{MetricName: "Latency", Timestamp: t0, Value: f64(0.4), Unit: UnitSeconds},
	)
	c.Set(t0.Add(5 * time.Minute))
	tests := []struct {
		unit StandardUnit
		want map[StandardUnit]float64 // unit -> average
	}{
		{"", map[StandardUnit]float64{UnitMilliseconds: 300, UnitSeconds: 0.3}},
		{UnitSeconds, map[StandardUnit]float64{UnitSeconds: 0.3}},
		{UnitMilliseconds, map[StandardUnit]float64{UnitMilliseconds: 300}},
		{UnitCount, map[StandardUnit]float64{}},
	}
	for _, tc := range tests {
		t.Run(string(tc.unit), func(t *testing.T) {
			out, err := e.GetMetricStatistics(GetMetricStatisticsInput{
				Namespace: "Custom", MetricName: "Latency", StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60,
				Statistics: []Statistic{StatisticAverage}, Unit: tc.unit,
			})
			if err != nil {
				t.Fatal(err)
			}
			got := map[StandardUnit]float64{}
			for _, dp := range out.Datapoints {
				got[dp.Unit] = *dp.Average
			}
			if !maps.EqualFunc(got, tc.want, func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }) {
				t.Fatalf("averages by unit = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGetMetricStatisticsValidation(t *testing.T) {
	e, _ := newEngine(t)
	base := GetMetricStatisticsInput{
		Namespace: "Custom", MetricName: "m", StartTime: t0, EndTime: t0.Add(time.Hour), Period: 60, Statistics: []Statistic{StatisticAverage},
	}
	tests := []struct {
		name   string
		modify func(*GetMetricStatisticsInput)
		want   ErrorCode
	}{
		{"valid", func(*GetMetricStatisticsInput) {}, ""},
		{"both statistics kinds", func(in *GetMetricStatisticsInput) { in.ExtendedStatistics = []string{"p90"} }, ErrCodeInvalidParameterCombination},
		{"no statistics", func(in *GetMetricStatisticsInput) { in.Statistics = nil }, ErrCodeInvalidParameterCombination},
		{"percentile as statistic", func(in *GetMetricStatisticsInput) { in.Statistics = []Statistic{"p90"} }, ErrCodeValidation},
		{"bad percentile", func(in *GetMetricStatisticsInput) { in.Statistics, in.ExtendedStatistics = nil, []string{"p101"} }, ErrCodeInvalidParameterValue},
		{"trimmed mean", func(in *GetMetricStatisticsInput) { in.Statistics, in.ExtendedStatistics = nil, []string{"tm90"} }, ErrCodeInvalidParameterValue},
		{"period 45", func(in *GetMetricStatisticsInput) { in.Period = 45 }, ErrCodeInvalidParameterValue},
		{"no period", func(in *GetMetricStatisticsInput) { in.Period = 0 }, ErrCodeMissingParameter},
		{"start after end", func(in *GetMetricStatisticsInput) { in.StartTime = in.EndTime }, ErrCodeInvalidParameterValue},
		{"1441 datapoints", func(in *GetMetricStatisticsInput) { in.EndTime = t0.Add(1441 * time.Minute) }, ErrCodeInvalidParameterCombination},
		{"1440 datapoints", func(in *GetMetricStatisticsInput) { in.EndTime = t0.Add(1440 * time.Minute) }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.modify(&in)
			if _, err := e.GetMetricStatistics(in); codeOf(err) != tc.want {
				t.Fatalf("GetMetricStatistics = %v, want code %q", err, tc.want)
			}
		})
	}
}

func TestGetMetricDataPagination(t *testing.T) {
	e, c := newEngine(t)
	for i := range 5 {
		at := t0.Add(time.Duration(i) * time.Minute)
		mustPut(t, e, "Custom",
			point1("A", at, float64(i), Dimension{"Service", "api"}, Dimension{"Cluster", "prod"}),
			point1("B", at, float64(10+i)),
		)
	}
	c.Set(t0.Add(10 * time.Minute))
	queries := []MetricDataQuery{
		// Dimensions in another order name the same metric.
		{Id: "a", MetricStat: &MetricStat{Metric: Metric{Namespace: "Custom", MetricName: "A",
			Dimensions: []Dimension{{"Cluster", "prod"}, {"Service", "api"}}}, Period: 60, Stat: "Maximum"}},
		{Id: "hidden", ReturnData: boolp(false), MetricStat: &MetricStat{Metric: Metric{Namespace: "Custom", MetricName: "A"}, Period: 60, Stat: "Sum"}},
		{Id: "b", Label: "bee", MetricStat: &MetricStat{Metric: Metric{Namespace: "Custom", MetricName: "B"}, Period: 60, Stat: "p50"}},
	}

	type page struct {
		values map[string][]float64
		status map[string]StatusCode
	}
	fetchAll := func(scan ScanBy, maxDP int32) ([]page, map[string][]float64, map[string]string) {
		t.Helper()
		var pages []page
		all, labels := map[string][]float64{}, map[string]string{}
		token := ""
		for {
			out, err := e.GetMetricData(GetMetricDataInput{
				MetricDataQueries: queries, StartTime: t0, EndTime: t0.Add(10 * time.Minute),
				ScanBy: scan, MaxDatapoints: maxDP, NextToken: token,
			})
			if err != nil {
				t.Fatal(err)
			}
			p := page{values: map[string][]float64{}, status: map[string]StatusCode{}}
			for _, r := range out.MetricDataResults {
				if len(r.Timestamps) != len(r.Values) {
					t.Fatalf("%s: %d timestamps for %d values", r.Id, len(r.Timestamps), len(r.Values))
				}
				p.values[r.Id], p.status[r.Id] = r.Values, r.StatusCode
				all[r.Id] = append(all[r.Id], r.Values...)
				labels[r.Id] = r.Label
			}
			pages = append(pages, p)
			if token = out.NextToken; token == "" {
				return pages, all, labels
			}
			if len(pages) > 10 {
				t.Fatal("pagination does not end")
			}
		}
	}

	pages, all, labels := fetchAll("", 3)
	want := map[string][]float64{"a": {4, 3, 2, 1, 0}, "b": {14, 13, 12, 11, 10}}
	if !maps.EqualFunc(all, want, slices.Equal) {
		t.Fatalf("values over all pages = %v, want %v (newest first)", all, want)
	}
	if labels["a"] != "A" || labels["b"] != "bee" {
		t.Fatalf("labels = %v, want the metric name by default", labels)
	}
	wantPages := []page{
		{map[string][]float64{"a": {4, 3, 2}, "b": nil}, map[string]StatusCode{"a": StatusPartialData, "b": StatusPartialData}},
		{map[string][]float64{"a": {1, 0}, "b": {14}}, map[string]StatusCode{"a": StatusComplete, "b": StatusPartialData}},
		{map[string][]float64{"a": nil, "b": {13, 12, 11}}, map[string]StatusCode{"a": StatusComplete, "b": StatusPartialData}},
		{map[string][]float64{"a": nil, "b": {10}}, map[string]StatusCode{"a": StatusComplete, "b": StatusComplete}},
	}
	if len(pages) != len(wantPages) {
		t.Fatalf("%d pages, want %d", len(pages), len(wantPages))
	}
	for i, p := range pages {
		if !maps.EqualFunc(p.values, wantPages[i].values, slices.Equal) || !maps.Equal(p.status, wantPages[i].status) {
			t.Fatalf("page %d = %+v, want %+v", i+1, p, wantPages[i])
		}
	}

	_, asc, _ := fetchAll(TimestampAscending, 0)
	if want := map[string][]float64{"a": {0, 1, 2, 3, 4}, "b": {10, 11, 12, 13, 14}}; !maps.EqualFunc(asc, want, slices.Equal) {
		t.Fatalf("ascending values = %v, want %v", asc, want)
	}

	for name, in := range map[string]GetMetricDataInput{
		"bad token":  {MetricDataQueries: queries, StartTime: t0, EndTime: t0.Add(time.Hour), NextToken: "bogus"},
		"expression": {MetricDataQueries: []MetricDataQuery{{Id: "e", Expression: "a*2"}}, StartTime: t0, EndTime: t0.Add(time.Hour)},
		"bad id":     {MetricDataQueries: []MetricDataQuery{{Id: "A", MetricStat: queries[0].MetricStat}}, StartTime: t0, EndTime: t0.Add(time.Hour)},
		"dup id":     {MetricDataQueries: []MetricDataQuery{queries[0], queries[0]}, StartTime: t0, EndTime: t0.Add(time.Hour)},
		"bad stat": {MetricDataQueries: []MetricDataQuery{{Id: "x", MetricStat: &MetricStat{Metric: Metric{Namespace: "Custom", MetricName: "A"}, Period: 60, Stat: "Median"}}},
			StartTime: t0, EndTime: t0.Add(time.Hour)},
	} {
		wantCode := map[string]ErrorCode{"bad token": ErrCodeInvalidNextToken, "expression": ErrCodeInvalidParameterValue,
			"bad id": ErrCodeValidation, "dup id": ErrCodeValidation, "bad stat": ErrCodeInvalidParameterValue}[name]
		if _, err := e.GetMetricData(in); codeOf(err) != wantCode {
			t.Errorf("%s: GetMetricData = %v, want code %q", name, err, wantCode)
		}
	}
}
