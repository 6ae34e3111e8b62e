package cloudwatch

import (
	"slices"
	"strconv"
	"strings"
)

// Dimension is a name/value pair that is part of a metric's identity.
type Dimension struct {
	Name  string
	Value string
}

// Metric identifies a metric: namespace, name and dimension set. Two
// metrics with the same dimensions in a different order are the same
// metric.
type Metric struct {
	Namespace  string
	MetricName string
	Dimensions []Dimension
}

// StandardUnit is the unit of a datapoint.
type StandardUnit string

// The units of the service model.
const (
	UnitSeconds            StandardUnit = "Seconds"
	UnitMicroseconds       StandardUnit = "Microseconds"
	UnitMilliseconds       StandardUnit = "Milliseconds"
	UnitBytes              StandardUnit = "Bytes"
	UnitKilobytes          StandardUnit = "Kilobytes"
	UnitMegabytes          StandardUnit = "Megabytes"
	UnitGigabytes          StandardUnit = "Gigabytes"
	UnitTerabytes          StandardUnit = "Terabytes"
	UnitBits               StandardUnit = "Bits"
	UnitKilobits           StandardUnit = "Kilobits"
	UnitMegabits           StandardUnit = "Megabits"
	UnitGigabits           StandardUnit = "Gigabits"
	UnitTerabits           StandardUnit = "Terabits"
	UnitPercent            StandardUnit = "Percent"
	UnitCount              StandardUnit = "Count"
	UnitBytesPerSecond     StandardUnit = "Bytes/Second"
	UnitKilobytesPerSecond StandardUnit = "Kilobytes/Second"
	UnitMegabytesPerSecond StandardUnit = "Megabytes/Second"
	UnitGigabytesPerSecond StandardUnit = "Gigabytes/Second"
	UnitTerabytesPerSecond StandardUnit = "Terabytes/Second"
	UnitBitsPerSecond      StandardUnit = "Bits/Second"
	UnitKilobitsPerSecond  StandardUnit = "Kilobits/Second"
	UnitMegabitsPerSecond  StandardUnit = "Megabits/Second"
	UnitGigabitsPerSecond  StandardUnit = "Gigabits/Second"
	UnitTerabitsPerSecond  StandardUnit = "Terabits/Second"
	UnitCountPerSecond     StandardUnit = "Count/Second"
	UnitNone               StandardUnit = "None"
)

var standardUnits = []StandardUnit{
	UnitSeconds, UnitMicroseconds, UnitMilliseconds, UnitBytes, UnitKilobytes, UnitMegabytes,
	UnitGigabytes, UnitTerabytes, UnitBits, UnitKilobits, UnitMegabits, UnitGigabits, UnitTerabits,
	UnitPercent, UnitCount, UnitBytesPerSecond, UnitKilobytesPerSecond, UnitMegabytesPerSecond,
	UnitGigabytesPerSecond, UnitTerabytesPerSecond, UnitBitsPerSecond, UnitKilobitsPerSecond,
	UnitMegabitsPerSecond, UnitGigabitsPerSecond, UnitTerabitsPerSecond, UnitCountPerSecond, UnitNone,
}

// checkUnit accepts the empty unit (no filter, or None when publishing).
func checkUnit(field string, u StandardUnit) *Error {
	if u != "" && !slices.Contains(standardUnits, u) {
		return enumError(field, u, standardUnits)
	}
	return nil
}

// Statistic is one of the five statistics that are not percentiles.
type Statistic string

// The statistics of the service model.
const (
	StatisticSampleCount Statistic = "SampleCount"
	StatisticAverage     Statistic = "Average"
	StatisticSum         Statistic = "Sum"
	StatisticMinimum     Statistic = "Minimum"
	StatisticMaximum     Statistic = "Maximum"
)

// The order AWS lists them in its enum error message.
var statistics = []Statistic{StatisticMaximum, StatisticSampleCount, StatisticSum, StatisticMinimum, StatisticAverage}

// StateValue is an alarm state.
type StateValue string

// The alarm states.
const (
	StateOK               StateValue = "OK"
	StateAlarm            StateValue = "ALARM"
	StateInsufficientData StateValue = "INSUFFICIENT_DATA"
)

var stateValues = []StateValue{StateOK, StateAlarm, StateInsufficientData}

// ComparisonOperator compares an alarm's statistic (left) with its
// threshold (right).
type ComparisonOperator string

