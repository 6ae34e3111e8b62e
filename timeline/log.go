package timeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"time"
)

// ErrClosed is returned by Append and Close on a closed Log.
var ErrClosed = errors.New("timeline: log closed")

// Log is an append-only timeline that writes each event as it is appended.
// It is safe for concurrent use; the mutex is held across the write so lines
// appear in Seq order.
type Log struct {
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer // nil when the caller owns w
	events []Event
	closed bool
	// failed is the first write error. A failed write may have left part of a
	// line behind, and anything appended after it would be unreadable, so the
	// log takes no more events.
	failed error
}

// New returns a Log writing to w. Each event is one Write call, so if w is
// unbuffered (an *os.File, say) a crash loses at most the event being
// written. Close does not close w.
func New(w io.Writer) *Log {
	return &Log{w: w}
}

// Create creates or truncates the named file, as os.Create does, and returns
// a Log writing to it. Close closes the file.
func Create(path string) (*Log, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &Log{w: f, closer: f}, nil
}

// Open opens an existing timeline file to continue it, as when a run is
// resumed: the events already in it are loaded and numbering carries on after
// them. A file that Read rejects, including one whose last line was cut
// short, is not opened, since appending would bury the damage mid-file.
// Close closes the file.
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	events, err := Read(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Log{w: f, closer: f, events: events}, nil
}

// Append records p at platform time at and returns the stored event. The
// event is in the log only if the error is nil: a payload that cannot be
// encoded (a NaN rate, a time beyond year 9999) is refused without using up a
// Seq, and after a failed write the log refuses every later event.
func (l *Log) Append(at time.Time, p Payload) (Event, error) {
	if p == nil || isNilPointer(p) {
		return Event{}, errors.New("timeline: nil payload")
	}
	p = p.clone()
	data, err := json.Marshal(p)
	if err != nil {
		return Event{}, fmt.Errorf("timeline: encode %s: %w", p.EventKind(), err)
	}
	at = at.UTC()

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Event{}, ErrClosed
	}
	if l.failed != nil {
		return Event{}, fmt.Errorf("timeline: log unusable after failed write: %w", l.failed)
	}
	ev := Event{Seq: uint64(len(l.events)) + 1, At: at, Data: p}
	b, err := encodeLine(ev.Seq, at, p.EventKind(), data)
	if err != nil {
		return Event{}, fmt.Errorf("timeline: encode %s: %w", p.EventKind(), err)
	}
	if _, err := l.w.Write(b); err != nil {
		l.failed = err
		return Event{}, fmt.Errorf("timeline: write seq %d: %w", ev.Seq, err)
	}
	l.events = append(l.events, ev)
	return ev.clone(), nil
}

// isNilPointer catches a nil *Phase and the like, which satisfy Payload
// through their value methods but would panic when used.
func isNilPointer(p Payload) bool {
	v := reflect.ValueOf(p)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Events returns a copy of the events appended so far, including those loaded
// by Open. Changing it does not change the log.
func (l *Log) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Event, len(l.events))
	for i, ev := range l.events {
		out[i] = ev.clone()
	}
	return out
}

// Close stops the log taking events and closes the file opened by Create or
// Open. Closing twice returns ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.closed = true
	if l.closer != nil {
		return l.closer.Close()
	}
	return nil
}
