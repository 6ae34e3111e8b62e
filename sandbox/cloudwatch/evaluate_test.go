package cloudwatch

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// retain stands for AWS's "Retain current state" in the tables below.
const retain StateValue = "RETAIN"

// TestTreatMissingData runs the tables of "How alarm state is evaluated when
// data is missing" (alarms-and-missing-data.html) in AWS's notation: the
// five periods of the evaluation range, oldest first, 0 not breaching, X
// breaching, - missing. Rows marked "earlier page" come from the previous
// version of that page (awsdocs/amazon-cloudwatch-user-guide,
// AlarmThatSendsEmail.md) and from its prose about "- - - X 0".
func TestTreatMissingData(t *testing.T) {
	type row struct {
		data                                     string
		missing, ignore, breaching, notBreaching StateValue
	}
	tables := []struct {
		name string
		m    int32
		rows []row
	}{
		{"3 of 3", 3, []row{
			{"0 - X - X", StateOK, StateOK, StateOK, StateOK},
			{"0 - - - -", StateOK, StateOK, StateOK, StateOK},
			{"- - - - -", StateInsufficientData, retain, StateAlarm, StateOK},
			{"0 X X - X", StateAlarm, StateAlarm, StateAlarm, StateAlarm},
			{"- - X - -", StateAlarm, retain, StateAlarm, StateOK},
			// earlier page
			{"- - - - X", StateInsufficientData, retain, StateAlarm, StateOK},
			{"X - - - -", StateAlarm, retain, StateAlarm, StateOK},
			{"- - - X 0", StateOK, StateOK, StateOK, StateOK},
			{"- - X - 0", StateOK, StateOK, StateOK, StateOK},
		}},
		{"2 of 3", 2, []row{
			{"0 - X - X", StateAlarm, StateAlarm, StateAlarm, StateAlarm},
			{"0 0 X 0 X", StateAlarm, StateAlarm, StateAlarm, StateAlarm},
			{"0 - X - -", StateOK, StateOK, StateAlarm, StateOK},
			{"- - - - 0", StateOK, StateOK, StateAlarm, StateOK},
			{"- - - X -", StateAlarm, retain, StateAlarm, StateOK},
			// earlier page
			{"- - - - X", StateInsufficientData, retain, StateAlarm, StateOK},
		}},
	}
	now := t0.Add(10 * time.Minute)
	for _, table := range tables {
		for _, r := range table.rows {
			for treat, want := range map[string]StateValue{
				TreatMissingMissing: r.missing, TreatMissingIgnore: r.ignore,
				TreatMissingBreaching: r.breaching, TreatMissingNotBreaching: r.notBreaching,
			} {
				for _, prior := range stateValues {
					name := table.name + "/" + r.data + "/" + treat + "/from " + string(prior)
					t.Run(name, func(t *testing.T) {
						e, c := newEngine(t)
						c.Set(now)
						in := alarmInput("a")
						in.DatapointsToAlarm, in.TreatMissingData = table.m, treat
						mustAlarm(t, e, in)
						if prior != StateInsufficientData {
							if err := e.SetAlarmState(SetAlarmStateInput{AlarmName: "a", StateValue: prior, StateReason: "test"}); err != nil {
								t.Fatal(err)
							}
						}
						tokens := strings.Fields(r.data)
						for i, tok := range tokens {
							at := now.Add(-time.Duration(len(tokens)-i) * time.Minute)
							switch tok {
							case "X":
								mustPut(t, e, "Custom", point1("Load", at, 99))
							case "0":
								mustPut(t, e, "Custom", point1("Load", at, 1))
							}
						}
						e.Evaluate(now)
						expected := want
						if expected == retain {
							expected = prior
						}
						if got := stateOf(t, e, "a").StateValue; got != expected {
							t.Fatalf("state = %s, want %s", got, expected)
						}
					})
				}
			}
		}
	}
}

// evaluateMinutes publishes one value per minute from t0 (nil: none) and
// evaluates at the end of each minute, returning the state after each.
func evaluateMinutes(t *testing.T, e *Engine, c *fakeClock, alarm string, values []*float64) []StateValue {
	t.Helper()
	var states []StateValue
	for i, v := range values {
		at := t0.Add(time.Duration(i) * time.Minute)
		c.Set(at)
		if v != nil {
			mustPut(t, e, "Custom", point1("Load", at, *v))
		}
		e.Evaluate(at.Add(time.Minute))
		states = append(states, stateOf(t, e, alarm).StateValue)
	}
	return states
}

