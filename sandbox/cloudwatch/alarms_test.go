package cloudwatch

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPutMetricAlarmValidation(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*PutMetricAlarmInput)
		want   ErrorCode
	}{
		{"valid", func(*PutMetricAlarmInput) {}, ""},
		{"p90 as Statistic", func(in *PutMetricAlarmInput) { in.Statistic = "p90" }, ErrCodeValidation},
		{"p90 as ExtendedStatistic", func(in *PutMetricAlarmInput) { in.Statistic, in.ExtendedStatistic = "", "p90" }, ""},
		{"both Statistic and ExtendedStatistic", func(in *PutMetricAlarmInput) { in.ExtendedStatistic = "p90" }, ErrCodeInvalidParameterCombination},
		{"neither statistic", func(in *PutMetricAlarmInput) { in.Statistic = "" }, ErrCodeInvalidParameterCombination},
		{"p101", func(in *PutMetricAlarmInput) { in.Statistic, in.ExtendedStatistic = "", "p101" }, ErrCodeInvalidParameterValue},
		{"trimmed mean", func(in *PutMetricAlarmInput) { in.Statistic, in.ExtendedStatistic = "", "tm90" }, ErrCodeInvalidParameterValue},
		{"period 45", func(in *PutMetricAlarmInput) { in.Period = 45 }, ErrCodeValidation},
		{"period 90", func(in *PutMetricAlarmInput) { in.Period = 90 }, ErrCodeValidation},
		{"period 10", func(in *PutMetricAlarmInput) { in.Period = 10 }, ""},
		{"period 20", func(in *PutMetricAlarmInput) { in.Period = 20 }, ""},
		{"period 30", func(in *PutMetricAlarmInput) { in.Period = 30 }, ""},
		{"period 300", func(in *PutMetricAlarmInput) { in.Period = 300 }, ""},
		{"no period", func(in *PutMetricAlarmInput) { in.Period = 0 }, ErrCodeMissingParameter},
		{"unknown comparison", func(in *PutMetricAlarmInput) { in.ComparisonOperator = "GreaterThan" }, ErrCodeValidation},
		{"anomaly comparison", func(in *PutMetricAlarmInput) { in.ComparisonOperator = GreaterThanUpperThreshold }, ErrCodeInvalidParameterCombination},
		{"no comparison", func(in *PutMetricAlarmInput) { in.ComparisonOperator = "" }, ErrCodeMissingParameter},
		{"no threshold", func(in *PutMetricAlarmInput) { in.Threshold = nil }, ErrCodeMissingParameter},
		{"no evaluation periods", func(in *PutMetricAlarmInput) { in.EvaluationPeriods = 0 }, ErrCodeMissingParameter},
		{"DatapointsToAlarm above EvaluationPeriods", func(in *PutMetricAlarmInput) { in.DatapointsToAlarm = 4 }, ErrCodeValidation},
		{"more than a day of minutes", func(in *PutMetricAlarmInput) { in.EvaluationPeriods = 1441 }, ErrCodeValidation},
		{"a day of minutes", func(in *PutMetricAlarmInput) { in.EvaluationPeriods = 1440 }, ""},
		{"seven days of hours", func(in *PutMetricAlarmInput) { in.Period, in.EvaluationPeriods = 3600, 168 }, ""},
		{"more than seven days", func(in *PutMetricAlarmInput) { in.Period, in.EvaluationPeriods = 3600, 169 }, ErrCodeValidation},
		{"bad TreatMissingData", func(in *PutMetricAlarmInput) { in.TreatMissingData = "zero" }, ErrCodeInvalidParameterValue},
		{"bad EvaluateLowSampleCountPercentile", func(in *PutMetricAlarmInput) { in.EvaluateLowSampleCountPercentile = "skip" }, ErrCodeInvalidParameterValue},
		{"action not an ARN", func(in *PutMetricAlarmInput) { in.AlarmActions = []string{"my-topic"} }, ErrCodeInvalidParameterValue},
		{"six actions", func(in *PutMetricAlarmInput) { in.OKActions = slices.Repeat(in.OKActions, 6) }, ErrCodeValidation},
		{"no alarm name", func(in *PutMetricAlarmInput) { in.AlarmName = "" }, ErrCodeMissingParameter},
		{"non-ASCII name", func(in *PutMetricAlarmInput) { in.AlarmName = "alarm-é" }, ErrCodeInvalidParameterValue},
		{"no namespace", func(in *PutMetricAlarmInput) { in.Namespace = "" }, ErrCodeMissingParameter},
		{"AWS namespace", func(in *PutMetricAlarmInput) { in.Namespace = "AWS/ECS" }, ""},
		{"unknown unit", func(in *PutMetricAlarmInput) { in.Unit = "Parsecs" }, ErrCodeValidation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			in := alarmInput("a")
			tc.modify(&in)
			err := e.PutMetricAlarm(in)
			if got := codeOf(err); got != tc.want {
				t.Fatalf("PutMetricAlarm = %v, want code %q", err, tc.want)
			}
		})
	}
}

