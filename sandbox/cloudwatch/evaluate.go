package cloudwatch

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// point is the alarm statistic of one period, index 0 the most recent.
type point struct {
	start     int64 // Unix seconds
	age       int   // 1 for the most recent complete period
	value     float64
	count     float64 // samples aggregated
	real      bool    // the period had data
	breaching bool
}

// periodsLocked computes the alarm's statistic over its evaluation range:
// windows of Period seconds, the newest ending at now truncated to the
// evaluation step. They are sliding rather than aligned to multiples of
// the period: AWS alarms evaluate every minute and the datapoints of their
// state reasons are stamped on whole minutes (e.g. 5-minute datapoints at
// 13:14, 13:19, 13:24).
func (e *Engine) periodsLocked(a *alarm, now time.Time) []point {
	period, step := int64(a.Period), a.step()
	end := floorDiv(now.Unix(), step) * step
	s := e.series[a.key]
	pts := make([]point, a.evaluationRange())
	for i := range pts {
		to := end - int64(i)*period
		p := point{start: to - period, age: i + 1}
		if s != nil {
			var ag agg
			samples := s.between(p.start, to)
			for j := range samples {
				if x := &samples[j]; a.Unit == "" || x.unit == a.Unit {
					ag.add(x)
				}
			}
			if ag.n > 0 {
				if v, ok := ag.value(a.stat); ok {
					p.value, p.count, p.real = v, ag.count, true
					p.breaching = a.ComparisonOperator.breaches(v, a.Threshold)
				}
			}
		}
		pts[i] = p
	}
	return pts
}

// outcome is the result of evaluating an alarm; retain means no change.
type outcome struct {
	retain     bool
	state      StateValue
	reason     string
	reasonData string
}

// evaluateLocked decides an alarm's state from its data, following
// "How alarm state is evaluated when data is missing"
// (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
//
//   - With at least EvaluationPeriods real datapoints in the evaluation
//     range, the most recent EvaluationPeriods of them decide, whatever
//     TreatMissingData says: ALARM when at least DatapointsToAlarm breach.
//   - With none, missing gives INSUFFICIENT_DATA, ignore keeps the state,
//     breaching gives ALARM and notBreaching OK.
//   - With some, all real datapoints are evaluated and the shortfall is
//     filled: as breaching or not breaching under those treatments. Under
//     missing and ignore the fills count for neither side, and: enough real
//     breaching datapoints give ALARM; a real non-breaching one gives OK;
//     otherwise, when all real datapoints breach and the oldest is at least
//     DatapointsToAlarm periods old, the alarm goes to ALARM ("premature
//     alarm state") under missing and keeps its state under ignore; and
//     when that oldest one is more recent than that, the alarm cannot tell
//     yet: INSUFFICIENT_DATA under missing, no change under ignore.
//
// This reproduces every row of both example tables AWS publishes, and the
// rows of the earlier version of that page: "- - - - X" gave
// INSUFFICIENT_DATA under missing and kept the state under ignore, "X - - -
// -" gave ALARM under missing. Treating that last undecided case as OK
// instead would leave the alarm claiming a non-breaching datapoint it never
// saw.
func (e *Engine) evaluateLocked(a *alarm, now time.Time) outcome {
	pts := e.periodsLocked(a, now)
	n, m := a.n(), a.m()
	var real []point
	for _, p := range pts {
		if p.real {
			real = append(real, p)
		}
	}
	evaluated := real[:min(len(real), n)]
	if len(evaluated) > 0 && a.lowSampleCount(evaluated) {
		return outcome{retain: true}
	}
	breaching := 0
	for _, p := range evaluated {
		if p.breaching {
			breaching++
		}
	}
	fills := n - len(evaluated)
	data := reasonData(a, evaluated, pts, now)
	treat := a.TreatMissingData
	if treat == "" {
		treat = TreatMissingMissing
	}

	crossed := func(alarming bool, fillsCounted int) outcome {
		state := StateOK
		if alarming {
			state = StateAlarm
		}
		return outcome{state: state, reason: crossedReason(a, evaluated, alarming, fillsCounted), reasonData: data}
	}
	unknown := func(count int) outcome {
		if treat == TreatMissingIgnore {
			return outcome{retain: true}
		}
		return outcome{state: StateInsufficientData, reason: fmt.Sprintf("Insufficient Data: %d %s unknown.", count, plural(count, "datapoint was", "datapoints were")), reasonData: data}
	}

	switch {
	case fills == 0:
		return crossed(breaching >= m, 0)
	case len(evaluated) == 0:
		switch treat {
		case TreatMissingBreaching:
			return outcome{state: StateAlarm, reason: noDataReason(n, true), reasonData: data}
		case TreatMissingNotBreaching:
			return outcome{state: StateOK, reason: noDataReason(n, false), reasonData: data}
		}
		return unknown(n)
	case treat == TreatMissingBreaching:
		return crossed(breaching+fills >= m, fills)
	case treat == TreatMissingNotBreaching:
		if breaching >= m {
			return crossed(true, 0)
		}
		return crossed(false, fills)
	case breaching >= m:
		return crossed(true, 0)
	case breaching < len(evaluated):
		return crossed(false, 0)
	case evaluated[len(evaluated)-1].age >= m:
		if treat == TreatMissingIgnore {
			return outcome{retain: true}
		}
		return crossed(true, 0)
	}
	return unknown(fills)
}

