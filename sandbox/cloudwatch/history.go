package cloudwatch

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// jsonTime is how CloudWatch writes times inside history data and state
// reason data, e.g. "2022-11-02T15:55:30.959+0000".
const jsonTime = "2006-01-02T15:04:05.000-0700"

func formatJSONTime(t time.Time) string { return t.UTC().Format(jsonTime) }

// AlarmHistoryItem is one entry of an alarm's history.
type AlarmHistoryItem struct {
	AlarmName       string
	AlarmType       string
	Timestamp       time.Time
	HistoryItemType HistoryItemType
	HistorySummary  string
	// HistoryData is JSON shaped like AWS's: for a StateUpdate,
	// {"version","oldState","newState"} each state with stateValue,
	// stateReason and stateReasonData; for a ConfigurationUpdate,
	// {"version","type","createdAlarm"|"originalAlarm"+"updatedAlarm"|"deletedAlarm"}.
	HistoryData string
}

type historyRecord struct {
	seq  uint64
	item AlarmHistoryItem
}

func (e *Engine) recordLocked(item AlarmHistoryItem) {
	item.AlarmType = AlarmTypeMetric
	e.historySeq++
	e.history = append(e.history, historyRecord{seq: e.historySeq, item: item})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("cloudwatch: encoding history data: %v", err))
	}
	return string(b)
}

// alarmConfigJSON is an alarm as AWS writes it in ConfigurationUpdate
// history data; "okactions" is spelled as AWS spells it there.
type alarmConfigJSON struct {
	AlarmName                          string          `json:"alarmName"`
	AlarmDescription                   string          `json:"alarmDescription"`
	AlarmArn                           string          `json:"alarmArn"`
	AlarmConfigurationUpdatedTimestamp string          `json:"alarmConfigurationUpdatedTimestamp"`
	Namespace                          string          `json:"namespace"`
	MetricName                         string          `json:"metricName"`
	Statistic                          string          `json:"statistic,omitempty"`
	ExtendedStatistic                  string          `json:"extendedStatistic,omitempty"`
	Period                             int32           `json:"period"`
	Dimensions                         []dimensionJSON `json:"dimensions"`
	Unit                               string          `json:"unit,omitempty"`
	Threshold                          float64         `json:"threshold"`
	ComparisonOperator                 string          `json:"comparisonOperator"`
	EvaluationPeriods                  int32           `json:"evaluationPeriods"`
	DatapointsToAlarm                  int32           `json:"datapointsToAlarm,omitempty"`
	TreatMissingData                   string          `json:"treatMissingData,omitempty"`
	EvaluateLowSampleCountPercentile   string          `json:"evaluateLowSampleCountPercentile,omitempty"`
	StateValue                         StateValue      `json:"stateValue"`
	StateUpdatedTimestamp              string          `json:"stateUpdatedTimestamp"`
	ActionsEnabled                     bool            `json:"actionsEnabled"`
	AlarmActions                       []string        `json:"alarmActions"`
	InsufficientDataActions            []string        `json:"insufficientDataActions"`
	OKActions                          []string        `json:"okactions"`
}

