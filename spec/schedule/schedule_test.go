package schedule

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Field indexes in AWS order.
const (
	fMinutes = iota
	fHours
	fDayOfMonth
	fMonth
	fDayOfWeek
	fYear
)

func utc(year int, month time.Month, day, hour, minute, sec int) time.Time {
	return time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		in    string
		kind  Kind
		every time.Duration
		at    time.Time
		check func(t *testing.T, f []Field)
	}{
		{
			in: "cron(0 8 ? * MON-FRI *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				wantValues(t, f[fMinutes], 0)
				wantValues(t, f[fHours], 8)
				wantAny(t, f[fDayOfMonth])
				wantAny(t, f[fMonth])
				wantValues(t, f[fDayOfWeek], 2, 3, 4, 5, 6)
				wantAny(t, f[fYear])
			},
		},
		{
			in: "cron(0 20 ? * MON-FRI *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				wantValues(t, f[fHours], 20)
				wantValues(t, f[fDayOfWeek], 2, 3, 4, 5, 6)
			},
		},
		{
			in: "cron(0/15 * * * ? *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				wantValues(t, f[fMinutes], 0, 15, 30, 45)
				wantAny(t, f[fHours])
				wantAny(t, f[fDayOfMonth])
				wantAny(t, f[fDayOfWeek])
			},
		},
		{
			in: "cron(0 12 L * ? *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				d := f[fDayOfMonth]
				if !d.Last || d.Weekday || d.Any || len(d.Values) != 0 {
					t.Errorf("day-of-month = %+v, want Last only", d)
				}
			},
		},
		{
			in: "cron(0 9 15W * ? *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				d := f[fDayOfMonth]
				if !d.Weekday || d.Last {
					t.Errorf("day-of-month = %+v, want Weekday", d)
				}
				wantValues(t, d, 15)
			},
		},
		{
			in: "cron(0 10 ? * 6L *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				d := f[fDayOfWeek]
				if !d.Last || d.Nth != 0 {
					t.Errorf("day-of-week = %+v, want Last", d)
				}
				wantValues(t, d, 6)
			},
		},
		{
			in: "cron(0 10 ? * 3#2 *)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				d := f[fDayOfWeek]
				if d.Nth != 2 || d.Last {
					t.Errorf("day-of-week = %+v, want Nth 2", d)
				}
				wantValues(t, d, 3)
			},
		},
		{
			in: "cron(30 6 1 JAN,JUL ? 2027-2030)", kind: Cron,
			check: func(t *testing.T, f []Field) {
				wantValues(t, f[fMinutes], 30)
				wantValues(t, f[fHours], 6)
				wantValues(t, f[fDayOfMonth], 1)
				wantValues(t, f[fMonth], 1, 7)
				wantAny(t, f[fDayOfWeek])
				wantValues(t, f[fYear], 2027, 2028, 2029, 2030)
			},
		},
		{in: "rate(1 minute)", kind: Rate, every: time.Minute},
		{in: "rate(5 minutes)", kind: Rate, every: 5 * time.Minute},
		{in: "rate(1 hour)", kind: Rate, every: time.Hour},
		{in: "rate(2 days)", kind: Rate, every: 48 * time.Hour},
		{in: "at(2026-12-01T08:00:00)", kind: At, at: utc(2026, time.December, 1, 8, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if e.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", e.Kind, tt.kind)
			}
			if e.Every != tt.every {
				t.Errorf("Every = %v, want %v", e.Every, tt.every)
			}
			if !e.Time.Equal(tt.at) {
				t.Errorf("Time = %v, want %v", e.Time, tt.at)
			}
			if tt.kind != Cron {
				if e.Fields != nil {
					t.Errorf("Fields = %+v, want none for %s", e.Fields, tt.kind)
				}
				return
			}
			if len(e.Fields) != 6 {
				t.Fatalf("got %d fields, want 6", len(e.Fields))
			}
			wantNames := []string{"minutes", "hours", "day-of-month", "month", "day-of-week", "year"}
			for i, f := range e.Fields {
				if f.Name != wantNames[i] {
					t.Errorf("field %d Name = %q, want %q", i, f.Name, wantNames[i])
				}
			}
			tt.check(t, e.Fields)
		})
	}
}

