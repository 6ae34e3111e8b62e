package cloudwatch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Limits of PutMetricAlarm (API_PutMetricAlarm): five actions per state,
// ARNs up to 1024 characters, descriptions up to 1024.
const (
	maxActionsPerState = 5
	maxAlarmNames      = 100
)

// initialStateReason is the reason AWS gives a newly created alarm.
const initialStateReason = "Unchecked: Initial alarm creation"

// PutMetricAlarmInput creates or replaces a metric alarm on a single
// metric. Give exactly one of Statistic and ExtendedStatistic.
type PutMetricAlarmInput struct {
	AlarmName        string
	AlarmDescription string
	// ActionsEnabled defaults to true.
	ActionsEnabled          *bool
	AlarmActions            []string
	OKActions               []string
	InsufficientDataActions []string
	MetricName              string
	Namespace               string
	Statistic               Statistic
	// ExtendedStatistic is a percentile such as "p90".
	ExtendedStatistic string
	Dimensions        []Dimension
	// Period is 10, 20, 30 or a multiple of 60 seconds.
	Period int32
	Unit   StandardUnit
	// EvaluationPeriods is N of an M-out-of-N alarm.
	EvaluationPeriods int32
	// DatapointsToAlarm is M; zero means "not set", which is M = N.
	DatapointsToAlarm  int32
	Threshold          *float64
	ComparisonOperator ComparisonOperator
	// TreatMissingData is breaching, notBreaching, ignore or missing
	// (default).
	TreatMissingData string
	// EvaluateLowSampleCountPercentile is evaluate (default) or ignore.
	EvaluateLowSampleCountPercentile string
}

// MetricAlarm is an alarm as DescribeAlarms reports it.
type MetricAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string
	AlarmConfigurationUpdatedTimestamp time.Time
	ActionsEnabled                     bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         StateValue
	StateReason                        string
	// StateReasonData is JSON, empty when the state has none.
	StateReasonData string
	// StateUpdatedTimestamp and StateTransitionedTimestamp both move when
	// StateValue changes; this engine has no EvaluationState to update
	// the first alone.
	StateUpdatedTimestamp            time.Time
	StateTransitionedTimestamp       time.Time
	MetricName                       string
	Namespace                        string
	Statistic                        Statistic
	ExtendedStatistic                string
	Dimensions                       []Dimension
	Period                           int32
	Unit                             StandardUnit
	EvaluationPeriods                int32
	DatapointsToAlarm                int32 `aws:",omitempty"`
	Threshold                        float64
	ComparisonOperator               ComparisonOperator
	TreatMissingData                 string
	EvaluateLowSampleCountPercentile string
}

func (m MetricAlarm) clone() MetricAlarm {
	m.OKActions = slices.Clone(m.OKActions)
	m.AlarmActions = slices.Clone(m.AlarmActions)
	m.InsufficientDataActions = slices.Clone(m.InsufficientDataActions)
	m.Dimensions = slices.Clone(m.Dimensions)
	return m
}

// actionsFor are the actions an alarm takes on entering state.
func (m *MetricAlarm) actionsFor(state StateValue) []string {
	if !m.ActionsEnabled {
		return nil
	}
	switch state {
	case StateAlarm:
		return slices.Clone(m.AlarmActions)
	case StateOK:
		return slices.Clone(m.OKActions)
	}
	return slices.Clone(m.InsufficientDataActions)
}

type alarm struct {
	MetricAlarm
	key  string // the metric's identity
	stat stat
	// evaluated is the StateReasonData the latest evaluation computed,
	// whether or not it changed the state; SetAlarmState clears it.
	evaluated string
}

// n, m: EvaluationPeriods and the effective DatapointsToAlarm.
func (a *alarm) n() int { return int(a.EvaluationPeriods) }
func (a *alarm) m() int {
	if a.DatapointsToAlarm == 0 {
		return a.n()
	}
	return int(a.DatapointsToAlarm)
}

