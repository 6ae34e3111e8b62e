package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/spec"
)

// runbookRegion is what the runbook's maintenance table calls an AWS
// region: US East, US West or EU; "" for a region the table does not name.
func runbookRegion(aws string) string {
	switch {
	case strings.HasPrefix(aws, "us-east-"):
		return "US East"
	case strings.HasPrefix(aws, "us-west-"):
		return "US West"
	case strings.HasPrefix(aws, "eu-"):
		return "EU"
	}
	return ""
}

// Window is one of the runbook's weekly maintenance windows as a run sees
// it at a moment.
type Window struct {
	Region string `json:"region"`
	Day    string `json:"day"`
	Start  string `json:"startUTC"`
	End    string `json:"endUTC"`
	// Applies says the target runs in the window's region.
	Applies bool `json:"applies"`
	// Inside says the moment falls in the window; Ends is when that
	// occurrence ends, Next when the next one starts.
	Inside bool      `json:"inside"`
	Ends   time.Time `json:"ends,omitzero"`
	Next   time.Time `json:"next"`
}

func (w Window) String() string {
	return fmt.Sprintf("%s %s %s-%s UTC", w.Region, w.Day, w.Start, w.End)
}

// occurrence is the start of the window's occurrence in the week of t
// (weeks starting on Sunday, UTC).
func occurrence(w spec.MaintenanceWindow, t time.Time) time.Time {
	t = t.UTC()
	day := weekday(w.Day)
	sunday := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -int(t.Weekday()))
	return sunday.AddDate(0, 0, int(day)).Add(time.Duration(w.StartUTC.Minutes()) * time.Minute)
}

func weekday(name string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == name {
			return d
		}
	}
	return time.Sunday
}

// windowsAt places the spec's maintenance windows around at, for a target
// in the given AWS regions.
func windowsAt(mw spec.MaintenanceWindows, at time.Time, regions ...string) []Window {
	var out []Window
	for _, w := range mw.Windows {
		start := occurrence(w, at)
		length := time.Duration(w.EndUTC.Minutes()-w.StartUTC.Minutes()) * time.Minute
		win := Window{Region: w.Region, Day: w.Day, Start: w.StartUTC.String(), End: w.EndUTC.String()}
		for _, r := range regions {
			if runbookRegion(r) == w.Region {
				win.Applies = true
			}
		}
		switch {
		case !at.Before(start) && at.Before(start.Add(length)):
			win.Inside, win.Ends, win.Next = true, start.Add(length), start.AddDate(0, 0, 7)
		case at.Before(start):
			win.Next = start
		default:
			win.Next = start.AddDate(0, 0, 7)
		}
		out = append(out, win)
	}
	return out
}
