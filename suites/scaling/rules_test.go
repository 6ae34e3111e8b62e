package scaling

import (
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/spec/schedule"
	"github.com/gameday-sre/gameday/suites/platform"
)

// Inside the 180 s cooldown only a capacity computable from the cooldown's
// base at 100 % utilisation may follow; after it anything may.
func TestCooldownViolations(t *testing.T) {
	at := func(m, s int) time.Time { return time.Date(2026, 12, 5, 10, m, s, 0, time.UTC) }
	tests := []struct {
		name string
		acts []platform.Activity
		want string
	}{
		{"spaced", []platform.Activity{{At: at(3, 0), From: 2, To: 3}, {At: at(6, 30), From: 3, To: 5}, {At: at(10, 0), From: 5, To: 8}}, ""},
		{"larger inside, computable", []platform.Activity{{At: at(3, 0), From: 2, To: 3}, {At: at(4, 0), From: 3, To: 3}}, ""},
		{"too large inside", []platform.Activity{{At: at(3, 0), From: 2, To: 3}, {At: at(4, 0), From: 3, To: 5}}, "3 -> 5 at 2026-12-05T10:04:00Z, 1m0s after the cooldown began, beyond the 3 computable from its base of 2"},
		{"scale-ins ignored", []platform.Activity{{At: at(3, 0), From: 2, To: 3}, {At: at(4, 0), From: 3, To: 2}, {At: at(7, 0), From: 2, To: 3}}, ""},
	}
	for _, tt := range tests {
		got := strings.Join(cooldownViolations(tt.acts, 180*time.Second, 70), "; ")
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Inside the cooldown a scale-out may reach its base times the highest
// datapoint over the target; after it anything may.
func TestMetricCooldownViolations(t *testing.T) {
	at := func(m, s int) time.Time { return time.Date(2026, 12, 5, 10, m, s, 0, time.UTC) }
	point := func(m int, v float64) cwtypes.Datapoint {
		ts := at(m, 0)
		return cwtypes.Datapoint{Timestamp: &ts, Average: &v}
	}
	points := []cwtypes.Datapoint{point(1, 12), point(2, 15), point(3, 20), point(4, 30), point(5, 40)}
	tests := []struct {
		name string
		acts []platform.Activity
		want string
	}{
		{"one per cooldown", []platform.Activity{{At: at(3, 0), From: 2, To: 4}, {At: at(6, 30), From: 4, To: 12}}, ""},
		{"inside, from the base", []platform.Activity{{At: at(3, 0), From: 2, To: 4}, {At: at(5, 0), From: 4, To: 8}}, ""},
		{"inside, from the current capacity", []platform.Activity{{At: at(3, 0), From: 2, To: 4}, {At: at(4, 0), From: 4, To: 12}},
			"4 -> 12 at 2026-12-05T10:04:00Z, 1m0s after the cooldown began, beyond the 6 its base of 2 computes from a metric of at most 30"},
	}
	for _, tt := range tests {
		got := strings.Join(metricCooldownViolations(tt.acts, points, 180*time.Second, 10), "; ")
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNextOccurrence(t *testing.T) {
	parse := func(s string) spec.Schedule {
		e, err := schedule.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return spec.Schedule{Expression: e}
	}
	business, night := parse("cron(0 8 ? * MON-FRI *)"), parse("cron(0 20 ? * MON-FRI *)")
	mon := func(h, m, s int) time.Time { return time.Date(2026, 12, 7, h, m, s, 0, time.UTC) }
	tests := []struct {
		name  string
		s     spec.Schedule
		now   time.Time
		limit time.Duration
		want  string
	}{
		{"a minute before", business, mon(7, 59, 10), 30 * time.Minute, "08:00"},
		{"on the minute", business, mon(8, 0, 0), time.Minute, "08:00"},
		{"just after", business, mon(8, 0, 1), 30 * time.Minute, ""},
		{"beyond the wait", night, mon(7, 59, 0), 30 * time.Minute, ""},
		{"saturday", business, mon(7, 59, 0).AddDate(0, 0, 5), time.Hour, ""},
	}
	for _, tt := range tests {
		got, ok := nextOccurrence(tt.s, tt.now, tt.limit)
		if (tt.want == "") == ok || (ok && got.Format("15:04") != tt.want) {
			t.Errorf("%s: %s %v, want %q", tt.name, got.Format("15:04"), ok, tt.want)
		}
	}
}