func TestPutMetricAlarmMessagesMatchAWS(t *testing.T) {
	e, _ := newEngine(t)
	in := alarmInput("a")
	in.Statistic = "p90"
	want := "ValidationError: 1 validation error detected: Value 'p90' at 'statistic' failed to satisfy constraint: " +
		"Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]"
	if err := e.PutMetricAlarm(in); err == nil || err.Error() != want {
		t.Fatalf("PutMetricAlarm = %v, want %q", err, want)
	}
}

func TestAlarmLifecycle(t *testing.T) {
	e, c := newEngine(t, WithRegion("eu-west-1"), WithAccountID("111122223333"))
	mustAlarm(t, e, alarmInput("a"))
	a := stateOf(t, e, "a")
	if a.StateValue != StateInsufficientData || a.StateReason != "Unchecked: Initial alarm creation" ||
		a.AlarmArn != "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:a" || !a.ActionsEnabled {
		t.Fatalf("new alarm = %+v", a)
	}

	evaluateMinutes(t, e, c, "a", []*float64{f64(60), f64(70), f64(80)})
	c.Set(t0.Add(10 * time.Minute))
	updated := alarmInput("a")
	updated.Threshold = f64(90)
	mustAlarm(t, e, updated)
	a = stateOf(t, e, "a")
	if a.StateValue != StateAlarm || a.Threshold != 90 || !a.AlarmConfigurationUpdatedTimestamp.Equal(t0.Add(10*time.Minute)) ||
		!a.StateUpdatedTimestamp.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("an update must keep the state and replace the configuration: %+v", a)
	}

	if err := e.DeleteAlarms([]string{"a", "never-existed"}); err != nil {
		t.Fatalf("DeleteAlarms = %v; AWS ignores names that do not exist", err)
	}
	if out, _ := e.DescribeAlarms(DescribeAlarmsInput{}); len(out.MetricAlarms) != 0 {
		t.Fatalf("alarms after delete: %+v", out.MetricAlarms)
	}
	if err := e.DeleteAlarms(nil); codeOf(err) != ErrCodeMissingParameter {
		t.Fatalf("DeleteAlarms(nil) = %v", err)
	}
	h, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{AlarmName: "a", HistoryItemType: HistoryConfigurationUpdate})
	if err != nil {
		t.Fatal(err)
	}
	var summaries []string
	for _, it := range h.AlarmHistoryItems {
		summaries = append(summaries, it.HistorySummary)
	}
	if want := []string{`Alarm "a" deleted`, `Alarm "a" updated`, `Alarm "a" created`}; !slices.Equal(summaries, want) {
		t.Fatalf("configuration history = %q, want %q", summaries, want)
	}
	var created struct {
		Type         string `json:"type"`
		CreatedAlarm struct {
			AlarmName  string   `json:"alarmName"`
			Threshold  float64  `json:"threshold"`
			StateValue string   `json:"stateValue"`
			OKActions  []string `json:"okactions"`
		} `json:"createdAlarm"`
	}
	if err := json.Unmarshal([]byte(h.AlarmHistoryItems[2].HistoryData), &created); err != nil ||
		created.Type != "Create" || created.CreatedAlarm.AlarmName != "a" || created.CreatedAlarm.Threshold != 50 ||
		created.CreatedAlarm.StateValue != "INSUFFICIENT_DATA" || len(created.CreatedAlarm.OKActions) != 1 {
		t.Fatalf("created history data %s: %+v, %v", h.AlarmHistoryItems[2].HistoryData, created, err)
	}
}

