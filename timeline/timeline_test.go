package timeline_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// base has nanoseconds and a non-UTC zone so that tests see both survive.
var base = time.Date(2026, 3, 1, 14, 30, 0, 123456789, time.FixedZone("CET", 3600))

// samples returns one payload of every kind, varied by n so that events from
// different writers differ.
func samples(n int) []timeline.Payload {
	at := base.Add(time.Duration(n) * time.Second)
	id := fmt.Sprint(n)
	return []timeline.Payload{
		timeline.Phase{Name: "fault-" + id, State: timeline.Started, Note: "note " + id},
		timeline.FaultInjected{ID: "f" + id, Kind: "ecs.stop-task", Target: "svc/api", Params: map[string]string{"count": id, "az": "eu-west-1a"}},
		timeline.FaultReverted{ID: "f" + id, Kind: "ecs.stop-task", Target: "svc/api", Params: map[string]string{}, Error: "revert " + id},
		timeline.LoadWindow{
			Target: "https://api.example.test/health?n=" + id, Rate: 12.5 + float64(n)/3, Duration: timeline.Duration(3 * time.Minute),
			State: timeline.Finished, Requests: int64(n) * 1000, Success: 0.9987,
			P50: timeline.Duration(12345678 + n), P90: timeline.Duration(90 * time.Millisecond), P99: timeline.Duration(1500*time.Millisecond + 7),
		},
		timeline.CapacitySample{Service: "api-" + id, Desired: n % 10, Running: 3, Pending: 1},
		timeline.ScalingActivity{
			ActivityID: "act-" + id, ResourceID: "service/cluster/api", Cause: "alarm high cpu", Description: "Setting desired count to 6",
			StatusCode: "InProgress", StartTime: at,
		},
		timeline.AlarmTransition{Alarm: "api-cpu-high-" + id, From: "OK", To: "ALARM", Reason: "Threshold Crossed"},
		timeline.HealthCheckChange{HealthCheckID: "hc-" + id, From: "Healthy", To: "Unhealthy", HealthyCheckers: 2, Checkers: 16},
		timeline.DNSAnswerChange{Name: "api.example.test.", Type: "A", From: []string{"10.0.0.1", "10.0.0." + id}, To: []string{}, TTL: 60},
		timeline.DataProbe{Store: "redis", Probe: "write-read-" + id, Written: int64(n), Lost: 0, Lag: timeline.Duration(250 * time.Millisecond), OK: true},
		timeline.ClockLag{Spec: "scaling.api." + id, Minute: at.Truncate(time.Minute), Late: timeline.Duration(13 * time.Second), Bound: timeline.Duration(12 * time.Second)},
		timeline.Verdict{
			Spec: "scale out within 3m " + id, RunbookRef: "RB-4.2", Expected: "desired count rises within 3m of alarm",
			WindowStart: at, WindowEnd: at.Add(3 * time.Minute), Observed: "desired 3 -> 6", ObservedAt: at.Add(time.Minute + 1), Status: timeline.Passed,
		},
	}
}

func TestConcurrentWritersRoundTrip(t *testing.T) {
	const writers, perWriter = 8, 200
	path := filepath.Join(t.TempDir(), "timeline.jsonl")
	log, err := timeline.Create(path)
	if err != nil {
		t.Fatal(err)
	}

	returned := make([][]timeline.Event, writers)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range perWriter {
				kinds := samples(g*perWriter + i)
				p := kinds[i%len(kinds)]
				ev, err := log.Append(base.Add(time.Duration(g*perWriter+i)*time.Nanosecond), p)
				if err != nil {
					t.Errorf("writer %d append %d: %v", g, i, err)
					return
				}
				returned[g] = append(returned[g], ev)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	inMemory := log.Events()
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}

	read, err := timeline.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const n = writers * perWriter
	if len(read) != n {
		t.Fatalf("read %d events, want %d", len(read), n)
	}
	// Read rejects out-of-order seqs, so this also shows lines are in Seq order.
	for i, ev := range read {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("line %d has seq %d", i+1, ev.Seq)
		}
	}
	seen := make(map[uint64]bool, n)
	for g, evs := range returned {
		var prev uint64
		for _, want := range evs {
			if seen[want.Seq] {
				t.Fatalf("seq %d returned twice", want.Seq)
			}
			seen[want.Seq] = true
			if want.Seq <= prev {
				t.Errorf("writer %d got seq %d after %d", g, want.Seq, prev)
			}
			prev = want.Seq
			if got := read[want.Seq-1]; !reflect.DeepEqual(got, want) {
				t.Errorf("seq %d:\nread     %#v\nappended %#v", want.Seq, got, want)
			}
		}
	}
	if !reflect.DeepEqual(inMemory, read) {
		t.Error("Events() differs from what was read back")
	}
}

