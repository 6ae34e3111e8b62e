package cloudwatch

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
)

const (
	// maxStatisticsDatapoints: "The maximum number of data points returned
	// from a single call is 1,440" (API_GetMetricStatistics).
	maxStatisticsDatapoints = 1440
	// defaultMaxDatapoints and maxMetricDataQueries: API_GetMetricData.
	defaultMaxDatapoints = 100800
	maxMetricDataQueries = 500
)

// checkQueryPeriod applies the periods GetMetricStatistics and
// GetMetricData accept: "1, 5, 10, 20, 30, 60, or any multiple of 60".
func checkQueryPeriod(param string, p int32) *Error {
	switch {
	case p == 0:
		return missing(param)
	case p < 0:
		return rangeError(param, int(p), 1, math.MaxInt32)
	case p < 60 && !slices.Contains([]int32{1, 5, 10, 20, 30}, p), p >= 60 && p%60 != 0:
		return newError(ErrCodeInvalidParameterValue, "The parameter %s must be 1, 5, 10, 20, 30, 60 or a multiple of 60.", param)
	}
	return nil
}

func checkTimeRange(start, end time.Time) *Error {
	switch {
	case start.IsZero():
		return missing("StartTime")
	case end.IsZero():
		return missing("EndTime")
	case !start.Before(end):
		return newError(ErrCodeInvalidParameterValue, "The parameter StartTime must be less than the parameter EndTime.")
	}
	return nil
}

// alignStart is where the first period of a query begins. CloudWatch rounds
// StartTime down to the minute when it is less than 15 days ago, to 5
// minutes up to 63 days, to the hour beyond, and to the period for periods
// under a minute; and it returns no data for a period that is not a
// multiple of what the age of StartTime requires, sub-minute periods being
// served for 3 hours only (API_GetMetricStatistics, API_GetMetricData).
// Periods then follow one another from there, which is the epoch-aligned
// bucketing whenever StartTime is itself a multiple of the period.
func alignStart(start time.Time, period int64, now time.Time) (origin int64, served bool) {
	age := now.Sub(start)
	var step int64
	switch {
	case period < 60:
		step, served = period, age <= 3*time.Hour
	case age < 15*24*time.Hour:
		step, served = 60, true
	case age < 63*24*time.Hour:
		step, served = 300, period%300 == 0
	default:
		step, served = 3600, period%3600 == 0
	}
	return floorDiv(start.Unix(), step) * step, served
}

// endUnix is the first whole second not before t: EndTime is exclusive and
// samples sit on whole seconds.
func endUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

// GetMetricStatisticsInput is a GetMetricStatistics request. Give
// Statistics or ExtendedStatistics, not both.
type GetMetricStatisticsInput struct {
	Namespace          string
	MetricName         string
	Dimensions         []Dimension
	StartTime          time.Time
	EndTime            time.Time
	Period             int32
	Statistics         []Statistic
	ExtendedStatistics []string
	// Unit, when set, keeps only data published with that unit.
	Unit StandardUnit
}

// Datapoint is the statistics of one period. Only the requested
// statistics are set; a percentile that cannot be computed for the period
// is left out of ExtendedStatistics.
type Datapoint struct {
	Timestamp          time.Time
	SampleCount        *float64
	Average            *float64
	Sum                *float64
	Minimum            *float64
	Maximum            *float64
	ExtendedStatistics map[string]float64 `aws:",map"`
	Unit               StandardUnit
}

// GetMetricStatisticsOutput holds the datapoints of the periods that had
// data, in ascending time (AWS promises no order).
type GetMetricStatisticsOutput struct {
	Label      string
	Datapoints []Datapoint
}

