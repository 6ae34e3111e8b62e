package timeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Errors wrapped by a *LineError, for callers that need to tell the causes
// apart.
var (
	ErrUnsupportedVersion = errors.New("unsupported schema version")
	ErrUnknownKind        = errors.New("unknown kind")
	// ErrTruncated means the last line has no newline: the writer stopped in
	// the middle of an event.
	ErrTruncated = errors.New("truncated line: missing newline")
	// ErrSequence means the seq values are not 1, 2, 3...; the file was
	// edited, or written by more than one Log.
	ErrSequence = errors.New("sequence out of order")
)

// LineError reports why a line of a timeline could not be read.
type LineError struct {
	// Line is 1-based.
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("timeline: line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// line is the on-disk form of an event. Field order is the order written.
type line struct {
	V    int             `json:"v"`
	Seq  uint64          `json:"seq"`
	At   time.Time       `json:"at"`
	Kind Kind            `json:"kind"`
	Data json.RawMessage `json:"data"`
}

var decoders = map[Kind]func([]byte) (Payload, error){
	KindPhase:             decodePayload[Phase],
	KindFaultInjected:     decodePayload[FaultInjected],
	KindFaultReverted:     decodePayload[FaultReverted],
	KindLoadWindow:        decodePayload[LoadWindow],
	KindCapacitySample:    decodePayload[CapacitySample],
	KindScalingActivity:   decodePayload[ScalingActivity],
	KindAlarmTransition:   decodePayload[AlarmTransition],
	KindHealthCheckChange: decodePayload[HealthCheckChange],
	KindDNSAnswer:         decodePayload[DNSAnswerChange],
	KindDataProbe:         decodePayload[DataProbe],
	KindClockLag:          decodePayload[ClockLag],
	KindVerdict:           decodePayload[Verdict],
}

func decodePayload[T Payload](b []byte) (Payload, error) {
	var p T
	if err := unmarshalStrict(b, &p); err != nil {
		return nil, err
	}
	// Normalises times that a hand-edited file may give with an offset.
	return p.clone(), nil
}

// unmarshalStrict rejects fields it does not know, because ignoring them would
// make a read lossy without saying so.
func unmarshalStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after JSON value")
	}
	return nil
}

func encodeLine(seq uint64, at time.Time, kind Kind, data []byte) ([]byte, error) {
	b, err := json.Marshal(line{V: SchemaVersion, Seq: seq, At: at, Kind: kind, Data: data})
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func decodeLine(b []byte) (Event, error) {
	// The version is checked on its own first so that a newer file is reported
	// as such, not as a pile of unknown fields.
	var head struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Event{}, err
	}
	if head.V != SchemaVersion {
		return Event{}, fmt.Errorf("%w %d", ErrUnsupportedVersion, head.V)
	}
	var l line
	if err := unmarshalStrict(b, &l); err != nil {
		return Event{}, err
	}
	decode, ok := decoders[l.Kind]
	if !ok {
		return Event{}, fmt.Errorf("%w %q", ErrUnknownKind, l.Kind)
	}
	if len(l.Data) == 0 || string(l.Data) == "null" {
		return Event{}, fmt.Errorf("%s event has no data", l.Kind)
	}
	p, err := decode(l.Data)
	if err != nil {
		return Event{}, fmt.Errorf("%s data: %w", l.Kind, err)
	}
	return Event{Seq: l.Seq, At: l.At.UTC(), Data: p}, nil
}

// Read decodes a timeline. On error it also returns the events before the
// offending line, which after a crash are everything that was recorded.
func Read(r io.Reader) ([]Event, error) {
	br := bufio.NewReader(r)
	var events []Event
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		switch {
		case err == io.EOF && len(b) == 0:
			return events, nil
		case err == io.EOF:
			return events, &LineError{Line: n, Err: ErrTruncated}
		case err != nil:
			return events, &LineError{Line: n, Err: err}
		}
		ev, err := decodeLine(b)
		if err != nil {
			return events, &LineError{Line: n, Err: err}
		}
		if want := uint64(len(events)) + 1; ev.Seq != want {
			return events, &LineError{Line: n, Err: fmt.Errorf("%w: seq %d, want %d", ErrSequence, ev.Seq, want)}
		}
		events = append(events, ev)
	}
}

// ReadFile reads the timeline in the named file, as Read does.
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	events, err := Read(f)
	if err != nil {
		return events, fmt.Errorf("%s: %w", path, err)
	}
	return events, nil
}
