package resilience

import (
	"testing"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/gameday-sre/gameday/timeline"
)

func at(m, s int) time.Time { return time.Date(2026, 12, 5, 10, m, s, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

func TestStoppedBy(t *testing.T) {
	// Stopped through StopTask, by gameday or by FIS, whatever the reason.
	const user, scheduler = ecstypes.TaskStopCodeUserInitiated, ecstypes.TaskStopCodeServiceSchedulerInitiated
	task := func(code ecstypes.TaskStopCode, last string, stopping, stopped *time.Time) ecstypes.Task {
		return ecstypes.Task{StopCode: code, LastStatus: ptr(last), StoppingAt: stopping, StoppedAt: stopped}
	}
	tests := []struct {
		name  string
		tasks []ecstypes.Task
		n     int
		want  string
		ok    bool
	}{
		{"both stopped", []ecstypes.Task{task(user, "STOPPED", ptr(at(1, 0)), ptr(at(6, 30))), task(user, "STOPPED", ptr(at(1, 0)), ptr(at(6, 40)))}, 2, "10:06:40", true},
		{"one draining", []ecstypes.Task{task(user, "STOPPED", ptr(at(1, 0)), ptr(at(6, 30))), task(user, "DEACTIVATING", ptr(at(1, 0)), nil)}, 2, "", false},
		{"not yet seen stopping", []ecstypes.Task{task(user, "STOPPED", ptr(at(1, 0)), ptr(at(6, 30)))}, 2, "", false},
		{"older stops and the scheduler's ignored", []ecstypes.Task{
			task(user, "STOPPED", ptr(at(0, 0)), ptr(at(0, 30))),
			task(scheduler, "DEACTIVATING", ptr(at(2, 0)), nil),
			task(user, "STOPPED", ptr(at(1, 0)), ptr(at(3, 0))),
		}, 1, "10:03:00", true},
	}
	for _, tt := range tests {
		got, ok := stoppedBy(tt.tasks, at(1, 0), tt.n)
		if ok != tt.ok || (ok && got.Format(time.TimeOnly) != tt.want) {
			t.Errorf("%s: %s %v, want %s %v", tt.name, got.Format(time.TimeOnly), ok, tt.want, tt.ok)
		}
	}
}

// A window counts when any of it overlaps the span; windows are stamped
// at their end.
func TestLoadErrors(t *testing.T) {
	w := func(end time.Time, service string, requests int64, success float64, codes map[string]int) timeline.Event {
		return timeline.Event{At: end, Data: timeline.LoadWindow{Service: service, Requests: requests, Success: success, Duration: timeline.Duration(time.Minute), StatusCodes: codes}}
	}
	events := []timeline.Event{
		w(at(1, 0), "frontend", 100, 1, map[string]int{"200": 100}),
		w(at(2, 0), "frontend", 100, 0.9, map[string]int{"200": 90, "0": 10}),
		w(at(3, 0), "frontend", 100, 0.98, map[string]int{"200": 98, "502": 2}),
		w(at(3, 0), "api", 100, 0, map[string]int{"0": 100}),
		w(at(4, 0), "frontend", 100, 1, map[string]int{"200": 100}),
	}
	requests, failed, codes := loadErrors(events, "frontend", at(1, 30), at(2, 30))
	if requests != 200 || failed != 12 || codes["0"] != 10 || codes["502"] != 2 || codes["200"] != 188 {
		t.Errorf("got %d requests, %d failed, codes %v; want 200, 12 and the two windows' codes", requests, failed, codes)
	}
}