// lowSampleCount applies EvaluateLowSampleCountPercentile: with ignore, a
// percentile alarm does not change state while there are fewer than
// 10/(1-p) samples for p >= 0.5, or 10/p below (AlarmThatSendsEmail.html,
// "Percentile-based alarms and low data samples"). With no samples at all
// the data is missing rather than small, and TreatMissingData decides
// instead. The formula has no
// finite bound for p0 and p100; they are the exact minimum and maximum, so
// the sandbox never treats them as low.
func (a *alarm) lowSampleCount(evaluated []point) bool {
	if a.stat.std != "" || a.EvaluateLowSampleCountPercentile != LowSampleCountIgnore {
		return false
	}
	f := a.stat.pct / 100
	if f == 0 || f == 1 {
		return false
	}
	need := 10 / f
	if f >= 0.5 {
		need = 10 / (1 - f)
	}
	total := 0.0
	for _, p := range evaluated {
		total += p.count
	}
	return total < need
}

// crossedReason writes a "Threshold Crossed" reason in AWS's form, e.g.
// "Threshold Crossed: 3 out of the last 3 datapoints [90.0 (01/05/26
// 10:04:00), ...] were greater than the threshold (70.0) (minimum 3
// datapoints for OK -> ALARM transition)." It lists the datapoints on the
// deciding side, newest first: inline up to three, after the sentence (at
// most five) beyond, as AWS does for longer alarms. fills counts missing
// datapoints filled in on that side, which AWS words only for an alarm
// with no data at all; the sandbox appends the same wording.
func crossedReason(a *alarm, evaluated []point, alarming bool, fills int) string {
	var listed []point
	for _, p := range evaluated {
		if p.breaching == alarming {
			listed = append(listed, p)
		}
	}
	count := len(listed) + fills
	var b strings.Builder
	fmt.Fprintf(&b, "Threshold Crossed: %d out of the last %d datapoints", count, a.n())
	inline := len(listed) <= 3
	if inline && len(listed) > 0 {
		fmt.Fprintf(&b, " [%s]", formatPoints(listed))
	}
	not := "not "
	if alarming {
		not = ""
	}
	fmt.Fprintf(&b, " %s %s%s the threshold (%s)", plural(count, "was", "were"), not, a.ComparisonOperator.phrase(), formatValue(a.Threshold))
	if fills > 0 {
		fmt.Fprintf(&b, " and %d missing %s treated as [%s]", fills, plural(fills, "datapoint was", "datapoints were"), fillName(alarming))
	}
	if !inline {
		which := "which crossed"
		if !alarming {
			which = "which did not cross"
		}
		fmt.Fprintf(&b, ". The most recent datapoints %s the threshold: [%s]", which, formatPoints(listed[:min(5, len(listed))]))
	}
	minimum, transition := a.m(), "OK -> ALARM"
	if !alarming {
		minimum, transition = a.n()-a.m()+1, "ALARM -> OK"
	}
	fmt.Fprintf(&b, " (minimum %d %s for %s transition).", minimum, plural(minimum, "datapoint", "datapoints"), transition)
	return b.String()
}

func fillName(breaching bool) string {
	if breaching {
		return "Breaching"
	}
	return "NonBreaching"
}

