package rows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/gameday-sre/gameday/spec"
)

// defaultTreatMissingData is CloudWatch's when an alarm sets none.
const defaultTreatMissingData = "missing"

func alarmRows(a spec.Alarm) []Row {
	id := "alarm." + a.Name
	find := func(o *Observed) *cwtypes.MetricAlarm {
		for i, m := range o.Alarms {
			if deref(m.AlarmName) == a.Name {
				return &o.Alarms[i]
			}
		}
		return nil
	}
	resource := "alarm " + a.Name
	row := func(attr, want string, got func(cwtypes.MetricAlarm) string) Row {
		return Row{ID: id + "." + attr, Area: Alarms, Section: a.Source, Needs: profile.CloudWatch, Resource: resource, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				m := find(o)
				if m == nil {
					return dependsOn(id, "alarm "+a.Name)
				}
				return equal(want, got(*m))
			}}
	}
	dims := make([]string, len(a.Dimensions))
	for i, d := range a.Dimensions {
		dims[i] = d.Name + "=" + d.Value
	}
	statistic := a.Statistic
	if a.ExtendedStatistic != "" {
		statistic = a.ExtendedStatistic
	}
	// The runbook gives M of an M-of-N alarm only where it wants other
	// than AWS's default, N of N; where it does not, the row checks that
	// relation, so that a changed N fails the evaluationPeriods row alone.
	datapoints := strconv.Itoa(a.DatapointsToAlarm)
	if a.DatapointsToAlarm == 0 {
		datapoints = nOfN
	}
	missing := a.TreatMissingData
	if missing == "" {
		missing = defaultTreatMissingData
	}
	return []Row{
		{ID: id, Area: Alarms, Section: a.Source, Needs: profile.CloudWatch, Resource: resource, Expected: "present",
			judge: func(o *Observed) (string, Verdict, string) { return presence(find(o) != nil) }},
		row("metricName", a.MetricName, func(m cwtypes.MetricAlarm) string { return deref(m.MetricName) }),
		row("namespace", a.Namespace, func(m cwtypes.MetricAlarm) string { return deref(m.Namespace) }),
		row("dimensions", dimensionList(dims), func(m cwtypes.MetricAlarm) string {
			got := make([]string, len(m.Dimensions))
			for i, d := range m.Dimensions {
				got[i] = deref(d.Name) + "=" + deref(d.Value)
			}
			return dimensionList(got)
		}),
		// One row for both: a percentile in Statistic is the runbook's own
		// mistake, and either way the alarm computes something else.
		row("statistic", statistic, func(m cwtypes.MetricAlarm) string {
			if s := deref(m.ExtendedStatistic); s != "" {
				return s
			}
			return string(m.Statistic)
		}),
		row("period", seconds(a.Period.Seconds()), func(m cwtypes.MetricAlarm) string { return seconds(int64(deref(m.Period))) }),
		row("threshold", float(a.Threshold), func(m cwtypes.MetricAlarm) string { return floats(m.Threshold) }),
		row("comparison", a.Comparison, func(m cwtypes.MetricAlarm) string { return string(m.ComparisonOperator) }),
		row("evaluationPeriods", strconv.Itoa(a.EvaluationPeriods), func(m cwtypes.MetricAlarm) string { return int32s(m.EvaluationPeriods) }),
		row("datapointsToAlarm", datapoints, func(m cwtypes.MetricAlarm) string {
			if m.DatapointsToAlarm == nil || a.DatapointsToAlarm == 0 && *m.DatapointsToAlarm == deref32(m.EvaluationPeriods) {
				return nOfN
			}
			return int32s(m.DatapointsToAlarm)
		}),
		row("treatMissingData", missing, func(m cwtypes.MetricAlarm) string {
			if t := deref(m.TreatMissingData); t != "" {
				return t
			}
			return defaultTreatMissingData
		}),
		row("actions", actionList(a.AlarmActions), func(m cwtypes.MetricAlarm) string { return actionList(m.AlarmActions) }),
	}
}

// nOfN is an alarm whose DatapointsToAlarm is its EvaluationPeriods, set
// so or left unset.
const nOfN = "N of N (EvaluationPeriods)"

func deref32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func actionList(arns []string) string {
	if len(arns) == 0 {
		return "(no actions)"
	}
	arns = slices.Clone(arns)
	slices.Sort(arns)
	return strings.Join(arns, ", ")
}