// GetMetricStatistics aggregates one metric over periods. Without a Unit
// filter, data published with different units is aggregated separately and
// returned as separate datapoints, each carrying its unit: "If you omit
// Unit, all data that was collected with any unit is returned, along with
// the corresponding units that were specified when the data was reported"
// (API_GetMetricStatistics).
func (e *Engine) GetMetricStatistics(in GetMetricStatisticsInput) (GetMetricStatisticsOutput, error) {
	out := GetMetricStatisticsOutput{Label: in.MetricName}
	if err := checkNamespace("Namespace", in.Namespace); err != nil {
		return out, err
	}
	if err := checkMetricName("MetricName", in.MetricName); err != nil {
		return out, err
	}
	if err := checkDimensions("Dimensions", in.Dimensions); err != nil {
		return out, err
	}
	if err := checkTimeRange(in.StartTime, in.EndTime); err != nil {
		return out, err
	}
	if err := checkQueryPeriod("Period", in.Period); err != nil {
		return out, err
	}
	if err := checkUnit("unit", in.Unit); err != nil {
		return out, err
	}
	switch {
	case len(in.Statistics) > 0 && len(in.ExtendedStatistics) > 0:
		return out, newError(ErrCodeInvalidParameterCombination,
			"The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.")
	case len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0:
		return out, newError(ErrCodeInvalidParameterCombination, "Must specify either Statistics or ExtendedStatistics.")
	case len(in.Statistics) > 5:
		return out, lengthError("statistics", 5)
	case len(in.ExtendedStatistics) > 10:
		return out, lengthError("extendedStatistics", 10)
	}
	for _, s := range in.Statistics {
		if !slices.Contains(statistics, s) {
			return out, enumError("statistics", s, statistics)
		}
	}
	extended := make([]stat, len(in.ExtendedStatistics))
	for i, s := range in.ExtendedStatistics {
		st, ok := parsePercentile(s)
		if !ok {
			return out, extendedStatError(fmt.Sprintf("ExtendedStatistics.member.%d", i+1), s)
		}
		extended[i] = st
	}

	now := e.clock.Now()
	period := int64(in.Period)
	origin, served := alignStart(in.StartTime, period, now)
	end := endUnix(in.EndTime)
	if n := (end - origin + period - 1) / period; n > maxStatisticsDatapoints {
		return out, newError(ErrCodeInvalidParameterCombination,
			"You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
			n, maxStatisticsDatapoints)
	}
	if !served {
		return out, nil
	}

	type group struct {
		bucket int64
		unit   StandardUnit
	}
	groups := map[group]*agg{}
	dims := sortedDimensions(in.Dimensions)
	e.mu.RLock()
	if s := e.series[metricKey(in.Namespace, in.MetricName, dims)]; s != nil {
		samples := s.between(origin, end)
		for i := range samples {
			x := &samples[i]
			if in.Unit != "" && x.unit != in.Unit {
				continue
			}
			g := group{bucket: (x.ts - origin) / period, unit: x.unit}
			if groups[g] == nil {
				groups[g] = &agg{}
			}
			groups[g].add(x)
		}
	}
	e.mu.RUnlock()

	for g, a := range groups {
		dp := Datapoint{Timestamp: time.Unix(origin+g.bucket*period, 0).UTC(), Unit: g.unit}
		for _, s := range in.Statistics {
			v, _ := a.value(stat{std: s})
			switch s {
			case StatisticSampleCount:
				dp.SampleCount = &v
			case StatisticAverage:
				dp.Average = &v
			case StatisticSum:
				dp.Sum = &v
			case StatisticMinimum:
				dp.Minimum = &v
			case StatisticMaximum:
				dp.Maximum = &v
			}
		}
		for i, st := range extended {
			if v, ok := a.value(st); ok {
				if dp.ExtendedStatistics == nil {
					dp.ExtendedStatistics = map[string]float64{}
				}
				dp.ExtendedStatistics[in.ExtendedStatistics[i]] = v
			}
		}
		out.Datapoints = append(out.Datapoints, dp)
	}
	slices.SortFunc(out.Datapoints, func(a, b Datapoint) int {
		return cmp.Or(a.Timestamp.Compare(b.Timestamp), cmp.Compare(a.Unit, b.Unit))
	})
	return out, nil
}

