// Package schedule parses Application Auto Scaling schedule expressions:
// cron(Minutes Hours Day-of-month Month Day-of-week Year), rate(value unit)
// and at(yyyy-mm-ddThh:mm:ss), with the rules of
// docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html.
//
// AWS's cron is not Unix cron: it has six fields (Year last), takes `?` in
// exactly one of the two day fields, numbers weekdays 1 (SUN) to 7 (SAT), and
// knows L, W and #. A Unix five-field expression is therefore refused here
// rather than silently reinterpreted.
package schedule

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind says which of the three expression forms an Expression is.
type Kind string

// The three forms AWS accepts.
const (
	Cron Kind = "cron"
	Rate Kind = "rate"
	At   Kind = "at"
)

// Expression is a parsed schedule expression.
type Expression struct {
	Kind Kind
	// Cron fields, in AWS order. Populated for Kind Cron.
	Fields []Field
	// Every is the period of a rate expression.
	Every time.Duration
	// Time is the wall-clock moment of an at expression (location-free: the
	// scheduled action's time zone places it).
	Time time.Time

	raw string
}

// String returns the expression as written.
func (e Expression) String() string { return e.raw }

// Field is one cron field: the set of values it matches, or a special form.
type Field struct {
	Name string
	// Any is set for `*` and `?`.
	Any bool
	// Values matched, for lists, ranges and steps.
	Values []int
	// Last is `L` (last day of month, or last weekday-of-month with a number
	// in Values for `5L`); Weekday is `W` (nearest weekday to Values[0]);
	// Nth is the `#` occurrence (Values[0] is the weekday).
	Last    bool
	Weekday bool
	Nth     int
}

type fieldSpec struct {
	name     string
	min, max int
	names    map[string]int
	question bool
	last     bool
	weekday  bool
	nth      bool
}

var months = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
var weekdays = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

var cronFields = []fieldSpec{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, question: true, last: true, weekday: true},
	{name: "month", min: 1, max: 12, names: months},
	{name: "day-of-week", min: 1, max: 7, names: weekdays, question: true, last: true, nth: true},
	{name: "year", min: 1970, max: 2199},
}

const atLayout = "2006-01-02T15:04:05"

// Parse parses an expression. Errors say what was expected.
func Parse(s string) (Expression, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return Expression{}, fmt.Errorf("schedule %q: want cron(...), rate(...) or at(...)", s)
	}
	kind, body := Kind(s[:open]), strings.TrimSpace(s[open+1:len(s)-1])
	var (
		e   Expression
		err error
	)
	switch kind {
	case Cron:
		e, err = parseCron(body)
	case Rate:
		e, err = parseRate(body)
	case At:
		e, err = parseAt(body)
	default:
		return Expression{}, fmt.Errorf("schedule %q: unknown form %q, want cron, rate or at", s, kind)
	}
	if err != nil {
		return Expression{}, fmt.Errorf("schedule %q: %w", s, err)
	}
	e.Kind, e.raw = kind, s
	return e, nil
}

func parseCron(body string) (Expression, error) {
	parts := strings.Fields(body)
	if len(parts) != len(cronFields) {
		return Expression{}, fmt.Errorf("cron needs 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(parts))
	}
	e := Expression{Fields: make([]Field, len(parts))}
	for i, p := range parts {
		f, err := parseField(cronFields[i], p)
		if err != nil {
			return Expression{}, err
		}
		e.Fields[i] = f
	}
	dom, dow := parts[2], parts[4]
	if (dom == "?") == (dow == "?") {
		return Expression{}, fmt.Errorf("exactly one of day-of-month (%s) and day-of-week (%s) must be ?", dom, dow)
	}
	return e, nil
}

func parseField(spec fieldSpec, s string) (Field, error) {
	f := Field{Name: spec.name}
	switch {
	case s == "*":
		f.Any = true
		return f, nil
	case s == "?":
		if !spec.question {
			return f, fmt.Errorf("%s: ? is allowed only in day-of-month or day-of-week", spec.name)
		}
		f.Any = true
		return f, nil
	case spec.last && s == "L":
		f.Last = true
		return f, nil
	case spec.last && spec.nth && strings.HasSuffix(s, "L"):
		v, err := value(spec, strings.TrimSuffix(s, "L"))
		f.Last, f.Values = true, []int{v}
		return f, err
	case spec.weekday && strings.HasSuffix(s, "W"):
		v, err := value(spec, strings.TrimSuffix(s, "W"))
		f.Weekday, f.Values = true, []int{v}
		return f, err
	case spec.nth && strings.Contains(s, "#"):
		day, n, _ := strings.Cut(s, "#")
		v, err := value(spec, day)
		if err != nil {
			return f, err
		}
		nth, err := atoi(n)
		if err != nil || nth < 1 || nth > 5 {
			return f, fmt.Errorf("%s: %q: the occurrence after # must be 1 to 5", spec.name, s)
		}
		f.Values, f.Nth = []int{v}, nth
		return f, nil
	}
	seen := map[int]bool{}
	for _, item := range strings.Split(s, ",") {
		vals, err := listItem(spec, item)
		if err != nil {
			return f, err
		}
		for _, v := range vals {
			if !seen[v] {
				seen[v] = true
				f.Values = append(f.Values, v)
			}
		}
	}
	return f, nil
}

// listItem expands one element of a comma list: v, a-b, */n, a/n or a-b/n.
func listItem(spec fieldSpec, item string) ([]int, error) {
	rng, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, err := atoi(stepText)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q: step after / must be a positive whole number", spec.name, item)
		}
		step = n
	}
	lo, hi := spec.min, spec.max
	switch a, b, isRange := strings.Cut(rng, "-"); {
	case rng == "*":
	case isRange:
		var err error
		if lo, err = value(spec, a); err != nil {
			return nil, err
		}
		if hi, err = value(spec, b); err != nil {
			return nil, err
		}
		if lo > hi {
			return nil, fmt.Errorf("%s: range %q runs backwards", spec.name, rng)
		}
	default:
		v, err := value(spec, rng)
		if err != nil {
			return nil, err
		}
		lo = v
		if !hasStep {
			hi = v
		}
	}
	var out []int
	for v := lo; ; v += step {
		out = append(out, v)
		// Compare before adding so that a huge step cannot overflow v and
		// wrap back into the range.
		if hi-v < step {
			break
		}
	}
	return out, nil
}

