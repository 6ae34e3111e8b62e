// Package taskstats is a task's CPU accounting, shared with the ECS control
// plane through a memory-mapped file.
//
// Real ECS reads a task's CPU from the kernel's accounting of its
// container (the cgroup), never by asking the application. A sandbox task
// models its CPU rather than spending it (sandbox/task's capacity model),
// so the model's accounting is what ECS must read; the file holds it the
// way a cgroup's counters are held, in memory both sides map. The task
// writes on every request it admits, with plain memory stores; the
// control plane reads once a platform minute. Asking every task over HTTP
// instead woke 60 idle processes every real second at 60x, which cost
// more idle CPU than the rest of the tasks' work together.
//
// A record is written under a sequence lock: the writer makes the
// sequence odd, stores the fields and makes it even again; a reader
// retries until it read the same even sequence before and after the
// fields. One process writes a file; any number may read it.
package taskstats

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// The file's layout: native-endian eight-byte words at these offsets, both sides being on one machine.
const (
	offSeq     = 0
	offStarted = 8
	offFirst   = 16
	offWork    = 24
	offBooked  = 32
	size       = 40
)

// Record is a task's CPU accounting at one moment: what its capacity
// model has admitted so far.
type Record struct {
	// Started is when the task began to serve, with no CPU spent.
	Started time.Time
	// First is when the first request arrived; zero before one has.
	First time.Time
	// Work is the CPU cost, at the mean cost of each request, of every
	// request admitted so far, including what is not yet done.
	Work time.Duration
	// Booked is when a CPU working at that mean cost would be done with
	// everything admitted.
	Booked time.Time
}

// Busy is the CPU time spent up to now: work admitted but not yet done is
// left out, and a CPU cannot have been busy longer than since the first
// request.
func (r Record) Busy(now time.Time) time.Duration {
	if r.First.IsZero() {
		return 0
	}
	return min(now.Sub(r.First), max(0, r.Work-max(0, r.Booked.Sub(now))))
}

// Writer is the task's side of a stats file.
type Writer struct{ mem []byte }

// Create makes the stats file at path, recording started, and maps it for
// writing. Close unmaps it; the file stays for readers until removed.
func Create(path string, started time.Time) (*Writer, error) {
	mem, err := mapFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, syscall.PROT_READ|syscall.PROT_WRITE)
	if err != nil {
		return nil, err
	}
	w := &Writer{mem: mem}
	w.Store(Record{Started: started})
	return w, nil
}

// Store publishes r. Stores must not run concurrently: the caller
// serialises them, as the capacity model's lock does.
func (w *Writer) Store(r Record) {
	seq := word(w.mem, offSeq)
	seq.Add(1)
	word(w.mem, offStarted).Store(nanos(r.Started))
	word(w.mem, offFirst).Store(nanos(r.First))
	word(w.mem, offWork).Store(uint64(r.Work))
	word(w.mem, offBooked).Store(nanos(r.Booked))
	seq.Add(1)
}

// Close unmaps the file.
func (w *Writer) Close() error { return syscall.Munmap(w.mem) }

// ErrClosed is what Load returns once the Reader is closed.
var ErrClosed = errors.New("task stats: reader closed")

// Reader is the control plane's side of a stats file. It is safe for
// concurrent use, and Close may race with Load: a task's process can end
// while its minute is being measured.
type Reader struct {
	mu  sync.RWMutex
	mem []byte
}

// Open maps the stats file at path for reading.
func Open(path string) (*Reader, error) {
	mem, err := mapFile(path, os.O_RDONLY, syscall.PROT_READ)
	if err != nil {
		return nil, err
	}
	return &Reader{mem: mem}, nil
}

// Load reads the latest record, waiting out a store in progress.
func (r *Reader) Load() (Record, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.mem == nil {
		return Record{}, ErrClosed
	}
	seq := word(r.mem, offSeq)
	for {
		before := seq.Load()
		if before%2 == 1 {
			runtime.Gosched()
			continue
		}
		rec := Record{
			Started: fromNanos(word(r.mem, offStarted).Load()),
			First:   fromNanos(word(r.mem, offFirst).Load()),
			Work:    time.Duration(word(r.mem, offWork).Load()),
			Booked:  fromNanos(word(r.mem, offBooked).Load()),
		}
		if seq.Load() == before {
			return rec, nil
		}
	}
}

// Close unmaps the file; a second Close does nothing.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mem == nil {
		return nil
	}
	err := syscall.Munmap(r.mem)
	r.mem = nil
	return err
}

func mapFile(path string, flag, prot int) ([]byte, error) {
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("task stats: %w", err)
	}
	defer f.Close()
	if flag&os.O_CREATE != 0 {
		if err := f.Truncate(size); err != nil {
			return nil, fmt.Errorf("task stats: sizing %s: %w", path, err)
		}
	} else if fi, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("task stats: %w", err)
	} else if fi.Size() < size {
		return nil, fmt.Errorf("task stats: %s holds %d bytes, want %d: not a stats file", path, fi.Size(), size)
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, size, prot, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("task stats: mapping %s: %w", path, err)
	}
	return mem, nil
}

// word is the eight-byte word at off of a mapping: page-aligned, so every
// word is aligned as atomic operations need.
func word(mem []byte, off int) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Pointer(&mem[off]))
}

func nanos(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano())
}

func fromNanos(n uint64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n))
}