// noDataReason is AWS's reason when every datapoint was missing and filled:
// "Threshold Crossed: no datapoints were received for 1 period and 1
// missing datapoint was treated as [Breaching]."
func noDataReason(n int, breaching bool) string {
	return fmt.Sprintf("Threshold Crossed: no datapoints were received for %d %s and %d missing %s treated as [%s].",
		n, plural(n, "period", "periods"), n, plural(n, "datapoint was", "datapoints were"), fillName(breaching))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// formatPoints writes datapoints as AWS does in reasons: the value and the
// start of its period, "90.0 (27/08/24 10:05:00)".
func formatPoints(pts []point) string {
	parts := make([]string, len(pts))
	for i, p := range pts {
		parts[i] = fmt.Sprintf("%s (%s)", formatValue(p.value), time.Unix(p.start, 0).UTC().Format("02/01/06 15:04:05"))
	}
	return strings.Join(parts, ", ")
}

// formatValue writes a number as AWS's reasons do (Java's
// Double.toString): always with a fraction, "70.0", and in scientific
// notation outside [1e-3, 1e7), "1.0E-5".
func formatValue(v float64) string {
	if a := math.Abs(v); v == 0 || a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'E', -1, 64), "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	x, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(x)
}

type evaluatedJSON struct {
	Timestamp   string  `json:"timestamp"`
	SampleCount float64 `json:"sampleCount"`
	Value       float64 `json:"value"`
}

// reasonDataJSON is the stateReasonData of an evaluated alarm, shaped like
// AWS's. AWS does not document the key of a percentile; the sandbox writes
// it under statistic too.
type reasonDataJSON struct {
	Version             string          `json:"version"`
	QueryDate           string          `json:"queryDate"`
	StartDate           string          `json:"startDate"`
	Unit                string          `json:"unit,omitempty"`
	Statistic           string          `json:"statistic"`
	Period              int32           `json:"period"`
	RecentDatapoints    []float64       `json:"recentDatapoints"`
	Threshold           float64         `json:"threshold"`
	EvaluatedDatapoints []evaluatedJSON `json:"evaluatedDatapoints,omitempty"`
}

// reasonData describes the evaluation: recentDatapoints oldest first from
// startDate, evaluatedDatapoints newest first.
func reasonData(a *alarm, evaluated, pts []point, now time.Time) string {
	start := pts[min(a.n(), len(pts))-1].start
	if len(evaluated) > 0 {
		start = min(start, evaluated[len(evaluated)-1].start)
	}
	d := reasonDataJSON{
		Version:          "1.0",
		QueryDate:        formatJSONTime(now),
		StartDate:        formatJSONTime(time.Unix(start, 0)),
		Unit:             string(a.Unit),
		Statistic:        a.stat.String(),
		Period:           a.Period,
		RecentDatapoints: []float64{},
		Threshold:        a.Threshold,
	}
	for _, p := range slices.Backward(evaluated) {
		d.RecentDatapoints = append(d.RecentDatapoints, p.value)
	}
	for _, p := range evaluated {
		d.EvaluatedDatapoints = append(d.EvaluatedDatapoints, evaluatedJSON{
			Timestamp: formatJSONTime(time.Unix(p.start, 0)), SampleCount: p.count, Value: p.value,
		})
	}
	return mustJSON(d)
}

// Evaluate evaluates every alarm at now, as CloudWatch's periodic
// evaluation does, and returns the transitions it caused, in alarm name
// order, after handing them to subscribers. It also drops metric data and
// history that have aged out. Call it every minute of platform time (every
// 10 seconds for high-resolution alarms); calling it more often is
// harmless, as an alarm only changes when its data says so.
func (e *Engine) Evaluate(now time.Time) []Transition {
	e.mu.Lock()
	e.pruneLocked(now)
	names := make([]string, 0, len(e.alarms))
	for name := range e.alarms {
		names = append(names, name)
	}
	slices.Sort(names)
	var produced []Transition
	for _, name := range names {
		a := e.alarms[name]
		o := e.evaluateLocked(a, now)
		if !o.retain && o.reasonData != "" {
			a.evaluated = o.reasonData
		}
		if o.retain || o.state == a.StateValue {
			continue
		}
		produced = append(produced, e.transitionLocked(a, o.state, o.reason, o.reasonData, now))
	}
	e.mu.Unlock()
	e.transitions.Deliver()
	return produced
}
