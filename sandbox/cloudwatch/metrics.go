package cloudwatch

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Limits of PutMetricData, from API_PutMetricData and API_MetricDatum: at
// most 1000 metrics per request, 150 values per datum, 30 dimensions per
// metric, values within ±2^360, timestamps at most two weeks old and two
// hours ahead (cloudwatch_concepts.html#about_timestamp).
const (
	maxMetricDataPerCall = 1000
	maxValuesPerDatum    = 150
	maxDimensions        = 30
	maxDataAge           = 14 * 24 * time.Hour
	maxDataAhead         = 2 * time.Hour
)

var maxMagnitude = math.Ldexp(1, 360)

// StatisticSet is a pre-aggregated set of samples.
type StatisticSet struct {
	SampleCount float64
	Sum         float64
	Minimum     float64
	Maximum     float64
}

// MetricDatum is one entry of a PutMetricData request. Exactly one of
// Value, Values (with optional Counts) and StatisticValues carries the data.
type MetricDatum struct {
	MetricName string
	Dimensions []Dimension
	// Timestamp defaults to the time the engine receives the datum.
	Timestamp time.Time
	// Value is a pointer because zero is a valid value.
	Value *float64
	// Values holds distinct values; Counts, if set, how often each occurred
	// (default 1 each).
	Values          []float64
	Counts          []float64
	StatisticValues *StatisticSet
	// Unit defaults to None.
	Unit StandardUnit
	// StorageResolution is 1 (high resolution) or 60 (default).
	StorageResolution int32
}

// sample is one stored datum. Its timestamp is truncated to the storage
// resolution, as CloudWatch stores standard-resolution data with one-minute
// granularity (cloudwatch_concepts.html, "Resolution").
type sample struct {
	ts                   int64 // Unix seconds
	unit                 StandardUnit
	count, sum, min, max float64
	// values and counts are the raw samples percentiles are computed from;
	// values is nil when percentiles are unavailable (a statistic set that
	// is not a repetition of one value). counts nil means 1 each.
	values []float64
	counts []float64
}

type series struct {
	metric  Metric // dimensions sorted
	samples []sample
}

func (s *series) insert(x sample) {
	i := sort.Search(len(s.samples), func(i int) bool { return s.samples[i].ts > x.ts })
	s.samples = slices.Insert(s.samples, i, x)
}

// between returns the samples with from <= ts < to.
func (s *series) between(from, to int64) []sample {
	lo := sort.Search(len(s.samples), func(i int) bool { return s.samples[i].ts >= from })
	hi := sort.Search(len(s.samples), func(i int) bool { return s.samples[i].ts >= to })
	return s.samples[lo:hi]
}

func (s *series) prune(cutoff int64) {
	i := sort.Search(len(s.samples), func(i int) bool { return s.samples[i].ts >= cutoff })
	if i == 0 {
		return
	}
	// Re-slicing without copying keeps pruning cheap on every put; clearing
	// releases the raw values, and the dropped head goes once append next
	// reallocates.
	clear(s.samples[:i])
	s.samples = s.samples[i:]
}

// PutMetricData stores data in a custom namespace, validating it as
// CloudWatch does: a request with any invalid datum stores nothing. The
// "AWS/" namespaces are reserved for AWS services (API_PutMetricData), and
// rejected here.
func (e *Engine) PutMetricData(namespace string, data []MetricDatum) error {
	return e.putMetricData(namespace, data, false)
}

// PutServiceMetricData stores data the way an AWS service publishes it:
// like PutMetricData, but the namespace may be one of the reserved "AWS/"
// ones. The sandbox's imitations of ECS and the load balancers publish
// through it.
func (e *Engine) PutServiceMetricData(namespace string, data []MetricDatum) error {
	return e.putMetricData(namespace, data, true)
}

type preparedDatum struct {
	key    string
	metric Metric
	sample sample
	empty  bool // all counts were zero: valid, but nothing to store
}