// step is how often the alarm is evaluated: every minute, or every period
// for a high-resolution alarm of 10, 20 or 30 seconds
// (AlarmThatSendsEmail.html, high-resolution alarms).
func (a *alarm) step() int64 { return min(int64(a.Period), 60) }

// evaluationRange is how many periods back the alarm looks for real
// datapoints. AWS says only that it is more than EvaluationPeriods and
// gives 5 for 3 (alarms-and-missing-data); the sandbox keeps that margin
// of two for every alarm.
func (a *alarm) evaluationRange() int { return a.n() + 2 }

// lookback is how much metric history the alarm needs.
func (a *alarm) lookback() time.Duration {
	return time.Duration(int64(a.evaluationRange())*int64(a.Period)+a.step()) * time.Second
}

func (e *Engine) alarmArn(name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", e.region, e.accountID, name)
}

// PutMetricAlarm creates an alarm, starting in INSUFFICIENT_DATA, or
// replaces the configuration of an existing one, leaving its state
// unchanged (API_PutMetricAlarm). Either way it records a
// ConfigurationUpdate history item. The new configuration takes effect at
// the next Evaluate.
func (e *Engine) PutMetricAlarm(in PutMetricAlarmInput) error {
	st, err := checkAlarm(&in)
	if err != nil {
		return err
	}
	now := e.clock.Now()

	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.alarms[in.AlarmName]
	if old == nil && e.alarmQuota > 0 && len(e.alarms) >= e.alarmQuota {
		return newError(ErrCodeLimitExceeded, "The quota for alarms for this customer has already been reached.")
	}
	dims := sortedDimensions(in.Dimensions)
	a := &alarm{
		MetricAlarm: MetricAlarm{
			AlarmName:                          in.AlarmName,
			AlarmArn:                           e.alarmArn(in.AlarmName),
			AlarmDescription:                   in.AlarmDescription,
			AlarmConfigurationUpdatedTimestamp: now,
			ActionsEnabled:                     in.ActionsEnabled == nil || *in.ActionsEnabled,
			OKActions:                          slices.Clone(in.OKActions),
			AlarmActions:                       slices.Clone(in.AlarmActions),
			InsufficientDataActions:            slices.Clone(in.InsufficientDataActions),
			StateValue:                         StateInsufficientData,
			StateReason:                        initialStateReason,
			StateUpdatedTimestamp:              now,
			StateTransitionedTimestamp:         now,
			MetricName:                         in.MetricName,
			Namespace:                          in.Namespace,
			Statistic:                          in.Statistic,
			ExtendedStatistic:                  in.ExtendedStatistic,
			Dimensions:                         slices.Clone(in.Dimensions),
			Period:                             in.Period,
			Unit:                               in.Unit,
			EvaluationPeriods:                  in.EvaluationPeriods,
			DatapointsToAlarm:                  in.DatapointsToAlarm,
			Threshold:                          *in.Threshold,
			ComparisonOperator:                 in.ComparisonOperator,
			TreatMissingData:                   in.TreatMissingData,
			EvaluateLowSampleCountPercentile:   in.EvaluateLowSampleCountPercentile,
		},
		key:  metricKey(in.Namespace, in.MetricName, dims),
		stat: st,
	}
	if old == nil {
		e.recordConfigLocked(&a.MetricAlarm, "created", configUpdateJSON{Type: "Create", CreatedAlarm: configJSON(&a.MetricAlarm)}, now)
	} else {
		a.StateValue = old.StateValue
		a.StateReason = old.StateReason
		a.StateReasonData = old.StateReasonData
		a.StateUpdatedTimestamp = old.StateUpdatedTimestamp
		a.StateTransitionedTimestamp = old.StateTransitionedTimestamp
		e.recordUpdateLocked(&old.MetricAlarm, &a.MetricAlarm, now)
	}
	e.alarms[a.AlarmName] = a
	return nil
}