// The comparison operators of the service model. The last three belong to
// anomaly-detection alarms, which need a Metrics array this engine does not
// support.
const (
	GreaterThanOrEqualToThreshold            ComparisonOperator = "GreaterThanOrEqualToThreshold"
	GreaterThanThreshold                     ComparisonOperator = "GreaterThanThreshold"
	LessThanThreshold                        ComparisonOperator = "LessThanThreshold"
	LessThanOrEqualToThreshold               ComparisonOperator = "LessThanOrEqualToThreshold"
	LessThanLowerOrGreaterThanUpperThreshold ComparisonOperator = "LessThanLowerOrGreaterThanUpperThreshold"
	LessThanLowerThreshold                   ComparisonOperator = "LessThanLowerThreshold"
	GreaterThanUpperThreshold                ComparisonOperator = "GreaterThanUpperThreshold"
)

var comparisonOperators = []ComparisonOperator{
	GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold,
	LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold,
}

// breaches reports whether value is on the alarming side of threshold.
func (op ComparisonOperator) breaches(value, threshold float64) bool {
	switch op {
	case GreaterThanOrEqualToThreshold:
		return value >= threshold
	case GreaterThanThreshold:
		return value > threshold
	case LessThanThreshold:
		return value < threshold
	case LessThanOrEqualToThreshold:
		return value <= threshold
	}
	return false
}

// phrase is the operator as AWS writes it in a state reason.
func (op ComparisonOperator) phrase() string {
	switch op {
	case GreaterThanOrEqualToThreshold:
		return "greater than or equal to"
	case GreaterThanThreshold:
		return "greater than"
	case LessThanThreshold:
		return "less than"
	case LessThanOrEqualToThreshold:
		return "less than or equal to"
	}
	return string(op)
}

// TreatMissingData values.
const (
	TreatMissingBreaching    = "breaching"
	TreatMissingNotBreaching = "notBreaching"
	TreatMissingIgnore       = "ignore"
	TreatMissingMissing      = "missing"
)

// EvaluateLowSampleCountPercentile values.
const (
	LowSampleCountEvaluate = "evaluate"
	LowSampleCountIgnore   = "ignore"
)

// HistoryItemType is the kind of an alarm history item.
type HistoryItemType string

// The history item types this engine records.
const (
	HistoryConfigurationUpdate HistoryItemType = "ConfigurationUpdate"
	HistoryStateUpdate         HistoryItemType = "StateUpdate"
	HistoryAction              HistoryItemType = "Action"
)

var historyItemTypes = []HistoryItemType{HistoryConfigurationUpdate, HistoryStateUpdate, HistoryAction}

// ScanBy orders datapoints or history items by time.
type ScanBy string

// The scan orders; TimestampDescending is the default everywhere.
const (
	TimestampDescending ScanBy = "TimestampDescending"
	TimestampAscending  ScanBy = "TimestampAscending"
)

var scanBys = []ScanBy{TimestampDescending, TimestampAscending}

func checkScanBy(s ScanBy) (ScanBy, *Error) {
	if s == "" {
		return TimestampDescending, nil
	}
	if !slices.Contains(scanBys, s) {
		return "", enumError("scanBy", s, scanBys)
	}
	return s, nil
}

// StatusCode says whether a GetMetricData result holds all its datapoints.
type StatusCode string

// The status codes this engine returns.
const (
	StatusComplete    StatusCode = "Complete"
	StatusPartialData StatusCode = "PartialData"
)

// AlarmTypeMetric is the only alarm type this engine has; composite alarms
// are not supported.
const AlarmTypeMetric = "MetricAlarm"

var alarmTypes = []string{"CompositeAlarm", AlarmTypeMetric}

// wantsMetricAlarms applies an AlarmTypes filter: AWS returns only metric
// alarms when it is omitted.
func wantsMetricAlarms(types []string) (bool, *Error) {
	for _, t := range types {
		if !slices.Contains(alarmTypes, t) {
			return false, enumError("alarmTypes", t, alarmTypes)
		}
	}
	return len(types) == 0 || slices.Contains(types, AlarmTypeMetric), nil
}

// sortedDimensions returns a copy sorted by name, the canonical order that
// makes dimension sets order-insensitive.
func sortedDimensions(dims []Dimension) []Dimension {
	out := slices.Clone(dims)
	slices.SortFunc(out, func(a, b Dimension) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// metricKey is the identity of a metric; dims must be sorted. Every part is
// length-prefixed so that no name or value can collide with another split.
func metricKey(namespace, name string, dims []Dimension) string {
	var b strings.Builder
	part := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	part(namespace)
	part(name)
	for _, d := range dims {
		part(d.Name)
		part(d.Value)
	}
	return b.String()
}