func TestEachKindRoundTrips(t *testing.T) {
	all := samples(7)
	extra := []timeline.Payload{
		// nil and empty must stay distinct.
		timeline.FaultInjected{ID: "nil-params"},
		timeline.DNSAnswerChange{Name: "nil.example.test.", Type: "AAAA"},
		timeline.ScalingActivity{ActivityID: "done", StartTime: base, EndTime: base.Add(90*time.Second + 1)},
		timeline.Verdict{Spec: "no window", Observed: "nothing", Status: timeline.Failed},
		timeline.LoadWindow{Duration: timeline.Duration(math.MinInt64), P99: timeline.Duration(math.MaxInt64), Rate: -0.1, Success: 1},
	}
	wantKinds := []timeline.Kind{
		timeline.KindPhase, timeline.KindFaultInjected, timeline.KindFaultReverted, timeline.KindLoadWindow,
		timeline.KindCapacitySample, timeline.KindScalingActivity, timeline.KindAlarmTransition,
		timeline.KindHealthCheckChange, timeline.KindDNSAnswer, timeline.KindDataProbe, timeline.KindClockLag, timeline.KindVerdict,
		timeline.KindFaultInjected, timeline.KindDNSAnswer, timeline.KindScalingActivity, timeline.KindVerdict,
		timeline.KindLoadWindow,
	}
	for i, p := range append(all, extra...) {
		t.Run(fmt.Sprintf("%d-%s", i, p.EventKind()), func(t *testing.T) {
			var buf bytes.Buffer
			log := timeline.New(&buf)
			ev, err := log.Append(base, p)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind() != wantKinds[i] {
				t.Errorf("kind %q, want %q", ev.Kind(), wantKinds[i])
			}
			if !ev.At.Equal(base) || ev.At.Location() != time.UTC {
				t.Errorf("At = %v, want %v in UTC", ev.At, base)
			}
			line := buf.String()
			if !strings.HasPrefix(line, `{"v":1,"seq":1,"at":"2026-03-01T13:30:00.123456789Z","kind":"`+string(wantKinds[i])+`","data":{`) {
				t.Errorf("unexpected line %s", line)
			}
			read, err := timeline.Read(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if len(read) != 1 || !reflect.DeepEqual(read[0], ev) {
				t.Fatalf("read back\n%#v\nwant\n%#v", read, ev)
			}
			// What went in, once normalised to UTC, is what came out.
			if !reflect.DeepEqual(normaliseTimes(p), read[0].Data) {
				t.Errorf("payload\n%#v\nwant\n%#v", read[0].Data, p)
			}
		})
	}
}

func normaliseTimes(p timeline.Payload) timeline.Payload {
	switch v := p.(type) {
	case timeline.ScalingActivity:
		v.StartTime, v.EndTime = v.StartTime.UTC(), v.EndTime.UTC()
		return v
	case timeline.Verdict:
		v.WindowStart, v.WindowEnd, v.ObservedAt = v.WindowStart.UTC(), v.WindowEnd.UTC(), v.ObservedAt.UTC()
		return v
	case timeline.ClockLag:
		v.Minute = v.Minute.UTC()
		return v
	}
	return p
}

func TestFormat(t *testing.T) {
	var buf bytes.Buffer
	log := timeline.New(&buf)
	at := time.Date(2026, 3, 1, 12, 0, 0, 1, time.UTC)
	if _, err := log.Append(at, timeline.Phase{Name: "baseline", State: timeline.Started}); err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append(at.Add(time.Minute), timeline.DataProbe{Store: "mongo", Probe: "majority", Written: 10, Lag: timeline.Duration(3 * time.Minute), OK: true}); err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"seq":1,"at":"2026-03-01T12:00:00.000000001Z","kind":"phase","data":{"name":"baseline","state":"started"}}
{"v":1,"seq":2,"at":"2026-03-01T12:01:00.000000001Z","kind":"data.probe","data":{"store":"mongo","probe":"majority","written":10,"lost":0,"lag":"3m0s","ok":true}}
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestReadErrors(t *testing.T) {
	var buf bytes.Buffer
	log := timeline.New(&buf)
	for i, p := range samples(1)[:3] {
		if _, err := log.Append(base.Add(time.Duration(i)), p); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	l1, l2, l3 := lines[0], lines[1], lines[2]

	tests := []struct {
		name  string
		input string
		line  int
		is    error
		msg   string
	}{
		{"unknown kind", l1 + strings.Replace(l2, `"kind":"fault.injected"`, `"kind":"fault.exploded"`, 1), 2, timeline.ErrUnknownKind, `unknown kind "fault.exploded"`},
		{"newer version", strings.Replace(l1, `"v":1`, `"v":2`, 1), 1, timeline.ErrUnsupportedVersion, "unsupported schema version 2"},
		{"missing version", l1 + l2 + strings.Replace(l3, `"v":1,`, ``, 1), 3, timeline.ErrUnsupportedVersion, "version 0"},
		{"malformed JSON", l1 + l2 + `{"v":1,"seq":3,` + "\n", 3, nil, "line 3"},
		{"blank line", l1 + "\n" + l2, 2, nil, "line 2"},
		{"truncated last line", l1 + l2 + l3[:len(l3)/2], 3, timeline.ErrTruncated, "truncated"},
		{"complete JSON without newline", l1 + strings.TrimSuffix(l2, "\n"), 2, timeline.ErrTruncated, "truncated"},
		{"seq gap", l1 + l3, 2, timeline.ErrSequence, "seq 3, want 2"},
		{"unknown data field", strings.Replace(l1, `"data":{`, `"data":{"colour":"red",`, 1), 1, nil, "colour"},
		{"null data", l1 + l2[:strings.Index(l2, `"data":`)] + `"data":null}` + "\n", 2, nil, "fault.injected event has no data"},
		{"missing data", l1 + l2[:strings.Index(l2, `,"data":`)] + "}\n", 2, nil, "fault.injected event has no data"},
		{"wrong data type", strings.Replace(l1, `"state":"started"`, `"state":7`, 1), 1, nil, "phase data"},
		{"bad duration", strings.Replace(encode(t, timeline.DataProbe{Lag: 1}), `"1ns"`, `"soon"`, 1), 1, nil, "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := timeline.Read(strings.NewReader(tt.input))
			var le *timeline.LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			if le.Line != tt.line {
				t.Errorf("error names line %d, want %d: %v", le.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d:", tt.line)) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks line %d or %q", err, tt.line, tt.msg)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if len(events) != tt.line-1 {
				t.Errorf("got %d events before the bad line, want %d", len(events), tt.line-1)
			}
		})
	}
}

func encode(t *testing.T, p timeline.Payload) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := timeline.New(&buf).Append(base, p); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestReadFileNamesPathAndLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crashed.jsonl")
	full := encode(t, timeline.Phase{Name: "fault", State: timeline.Started})
	if err := os.WriteFile(path, []byte(full+full[:20]), 0o644); err != nil {
		t.Fatal(err)
	}
	events, err := timeline.ReadFile(path)
	if !errors.Is(err, timeline.ErrTruncated) || !strings.Contains(err.Error(), path+": timeline: line 2:") {
		t.Fatalf("got %v", err)
	}
	if len(events) != 1 {
		t.Errorf("got %d events, want the 1 before the truncated line", len(events))
	}
}

func TestAppendAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	log, err := timeline.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append(base, timeline.Phase{Name: "baseline", State: timeline.Started}); err != nil {
		t.Fatal(err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append(base, timeline.Phase{Name: "late", State: timeline.Started}); !errors.Is(err, timeline.ErrClosed) {
		t.Errorf("Append after Close: got %v, want ErrClosed", err)
	}
	if err := log.Close(); !errors.Is(err, timeline.ErrClosed) {
		t.Errorf("second Close: got %v, want ErrClosed", err)
	}
	events, err := timeline.ReadFile(path)
	if err != nil || len(events) != 1 {
		t.Errorf("file has %d events, err %v; want 1", len(events), err)
	}
}

func TestOpenContinues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	log, err := timeline.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := log.Append(base, timeline.Phase{Name: "baseline", State: timeline.Started})
	if err != nil {
		t.Fatal(err)
	}
	log.Close()

	log, err = timeline.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := log.Append(base.Add(time.Second), timeline.Phase{Name: "baseline", State: timeline.Finished})
	if err != nil {
		t.Fatal(err)
	}
	if second.Seq != 2 {
		t.Errorf("seq %d after reopening, want 2", second.Seq)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	read, err := timeline.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []timeline.Event{first, second}; !reflect.DeepEqual(read, want) {
		t.Errorf("read %#v, want %#v", read, want)
	}
}

func TestOpenRefusesTruncatedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	full := encode(t, timeline.Phase{Name: "fault", State: timeline.Started})
	if err := os.WriteFile(path, []byte(full[:10]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := timeline.Open(path); !errors.Is(err, timeline.ErrTruncated) {
		t.Errorf("got %v, want ErrTruncated", err)
	}
}

func TestRejectedAppendsUseNoSeq(t *testing.T) {
	var buf bytes.Buffer
	log := timeline.New(&buf)
	var nilPhase *timeline.Phase
	for _, p := range []timeline.Payload{nil, nilPhase, timeline.LoadWindow{Rate: math.NaN()}} {
		if _, err := log.Append(base, p); err == nil {
			t.Errorf("Append(%#v) succeeded", p)
		}
	}
	if _, err := log.Append(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), timeline.Phase{Name: "far"}); err == nil {
		t.Error("Append with year 10000 succeeded")
	}
	ev, err := log.Append(base, &timeline.Phase{Name: "by pointer", State: timeline.Started})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Seq != 1 {
		t.Errorf("seq %d, want 1", ev.Seq)
	}
	if _, ok := ev.Data.(timeline.Phase); !ok {
		t.Errorf("stored %T, want timeline.Phase as Read returns", ev.Data)
	}
	if read, err := timeline.Read(&buf); err != nil || len(read) != 1 {
		t.Errorf("read %d events, err %v; want 1", len(read), err)
	}
}

type failingWriter struct{ writes int }

func (w *failingWriter) Write(b []byte) (int, error) {
	w.writes++
	if w.writes > 1 {
		return len(b) / 2, errors.New("disk full")
	}
	return len(b), nil
}

func TestWriteFailureStopsLog(t *testing.T) {
	w := &failingWriter{}
	log := timeline.New(w)
	if _, err := log.Append(base, timeline.Phase{Name: "a", State: timeline.Started}); err != nil {
		t.Fatal(err)
	}
	if _, err := log.Append(base, timeline.Phase{Name: "b", State: timeline.Started}); err == nil {
		t.Fatal("failed write not reported")
	}
	if _, err := log.Append(base, timeline.Phase{Name: "c", State: timeline.Started}); err == nil || w.writes != 2 {
		t.Errorf("append after failed write: err %v, %d writes; want error and no write", err, w.writes)
	}
	if got := len(log.Events()); got != 1 {
		t.Errorf("%d events in log, want 1", got)
	}
}

func TestEventsIsACopy(t *testing.T) {
	log := timeline.New(&bytes.Buffer{})
	params := map[string]string{"count": "1"}
	returned, err := log.Append(base, timeline.FaultInjected{ID: "f", Params: params})
	if err != nil {
		t.Fatal(err)
	}
	params["count"] = "changed by caller"
	returned.Data.(timeline.FaultInjected).Params["count"] = "changed via returned event"
	events := log.Events()
	events[0].Data.(timeline.FaultInjected).Params["count"] = "changed via Events"
	events[0].Seq = 99
	if got := log.Events()[0]; got.Seq != 1 || got.Data.(timeline.FaultInjected).Params["count"] != "1" {
		t.Errorf("log changed through a copy: %#v", got)
	}
}

func TestDurationText(t *testing.T) {
	for _, d := range []time.Duration{0, 1, -1, 999, time.Microsecond + 1, 1500 * time.Millisecond, 3 * time.Minute,
		time.Hour + 2*time.Minute + 3*time.Second + 4, 1<<53 + 1, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		b, err := timeline.Duration(d).MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got timeline.Duration
		if err := got.UnmarshalText(b); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if time.Duration(got) != d {
			t.Errorf("%s read back as %d, want %d", b, int64(got), int64(d))
		}
	}
}