func TestAlarmEvaluation(t *testing.T) {
	const (
		ok  = StateOK
		al  = StateAlarm
		ins = StateInsufficientData
	)
	tests := []struct {
		name   string
		m      int32
		treat  string
		values []*float64
		want   []StateValue
	}{
		{"3 of 3 breaching goes to ALARM", 0, "", []*float64{f64(60), f64(70), f64(80)}, []StateValue{ins, ins, al}},
		{"2 of 3 with DatapointsToAlarm 2", 2, "", []*float64{f64(60), f64(10), f64(70)}, []StateValue{ins, ok, al}},
		{"2 of 3 need not be consecutive", 2, "", []*float64{f64(10), f64(10), f64(60), f64(10), f64(60)}, []StateValue{ok, ok, ok, ok, al}},
		{"recovers to OK on one good period", 0, "", []*float64{f64(60), f64(70), f64(80), f64(10)}, []StateValue{ins, ins, al, ok}},
		{"no data stays INSUFFICIENT_DATA", 0, "", []*float64{nil, nil, nil, nil}, []StateValue{ins, ins, ins, ins}},
		{"missing: back to INSUFFICIENT_DATA once the range is empty", 0, "",
			[]*float64{f64(60), f64(70), f64(80), nil, nil, nil, nil, nil}, []StateValue{ins, ins, al, al, al, al, al, ins}},
		{"breaching: gaps after a good period", 0, TreatMissingBreaching,
			[]*float64{f64(10), nil, nil, nil, nil}, []StateValue{ok, ok, ok, ok, ok}},
		{"breaching: gaps only", 0, TreatMissingBreaching, []*float64{nil}, []StateValue{al}},
		{"notBreaching: gaps after an alarm", 0, TreatMissingNotBreaching,
			[]*float64{f64(60), f64(70), f64(80), nil}, []StateValue{ok, ok, al, al}},
		{"notBreaching: once real data runs short", 0, TreatMissingNotBreaching,
			[]*float64{f64(60), f64(70), f64(80), nil, nil, nil}, []StateValue{ok, ok, al, al, al, ok}},
		{"ignore: keeps ALARM through a gap", 0, TreatMissingIgnore,
			[]*float64{f64(60), f64(70), f64(80), nil, nil, nil, nil, nil, nil}, []StateValue{ins, ins, al, al, al, al, al, al, al}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, c := newEngine(t)
			in := alarmInput("a")
			in.DatapointsToAlarm, in.TreatMissingData = tc.m, tc.treat
			mustAlarm(t, e, in)
			if got := evaluateMinutes(t, e, c, "a", tc.values); !slices.Equal(got, tc.want) {
				t.Fatalf("states = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestComparisonOperatorsAtTheThreshold(t *testing.T) {
	tests := []struct {
		op    ComparisonOperator
		value float64
		want  StateValue
	}{
		{GreaterThanThreshold, 50, StateOK},
		{GreaterThanThreshold, 50.001, StateAlarm},
		{GreaterThanOrEqualToThreshold, 50, StateAlarm},
		{GreaterThanOrEqualToThreshold, 49.999, StateOK},
		{LessThanThreshold, 50, StateOK},
		{LessThanThreshold, 49.999, StateAlarm},
		{LessThanOrEqualToThreshold, 50, StateAlarm},
		{LessThanOrEqualToThreshold, 50.001, StateOK},
	}
	for _, tc := range tests {
		t.Run(string(tc.op)+"/"+formatValue(tc.value), func(t *testing.T) {
			e, c := newEngine(t)
			in := alarmInput("a")
			in.ComparisonOperator, in.EvaluationPeriods = tc.op, 1
			mustAlarm(t, e, in)
			if got := evaluateMinutes(t, e, c, "a", []*float64{&tc.value}); got[0] != tc.want {
				t.Fatalf("state = %s, want %s", got[0], tc.want)
			}
		})
	}
}

func TestStateReasons(t *testing.T) {
	e, c := newEngine(t)
	mustAlarm(t, e, alarmInput("a"))
	evaluateMinutes(t, e, c, "a", []*float64{f64(60), f64(70), f64(80)})
	a := stateOf(t, e, "a")
	want := "Threshold Crossed: 3 out of the last 3 datapoints [80.0 (01/05/26 10:02:00), 70.0 (01/05/26 10:01:00), 60.0 (01/05/26 10:00:00)] " +
		"were greater than the threshold (50.0) (minimum 3 datapoints for OK -> ALARM transition)."
	if a.StateValue != StateAlarm || a.StateReason != want {
		t.Fatalf("reason = %q, want %q", a.StateReason, want)
	}
	var data struct {
		Statistic        string    `json:"statistic"`
		Period           int       `json:"period"`
		StartDate        string    `json:"startDate"`
		RecentDatapoints []float64 `json:"recentDatapoints"`
		Threshold        float64   `json:"threshold"`
	}
	if err := json.Unmarshal([]byte(a.StateReasonData), &data); err != nil {
		t.Fatalf("StateReasonData %q: %v", a.StateReasonData, err)
	}
	if data.Statistic != "Average" || data.Period != 60 || data.StartDate != "2026-05-01T10:00:00.000+0000" ||
		!slices.Equal(data.RecentDatapoints, []float64{60, 70, 80}) || data.Threshold != 50 {
		t.Fatalf("StateReasonData = %+v", data)
	}

	c.Set(t0.Add(3 * time.Minute))
	mustPut(t, e, "Custom", point1("Load", t0.Add(3*time.Minute), 10))
	e.Evaluate(t0.Add(4 * time.Minute))
	want = "Threshold Crossed: 1 out of the last 3 datapoints [10.0 (01/05/26 10:03:00)] " +
		"was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition)."
	if a := stateOf(t, e, "a"); a.StateValue != StateOK || a.StateReason != want {
		t.Fatalf("reason = %q, want %q", a.StateReason, want)
	}

	e.Evaluate(t0.Add(time.Hour))
	if a := stateOf(t, e, "a"); a.StateReason != "Insufficient Data: 3 datapoints were unknown." {
		t.Fatalf("reason without data = %q", a.StateReason)
	}

	in := alarmInput("breaching")
	in.TreatMissingData, in.EvaluationPeriods = TreatMissingBreaching, 1
	mustAlarm(t, e, in)
	e.Evaluate(t0.Add(time.Hour))
	want = "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching]."
	if a := stateOf(t, e, "breaching"); a.StateReason != want {
		t.Fatalf("reason = %q, want %q", a.StateReason, want)
	}

	in = alarmInput("five")
	in.EvaluationPeriods = 5
	mustAlarm(t, e, in)
	for i := range 5 {
		mustPut(t, e, "Custom", point1("Load", t0.Add(time.Duration(10+i)*time.Minute), float64(51+i)))
	}
	e.Evaluate(t0.Add(15 * time.Minute))
	want = "Threshold Crossed: 5 out of the last 5 datapoints were greater than the threshold (50.0). " +
		"The most recent datapoints which crossed the threshold: [55.0 (01/05/26 10:14:00), 54.0 (01/05/26 10:13:00), " +
		"53.0 (01/05/26 10:12:00), 52.0 (01/05/26 10:11:00), 51.0 (01/05/26 10:10:00)] (minimum 5 datapoints for OK -> ALARM transition)."
	if a := stateOf(t, e, "five"); a.StateReason != want {
		t.Fatalf("reason = %q, want %q", a.StateReason, want)
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{
		70: "70.0", 0: "0.0", 0.5: "0.5", 9.395: "9.395", -3: "-3.0", 1e-5: "1.0E-5", 12345678: "1.2345678E7", 0.001: "0.001",
	} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestAPILatencyHighP90 plays the runbook's APILatencyHigh alarm:
// TargetResponseTime p90 > 0.5 over 300 s periods, 3 evaluation periods.
// From 10:00 to 10:20, 15% of requests take 0.8 s (p90 breaches while the
// average, 0.205 s, would not), then all take 0.1 s.
//
// The periods slide by the minute, so the alarm fires at 10:11, on
// [10:06, 10:11), [10:01, 10:06) and [09:56, 10:01), the last holding only
// the first minute of slow requests: three periods with data, all
// breaching. It recovers at 10:22, when [10:17, 10:22) holds 455 fast
// requests of 500, enough to bring p90 down to 0.1 s.
func TestAPILatencyHighP90(t *testing.T) {
	e, c := newEngine(t)
	lb := []Dimension{{"LoadBalancer", "app/api/0123456789abcdef"}}
	mustAlarm(t, e, PutMetricAlarmInput{
		AlarmName:          "APILatencyHigh",
		Namespace:          "AWS/ApplicationELB",
		MetricName:         "TargetResponseTime",
		Dimensions:         lb,
		ExtendedStatistic:  "p90",
		Period:             300,
		EvaluationPeriods:  3,
		Threshold:          f64(0.5),
		ComparisonOperator: GreaterThanThreshold,
		AlarmActions:       []string{"arn:aws:sns:us-east-1:123456789012:oncall"},
	})
	var transitions []Transition
	e.OnTransition(func(tr Transition) { transitions = append(transitions, tr) })

	for minute := range 40 {
		at := t0.Add(time.Duration(minute) * time.Minute)
		c.Set(at)
		counts := []float64{85, 15}
		if minute >= 20 {
			counts = []float64{100, 0}
		}
		if err := e.PutServiceMetricData("AWS/ApplicationELB", []MetricDatum{{
			MetricName: "TargetResponseTime", Dimensions: lb, Timestamp: at, Unit: UnitSeconds,
			Values: []float64{0.1, 0.8}, Counts: counts,
		}}); err != nil {
			t.Fatal(err)
		}
		e.Evaluate(at.Add(time.Minute))
	}
	if len(transitions) != 2 {
		t.Fatalf("transitions = %+v, want ALARM then OK", transitions)
	}
	alarmAt, okAt := transitions[0], transitions[1]
	if alarmAt.NewState != StateAlarm || !alarmAt.Timestamp.Equal(t0.Add(11*time.Minute)) {
		t.Fatalf("first transition %s at %v, want ALARM at %v", alarmAt.NewState, alarmAt.Timestamp, t0.Add(11*time.Minute))
	}
	if !strings.Contains(alarmAt.StateReason, "3 out of the last 3 datapoints [0.8 (") ||
		!strings.HasSuffix(alarmAt.StateReason, "were greater than the threshold (0.5) (minimum 3 datapoints for OK -> ALARM transition).") ||
		!slices.Equal(alarmAt.Actions, []string{"arn:aws:sns:us-east-1:123456789012:oncall"}) {
		t.Fatalf("ALARM transition = %+v", alarmAt)
	}
	if okAt.NewState != StateOK || !okAt.Timestamp.Equal(t0.Add(22*time.Minute)) {
		t.Fatalf("second transition %s at %v, want OK at %v", okAt.NewState, okAt.Timestamp, t0.Add(22*time.Minute))
	}
}

func TestLowSampleCountPercentile(t *testing.T) {
	for mode, want := range map[string]StateValue{
		"":                     StateAlarm,
		LowSampleCountEvaluate: StateAlarm,
		// p90 needs 10/(1-0.9) = 100 samples; three periods of 10 are too few.
		LowSampleCountIgnore: StateInsufficientData,
	} {
		t.Run("mode "+mode, func(t *testing.T) {
			e, c := newEngine(t)
			in := alarmInput("a")
			in.Statistic, in.ExtendedStatistic, in.EvaluateLowSampleCountPercentile = "", "p90", mode
			mustAlarm(t, e, in)
			for i := range 3 {
				at := t0.Add(time.Duration(i) * time.Minute)
				c.Set(at)
				mustPut(t, e, "Custom", MetricDatum{MetricName: "Load", Timestamp: at, Values: []float64{99}, Counts: []float64{10}})
			}
			e.Evaluate(t0.Add(3 * time.Minute))
			if got := stateOf(t, e, "a").StateValue; got != want {
				t.Fatalf("state = %s, want %s", got, want)
			}
		})
	}
}

func TestLowSampleCountDoesNotHideMissingData(t *testing.T) {
	e, _ := newEngine(t)
	in := alarmInput("a")
	in.Statistic, in.ExtendedStatistic, in.EvaluateLowSampleCountPercentile = "", "p90", LowSampleCountIgnore
	mustAlarm(t, e, in)
	if err := e.SetAlarmState(SetAlarmStateInput{AlarmName: "a", StateValue: StateAlarm, StateReason: "test"}); err != nil {
		t.Fatal(err)
	}
	e.Evaluate(t0.Add(time.Hour))
	if got := stateOf(t, e, "a").StateValue; got != StateInsufficientData {
		t.Fatalf("state without any data = %s, want INSUFFICIENT_DATA", got)
	}
}