func wantValues(t *testing.T, f Field, want ...int) {
	t.Helper()
	if f.Any {
		t.Errorf("%s: Any set, want values %v", f.Name, want)
	}
	got := slices.Clone(f.Values)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s: Values = %v, want %v", f.Name, f.Values, want)
	}
}

func wantAny(t *testing.T, f Field) {
	t.Helper()
	if !f.Any || len(f.Values) != 0 || f.Last || f.Weekday || f.Nth != 0 {
		t.Errorf("%s = %+v, want Any", f.Name, f)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unix five-field cron", "cron(0 8 * * 1-5)", "6 fields"},
		{"both day fields set", "cron(0 8 * * MON-FRI *)", "exactly one of day-of-month"},
		{"both day fields ?", "cron(0 8 ? * ? *)", "exactly one of day-of-month"},
		{"minute 60", "cron(60 8 ? * MON *)", "minutes: 60 is outside 0-59"},
		{"hour 24", "cron(0 24 ? * MON *)", "hours: 24 is outside 0-23"},
		{"month 13", "cron(0 8 1 13 ? *)", "month: 13 is outside 1-12"},
		{"day-of-week 8", "cron(0 8 ? * 8 *)", "day-of-week: 8 is outside 1-7"},
		{"day-of-week 0", "cron(0 8 ? * 0 *)", "day-of-week: 0 is outside 1-7"},
		{"day-of-month 32", "cron(0 8 32 * ? *)", "day-of-month: 32 is outside 1-31"},
		{"year 1969", "cron(0 8 ? * MON 1969)", "year: 1969 is outside 1970-2199"},
		{"year 2200", "cron(0 8 ? * MON 2200)", "year: 2200 is outside 1970-2199"},
		{"? in minutes", "cron(? 8 ? * MON *)", "? is allowed only in day-of-month or day-of-week"},
		{"? in month", "cron(0 8 1 ? * *)", "? is allowed only in day-of-month or day-of-week"},
		{"backwards range", "cron(0 8 ? * FRI-MON *)", "runs backwards"},
		{"step zero", "cron(*/0 8 ? * MON *)", "step after / must be a positive whole number"},
		{"bad month name", "cron(0 8 1 JANUARY ? *)", "or JAN-DEC"},
		{"bad weekday name", "cron(0 8 ? * MONDAY *)", "or SUN-SAT"},
		{"L in minutes", "cron(L 8 ? * MON *)", `minutes: "L" is not a number`},
		{"L in month", "cron(0 8 1 L ? *)", `month: "L" is not a number`},
		{"W in day-of-week", "cron(0 8 ? * 2W *)", "day-of-week"},
		{"# in day-of-month", "cron(0 8 3#2 * ? *)", "day-of-month"},
		{"# occurrence 6", "cron(0 10 ? * 3#6 *)", "occurrence after # must be 1 to 5"},
		{"# occurrence 0", "cron(0 10 ? * 3#0 *)", "occurrence after # must be 1 to 5"},
		{"rate plural for 1", "rate(1 minutes)", "singular for 1"},
		{"rate singular for 5", "rate(5 minute)", "singular for 1"},
		{"rate zero", "rate(0 minutes)", "positive whole number"},
		{"rate negative", "rate(-5 minutes)", "positive whole number"},
		{"rate signed", "rate(+5 minutes)", "positive whole number"},
		{"rate weeks", "rate(5 weeks)", "want minute(s), hour(s) or day(s)"},
		{"rate no unit", "rate(5)", "value and a unit"},
		{"rate overflowing a duration", "rate(9999999999999 days)", "too long"},
		{"signed cron value", "cron(+5 8 ? * MON *)", `"+5" is not a number`},
		{"signed step", "cron(*/+5 8 ? * MON *)", "step after / must be a positive whole number"},
		{"signed occurrence", "cron(0 10 ? * 3#+2 *)", "occurrence after # must be 1 to 5"},
		{"at without T and seconds", "at(2026-12-01 08:00)", "yyyy-mm-ddThh:mm:ss"},
		{"at impossible date", "at(2026-02-30T08:00:00)", "yyyy-mm-ddThh:mm:ss"},
		{"at one-digit hour", "at(2026-12-01T8:00:00)", "yyyy-mm-ddThh:mm:ss"},
		{"at fractional seconds", "at(2026-12-01T08:00:00.5)", "yyyy-mm-ddThh:mm:ss"},
		{"at with zone", "at(2026-12-01T08:00:00Z)", "yyyy-mm-ddThh:mm:ss"},
		{"unknown form", "every(5m)", "want cron, rate or at"},
		{"missing closing parenthesis", "cron(0 8 ? * MON-FRI *", "want cron(...), rate(...) or at(...)"},
		{"missing opening parenthesis", "cron 0 8 ? * MON-FRI *)", "want cron(...), rate(...) or at(...)"},
		{"empty", "", "want cron(...), rate(...) or at(...)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error containing %q", tt.in, e, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
			}
			if tt.in != "" && !strings.Contains(err.Error(), tt.in) {
				t.Errorf("Parse(%q) error = %q, want it to quote the expression", tt.in, err)
			}
			if e.Kind != "" || e.String() != "" {
				t.Errorf("Parse(%q) returned a non-zero Expression %+v with its error", tt.in, e)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	const business = "cron(0 8 ? * MON-FRI *)"
	tests := []struct {
		name string
		expr string
		at   time.Time
		want bool
	}{
		{"business hours Monday 08:00", business, utc(2026, time.November, 30, 8, 0, 0), true},
		{"business hours Monday 08:00:59", business, utc(2026, time.November, 30, 8, 0, 59), true},
		{"business hours Friday 08:00", business, utc(2026, time.December, 4, 8, 0, 0), true},
		{"business hours Saturday 08:00", business, utc(2026, time.December, 5, 8, 0, 0), false},
		{"business hours Sunday 08:00", business, utc(2026, time.November, 29, 8, 0, 0), false},
		{"business hours Monday 08:01", business, utc(2026, time.November, 30, 8, 1, 0), false},
		{"business hours Monday 07:59", business, utc(2026, time.November, 30, 7, 59, 0), false},
		{"business hours Monday 20:00", business, utc(2026, time.November, 30, 20, 0, 0), false},
		{"evening Monday 20:00", "cron(0 20 ? * MON-FRI *)", utc(2026, time.November, 30, 20, 0, 0), true},
		{"location is the wall clock", business, time.Date(2026, time.November, 30, 8, 0, 0, 0, time.FixedZone("UTC-5", -5*3600)), true},

		{"L on Feb 28 of a common year", "cron(0 12 L * ? *)", utc(2026, time.February, 28, 12, 0, 0), true},
		{"L not Feb 27", "cron(0 12 L * ? *)", utc(2026, time.February, 27, 12, 0, 0), false},
		{"L on Feb 29 of a leap year", "cron(0 12 L * ? *)", utc(2028, time.February, 29, 12, 0, 0), true},
		{"L not Feb 28 of a leap year", "cron(0 12 L * ? *)", utc(2028, time.February, 28, 12, 0, 0), false},
		{"L on Apr 30", "cron(0 12 L * ? *)", utc(2026, time.April, 30, 12, 0, 0), true},
		{"L on Dec 31", "cron(0 12 L * ? *)", utc(2026, time.December, 31, 12, 0, 0), true},

		// 2026-08-15 is a Saturday: 15W is Friday the 14th.
		{"15W Saturday 15th fires Friday 14th", "cron(0 9 15W * ? *)", utc(2026, time.August, 14, 9, 0, 0), true},
		{"15W Saturday 15th not the 15th", "cron(0 9 15W * ? *)", utc(2026, time.August, 15, 9, 0, 0), false},
		{"15W Saturday 15th not Monday 17th", "cron(0 9 15W * ? *)", utc(2026, time.August, 17, 9, 0, 0), false},
		// 2026-11-15 is a Sunday: 15W is Monday the 16th.
		{"15W Sunday 15th fires Monday 16th", "cron(0 9 15W * ? *)", utc(2026, time.November, 16, 9, 0, 0), true},
		{"15W Sunday 15th not the 15th", "cron(0 9 15W * ? *)", utc(2026, time.November, 15, 9, 0, 0), false},
		{"15W Sunday 15th not Friday 13th", "cron(0 9 15W * ? *)", utc(2026, time.November, 13, 9, 0, 0), false},
		// 2026-12-15 is a Tuesday: 15W is the 15th itself.
		{"15W weekday 15th", "cron(0 9 15W * ? *)", utc(2026, time.December, 15, 9, 0, 0), true},
		{"15W weekday 15th not the 14th", "cron(0 9 15W * ? *)", utc(2026, time.December, 14, 9, 0, 0), false},
		// 2026-08-01 is a Saturday: 1W does not go back into July.
		{"1W Saturday 1st fires Monday 3rd", "cron(0 9 1W * ? *)", utc(2026, time.August, 3, 9, 0, 0), true},
		{"1W Saturday 1st not Friday 31 July", "cron(0 9 1W * ? *)", utc(2026, time.July, 31, 9, 0, 0), false},
		{"1W Saturday 1st not the 1st", "cron(0 9 1W * ? *)", utc(2026, time.August, 1, 9, 0, 0), false},
		// 2026-05-31 is a Sunday: 31W does not go forward into June.
		{"31W Sunday 31st fires Friday 29th", "cron(0 9 31W * ? *)", utc(2026, time.May, 29, 9, 0, 0), true},
		{"31W Sunday 31st not Monday 1 June", "cron(0 9 31W * ? *)", utc(2026, time.June, 1, 9, 0, 0), false},

		{"6L last Friday of November 2026", "cron(0 10 ? * 6L *)", utc(2026, time.November, 27, 10, 0, 0), true},
		{"6L not the Friday before", "cron(0 10 ? * 6L *)", utc(2026, time.November, 20, 10, 0, 0), false},
		{"6L not the last day when a Monday", "cron(0 10 ? * 6L *)", utc(2026, time.November, 30, 10, 0, 0), false},
		{"2L not a Monday exactly 7 days before month end", "cron(0 10 ? * 2L *)", utc(2026, time.November, 23, 10, 0, 0), false},
		{"2L last Monday on the month's last day", "cron(0 10 ? * 2L *)", utc(2026, time.November, 30, 10, 0, 0), true},
		{"L in day-of-week is Saturday", "cron(0 10 ? * L *)", utc(2026, time.December, 5, 10, 0, 0), true},
		{"L in day-of-week not Friday", "cron(0 10 ? * L *)", utc(2026, time.December, 4, 10, 0, 0), false},
		{"FRIL last Friday of November 2026", "cron(0 10 ? * FRIL *)", utc(2026, time.November, 27, 10, 0, 0), true},

		{"3#2 second Tuesday", "cron(0 10 ? * 3#2 *)", utc(2026, time.November, 10, 10, 0, 0), true},
		{"3#2 not first Tuesday", "cron(0 10 ? * 3#2 *)", utc(2026, time.November, 3, 10, 0, 0), false},
		{"3#2 not third Tuesday", "cron(0 10 ? * 3#2 *)", utc(2026, time.November, 17, 10, 0, 0), false},
		// April 2026: Tuesdays fall on the 7th, 14th, 21st and 28th.
		{"3#1 on the 7th", "cron(0 10 ? * 3#1 *)", utc(2026, time.April, 7, 10, 0, 0), true},
		{"3#2 on the 14th", "cron(0 10 ? * 3#2 *)", utc(2026, time.April, 14, 10, 0, 0), true},
		{"3#2 not on the 7th", "cron(0 10 ? * 3#2 *)", utc(2026, time.April, 7, 10, 0, 0), false},
		{"TUE#4 on the 28th", "cron(0 10 ? * TUE#4 *)", utc(2026, time.April, 28, 10, 0, 0), true},
		{"3#5 none in April 2026", "cron(0 10 ? * 3#5 *)", utc(2026, time.April, 28, 10, 0, 0), false},
		{"3#2 not a Wednesday", "cron(0 10 ? * 3#2 *)", utc(2026, time.November, 11, 10, 0, 0), false},

		{"step 0/15 at :00", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 0, 0), true},
		{"step 0/15 at :15", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 15, 0), true},
		{"step 0/15 at :30", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 30, 0), true},
		{"step 0/15 at :45", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 45, 0), true},
		{"step 0/15 not :01", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 1, 0), false},
		{"step 0/15 not :14", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 14, 0), false},
		{"step 0/15 not :50", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 50, 0), false},
		{"step 0/15 not :59", "cron(0/15 * * * ? *)", utc(2026, time.November, 30, 13, 59, 0), false},

		{"year range inside", "cron(30 6 1 JAN,JUL ? 2027-2030)", utc(2027, time.July, 1, 6, 30, 0), true},
		{"year range before", "cron(30 6 1 JAN,JUL ? 2027-2030)", utc(2026, time.July, 1, 6, 30, 0), false},
		{"year range wrong month", "cron(30 6 1 JAN,JUL ? 2027-2030)", utc(2027, time.June, 1, 6, 30, 0), false},

		{"at its minute", "at(2026-12-01T08:00:00)", utc(2026, time.December, 1, 8, 0, 0), true},
		{"at its minute, seconds ignored", "at(2026-12-01T08:00:00)", utc(2026, time.December, 1, 8, 0, 42), true},
		{"at not the next minute", "at(2026-12-01T08:00:00)", utc(2026, time.December, 1, 8, 1, 0), false},
		{"at not the minute before", "at(2026-12-01T08:00:00)", utc(2026, time.December, 1, 7, 59, 59), false},
		{"at not the next day", "at(2026-12-01T08:00:00)", utc(2026, time.December, 2, 8, 0, 0), false},
		{"at with seconds fires in its minute", "at(2026-12-01T08:00:30)", utc(2026, time.December, 1, 8, 0, 0), true},

		{"rate never matches", "rate(1 minute)", utc(2026, time.November, 30, 8, 0, 0), false},
		{"rate never matches on the hour", "rate(1 hour)", utc(2026, time.January, 1, 0, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.expr, err)
			}
			if got := e.Matches(tt.at); got != tt.want {
				t.Errorf("%s.Matches(%s) = %v, want %v", tt.expr, tt.at.Format(time.RFC3339), got, tt.want)
			}
		})
	}
}

