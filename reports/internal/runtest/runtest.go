// Package runtest gives the reports' tests their run folders: the
// recorded one (a real game day against the sandbox, kept in
// reports/testdata/run) and a synthetic one holding every kind of
// timeline event, for what no recorded run has yet (alarm transitions,
// health checks, DNS answers, data probes, a failure, a skip).
package runtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/timeline"
)

// Recorded is the recorded run folder.
func Recorded() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "run")
}

// Read reads a run folder or fails the test.
func Read(t testing.TB, dir string) *folder.Folder {
	t.Helper()
	f, err := folder.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Start is the synthetic run's platform start.
var Start = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// At is the synthetic run's platform time m minutes and s seconds in.
func At(m, s int) time.Time {
	return Start.Add(time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// Event is an event of a synthetic timeline before it is numbered.
type Event struct {
	At   time.Time
	Data timeline.Payload
}

// Synthetic writes a run folder with every kind of event into a temporary
// directory: a failover experiment (region down: health check, DNS
// answer, clients failing then recovering, an alarm, replication probes)
// whose client-recovery spec fails, and a skipped data experiment.
func Synthetic(t testing.TB) string {
	t.Helper()
	lw := func(success float64) timeline.LoadWindow {
		codes := map[string]int{"200": int(60 * success)}
		if success < 1 {
			codes["503"] = 60 - int(60*success)
		}
		return timeline.LoadWindow{Service: "api", Target: "http://127.0.1.1:8080/", Planned: 1, Rate: 1, Duration: timeline.Duration(time.Minute),
			State: timeline.Finished, Requests: 60, Success: success, P50: timeline.Duration(40 * time.Millisecond),
			P90: timeline.Duration(90 * time.Millisecond), P99: timeline.Duration(150 * time.Millisecond), StatusCodes: codes}
	}
	fault := timeline.Fault{ID: "f-1", Kind: "region-down", Target: "local", Params: map[string]string{"region": "us-east-1"}}
	events := []Event{
		{At(0, 0), timeline.Phase{Name: "failover", State: timeline.Started}},
		{At(0, 5), timeline.CapacitySample{Service: "api", Desired: 2, Running: 2}},
		{At(1, 0), lw(1)},
		{At(1, 0), timeline.FaultInjected(fault)},
		{At(1, 30), timeline.HealthCheckChange{HealthCheckID: "primary", From: "Healthy", To: "Unhealthy", HealthyCheckers: 1, Checkers: 8}},
		{At(1, 40), timeline.AlarmTransition{Alarm: "HealthCheckFailed", From: "OK", To: "ALARM", Reason: "Threshold Crossed"}},
		{At(1, 45), timeline.DNSAnswerChange{Name: "api.example.com", Type: "A", From: []string{"127.0.1.1"}, To: []string{"127.0.2.1"}, TTL: 60}},
		{At(2, 0), lw(0.5)},
		{At(2, 10), timeline.DataProbe{Store: "redis", Probe: "write-read", Written: 100, Lost: 0, Lag: timeline.Duration(800 * time.Millisecond), OK: true}},
		{At(2, 20), timeline.DataProbe{Store: "redis", Probe: "write-read", Written: 100, Lost: 2, Lag: timeline.Duration(1500 * time.Millisecond), OK: false, Detail: "2 keys missing on the replica"}},
		{At(3, 0), lw(1)},
		{At(3, 10), timeline.Verdict{Spec: "failover.api.detection", RunbookRef: "Route 53 Health Check Configuration", Expected: "unhealthy within 3 x 30s",
			WindowStart: At(1, 30), WindowEnd: At(2, 30), Observed: "unhealthy 30s after the region went down", ObservedAt: At(1, 30),
			Status: timeline.Passed, Labels: []string{"failover", "behaviour", "disruptive"}}},
		{At(4, 0), timeline.FaultReverted(fault)},
		{At(4, 30), timeline.AlarmTransition{Alarm: "HealthCheckFailed", From: "ALARM", To: "OK"}},
		{At(4, 40), timeline.Verdict{Spec: "failover.api.client-recovery", RunbookRef: "Failover Configuration", Expected: "clients served again within 1m",
			WindowStart: At(1, 0), WindowEnd: At(2, 0), Observed: "served again 2m after the region went down", ObservedAt: At(3, 0),
			Status: timeline.Failed, Labels: []string{"failover", "behaviour", "disruptive"}, Message: "clients were served again at 10:03:00, after the window closed at 10:02:00"}},
		{At(5, 0), timeline.Verdict{Spec: "data.mongo.rpo", RunbookRef: "Data Replication Strategy", Expected: "RPO < 5m", Status: timeline.Skipped,
			Labels: []string{"data", "behaviour"}, Message: "requires mongodb (target local names no MongoDB endpoint, endpoints.mongo)"}},
		{At(5, 0), timeline.Phase{Name: "failover", State: timeline.Finished}},
	}
	dir := t.TempDir()
	Write(t, dir, events)
	spec := folder.Spec{Path: "fixtures/spec/platform.yaml", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
	m := folder.Manifest{ID: "20261201T100000Z", Target: "local", Version: "v0.0.0-test", Spec: spec, Suites: []string{"failover", "data"}, Scale: 60,
		Started: folder.Instant{Real: Start, Platform: Start}, Ended: folder.Instant{Real: Start.Add(5 * time.Second), Platform: At(5, 0)}}
	if err := folder.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Write writes events as dir's timeline.jsonl, numbered in order.
func Write(t testing.TB, dir string, events []Event) {
	t.Helper()
	tl, err := timeline.Create(filepath.Join(dir, folder.TimelineFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if _, err := tl.Append(e.At, e.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tl.Close(); err != nil {
		t.Fatal(err)
	}
}

// Copy copies the run folder src into a temporary directory.
func Copy(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}