func TestRemoveAlarmAction(t *testing.T) {
	e, _ := newEngine(t)
	policy := alarmInput("").AlarmActions[0]
	keep := "arn:aws:sns:us-east-1:123456789012:oncall"
	a := alarmInput("a")
	a.AlarmActions = []string{policy, keep}
	mustAlarm(t, e, a)
	b := alarmInput("b")
	b.AlarmActions = []string{keep}
	mustAlarm(t, e, b)

	e.RemoveAlarmAction(policy)
	if got := stateOf(t, e, "a").AlarmActions; !slices.Equal(got, []string{keep}) {
		t.Fatalf("a's actions = %q, want %q", got, keep)
	}
	h, _ := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{HistoryItemType: HistoryConfigurationUpdate})
	var summaries []string
	for _, it := range h.AlarmHistoryItems {
		summaries = append(summaries, it.HistorySummary)
	}
	if want := []string{`Alarm "a" updated`, `Alarm "b" created`, `Alarm "a" created`}; !slices.Equal(summaries, want) {
		t.Fatalf("history = %q, want %q (b untouched)", summaries, want)
	}
}

func TestAlarmQuota(t *testing.T) {
	e, _ := newEngine(t, WithAlarmQuota(1))
	mustAlarm(t, e, alarmInput("a"))
	mustAlarm(t, e, alarmInput("a")) // replacing does not count
	if err := e.PutMetricAlarm(alarmInput("b")); codeOf(err) != ErrCodeLimitExceeded {
		t.Fatalf("second alarm = %v, want LimitExceeded", err)
	}
}