// MetricStat is a metric with the statistic and period to retrieve it at.
type MetricStat struct {
	Metric Metric
	Period int32
	// Stat is one of the five statistics or a percentile such as "p90".
	Stat string
	// Unit, when set, keeps only data published with that unit; otherwise
	// data of every unit is aggregated together.
	Unit StandardUnit
}

// MetricDataQuery is one query of a GetMetricData request. Only MetricStat
// queries are supported; Expression is rejected.
type MetricDataQuery struct {
	Id         string
	MetricStat *MetricStat
	Expression string
	// Label defaults to the metric name.
	Label string
	// ReturnData defaults to true.
	ReturnData *bool
}

// GetMetricDataInput is a GetMetricData request.
type GetMetricDataInput struct {
	MetricDataQueries []MetricDataQuery
	StartTime         time.Time
	EndTime           time.Time
	NextToken         string
	// ScanBy defaults to TimestampDescending.
	ScanBy ScanBy
	// MaxDatapoints caps the datapoints of one page across all queries
	// (default 100,800).
	MaxDatapoints int32
}

// MetricDataResult is the page's share of one query's datapoints.
type MetricDataResult struct {
	Id         string
	Label      string
	Timestamps []time.Time
	Values     []float64
	// StatusCode is PartialData while more of this query's datapoints
	// follow on later pages.
	StatusCode StatusCode
}

// GetMetricDataOutput is one page of results. Every query that returns
// data has a result on every page, empty when its datapoints are elsewhere.
type GetMetricDataOutput struct {
	MetricDataResults []MetricDataResult
	NextToken         string
}

var queryIDRE = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)

type resolvedQuery struct {
	id, label string
	key       string
	unit      StandardUnit
	period    int64
	stat      stat
}

type queryResult struct {
	id, label string
	ts        []int64
	values    []float64
}

// GetMetricData retrieves several metrics at once, paginated by
// MaxDatapoints.
func (e *Engine) GetMetricData(in GetMetricDataInput) (GetMetricDataOutput, error) {
	var out GetMetricDataOutput
	queries, err := resolveQueries(in.MetricDataQueries)
	if err != nil {
		return out, err
	}
	if err := checkTimeRange(in.StartTime, in.EndTime); err != nil {
		return out, err
	}
	scan, err := checkScanBy(in.ScanBy)
	if err != nil {
		return out, err
	}
	maxDP := int(in.MaxDatapoints)
	switch {
	case maxDP == 0:
		maxDP = defaultMaxDatapoints
	case maxDP < 0:
		return out, rangeError("maxDatapoints", maxDP, 1, math.MaxInt32)
	}
	offset := 0
	if tok, err := decodeToken("metricdata", in.NextToken); err != nil {
		return out, err
	} else if tok != "" {
		n, convErr := strconv.Atoi(tok)
		if convErr != nil || n <= 0 {
			return out, badToken()
		}
		offset = n
	}

	now := e.clock.Now()
	end := endUnix(in.EndTime)
	results := make([]queryResult, len(queries))
	total := 0
	e.mu.RLock()
	for i, q := range queries {
		r := queryResult{id: q.id, label: q.label}
		origin, served := alignStart(in.StartTime, q.period, now)
		if s := e.series[q.key]; s != nil && served {
			r.ts, r.values = bucketSeries(s.between(origin, end), origin, q.period, q.unit, q.stat)
		}
		if scan == TimestampDescending {
			slices.Reverse(r.ts)
			slices.Reverse(r.values)
		}
		results[i] = r
		total += len(r.ts)
	}
	e.mu.RUnlock()
	if offset > total {
		return out, badToken()
	}

	pos, taken := 0, 0
	for _, r := range results {
		first := pos
		pos += len(r.ts)
		lo := min(max(offset-first, 0), len(r.ts))
		hi := min(len(r.ts), lo+(maxDP-taken))
		taken += hi - lo
		res := MetricDataResult{Id: r.id, Label: r.label, Values: slices.Clone(r.values[lo:hi]), StatusCode: StatusComplete}
		for _, t := range r.ts[lo:hi] {
			res.Timestamps = append(res.Timestamps, time.Unix(t, 0).UTC())
		}
		if hi < len(r.ts) {
			res.StatusCode = StatusPartialData
		}
		out.MetricDataResults = append(out.MetricDataResults, res)
	}
	if next := offset + taken; next < total {
		out.NextToken = encodeToken("metricdata", strconv.Itoa(next))
	}
	return out, nil
}