// checkAlarm validates a PutMetricAlarm request as CloudWatch does and
// returns the parsed statistic.
func checkAlarm(in *PutMetricAlarmInput) (stat, *Error) {
	var st stat
	switch {
	case in.AlarmName == "":
		return st, missing("AlarmName")
	case len(in.AlarmName) > 255:
		return st, lengthError("alarmName", 255)
	case !printableASCII(in.AlarmName):
		// "Alarm names must contain only ASCII characters"
		// (AlarmThatSendsEmail.html, common features).
		return st, invalidValue("AlarmName", in.AlarmName)
	case len(in.AlarmDescription) > 1024:
		return st, lengthError("alarmDescription", 1024)
	}
	for _, list := range []struct {
		param   string
		actions []string
	}{{"AlarmActions", in.AlarmActions}, {"OKActions", in.OKActions}, {"InsufficientDataActions", in.InsufficientDataActions}} {
		if len(list.actions) > maxActionsPerState {
			return st, lengthError(strings.ToLower(list.param[:1])+list.param[1:], maxActionsPerState)
		}
		for i, arn := range list.actions {
			if len(arn) > 1024 || !looksLikeARN(arn) {
				return st, invalidValue(fmt.Sprintf("%s.member.%d", list.param, i+1), arn)
			}
		}
	}
	if err := checkNamespace("Namespace", in.Namespace); err != nil {
		return st, err
	}
	if err := checkMetricName("MetricName", in.MetricName); err != nil {
		return st, err
	}
	if err := checkDimensions("Dimensions", in.Dimensions); err != nil {
		return st, err
	}

	// Percentiles go in ExtendedStatistic; "p90" as Statistic breaks the
	// enum of the service model (API_PutMetricAlarm).
	switch {
	case in.Statistic != "" && in.ExtendedStatistic != "":
		return st, newError(ErrCodeInvalidParameterCombination,
			"The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.")
	case in.Statistic != "":
		if !slices.Contains(statistics, in.Statistic) {
			return st, enumError("statistic", in.Statistic, statistics)
		}
		st = stat{std: in.Statistic}
	case in.ExtendedStatistic != "":
		p, ok := parsePercentile(in.ExtendedStatistic)
		if !ok {
			return st, extendedStatError("ExtendedStatistic", in.ExtendedStatistic)
		}
		st = p
	default:
		return st, newError(ErrCodeInvalidParameterCombination, "One of the parameters Statistic or ExtendedStatistic must be specified.")
	}

	switch {
	case in.ComparisonOperator == "":
		return st, missing("ComparisonOperator")
	case !slices.Contains(comparisonOperators, in.ComparisonOperator):
		return st, enumError("comparisonOperator", in.ComparisonOperator, comparisonOperators)
	case !slices.Contains(comparisonOperators[:4], in.ComparisonOperator):
		return st, newError(ErrCodeInvalidParameterCombination,
			"The comparison operator %s needs an anomaly detection band (Metrics and ThresholdMetricId), which the sandbox does not support.", in.ComparisonOperator)
	case in.Threshold == nil:
		return st, missing("Threshold")
	}
	if err := checkNumber("Threshold", *in.Threshold); err != nil {
		return st, err
	}

	// "Valid values are 10, 20, 30, and any multiple of 60" (API_PutMetricAlarm).
	p := in.Period
	switch {
	case p == 0:
		return st, missing("Period")
	case p < 0 || p < 60 && p != 10 && p != 20 && p != 30 || p >= 60 && p%60 != 0:
		return st, newError(ErrCodeValidation, "Period must be 10, 20, 30 or a multiple of 60")
	}
	n := in.EvaluationPeriods
	switch {
	case n == 0:
		return st, missing("EvaluationPeriods")
	case n < 0:
		return st, rangeError("evaluationPeriods", int(n), 1, 0)
	case in.DatapointsToAlarm < 0:
		return st, rangeError("datapointsToAlarm", int(in.DatapointsToAlarm), 1, 0)
	case in.DatapointsToAlarm > n:
		return st, newError(ErrCodeValidation, "DatapointsToAlarm must be less than or equal to EvaluationPeriods")
	}
	// "Period multiplied by EvaluationPeriods can't be more than 604,800
	// seconds. For alarms with a period of less than one hour, the total
	// evaluation period can't be longer than one day" (API_PutMetricAlarm).
	total := int64(p) * int64(n)
	switch {
	case p < 3600 && total > 86400:
		return st, newError(ErrCodeValidation, "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)")
	case total > 604800:
		return st, newError(ErrCodeValidation, "Metrics cannot be checked across more than 7 days (EvaluationPeriods * Period must be <= 604800)")
	}

	if err := checkUnit("unit", in.Unit); err != nil {
		return st, err
	}
	switch in.TreatMissingData {
	case "", TreatMissingBreaching, TreatMissingNotBreaching, TreatMissingIgnore, TreatMissingMissing:
	default:
		return st, newError(ErrCodeInvalidParameterValue,
			"The value %s for parameter TreatMissingData is invalid: valid values are breaching, notBreaching, ignore and missing.", in.TreatMissingData)
	}
	switch in.EvaluateLowSampleCountPercentile {
	case "", LowSampleCountEvaluate, LowSampleCountIgnore:
	default:
		return st, newError(ErrCodeInvalidParameterValue,
			"The value %s for parameter EvaluateLowSampleCountPercentile is invalid: valid values are evaluate and ignore.", in.EvaluateLowSampleCountPercentile)
	}
	return st, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// looksLikeARN checks the shape CloudWatch needs to route an action:
// arn:partition:service:region:account:resource. Whether the target
// exists is not checked, as AWS does not check it either
// (AlarmThatSendsEmail.html: "CloudWatch doesn't test or validate the
// actions that you specify").
func looksLikeARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

// DescribeAlarmsInput filters DescribeAlarms; the filters combine. Give
// AlarmNames or AlarmNamePrefix, not both.
type DescribeAlarmsInput struct {
	AlarmNames      []string
	AlarmNamePrefix string
	// AlarmTypes is MetricAlarm and/or CompositeAlarm; this engine has only
	// metric alarms.
	AlarmTypes   []string
	StateValue   StateValue
	ActionPrefix string
	// MaxRecords is 1-100, default 50.
	MaxRecords int32
	NextToken  string
}

// DescribeAlarmsOutput is a page of alarms in name order.
type DescribeAlarmsOutput struct {
	MetricAlarms []MetricAlarm
	NextToken    string
}

// DescribeAlarms lists alarms. ActionPrefix matches an action of any of
// the three states.
func (e *Engine) DescribeAlarms(in DescribeAlarmsInput) (DescribeAlarmsOutput, error) {
	var out DescribeAlarmsOutput
	switch {
	case len(in.AlarmNames) > maxAlarmNames:
		return out, lengthError("alarmNames", maxAlarmNames)
	case len(in.AlarmNames) > 0 && in.AlarmNamePrefix != "":
		return out, newError(ErrCodeInvalidParameterCombination, "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.")
	case len(in.AlarmNamePrefix) > 255:
		return out, lengthError("alarmNamePrefix", 255)
	case len(in.ActionPrefix) > 1024:
		return out, lengthError("actionPrefix", 1024)
	case in.StateValue != "" && !slices.Contains(stateValues, in.StateValue):
		return out, enumError("stateValue", in.StateValue, stateValues)
	}
	wanted, err := wantsMetricAlarms(in.AlarmTypes)
	if err != nil {
		return out, err
	}
	limit, err := pageSize("maxRecords", in.MaxRecords)
	if err != nil {
		return out, err
	}
	after, err := decodeToken("alarms", in.NextToken)
	if err != nil {
		return out, err
	}
	if !wanted {
		return out, nil
	}

	e.mu.RLock()
	defer e.mu.RUnlock()
	var names []string
	for name, a := range e.alarms {
		if after != "" && name <= after ||
			len(in.AlarmNames) > 0 && !slices.Contains(in.AlarmNames, name) ||
			!strings.HasPrefix(name, in.AlarmNamePrefix) ||
			in.StateValue != "" && a.StateValue != in.StateValue ||
			in.ActionPrefix != "" && !hasActionPrefix(&a.MetricAlarm, in.ActionPrefix) {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) > limit {
		names = names[:limit]
		out.NextToken = encodeToken("alarms", names[limit-1])
	}
	for _, name := range names {
		out.MetricAlarms = append(out.MetricAlarms, e.alarms[name].MetricAlarm.clone())
	}
	return out, nil
}

func hasActionPrefix(a *MetricAlarm, prefix string) bool {
	for _, list := range [][]string{a.AlarmActions, a.OKActions, a.InsufficientDataActions} {
		for _, action := range list {
			if strings.HasPrefix(action, prefix) {
				return true
			}
		}
	}
	return false
}

// DeleteAlarms deletes alarms, recording a ConfigurationUpdate history item
// for each; their history stays readable. Names that do not exist are
// ignored: AWS's DeleteAlarms does not fail for them
// (aws-cloudformation/cloudformation-cli#456).
func (e *Engine) DeleteAlarms(names []string) error {
	switch {
	case len(names) == 0:
		return missing("AlarmNames")
	case len(names) > maxAlarmNames:
		return lengthError("alarmNames", maxAlarmNames)
	}
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, name := range names {
		a := e.alarms[name]
		if a == nil {
			continue
		}
		delete(e.alarms, name)
		e.recordConfigLocked(&a.MetricAlarm, "deleted", configUpdateJSON{Type: "Delete", DeletedAlarm: configJSON(&a.MetricAlarm)}, now)
	}
	return nil
}

// EnableAlarmActions and DisableAlarmActions switch ActionsEnabled. While
// disabled, transitions still happen and are published, with no actions.
func (e *Engine) EnableAlarmActions(names []string) error { return e.setActionsEnabled(names, true) }

// DisableAlarmActions: see EnableAlarmActions.
func (e *Engine) DisableAlarmActions(names []string) error { return e.setActionsEnabled(names, false) }

func (e *Engine) setActionsEnabled(names []string, enabled bool) error {
	switch {
	case len(names) == 0:
		return missing("AlarmNames")
	case len(names) > maxAlarmNames:
		return lengthError("alarmNames", maxAlarmNames)
	}
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, name := range names {
		a := e.alarms[name]
		if a == nil || a.ActionsEnabled == enabled {
			continue
		}
		before := a.MetricAlarm.clone()
		a.ActionsEnabled = enabled
		a.AlarmConfigurationUpdatedTimestamp = now
		e.recordUpdateLocked(&before, &a.MetricAlarm, now)
	}
	return nil
}

// RemoveAlarmAction removes action from the action lists of every alarm,
// recording a ConfigurationUpdate for each alarm it changes. It is the
// service path Application Auto Scaling takes when a scaling policy is
// deleted: "Deleting a step scaling policy deletes the underlying alarm
// action, but does not delete the CloudWatch alarm"
// (API_DeleteScalingPolicy).
func (e *Engine) RemoveAlarmAction(action string) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.alarms {
		before := a.MetricAlarm.clone()
		drop := func(list []string) []string {
			return slices.DeleteFunc(list, func(s string) bool { return s == action })
		}
		a.AlarmActions = drop(a.AlarmActions)
		a.OKActions = drop(a.OKActions)
		a.InsufficientDataActions = drop(a.InsufficientDataActions)
		if len(a.AlarmActions)+len(a.OKActions)+len(a.InsufficientDataActions) == len(before.AlarmActions)+len(before.OKActions)+len(before.InsufficientDataActions) {
			continue
		}
		a.AlarmConfigurationUpdatedTimestamp = now
		e.recordUpdateLocked(&before, &a.MetricAlarm, now)
	}
}

// SetAlarmStateInput is a SetAlarmState request.
type SetAlarmStateInput struct {
	AlarmName   string
	StateValue  StateValue
	StateReason string
	// StateReasonData is optional JSON.
	StateReasonData string
}

// SetAlarmState sets an alarm's state until the next Evaluate, which puts
// back whatever the data says ("This temporary state change lasts only
// until the next alarm comparison occurs", AlarmThatSendsEmail.html). A
// change of state is recorded and published like any other, with the
// actions of the new state. Setting the state the alarm is already in
// changes nothing.
func (e *Engine) SetAlarmState(in SetAlarmStateInput) error {
	switch {
	case in.AlarmName == "":
		return missing("AlarmName")
	case len(in.AlarmName) > 255:
		return lengthError("alarmName", 255)
	case in.StateValue == "":
		return missing("StateValue")
	case !slices.Contains(stateValues, in.StateValue):
		return enumError("stateValue", in.StateValue, stateValues)
	case len(in.StateReason) > 1023:
		return lengthError("stateReason", 1023)
	case len(in.StateReasonData) > 4000:
		return lengthError("stateReasonData", 4000)
	case in.StateReasonData != "" && !json.Valid([]byte(in.StateReasonData)):
		return newError(ErrCodeInvalidFormat, "The parameter StateReasonData is not valid JSON.")
	}
	now := e.clock.Now()
	e.mu.Lock()
	a := e.alarms[in.AlarmName]
	if a == nil {
		e.mu.Unlock()
		return newError(ErrCodeResourceNotFound, "Alarm %s not found", in.AlarmName)
	}
	if a.StateValue != in.StateValue {
		e.transitionLocked(a, in.StateValue, in.StateReason, in.StateReasonData, now)
		a.evaluated = ""
	}
	e.mu.Unlock()
	e.transitions.Deliver()
	return nil
}

// Transition is a change of alarm state.
type Transition struct {
	AlarmName       string
	AlarmArn        string
	OldState        StateValue
	NewState        StateValue
	StateReason     string
	StateReasonData string
	Timestamp       time.Time
	// Actions are the actions of NewState, none while actions are disabled.
	Actions []string
}

// transitionLocked moves a to state, records the StateUpdate history item
// and queues the transition for subscribers.
func (e *Engine) transitionLocked(a *alarm, state StateValue, reason, reasonData string, at time.Time) Transition {
	old := a.StateValue
	oldState := stateJSON(a.StateValue, a.StateReason, a.StateReasonData)
	a.StateValue, a.StateReason, a.StateReasonData = state, reason, reasonData
	a.StateUpdatedTimestamp, a.StateTransitionedTimestamp = at, at
	e.recordLocked(AlarmHistoryItem{
		AlarmName:       a.AlarmName,
		Timestamp:       at,
		HistoryItemType: HistoryStateUpdate,
		HistorySummary:  fmt.Sprintf("Alarm updated from %s to %s", old, state),
		HistoryData: mustJSON(stateUpdateJSON{
			Version:  "1.0",
			OldState: oldState,
			NewState: stateJSON(state, reason, reasonData),
		}),
	})
	t := Transition{
		AlarmName:       a.AlarmName,
		AlarmArn:        a.AlarmArn,
		OldState:        old,
		NewState:        state,
		StateReason:     reason,
		StateReasonData: reasonData,
		Timestamp:       at,
		Actions:         a.actionsFor(state),
	}
	e.transitions.Queue(t)
	return t
}

// SizingData is the reason data a scaling policy invoked by the alarm
// sizes its change from: the latest evaluation's datapoints, which move on
// every minute while the state holds (the API's StateReasonData keeps
// those of the transition), or, after SetAlarmState and until the next
// evaluation, the forced state's StateReasonData. Empty for an unknown
// alarm.
func (e *Engine) SizingData(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.alarms[name]
	switch {
	case a == nil:
		return ""
	case a.evaluated != "":
		return a.evaluated
	}
	return a.StateReasonData
}