func (e *Engine) putMetricData(namespace string, data []MetricDatum, service bool) error {
	now := e.clock.Now()
	if err := checkNamespace("Namespace", namespace); err != nil {
		return err
	}
	if !service && strings.HasPrefix(namespace, "AWS/") {
		return invalidValue("Namespace", namespace)
	}
	if len(data) == 0 {
		return missing("MetricData")
	}
	if len(data) > maxMetricDataPerCall {
		return newError(ErrCodeInvalidParameterValue, "The collection MetricData must not have a size greater than %d.", maxMetricDataPerCall)
	}
	prepared := make([]preparedDatum, len(data))
	for i, d := range data {
		p, err := prepareDatum(fmt.Sprintf("MetricData.member.%d", i+1), namespace, d, now)
		if err != nil {
			return err
		}
		prepared[i] = p
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	needs := e.needsLocked()
	for _, p := range prepared {
		if p.empty {
			continue
		}
		s := e.series[p.key]
		if s == nil {
			s = &series{metric: p.metric}
			e.series[p.key] = s
		}
		s.insert(p.sample)
		s.prune(e.cutoff(now, needs[p.key]))
		if len(s.samples) == 0 {
			delete(e.series, p.key)
		}
	}
	return nil
}

func checkNamespace(param, ns string) *Error {
	switch {
	case ns == "":
		return missing(param)
	case len(ns) > 255:
		return lengthError(param, 255)
	case strings.HasPrefix(ns, ":"):
		return invalidValue(param, ns)
	}
	return nil
}

func checkMetricName(param, name string) *Error {
	switch {
	case name == "":
		return missing(param)
	case len(name) > 255:
		return lengthError(param, 255)
	}
	return nil
}

// checkDimensions applies API_Dimension: names 1-255 and values 1-1024
// characters, at most 30 per metric, names unique.
func checkDimensions(param string, dims []Dimension) *Error {
	if len(dims) > maxDimensions {
		return newError(ErrCodeInvalidParameterValue, "The collection %s must not have a size greater than %d.", param, maxDimensions)
	}
	seen := make(map[string]bool, len(dims))
	for i, d := range dims {
		p := fmt.Sprintf("%s.member.%d", param, i+1)
		switch {
		case d.Name == "":
			return missing(p + ".Name")
		case len(d.Name) > 255:
			return lengthError(p+".Name", 255)
		case d.Value == "":
			return missing(p + ".Value")
		case len(d.Value) > 1024:
			return lengthError(p+".Value", 1024)
		case seen[d.Name]:
			return newError(ErrCodeInvalidParameterValue, "The dimension name %s appears more than once in %s.", d.Name, param)
		}
		seen[d.Name] = true
	}
	return nil
}

// checkNumber rejects what CloudWatch rejects: NaN, the infinities and
// magnitudes beyond 2^360 (API_MetricDatum, Value).
func checkNumber(param string, v float64) *Error {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxMagnitude {
		return invalidValue(param, v)
	}
	return nil
}

func prepareDatum(path, namespace string, d MetricDatum, now time.Time) (preparedDatum, *Error) {
	var p preparedDatum
	if err := checkMetricName(path+".MetricName", d.MetricName); err != nil {
		return p, err
	}
	if err := checkDimensions(path+".Dimensions", d.Dimensions); err != nil {
		return p, err
	}
	if err := checkUnit(path+".Unit", d.Unit); err != nil {
		return p, err
	}
	res := d.StorageResolution
	switch res {
	case 0:
		res = 60
	case 1, 60:
	default:
		return p, invalidValue(path+".StorageResolution", res)
	}
	ts := d.Timestamp
	if ts.IsZero() {
		ts = now
	}
	if ts.Before(now.Add(-maxDataAge)) {
		return p, newError(ErrCodeInvalidParameterValue, "The parameter %s.Timestamp must specify a time no more than two weeks in the past.", path)
	}
	if ts.After(now.Add(maxDataAhead)) {
		return p, newError(ErrCodeInvalidParameterValue, "The parameter %s.Timestamp must specify a time no more than two hours in the future.", path)
	}

	s, empty, err := datumSample(path, d)
	if err != nil {
		return p, err
	}
	s.ts = floorDiv(ts.Unix(), int64(res)) * int64(res)
	s.unit = d.Unit
	if s.unit == "" {
		s.unit = UnitNone
	}
	dims := sortedDimensions(d.Dimensions)
	p.metric = Metric{Namespace: namespace, MetricName: d.MetricName, Dimensions: dims}
	p.key = metricKey(namespace, d.MetricName, dims)
	p.sample = s
	p.empty = empty
	return p, nil
}

// datumSample turns the value fields of a datum into a sample.
func datumSample(path string, d MetricDatum) (s sample, empty bool, err *Error) {
	both := func(a, b string) *Error {
		return newError(ErrCodeInvalidParameterCombination,
			"The parameters %s.%s and %s.%s are mutually exclusive and you have specified both.", path, a, path, b)
	}
	hasValues := len(d.Values) > 0
	switch {
	case d.Value != nil && hasValues:
		return s, false, both("Value", "Values")
	case d.Value != nil && d.StatisticValues != nil:
		return s, false, both("Value", "StatisticValues")
	case hasValues && d.StatisticValues != nil:
		return s, false, both("Values", "StatisticValues")
	case len(d.Counts) > 0 && !hasValues:
		return s, false, newError(ErrCodeInvalidParameterCombination, "The parameter %s.Counts can only be used with %s.Values.", path, path)
	}

	switch {
	case d.Value != nil:
		v := *d.Value
		if err := checkNumber(path+".Value", v); err != nil {
			return s, false, err
		}
		return sample{count: 1, sum: v, min: v, max: v, values: []float64{v}}, false, nil

	case hasValues:
		if len(d.Values) > maxValuesPerDatum {
			return s, false, newError(ErrCodeInvalidParameterValue, "The collection %s.Values must not have a size greater than %d.", path, maxValuesPerDatum)
		}
		if len(d.Counts) > 0 && len(d.Counts) != len(d.Values) {
			return s, false, newError(ErrCodeInvalidParameterValue, "The collections %s.Values and %s.Counts must have the same size.", path, path)
		}
		s = sample{min: math.Inf(1), max: math.Inf(-1)}
		for i, v := range d.Values {
			if err := checkNumber(fmt.Sprintf("%s.Values.member.%d", path, i+1), v); err != nil {
				return s, false, err
			}
			c := 1.0
			if len(d.Counts) > 0 {
				c = d.Counts[i]
				param := fmt.Sprintf("%s.Counts.member.%d", path, i+1)
				if err := checkNumber(param, c); err != nil {
					return s, false, err
				}
				if c < 0 {
					return s, false, invalidValue(param, c)
				}
			}
			if c == 0 {
				continue
			}
			s.values = append(s.values, v)
			s.counts = append(s.counts, c)
			s.count += c
			s.sum += v * c
			s.min = min(s.min, v)
			s.max = max(s.max, v)
		}
		return s, s.count == 0, nil

	case d.StatisticValues != nil:
		st := *d.StatisticValues
		for _, f := range []struct {
			name string
			v    float64
		}{{"SampleCount", st.SampleCount}, {"Sum", st.Sum}, {"Minimum", st.Minimum}, {"Maximum", st.Maximum}} {
			if err := checkNumber(path+".StatisticValues."+f.name, f.v); err != nil {
				return s, false, err
			}
		}
		if st.SampleCount <= 0 {
			return s, false, invalidValue(path+".StatisticValues.SampleCount", st.SampleCount)
		}
		if st.Minimum > st.Maximum {
			return s, false, newError(ErrCodeInvalidParameterValue, "The parameter %s.StatisticValues.Minimum must not be greater than %s.StatisticValues.Maximum.", path, path)
		}
		s = sample{count: st.SampleCount, sum: st.Sum, min: st.Minimum, max: st.Maximum}
		// Percentiles need raw values; a statistic set yields them only when
		// its SampleCount is 1 or its Minimum equals its Maximum
		// (API_GetMetricStatistics).
		switch {
		case st.SampleCount == 1:
			s.values = []float64{st.Sum}
		case st.Minimum == st.Maximum:
			s.values, s.counts = []float64{st.Minimum}, []float64{st.SampleCount}
		}
		return s, false, nil
	}
	return s, false, newError(ErrCodeInvalidParameterCombination,
		"One of the parameters %s.Value, %s.Values or %s.StatisticValues must be specified.", path, path, path)
}

// floorDiv divides rounding toward minus infinity, so that truncating
// times before the epoch still rounds down.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// DimensionFilter selects metrics with a dimension of that name and, when
// Value is set, that value.
type DimensionFilter struct {
	Name  string
	Value string
}

// ListMetricsInput filters ListMetrics; every field is optional.
type ListMetricsInput struct {
	Namespace  string
	MetricName string
	Dimensions []DimensionFilter
	NextToken  string
	// RecentlyActive "PT3H" keeps metrics with data in the past three hours.
	RecentlyActive string
}

// ListMetricsOutput is a page of metrics.
type ListMetricsOutput struct {
	Metrics   []Metric
	NextToken string
}

// listMetricsPage is the page size AWS uses: "Up to 500 results are returned
// for any one call" (API_ListMetrics).
const listMetricsPage = 500

// ListMetrics lists the metrics that hold data, in a stable order.
func (e *Engine) ListMetrics(in ListMetricsInput) (ListMetricsOutput, error) {
	var out ListMetricsOutput
	if len(in.Dimensions) > 10 {
		return out, lengthError("dimensions", 10)
	}
	var recentSince int64
	switch in.RecentlyActive {
	case "":
	case "PT3H":
		recentSince = e.clock.Now().Add(-3 * time.Hour).Unix()
	default:
		return out, enumError("recentlyActive", in.RecentlyActive, []string{"PT3H"})
	}
	after, err := decodeToken("metrics", in.NextToken)
	if err != nil {
		return out, err
	}

	e.mu.RLock()
	defer e.mu.RUnlock()
	keys := make([]string, 0, len(e.series))
	for k, s := range e.series {
		m := s.metric
		if k <= after && after != "" ||
			in.Namespace != "" && m.Namespace != in.Namespace ||
			in.MetricName != "" && m.MetricName != in.MetricName ||
			recentSince != 0 && s.samples[len(s.samples)-1].ts < recentSince ||
			!matchesFilters(m.Dimensions, in.Dimensions) {
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > listMetricsPage {
		keys = keys[:listMetricsPage]
		out.NextToken = encodeToken("metrics", keys[len(keys)-1])
	}
	for _, k := range keys {
		m := e.series[k].metric
		m.Dimensions = slices.Clone(m.Dimensions)
		out.Metrics = append(out.Metrics, m)
	}
	return out, nil
}

func matchesFilters(dims []Dimension, filters []DimensionFilter) bool {
	for _, f := range filters {
		if !slices.ContainsFunc(dims, func(d Dimension) bool {
			return d.Name == f.Name && (f.Value == "" || d.Value == f.Value)
		}) {
			return false
		}
	}
	return true
}