// resolveQueries validates the queries and drops those with ReturnData
// false: without metric math nothing else can use them.
func resolveQueries(qs []MetricDataQuery) ([]resolvedQuery, *Error) {
	switch {
	case len(qs) == 0:
		return nil, missing("MetricDataQueries")
	case len(qs) > maxMetricDataQueries:
		return nil, lengthError("metricDataQueries", maxMetricDataQueries)
	}
	seen := map[string]bool{}
	var out []resolvedQuery
	for i, q := range qs {
		p := fmt.Sprintf("MetricDataQueries.member.%d", i+1)
		switch {
		case q.Id == "":
			return nil, missing(p + ".Id")
		case len(q.Id) > 255 || !queryIDRE.MatchString(q.Id):
			return nil, newError(ErrCodeValidation,
				"The value %s for parameter %s.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.", q.Id, p)
		case seen[q.Id]:
			return nil, newError(ErrCodeValidation, "The value %s for parameter %s.Id is not unique.", q.Id, p)
		case q.Expression != "":
			return nil, newError(ErrCodeInvalidParameterValue,
				"The parameter %s.Expression is not supported by the sandbox: metric math and Metrics Insights queries are not implemented.", p)
		case q.MetricStat == nil:
			return nil, newError(ErrCodeValidation, "The parameter %s.MetricStat is required.", p)
		}
		seen[q.Id] = true
		ms := q.MetricStat
		if err := checkNamespace(p+".MetricStat.Metric.Namespace", ms.Metric.Namespace); err != nil {
			return nil, err
		}
		if err := checkMetricName(p+".MetricStat.Metric.MetricName", ms.Metric.MetricName); err != nil {
			return nil, err
		}
		if err := checkDimensions(p+".MetricStat.Metric.Dimensions", ms.Metric.Dimensions); err != nil {
			return nil, err
		}
		if err := checkQueryPeriod(p+".MetricStat.Period", ms.Period); err != nil {
			return nil, err
		}
		if err := checkUnit(p+".MetricStat.Unit", ms.Unit); err != nil {
			return nil, err
		}
		if ms.Stat == "" {
			return nil, missing(p + ".MetricStat.Stat")
		}
		st, err := parseStat(p+".MetricStat.Stat", ms.Stat)
		if err != nil {
			return nil, err
		}
		if q.ReturnData != nil && !*q.ReturnData {
			continue
		}
		label := q.Label
		if label == "" {
			label = ms.Metric.MetricName
		}
		out = append(out, resolvedQuery{
			id:     q.Id,
			label:  label,
			key:    metricKey(ms.Metric.Namespace, ms.Metric.MetricName, sortedDimensions(ms.Metric.Dimensions)),
			unit:   ms.Unit,
			period: int64(ms.Period),
			stat:   st,
		})
	}
	return out, nil
}

// bucketSeries computes st per period from origin over samples (ascending),
// skipping periods without data or where st is unavailable.
func bucketSeries(samples []sample, origin, period int64, unit StandardUnit, st stat) (ts []int64, values []float64) {
	var a *agg
	bucket := int64(-1)
	flush := func() {
		if a == nil {
			return
		}
		if v, ok := a.value(st); ok {
			ts = append(ts, origin+bucket*period)
			values = append(values, v)
		}
	}
	for i := range samples {
		x := &samples[i]
		if unit != "" && x.unit != unit {
			continue
		}
		if b := (x.ts - origin) / period; b != bucket {
			flush()
			a, bucket = &agg{}, b
		}
		a.add(x)
	}
	flush()
	return ts, values
}
