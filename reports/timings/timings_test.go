package timings_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/reports/internal/runtest"
	"github.com/gameday-sre/gameday/reports/timings"
	"github.com/gameday-sre/gameday/timeline"
)

func events(es ...runtest.Event) []timeline.Event {
	out := make([]timeline.Event, len(es))
	for i, e := range es {
		out[i] = timeline.Event{Seq: uint64(i + 1), At: e.At, Data: e.Data}
	}
	return out
}

func ev(at time.Time, data timeline.Payload) runtest.Event { return runtest.Event{At: at, Data: data} }

func window(service string, success float64) timeline.LoadWindow {
	return timeline.LoadWindow{Service: service, Rate: 10, Duration: timeline.Duration(time.Minute), Requests: 600, Success: success, State: timeline.Finished}
}

func sample(service string, desired int) timeline.CapacitySample {
	return timeline.CapacitySample{Service: service, Desired: desired, Running: desired}
}

func TestMeasure(t *testing.T) {
	at := runtest.At
	fault := timeline.Fault{ID: "f1", Kind: "region-down", Target: "local", Params: map[string]string{"region": "us-east-1"}}
	activity := func(n int, when time.Time) timeline.ScalingActivity {
		return timeline.ScalingActivity{Description: fmt.Sprintf("Setting desired count to %d.", n), StatusCode: "Successful", StartTime: when, EndTime: when}
	}
	tests := []struct {
		name   string
		events []runtest.Event
		want   []string
	}{
		{"scale-out from the load's start to the activity that raised the count", []runtest.Event{
			ev(at(0, 30), sample("web", 2)),
			ev(at(2, 0), window("web", 1)), // the load began at 1:00
			ev(at(2, 10), sample("web", 2)),
			ev(at(3, 40), activity(3, at(3, 40))),
			ev(at(3, 50), sample("web", 3)),
			ev(at(6, 0), sample("web", 5)),
		}, []string{"first scale-out web: 2m40s [2 5 4]"}},
		{"scale-out from the sample where no activity is on the timeline", []runtest.Event{
			ev(at(1, 0), window("web", 1)),
			ev(at(1, 10), sample("web", 2)),
			ev(at(4, 0), sample("web", 4)),
		}, []string{"first scale-out web: 4m0s [1 3]"}},
		{"no scale-out under load that needed none", []runtest.Event{
			ev(at(1, 0), window("web", 1)),
			ev(at(1, 10), sample("web", 2)),
			ev(at(2, 10), sample("web", 2)),
		}, nil},
		{"an activity of another count does not move the moment", []runtest.Event{
			ev(at(1, 0), window("web", 1)),
			ev(at(1, 10), sample("web", 2)),
			ev(at(3, 0), activity(7, at(3, 0))),
			ev(at(3, 30), sample("web", 3)),
		}, []string{"first scale-out web: 3m30s [1 4]"}},
		{"failover detection: the first health-check change after the fault", []runtest.Event{
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 30), timeline.HealthCheckChange{HealthCheckID: "primary", From: "Healthy", To: "Unhealthy"}),
			ev(at(5, 0), timeline.HealthCheckChange{HealthCheckID: "primary", From: "Unhealthy", To: "Healthy"}),
		}, []string{"failover detection primary: 1m30s [1 2]"}},
		{"a health check change after the revert is not a detection", []runtest.Event{
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 0), timeline.FaultReverted(fault)),
			ev(at(2, 30), timeline.HealthCheckChange{HealthCheckID: "primary", From: "Healthy", To: "Unhealthy"}),
		}, nil},
		{"client recovery: the first clean window after one with errors", []runtest.Event{
			ev(at(1, 0), window("api", 1)),
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 0), window("api", 0.4)),
			ev(at(3, 0), window("api", 0.9)),
			ev(at(4, 0), window("api", 1)),
		}, []string{"client recovery region-down region=us-east-1: 2m0s [2 3 5]"}},
		{"the last window of an attack, cut short with requests in flight, is no failure", []runtest.Event{
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 0), window("web", 1)),
			ev(at(2, 40), timeline.LoadWindow{Service: "web", Duration: timeline.Duration(40 * time.Second), Requests: 13, Success: 0.85}),
			ev(at(3, 0), window("api", 1)),
		}, nil},
		{"clients recover when the failing service serves again, not another", []runtest.Event{
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 0), window("web", 0.2)),
			ev(at(2, 0), window("api", 1)),
			ev(at(3, 0), window("web", 1)),
		}, []string{"client recovery region-down region=us-east-1: 1m0s [1 2 4]"}},
		{"no recovery from a fault that cost nothing", []runtest.Event{
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 0), window("api", 1)),
		}, nil},
		{"a recovery belongs to the fault before it, not to an earlier one", []runtest.Event{
			ev(at(1, 0), timeline.FaultInjected(fault)),
			ev(at(2, 0), timeline.FaultInjected(timeline.Fault{ID: "f2", Kind: "latency", Target: "local"})),
			ev(at(3, 0), window("api", 0.5)),
			ev(at(4, 0), window("api", 1)),
		}, []string{"client recovery latency: 1m0s [2 3 4]"}},
		{"RPO: the largest lag per store", []runtest.Event{
			ev(at(1, 0), timeline.DataProbe{Store: "redis", Lag: timeline.Duration(300 * time.Millisecond), OK: true}),
			ev(at(2, 0), timeline.DataProbe{Store: "redis", Lag: timeline.Duration(2 * time.Second)}),
			ev(at(3, 0), timeline.DataProbe{Store: "mongo", Lag: timeline.Duration(time.Second), OK: true}),
			ev(at(4, 0), timeline.DataProbe{Store: "redis", Lag: timeline.Duration(time.Second), OK: true}),
		}, []string{"RPO redis: 2s [2]", "RPO mongo: 1s [3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range timings.Measure(events(tt.events...)) {
				got = append(got, fmt.Sprintf("%s %v", m, m.Evidence))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("timings %q, want %q", got, tt.want)
			}
		})
	}
}