func TestStepValues(t *testing.T) {
	tests := []struct {
		in    string
		field int
		want  []int
	}{
		{"cron(0/15 * * * ? *)", fMinutes, []int{0, 15, 30, 45}},
		{"cron(*/20 * * * ? *)", fMinutes, []int{0, 20, 40}},
		{"cron(1/10 * * * ? *)", fMinutes, []int{1, 11, 21, 31, 41, 51}},
		{"cron(10-30/10 * * * ? *)", fMinutes, []int{10, 20, 30}},
		{"cron(0 */6 * * ? *)", fHours, []int{0, 6, 12, 18}},
		{"cron(0 0 */10 * ? *)", fDayOfMonth, []int{1, 11, 21, 31}},
		{"cron(0 0 1 JAN/4 ? *)", fMonth, []int{1, 5, 9}},
		{"cron(0 0 ? * SUN,SAT *)", fDayOfWeek, []int{1, 7}},
		{"cron(0 0 1 * ? 2026/100)", fYear, []int{2026, 2126}},
		// A step beyond the field's span leaves only the start; a step near
		// the int limit must not overflow and wrap back into the range.
		{"cron(0,30,0-30/15 * * * ? *)", fMinutes, []int{0, 30, 15}},
		{"cron(59/60 * * * ? *)", fMinutes, []int{59}},
		{"cron(59/9223372036854775807 * * * ? *)", fMinutes, []int{59}},
		{"cron(0 0 1 * ? 2199/9223372036854775807)", fYear, []int{2199}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := e.Fields[tt.field].Values; !slices.Equal(got, tt.want) {
				t.Errorf("%s Values = %v, want %v", e.Fields[tt.field].Name, got, tt.want)
			}
		})
	}
}

func TestMatchesZeroExpression(t *testing.T) {
	if (Expression{}).Matches(utc(2026, time.November, 30, 8, 0, 0)) {
		t.Error("zero Expression matched")
	}
}

func TestString(t *testing.T) {
	for _, in := range []string{
		"cron(0 8 ? * MON-FRI *)",
		"cron(0/15 * * * ? *)",
		"cron( 0  9 15W * ? * )",
		"cron(30 6 1 jan,Jul ? 2027-2030)",
		"rate(5 minutes)",
		"rate(1 minute)",
		"at(2026-12-01T08:00:00)",
	} {
		t.Run(in, func(t *testing.T) {
			e, err := Parse(in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", in, err)
			}
			if got := e.String(); got != in {
				t.Errorf("String() = %q, want %q", got, in)
			}
		})
	}
}
