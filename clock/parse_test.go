package clock_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

func TestParseStart(t *testing.T) {
	t.Parallel()
	wed := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) // a Wednesday
	// Tuesday evening in UTC-8 is already Wednesday 04:00 UTC.
	tueLocal := time.Date(2026, 11, 24, 20, 0, 0, 0, time.FixedZone("UTC-8", -8*3600))

	tests := []struct {
		in   string
		now  time.Time
		want time.Time
	}{
		{"2026-11-30T07:59:00Z", wed, refStart},
		{"2026-11-30T08:59:00+01:00", wed, refStart},
		{"2026-11-30T07:59:00.25Z", wed, refStart.Add(250 * time.Millisecond)},
		{"  2026-11-30T07:59:00Z\n", wed, refStart},
		{"Mon 07:59", wed, refStart},
		{"Monday 07:59", wed, refStart},
		{"MONDAY 7:59", wed, refStart},
		{"mon  07:59", wed, refStart},
		{"Wed 12:00", wed, wed},
		{"Wed 12:01", wed, time.Date(2026, 11, 25, 12, 1, 0, 0, time.UTC)},
		{"Wed 11:59", wed, time.Date(2026, 12, 2, 11, 59, 0, 0, time.UTC)},
		{"Wed 12:00", wed.Add(time.Nanosecond), time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)},
		{"Tue 00:00", wed, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"Sun 23:59", wed, time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC)},
		{"Wed 05:00", tueLocal, time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC)},
		{"Tue 21:00", tueLocal, time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := clock.ParseStart(tt.in, tt.now)
			if err != nil {
				t.Fatalf("ParseStart(%q, %v): %v", tt.in, tt.now, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseStart(%q, %v) = %v, want %v", tt.in, tt.now, got, tt.want)
			}
			if len(strings.Fields(tt.in)) == 2 && got.Location() != time.UTC {
				t.Errorf("weekday form returned location %v, want UTC", got.Location())
			}
		})
	}
}

func TestParseStartErrors(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"",
		"   ",
		"Mon",
		"07:59",
		"Mon 25:00",
		"Mon 07:60",
		"Mon 0759",
		"Funday 07:59",
		"Mo 07:59",
		"Mon 07:59 UTC",
		"2026-13-01T00:00:00Z",
		"2026-11-30T07:59:00",
		"2026-11-30 07:59:00",
	} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			got, err := clock.ParseStart(in, now)
			if err == nil {
				t.Fatalf("ParseStart(%q) = %v, want error", in, got)
			}
			msg := err.Error()
			for _, want := range []string{strconv.Quote(in), "RFC 3339", "Mon 07:59", "Monday 07:59"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}
