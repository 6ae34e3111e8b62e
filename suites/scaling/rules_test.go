package scaling

import (
	"strings"
	"testing"
	"time"
)

func TestAlarmWindow(t *testing.T) {
	start := time.Date(2026, 12, 5, 10, 0, 40, 0, time.UTC)
	tests := []struct {
		n                int
		earliest, latest string
	}{
		{highDatapoints, "10:03:00", "10:06:00"},
		{lowDatapoints, "10:15:00", "10:18:00"},
	}
	for _, tt := range tests {
		e, l := alarmWindow(start, tt.n)
		if e.Format(time.TimeOnly) != tt.earliest || l.Format(time.TimeOnly) != tt.latest {
			t.Errorf("alarmWindow(%d) = %s..%s, want %s..%s", tt.n, e.Format(time.TimeOnly), l.Format(time.TimeOnly), tt.earliest, tt.latest)
		}
	}
}

// Inside the 180 s cooldown only a capacity computable from the cooldown's
// base at 100 % utilisation may follow; after it anything may.
func TestCooldownViolations(t *testing.T) {
	at := func(m, s int) time.Time { return time.Date(2026, 12, 5, 10, m, s, 0, time.UTC) }
	tests := []struct {
		name string
		acts []activity
		want string
	}{
		{"spaced", []activity{{At: at(3, 0), From: 2, To: 3}, {At: at(6, 30), From: 3, To: 5}, {At: at(10, 0), From: 5, To: 8}}, ""},
		{"larger inside, computable", []activity{{At: at(3, 0), From: 2, To: 3}, {At: at(4, 0), From: 3, To: 3}}, ""},
		{"too large inside", []activity{{At: at(3, 0), From: 2, To: 3}, {At: at(4, 0), From: 3, To: 5}}, "3 -> 5 at 2026-12-05T10:04:00Z, 1m0s after the cooldown began, beyond the 3 computable from its base of 2"},
		{"scale-ins ignored", []activity{{At: at(3, 0), From: 2, To: 3}, {At: at(4, 0), From: 3, To: 2}, {At: at(7, 0), From: 2, To: 3}}, ""},
	}
	for _, tt := range tests {
		got := strings.Join(cooldownViolations(tt.acts, 180*time.Second, 70), "; ")
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
