package framework

import (
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

func TestOverThresholds(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	window := func(state timeline.State, requests int64, success float64, p99 time.Duration) timeline.Event {
		return timeline.Event{At: at, Data: timeline.LoadWindow{Service: "api", State: state, Requests: requests, Success: success, P99: timeline.Duration(p99)}}
	}
	sc := profile.StopConditions{MaxErrorRate: 0.05, MaxP99: 2 * time.Second}
	tests := []struct {
		name   string
		sc     profile.StopConditions
		events []timeline.Event
		want   string
	}{
		{"healthy load", sc, []timeline.Event{window(timeline.Finished, 100, 0.99, time.Second)}, ""},
		{"errors above the rate", sc, []timeline.Event{window(timeline.Finished, 100, 0.9, time.Second)},
			"stop condition: the load on api failed 10.0 % of 100 requests in the platform minute at 2026-12-01T08:00:00Z, above stopConditions.maxErrorRate 5.0 %"},
		{"p99 above the limit", sc, []timeline.Event{window(timeline.Finished, 100, 1, 3*time.Second)},
			"stop condition: the load on api had a p99 of 3s in the platform minute at 2026-12-01T08:00:00Z, above stopConditions.maxP99 2s"},
		{"a window still running is not judged", sc, []timeline.Event{window(timeline.Started, 100, 0, 3*time.Second)}, ""},
		{"a window without requests is not judged", sc, []timeline.Event{window(timeline.Finished, 0, 0, 0)}, ""},
		{"no thresholds", profile.StopConditions{}, []timeline.Event{window(timeline.Finished, 100, 0, time.Minute)}, ""},
	}
	for _, tt := range tests {
		if got := overThresholds(tt.sc, tt.events); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAbortReason(t *testing.T) {
	events := []timeline.Event{
		{Data: timeline.Phase{Name: "baseline", State: timeline.Started}},
		{Data: timeline.Phase{Name: AbortPhase, State: timeline.Started, Note: "stop condition: alarm X in ALARM"}},
		{Data: timeline.Phase{Name: AbortPhase, State: timeline.Started, Note: "later"}},
	}
	if got := AbortReason(events); !strings.Contains(got, "alarm X") {
		t.Errorf("AbortReason = %q, want the first abort's", got)
	}
	if got := AbortReason(events[:1]); got != "" {
		t.Errorf("AbortReason without an abort = %q", got)
	}
}