func TestDescribeAlarms(t *testing.T) {
	e, c := newEngine(t)
	for _, name := range []string{"api-cpu", "api-latency", "web-cpu", "web-latency", "db-cpu"} {
		in := alarmInput(name)
		if strings.HasPrefix(name, "web") {
			in.AlarmActions = []string{"arn:aws:sns:us-east-1:123456789012:web-oncall"}
		}
		if strings.HasSuffix(name, "latency") {
			in.MetricName = "Latency"
		}
		mustAlarm(t, e, in)
	}
	evaluateMinutes(t, e, c, "api-cpu", []*float64{f64(60), f64(70), f64(80)})

	names := func(in DescribeAlarmsInput) ([]string, string) {
		t.Helper()
		out, err := e.DescribeAlarms(in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range out.MetricAlarms {
			got = append(got, a.AlarmName)
		}
		return got, out.NextToken
	}
	tests := []struct {
		name string
		in   DescribeAlarmsInput
		want []string
	}{
		{"all, by name", DescribeAlarmsInput{}, []string{"api-cpu", "api-latency", "db-cpu", "web-cpu", "web-latency"}},
		{"by names", DescribeAlarmsInput{AlarmNames: []string{"web-cpu", "nope", "db-cpu"}}, []string{"db-cpu", "web-cpu"}},
		{"by prefix", DescribeAlarmsInput{AlarmNamePrefix: "web-"}, []string{"web-cpu", "web-latency"}},
		{"by state", DescribeAlarmsInput{StateValue: StateInsufficientData}, []string{"api-latency", "web-latency"}},
		{"by action prefix", DescribeAlarmsInput{ActionPrefix: "arn:aws:sns:us-east-1:123456789012:web"}, []string{"web-cpu", "web-latency"}},
		{"by OK action prefix", DescribeAlarmsInput{ActionPrefix: "arn:aws:sns:us-east-1:123456789012:ok", AlarmNamePrefix: "d"}, []string{"db-cpu"}},
		{"filters combine", DescribeAlarmsInput{AlarmNamePrefix: "web-", StateValue: StateAlarm}, []string{"web-cpu"}},
		{"composite only", DescribeAlarmsInput{AlarmTypes: []string{"CompositeAlarm"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := names(tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("DescribeAlarms = %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("pages of two", func(t *testing.T) {
		var all []string
		token := ""
		for range 5 {
			page, next := names(DescribeAlarmsInput{MaxRecords: 2, NextToken: token})
			if len(page) > 2 {
				t.Fatalf("page of %d", len(page))
			}
			all = append(all, page...)
			if token = next; token == "" {
				break
			}
		}
		if want := []string{"api-cpu", "api-latency", "db-cpu", "web-cpu", "web-latency"}; !slices.Equal(all, want) || token != "" {
			t.Fatalf("paged = %q (token %q), want %q", all, token, want)
		}
	})

	for name, in := range map[string]DescribeAlarmsInput{
		"names and prefix": {AlarmNames: []string{"a"}, AlarmNamePrefix: "a"},
		"bad state":        {StateValue: "WARN"},
		"max records 101":  {MaxRecords: 101},
		"bad token":        {NextToken: "x"},
		"token of another": {NextToken: encodeToken("dashboards", "a")},
	} {
		want := map[string]ErrorCode{"names and prefix": ErrCodeInvalidParameterCombination, "bad state": ErrCodeValidation,
			"max records 101": ErrCodeValidation, "bad token": ErrCodeInvalidNextToken, "token of another": ErrCodeInvalidNextToken}[name]
		if _, err := e.DescribeAlarms(in); codeOf(err) != want {
			t.Errorf("%s: DescribeAlarms = %v, want %q", name, err, want)
		}
	}
}

func TestSetAlarmStateLastsUntilTheNextEvaluation(t *testing.T) {
	e, c := newEngine(t)
	mustAlarm(t, e, alarmInput("a"))
	evaluateMinutes(t, e, c, "a", []*float64{f64(10), f64(10), f64(10)})
	if got := stateOf(t, e, "a").StateValue; got != StateOK {
		t.Fatalf("state = %s, want OK", got)
	}

	var got []Transition
	e.OnTransition(func(tr Transition) { got = append(got, tr) })
	c.Set(t0.Add(3*time.Minute + 10*time.Second))
	if err := e.SetAlarmState(SetAlarmStateInput{AlarmName: "a", StateValue: StateAlarm, StateReason: "testing the pager",
		StateReasonData: `{"drill":true}`}); err != nil {
		t.Fatal(err)
	}
	a := stateOf(t, e, "a")
	if a.StateValue != StateAlarm || a.StateReason != "testing the pager" || a.StateReasonData != `{"drill":true}` {
		t.Fatalf("after SetAlarmState: %+v", a)
	}
	if len(got) != 1 || !slices.Equal(got[0].Actions, alarmInput("").AlarmActions) {
		t.Fatalf("SetAlarmState published %+v, want one transition with the ALARM actions", got)
	}
	// Setting the same state again changes nothing.
	if err := e.SetAlarmState(SetAlarmStateInput{AlarmName: "a", StateValue: StateAlarm, StateReason: "again"}); err != nil || len(got) != 1 {
		t.Fatalf("repeated SetAlarmState: %v, %d transitions", err, len(got))
	}

	e.Evaluate(t0.Add(4 * time.Minute))
	if a := stateOf(t, e, "a"); a.StateValue != StateOK {
		t.Fatalf("after the next evaluation: %s, want OK from the data", a.StateValue)
	}
	if len(got) != 2 || got[1].OldState != StateAlarm || got[1].NewState != StateOK {
		t.Fatalf("transitions = %+v", got)
	}

	for name, tc := range map[string]struct {
		in   SetAlarmStateInput
		want ErrorCode
	}{
		"unknown alarm": {SetAlarmStateInput{AlarmName: "nope", StateValue: StateOK, StateReason: "x"}, ErrCodeResourceNotFound},
		"bad state":     {SetAlarmStateInput{AlarmName: "a", StateValue: "WARN", StateReason: "x"}, ErrCodeValidation},
		"bad JSON":      {SetAlarmStateInput{AlarmName: "a", StateValue: StateOK, StateReason: "x", StateReasonData: "{"}, ErrCodeInvalidFormat},
	} {
		err := e.SetAlarmState(tc.in)
		if codeOf(err) != tc.want {
			t.Errorf("%s: SetAlarmState = %v, want %q", name, err, tc.want)
		}
	}
}

func TestAlarmHistory(t *testing.T) {
	e, c := newEngine(t)
	mustAlarm(t, e, alarmInput("a"))
	b := alarmInput("b")
	b.ComparisonOperator = LessThanThreshold
	mustAlarm(t, e, b)
	evaluateMinutes(t, e, c, "a", []*float64{f64(60), f64(70), f64(80), f64(10)})
	// a: created 10:00, ALARM 10:03, OK 10:04; b: created 10:00, OK 10:01.

	items := func(in DescribeAlarmHistoryInput) []AlarmHistoryItem {
		t.Helper()
		out, err := e.DescribeAlarmHistory(in)
		if err != nil {
			t.Fatal(err)
		}
		return out.AlarmHistoryItems
	}
	summaries := func(its []AlarmHistoryItem) []string {
		var s []string
		for _, it := range its {
			s = append(s, it.AlarmName+": "+it.HistorySummary)
		}
		return s
	}

	all := items(DescribeAlarmHistoryInput{})
	want := []string{
		"a: Alarm updated from ALARM to OK",
		"a: Alarm updated from INSUFFICIENT_DATA to ALARM",
		"b: Alarm updated from INSUFFICIENT_DATA to OK",
		`b: Alarm "b" created`,
		`a: Alarm "a" created`,
	}
	if got := summaries(all); !slices.Equal(got, want) {
		t.Fatalf("history, newest first = %q, want %q", got, want)
	}
	for _, it := range all {
		if it.AlarmType != "MetricAlarm" {
			t.Fatalf("AlarmType = %q", it.AlarmType)
		}
	}

	var data struct {
		Version  string `json:"version"`
		OldState struct {
			StateValue  string `json:"stateValue"`
			StateReason string `json:"stateReason"`
		} `json:"oldState"`
		NewState struct {
			StateValue      string          `json:"stateValue"`
			StateReason     string          `json:"stateReason"`
			StateReasonData json.RawMessage `json:"stateReasonData"`
		} `json:"newState"`
	}
	if err := json.Unmarshal([]byte(all[1].HistoryData), &data); err != nil {
		t.Fatal(err)
	}
	if data.Version != "1.0" || data.OldState.StateValue != "INSUFFICIENT_DATA" || data.OldState.StateReason != "Unchecked: Initial alarm creation" ||
		data.NewState.StateValue != "ALARM" || !strings.HasPrefix(data.NewState.StateReason, "Threshold Crossed: 3 out of the last 3 datapoints [80.0 ") ||
		!json.Valid(data.NewState.StateReasonData) {
		t.Fatalf("StateUpdate history data = %s", all[1].HistoryData)
	}

	tests := []struct {
		name string
		in   DescribeAlarmHistoryInput
		want []string
	}{
		{"one alarm, oldest first", DescribeAlarmHistoryInput{AlarmName: "a", ScanBy: TimestampAscending},
			[]string{`a: Alarm "a" created`, "a: Alarm updated from INSUFFICIENT_DATA to ALARM", "a: Alarm updated from ALARM to OK"}},
		{"state updates", DescribeAlarmHistoryInput{HistoryItemType: HistoryStateUpdate, ScanBy: TimestampAscending},
			[]string{"b: Alarm updated from INSUFFICIENT_DATA to OK", "a: Alarm updated from INSUFFICIENT_DATA to ALARM", "a: Alarm updated from ALARM to OK"}},
		{"time range, inclusive", DescribeAlarmHistoryInput{StartDate: t0.Add(time.Minute), EndDate: t0.Add(3 * time.Minute)},
			[]string{"a: Alarm updated from INSUFFICIENT_DATA to ALARM", "b: Alarm updated from INSUFFICIENT_DATA to OK"}},
		{"composite only", DescribeAlarmHistoryInput{AlarmTypes: []string{"CompositeAlarm"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := summaries(items(tc.in)); !slices.Equal(got, tc.want) {
				t.Fatalf("history = %q, want %q", got, tc.want)
			}
		})
	}

	for _, scan := range scanBys {
		t.Run("pages of two "+string(scan), func(t *testing.T) {
			var paged []AlarmHistoryItem
			token := ""
			for range 5 {
				out, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{MaxRecords: 2, NextToken: token, ScanBy: scan})
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, out.AlarmHistoryItems...)
				if token = out.NextToken; token == "" {
					break
				}
			}
			whole := items(DescribeAlarmHistoryInput{ScanBy: scan})
			if got, want := summaries(paged), summaries(whole); !slices.Equal(got, want) {
				t.Fatalf("paged = %q, want %q", got, want)
			}
		})
	}

	if _, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{HistoryItemType: "Everything"}); codeOf(err) != ErrCodeValidation {
		t.Fatalf("bad HistoryItemType = %v", err)
	}
	if _, err := e.DescribeAlarmHistory(DescribeAlarmHistoryInput{NextToken: encodeToken("history", "nonsense")}); codeOf(err) != ErrCodeInvalidNextToken {
		t.Fatalf("bad token = %v", err)
	}
}