type dimensionJSON struct {
	Value string `json:"value"`
	Name  string `json:"name"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func configJSON(m *MetricAlarm) *alarmConfigJSON {
	dims := make([]dimensionJSON, len(m.Dimensions))
	for i, d := range m.Dimensions {
		dims[i] = dimensionJSON{Value: d.Value, Name: d.Name}
	}
	return &alarmConfigJSON{
		AlarmName:                          m.AlarmName,
		AlarmDescription:                   m.AlarmDescription,
		AlarmArn:                           m.AlarmArn,
		AlarmConfigurationUpdatedTimestamp: formatJSONTime(m.AlarmConfigurationUpdatedTimestamp),
		Namespace:                          m.Namespace,
		MetricName:                         m.MetricName,
		Statistic:                          string(m.Statistic),
		ExtendedStatistic:                  m.ExtendedStatistic,
		Period:                             m.Period,
		Dimensions:                         dims,
		Unit:                               string(m.Unit),
		Threshold:                          m.Threshold,
		ComparisonOperator:                 string(m.ComparisonOperator),
		EvaluationPeriods:                  m.EvaluationPeriods,
		DatapointsToAlarm:                  m.DatapointsToAlarm,
		TreatMissingData:                   m.TreatMissingData,
		EvaluateLowSampleCountPercentile:   m.EvaluateLowSampleCountPercentile,
		StateValue:                         m.StateValue,
		StateUpdatedTimestamp:              formatJSONTime(m.StateUpdatedTimestamp),
		ActionsEnabled:                     m.ActionsEnabled,
		AlarmActions:                       nonNil(m.AlarmActions),
		InsufficientDataActions:            nonNil(m.InsufficientDataActions),
		OKActions:                          nonNil(m.OKActions),
	}
}

type configUpdateJSON struct {
	Version       string           `json:"version"`
	Type          string           `json:"type"`
	CreatedAlarm  *alarmConfigJSON `json:"createdAlarm,omitempty"`
	OriginalAlarm *alarmConfigJSON `json:"originalAlarm,omitempty"`
	UpdatedAlarm  *alarmConfigJSON `json:"updatedAlarm,omitempty"`
	DeletedAlarm  *alarmConfigJSON `json:"deletedAlarm,omitempty"`
}

func (e *Engine) recordConfigLocked(m *MetricAlarm, verb string, data configUpdateJSON, at time.Time) {
	data.Version = "1.0"
	e.recordLocked(AlarmHistoryItem{
		AlarmName:       m.AlarmName,
		Timestamp:       at,
		HistoryItemType: HistoryConfigurationUpdate,
		HistorySummary:  fmt.Sprintf("Alarm %q %s", m.AlarmName, verb),
		HistoryData:     mustJSON(data),
	})
}

// recordUpdateLocked records the replacement of an alarm's configuration.
func (e *Engine) recordUpdateLocked(before, after *MetricAlarm, at time.Time) {
	e.recordConfigLocked(after, "updated", configUpdateJSON{Type: "Update", OriginalAlarm: configJSON(before), UpdatedAlarm: configJSON(after)}, at)
}

type stateDataJSON struct {
	StateValue      StateValue      `json:"stateValue"`
	StateReason     string          `json:"stateReason"`
	StateReasonData json.RawMessage `json:"stateReasonData,omitempty"`
}

func stateJSON(value StateValue, reason, reasonData string) stateDataJSON {
	s := stateDataJSON{StateValue: value, StateReason: reason}
	if reasonData != "" {
		s.StateReasonData = json.RawMessage(reasonData)
	}
	return s
}

type stateUpdateJSON struct {
	Version  string        `json:"version"`
	OldState stateDataJSON `json:"oldState"`
	NewState stateDataJSON `json:"newState"`
}

// RecordAction records the outcome of executing an alarm action as an
// Action history item; the engine itself executes nothing, so whoever acts
// on a Transition reports back here. A nil err is success. published is
// the message delivered, for a notification (see Notification), or empty.
// The summary is AWS's ("Successfully executed action <arn>", "Failed to
// execute action <arn>"), and so are the data's actionState,
// notificationResource, stateUpdateTimestamp and publishedMessage; error
// carries a failure's reason.
func (e *Engine) RecordAction(alarmName, action string, at time.Time, published string, err error) {
	data := map[string]string{
		"actionState":          "Succeeded",
		"notificationResource": action,
		"stateUpdateTimestamp": formatJSONTime(at),
	}
	if published != "" {
		data["publishedMessage"] = published
	}
	summary := "Successfully executed action " + action
	if err != nil {
		data["actionState"] = "Failed"
		data["error"] = err.Error()
		summary = "Failed to execute action " + action
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recordLocked(AlarmHistoryItem{
		AlarmName:       alarmName,
		Timestamp:       at,
		HistoryItemType: HistoryAction,
		HistorySummary:  summary,
		HistoryData:     mustJSON(data),
	})
}

// notificationJSON is the message an alarm publishes to an SNS topic, in
// the shape of AWS's alarm notifications (AlarmThatSendsEmail.html,
// "Alarm events and Amazon SNS notifications"); Region is the region's
// code where AWS writes its long name.
type notificationJSON struct {
	AlarmName                          string      `json:"AlarmName"`
	AlarmDescription                   *string     `json:"AlarmDescription"`
	AWSAccountID                       string      `json:"AWSAccountId"`
	AlarmConfigurationUpdatedTimestamp string      `json:"AlarmConfigurationUpdatedTimestamp"`
	NewStateValue                      StateValue  `json:"NewStateValue"`
	NewStateReason                     string      `json:"NewStateReason"`
	StateChangeTime                    string      `json:"StateChangeTime"`
	Region                             string      `json:"Region"`
	AlarmArn                           string      `json:"AlarmArn"`
	OldStateValue                      StateValue  `json:"OldStateValue"`
	OKActions                          []string    `json:"OKActions"`
	AlarmActions                       []string    `json:"AlarmActions"`
	InsufficientDataActions            []string    `json:"InsufficientDataActions"`
	Trigger                            triggerJSON `json:"Trigger"`
}

type triggerJSON struct {
	MetricName         string          `json:"MetricName"`
	Namespace          string          `json:"Namespace"`
	StatisticType      string          `json:"StatisticType"`
	Statistic          string          `json:"Statistic,omitempty"`
	ExtendedStatistic  string          `json:"ExtendedStatistic,omitempty"`
	Unit               *string         `json:"Unit"`
	Dimensions         []dimensionJSON `json:"Dimensions"`
	Period             int32           `json:"Period"`
	EvaluationPeriods  int32           `json:"EvaluationPeriods"`
	DatapointsToAlarm  int32           `json:"DatapointsToAlarm,omitempty"`
	ComparisonOperator string          `json:"ComparisonOperator"`
	Threshold          float64         `json:"Threshold"`
	TreatMissingData   string          `json:"TreatMissingData"`
}

// Notification is the message an alarm's SNS action publishes for a
// transition, as JSON; the alarm must still exist.
func (e *Engine) Notification(t Transition) (string, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	a := e.alarms[t.AlarmName]
	if a == nil {
		return "", newError(ErrCodeResourceNotFound, "Alarm %s not found", t.AlarmName)
	}
	n := notificationJSON{
		AlarmName:                          a.AlarmName,
		AWSAccountID:                       e.accountID,
		AlarmConfigurationUpdatedTimestamp: formatJSONTime(a.AlarmConfigurationUpdatedTimestamp),
		NewStateValue:                      t.NewState,
		NewStateReason:                     t.StateReason,
		StateChangeTime:                    formatJSONTime(t.Timestamp),
		Region:                             e.region,
		AlarmArn:                           a.AlarmArn,
		OldStateValue:                      t.OldState,
		OKActions:                          nonNil(a.OKActions),
		AlarmActions:                       nonNil(a.AlarmActions),
		InsufficientDataActions:            nonNil(a.InsufficientDataActions),
		Trigger: triggerJSON{
			MetricName:         a.MetricName,
			Namespace:          a.Namespace,
			StatisticType:      "Statistic",
			Statistic:          strings.ToUpper(string(a.Statistic)),
			Period:             a.Period,
			EvaluationPeriods:  a.EvaluationPeriods,
			DatapointsToAlarm:  a.DatapointsToAlarm,
			ComparisonOperator: string(a.ComparisonOperator),
			Threshold:          a.Threshold,
			TreatMissingData:   cmp.Or(a.TreatMissingData, TreatMissingMissing),
			Dimensions:         []dimensionJSON{},
		},
	}
	if a.AlarmDescription != "" {
		n.AlarmDescription = &a.AlarmDescription
	}
	if a.ExtendedStatistic != "" {
		n.Trigger.StatisticType, n.Trigger.Statistic, n.Trigger.ExtendedStatistic = "ExtendedStatistic", "", a.ExtendedStatistic
	}
	if a.Unit != "" {
		n.Trigger.Unit = new(string(a.Unit))
	}
	for _, d := range a.Dimensions {
		n.Trigger.Dimensions = append(n.Trigger.Dimensions, dimensionJSON{Value: d.Value, Name: d.Name})
	}
	return mustJSON(n), nil
}

// DescribeAlarmHistoryInput filters DescribeAlarmHistory; every field is
// optional.
type DescribeAlarmHistoryInput struct {
	AlarmName       string
	AlarmTypes      []string
	HistoryItemType HistoryItemType
	// StartDate and EndDate bound Timestamp, both inclusive; zero is
	// unbounded.
	StartDate time.Time
	EndDate   time.Time
	// MaxRecords is 1-100, default 50.
	MaxRecords int32
	NextToken  string
	// ScanBy defaults to TimestampDescending, newest first.
	ScanBy ScanBy
}

// DescribeAlarmHistoryOutput is a page of history items.
type DescribeAlarmHistoryOutput struct {
	AlarmHistoryItems []AlarmHistoryItem
	NextToken         string
}

// historyPos orders history items: by time, then by the order they were
// recorded, which breaks ties between items of the same instant.
type historyPos struct {
	nanos int64
	seq   uint64
}

func (p historyPos) compare(q historyPos) int {
	return cmp.Or(cmp.Compare(p.nanos, q.nanos), cmp.Compare(p.seq, q.seq))
}

func posOf(r *historyRecord) historyPos {
	return historyPos{nanos: r.item.Timestamp.UnixNano(), seq: r.seq}
}

// DescribeAlarmHistory lists history items, of deleted alarms too, for the
// last HistoryRetention.
func (e *Engine) DescribeAlarmHistory(in DescribeAlarmHistoryInput) (DescribeAlarmHistoryOutput, error) {
	var out DescribeAlarmHistoryOutput
	switch {
	case len(in.AlarmName) > 255:
		return out, lengthError("alarmName", 255)
	case in.HistoryItemType != "" && !slices.Contains(historyItemTypes, in.HistoryItemType):
		return out, enumError("historyItemType", in.HistoryItemType, historyItemTypes)
	}
	wanted, err := wantsMetricAlarms(in.AlarmTypes)
	if err != nil {
		return out, err
	}
	scan, err := checkScanBy(in.ScanBy)
	if err != nil {
		return out, err
	}
	limit, err := pageSize("maxRecords", in.MaxRecords)
	if err != nil {
		return out, err
	}
	tok, err := decodeToken("history", in.NextToken)
	if err != nil {
		return out, err
	}
	var after *historyPos
	if tok != "" {
		nanos, seq, ok := strings.Cut(tok, ":")
		n, err1 := strconv.ParseInt(nanos, 10, 64)
		s, err2 := strconv.ParseUint(seq, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return out, badToken()
		}
		after = &historyPos{nanos: n, seq: s}
	}
	if !wanted {
		return out, nil
	}

	e.mu.RLock()
	var recs []historyRecord
	for _, r := range e.history {
		it := &r.item
		if in.AlarmName != "" && it.AlarmName != in.AlarmName ||
			in.HistoryItemType != "" && it.HistoryItemType != in.HistoryItemType ||
			!in.StartDate.IsZero() && it.Timestamp.Before(in.StartDate) ||
			!in.EndDate.IsZero() && it.Timestamp.After(in.EndDate) {
			continue
		}
		recs = append(recs, r)
	}
	e.mu.RUnlock()

	slices.SortFunc(recs, func(a, b historyRecord) int {
		c := posOf(&a).compare(posOf(&b))
		if scan == TimestampDescending {
			return -c
		}
		return c
	})
	if after != nil {
		i := slices.IndexFunc(recs, func(r historyRecord) bool {
			c := posOf(&r).compare(*after)
			return scan == TimestampAscending && c > 0 || scan == TimestampDescending && c < 0
		})
		if i < 0 {
			i = len(recs)
		}
		recs = recs[i:]
	}
	if len(recs) > limit {
		recs = recs[:limit]
		last := posOf(&recs[limit-1])
		out.NextToken = encodeToken("history", fmt.Sprintf("%d:%d", last.nanos, last.seq))
	}
	for _, r := range recs {
		out.AlarmHistoryItems = append(out.AlarmHistoryItems, r.item)
	}
	return out, nil
}
