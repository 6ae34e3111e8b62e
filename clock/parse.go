package clock

import (
	"fmt"
	"strings"
	"time"
)

const startForms = `RFC 3339 ("2026-11-30T07:59:00Z") or a weekday and UTC time ("Mon 07:59", "Monday 07:59")`

// ParseStart parses a platform start time such as a --start-at flag. It
// accepts RFC 3339, or a weekday (full or three-letter, any case) and a
// 24-hour HH:MM UTC time. The weekday form exists because runbooks are
// written against a weekly schedule ("Monday 07:59, just before the batch
// window") rather than a date; it means the earliest such instant at or
// after now, so a run started at that exact minute begins then rather than
// a week later.
func ParseStart(s string, now time.Time) (time.Time, error) {
	fields := strings.Fields(s)
	switch len(fields) {
	case 1:
		t, err := time.Parse(time.RFC3339, fields[0])
		if err != nil {
			return time.Time{}, fmt.Errorf("clock: invalid start %q (%v): want %s", s, err, startForms)
		}
		return t, nil
	case 2:
		wd, ok := parseWeekday(fields[0])
		if !ok {
			return time.Time{}, fmt.Errorf("clock: invalid start %q: unknown weekday %q: want %s", s, fields[0], startForms)
		}
		hm, err := time.Parse("15:04", fields[1])
		if err != nil {
			return time.Time{}, fmt.Errorf("clock: invalid start %q: time %q is not HH:MM: want %s", s, fields[1], startForms)
		}
		ref := now.UTC()
		t := time.Date(ref.Year(), ref.Month(), ref.Day(), hm.Hour(), hm.Minute(), 0, 0, time.UTC)
		t = t.AddDate(0, 0, (int(wd)-int(ref.Weekday())+7)%7)
		if t.Before(ref) {
			t = t.AddDate(0, 0, 7)
		}
		return t, nil
	default:
		return time.Time{}, fmt.Errorf("clock: invalid start %q: want %s", s, startForms)
	}
}

func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(s)
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		name := strings.ToLower(wd.String())
		if s == name || s == name[:3] {
			return wd, true
		}
	}
	return 0, false
}