func value(spec fieldSpec, s string) (int, error) {
	if v, ok := spec.names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	v, err := atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a number%s", spec.name, s, nameHint(spec))
	}
	if v < spec.min || v > spec.max {
		return 0, fmt.Errorf("%s: %d is outside %d-%d", spec.name, v, spec.min, spec.max)
	}
	return v, nil
}

// atoi parses a whole number written with digits only: unlike strconv.Atoi it
// refuses a sign, so "+5" is not taken for 5.
func atoi(s string) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

func nameHint(spec fieldSpec) string {
	switch spec.name {
	case "month":
		return " or JAN-DEC"
	case "day-of-week":
		return " or SUN-SAT"
	}
	return ""
}

var rateUnits = map[string]time.Duration{
	"minute": time.Minute, "minutes": time.Minute,
	"hour": time.Hour, "hours": time.Hour,
	"day": 24 * time.Hour, "days": 24 * time.Hour,
}

func parseRate(body string) (Expression, error) {
	parts := strings.Fields(body)
	if len(parts) != 2 {
		return Expression{}, fmt.Errorf("rate needs a value and a unit, e.g. rate(5 minutes)")
	}
	n, err := atoi(parts[0])
	if err != nil || n < 1 {
		return Expression{}, fmt.Errorf("rate value %q must be a positive whole number", parts[0])
	}
	unit, ok := rateUnits[parts[1]]
	if !ok {
		return Expression{}, fmt.Errorf("rate unit %q: want minute(s), hour(s) or day(s)", parts[1])
	}
	if singular := !strings.HasSuffix(parts[1], "s"); singular != (n == 1) {
		return Expression{}, fmt.Errorf("rate unit %q: AWS wants the singular for 1 and the plural otherwise", parts[1])
	}
	if int64(n) > int64(math.MaxInt64/unit) {
		return Expression{}, fmt.Errorf("rate value %d %s is too long a period", n, parts[1])
	}
	return Expression{Every: time.Duration(n) * unit}, nil
}

func parseAt(body string) (Expression, error) {
	t, err := time.Parse(atLayout, body)
	// time.Parse also takes a one-digit hour and fractional seconds, which
	// the layout does not show; only the exact form round-trips.
	if err != nil || t.Format(atLayout) != body {
		return Expression{}, fmt.Errorf("at wants yyyy-mm-ddThh:mm:ss, got %q", body)
	}
	return Expression{Time: t}, nil
}

// Matches reports whether a cron or at expression fires in the minute of t,
// read in t's location (the scheduled action's time zone). A rate expression
// fires relative to when its action was created, which an expression alone
// does not know, so it never matches here.
func (e Expression) Matches(t time.Time) bool {
	switch e.Kind {
	case At:
		// Scheduled actions have one-minute resolution: an at time's seconds
		// fall within its minute.
		return e.Time.Truncate(time.Minute).Equal(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC))
	case Cron:
		f := e.Fields
		return f[0].has(t.Minute()) && f[1].has(t.Hour()) && f[3].has(int(t.Month())) &&
			f[5].has(t.Year()) && f[2].matchesDayOfMonth(t) && f[4].matchesDayOfWeek(t)
	}
	return false
}

func (f Field) has(v int) bool { return f.Any || slices.Contains(f.Values, v) }

func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (f Field) matchesDayOfMonth(t time.Time) bool {
	switch {
	case f.Last:
		return t.Day() == daysIn(t)
	case f.Weekday:
		return t.Day() == nearestWeekday(t, f.Values[0])
	}
	return f.has(t.Day())
}

// nearestWeekday is the weekday nearest to day n of t's month without leaving
// the month, as `nW` means.
func nearestWeekday(t time.Time, n int) int {
	n = min(n, daysIn(t))
	switch time.Date(t.Year(), t.Month(), n, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == daysIn(t) {
			return n - 2
		}
		return n + 1
	}
	return n
}

func (f Field) matchesDayOfWeek(t time.Time) bool {
	wd := int(t.Weekday()) + 1
	switch {
	case f.Last && len(f.Values) == 0:
		return wd == 7
	case f.Last:
		return wd == f.Values[0] && t.Day()+7 > daysIn(t)
	case f.Nth > 0:
		return wd == f.Values[0] && (t.Day()-1)/7+1 == f.Nth
	}
	return f.has(wd)
}
