// Package timeline is the single record of what a gameday experiment observed.
//
// Every probe, fault injector and checker appends typed events to one Log, and
// reports are rendered from the resulting file alone, so the file has to be
// both the durable evidence and a lossless encoding of the events. It is
// written as JSON Lines, one event per line, each line carrying the schema
// version:
//
//	{"v":1,"seq":1,"at":"2026-03-01T12:00:00.000000001Z","kind":"phase","data":{"name":"baseline","state":"started"}}
//
// Lines are written as events are appended, so a run that crashes still leaves
// every completed event readable; a line cut short by the crash is reported by
// Read rather than dropped, because silently losing the last observation could
// flip a verdict.
//
// Times are platform time: the target's clock, possibly scaled, supplied by
// the caller rather than read here. They are stored in UTC with any monotonic
// clock reading removed, which is what makes Read return events deep-equal to
// the ones Append returned; the instant is never changed, only its zone.
package timeline

import (
	"time"
)

// SchemaVersion is written on every line so that a reader can refuse a file it
// would otherwise misinterpret.
const SchemaVersion = 1

// Kind names the type of an event. It is derived from the payload, so an event
// can never claim one kind while carrying another kind's data.
type Kind string

// The kinds of event a timeline can hold. Their values are part of the file
// format.
const (
	KindPhase             Kind = "phase"
	KindFaultInjected     Kind = "fault.injected"
	KindFaultReverted     Kind = "fault.reverted"
	KindLoadWindow        Kind = "load.window"
	KindCapacitySample    Kind = "capacity.sample"
	KindScalingActivity   Kind = "scaling.activity"
	KindAlarmTransition   Kind = "alarm.transition"
	KindHealthCheckChange Kind = "healthcheck.change"
	KindDNSAnswer         Kind = "dns.answer"
	KindDataProbe         Kind = "data.probe"
	KindClockLag          Kind = "clock.lag"
	KindVerdict           Kind = "verdict"
)

// Payload is the typed data of an event. The set of payloads is closed: only
// the types in this package implement it, because Read must be able to decode
// every kind it may find in a file.
//
// The method is EventKind rather than Kind because Fault payloads already have
// a Kind field naming the kind of fault.
type Payload interface {
	EventKind() Kind
	// clone returns a copy sharing no maps or slices with the receiver and
	// with its times in UTC, so that the log's copy cannot be changed by the
	// caller and equals what Read will decode.
	clone() Payload
}

// Event is one observation on the timeline.
type Event struct {
	// Seq is assigned by the Log: 1 for the first event, then consecutive.
	Seq uint64
	// At is platform time, in UTC.
	At   time.Time
	Data Payload
}

// Kind reports the kind of the event's payload, or "" for an event without
// one.
func (e Event) Kind() Kind {
	if e.Data == nil {
		return ""
	}
	return e.Data.EventKind()
}

func (e Event) clone() Event {
	e.Data = e.Data.clone()
	return e
}

// Duration is a time.Duration that encodes as a Go duration string such as
// "3m0s", so timeline files stay readable. time.ParseDuration inverts
// time.Duration.String exactly, so nothing is lost.
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
