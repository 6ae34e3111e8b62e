package spec

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/gameday-sre/gameday/spec/schedule"
)

// scalar is a type the loader fills from a YAML scalar's text, whatever YAML
// would have resolved it to: `2023-11-30` is a date here, not a timestamp.
type scalar interface {
	setScalar(text string) error
}

// Duration is a span of platform time. In YAML it must carry a unit (180s,
// 3m): a bare number is ambiguous between the runbook's seconds and minutes.
type Duration time.Duration

var bareNumber = regexp.MustCompile(`^[+-]?[0-9.]+$`)

func (d *Duration) setScalar(text string) error {
	if bareNumber.MatchString(text) {
		return fmt.Errorf("duration %q has no unit: write e.g. %ss or %sm", text, text, text)
	}
	v, err := time.ParseDuration(text)
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit (s, m, h), e.g. 180s", text)
	}
	if v < 0 {
		return fmt.Errorf("duration %q must not be negative", text)
	}
	*d = Duration(v)
	return nil
}

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Seconds is the duration in whole seconds, as AWS APIs take it.
func (d Duration) Seconds() int64 { return int64(time.Duration(d) / time.Second) }

// String writes the duration as a person would in the spec: 3m, 180s would
// read back the same, and 1m30s stays exact.
func (d Duration) String() string {
	v := time.Duration(d)
	switch {
	case v == 0:
		return "0s"
	case v%time.Hour == 0:
		return fmt.Sprintf("%dh", v/time.Hour)
	case v%time.Minute == 0:
		return fmt.Sprintf("%dm", v/time.Minute)
	}
	return v.String()
}

// MarshalJSON writes the duration as YAML holds it, so `spec show -o json`
// reads like the spec.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// Date is a calendar date, yyyy-mm-dd.
type Date struct{ time.Time }

func (d *Date) setScalar(text string) error {
	t, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return fmt.Errorf("date %q: want yyyy-mm-dd", text)
	}
	d.Time = t
	return nil
}

func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes yyyy-mm-dd.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// TimeOfDay is hh:mm on a 24-hour clock.
type TimeOfDay struct{ Hour, Minute int }

func (t *TimeOfDay) setScalar(text string) error {
	v, err := time.Parse("15:04", text)
	if err != nil {
		return fmt.Errorf("time of day %q: want hh:mm (24-hour)", text)
	}
	t.Hour, t.Minute = v.Hour(), v.Minute()
	return nil
}

// Minutes is minutes since midnight.
func (t TimeOfDay) Minutes() int { return t.Hour*60 + t.Minute }

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// MarshalJSON writes hh:mm.
func (t TimeOfDay) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// Schedule is a validated Application Auto Scaling schedule expression.
type Schedule struct{ schedule.Expression }

func (s *Schedule) setScalar(text string) error {
	e, err := schedule.Parse(text)
	if err != nil {
		return err
	}
	s.Expression = e
	return nil
}

// MarshalJSON writes the expression as written.
func (s Schedule) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// ParseDuration reads a duration as the spec writes it (a unit is required).
func ParseDuration(text string) (Duration, error) {
	var d Duration
	return d, d.setScalar(text)
}

// ParseSchedule reads a schedule expression as the spec writes it.
func ParseSchedule(text string) (Schedule, error) {
	var s Schedule
	return s, s.setScalar(text)
}
