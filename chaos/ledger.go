package chaos

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// State is where a fault stands in the ledger.
type State string

// The states of a ledger entry. A fault is outstanding while its last line
// is injecting, injected or revert-failed.
const (
	// StateInjecting is written, and synced, before the injection starts.
	StateInjecting State = "injecting"
	// StateInjected: the fault is in place; the line says how to revert it.
	StateInjected State = "injected"
	// StateFailed: the injection failed and left nothing in place.
	StateFailed State = "failed"
	// StateReverted: the fault is over.
	StateReverted State = "reverted"
	// StateRevertFailed: reverting failed (Error says why); the fault may
	// still be in place.
	StateRevertFailed State = "revert-failed"
)

// Outstanding says whether a fault in this state may still be in place.
func (s State) Outstanding() bool {
	return s == StateInjecting || s == StateInjected || s == StateRevertFailed
}

// Entry is one line of the ledger: a fault as it stood at one moment. Each
// line repeats the whole entry, so the last line with an id is the fault's
// state.
type Entry struct {
	ID     string            `json:"id"`
	Run    string            `json:"run"`
	Target string            `json:"target"`
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params"`
	State  State             `json:"state"`
	// At is when this line was written, in the target's platform time;
	// Real is the machine's time.
	At   time.Time `json:"at"`
	Real time.Time `json:"real"`
	// InjectedAt is when the injection began, in platform time.
	InjectedAt time.Time `json:"injectedAt"`
	Undo       Undo      `json:"undo"`
	// Note says what the injection did; Error why it or its revert failed.
	Note  string `json:"note,omitempty"`
	Error string `json:"error,omitempty"`
	// PID is the process that wrote the line.
	PID int `json:"pid"`
	// Blast is what the fault takes out, where the ledger judged it
	// against the profile's limits.
	Blast *Blast `json:"blast,omitempty"`
}

// Spec is the fault the entry records.
func (e Entry) Spec() Spec {
	return Spec{Kind: e.Kind, Target: e.Target, Params: maps.Clone(e.Params), Undo: e.Undo}
}

func (e Entry) timeline() timeline.Fault {
	return timeline.Fault{ID: e.ID, Kind: e.Kind, Target: e.Target, Params: maps.Clone(e.Params), Error: e.Error}
}

// ErrBusy is returned by OpenLedger and RevertOutstanding for a ledger
// another process (or another Ledger in this one) holds open.
var ErrBusy = errors.New("ledger in use by another run")

// ErrClosed is returned for a write to a closed Ledger.
var ErrClosed = errors.New("ledger closed")

// Ledger is the faults one run injects, written to a JSON Lines file
// before each injection. It is safe for concurrent use. The file has one
// writer process at a time: OpenLedger locks it (flock) until Close, and
// a second OpenLedger of the same file fails with ErrBusy. Parallel test
// processes each need a ledger of their own.
type Ledger struct {
	path   string
	run    string
	token  string
	log    *slog.Logger
	limits *profile.Limits
	stop   Switch

	mu     sync.Mutex // guards the file, seq, faults, closed and halted
	f      *os.File
	seq    int
	faults []*Fault
	closed bool
	halted string
}

// Option configures a Ledger.
type Option func(*Ledger)

// WithRun names the run whose faults the ledger records (a CI job id, a
// timeline name). The default is "pid-" and the process id.
func WithRun(id string) Option { return func(l *Ledger) { l.run = id } }

// WithLimits makes Inject refuse a fault that would break the profile's
// blast-radius limits together with the faults in flight on its target
// (the ledger's outstanding entries), before anything is injected, and
// always a fault in a second region. Without it faults are not limited.
func WithLimits(lim profile.Limits) Option { return func(l *Ledger) { l.limits = &lim } }

// WithSwitch makes Inject refuse every fault while the kill switch is
// engaged.
func WithSwitch(s Switch) Option { return func(l *Ledger) { l.stop = s } }

// WithLogger receives what Guard does; the default is slog.Default().
func WithLogger(log *slog.Logger) Option { return func(l *Ledger) { l.log = log } }

// OpenLedger opens the ledger file at path to append to it, creating it
// (and its folder) if need be, and locks it. A last line cut short (the
// writer died inside a write, before the injection it announced began) is
// cut off.
func OpenLedger(path string, opts ...Option) (*Ledger, error) {
	token := make([]byte, 4)
	rand.Read(token)
	l := &Ledger{path: path, run: "pid-" + strconv.Itoa(os.Getpid()), token: hex.EncodeToString(token), log: slog.Default()}
	for _, o := range opts {
		o(l)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	if err := cutTornLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	l.f = f
	return l, nil
}

// cutTornLine truncates the file after its last newline.
func cutTornLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	const chunk = 4096
	end := st.Size()
	buf := make([]byte, chunk)
	for off := end; off > 0; {
		n := min(off, chunk)
		off -= n
		if _, err := f.ReadAt(buf[:n], off); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			if off+int64(i)+1 == end {
				return nil
			}
			return f.Truncate(off + int64(i) + 1)
		}
	}
	return f.Truncate(0)
}

// syncDir makes a newly created file's name durable. Best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Path is the ledger's file.
func (l *Ledger) Path() string { return l.path }

// Close releases the file. It reverts nothing: call RevertAll first, or
// leave the faults to RevertOutstanding.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return l.f.Close() // releases the lock
}

// write appends e as one line and syncs it to disk.
func (l *Ledger) write(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("ledger %s: encoding %s: %w", l.path, e.ID, err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("ledger %s: %w", l.path, ErrClosed)
	}
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("ledger %s: writing %s (%s): %w", l.path, e.ID, e.State, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("ledger %s: syncing %s (%s): %w", l.path, e.ID, e.State, err)
	}
	return nil
}

func (l *Ledger) nextID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	return l.token + "-" + strconv.Itoa(l.seq)
}

// stamp sets a line's state and times.
func stamp(e *Entry, s State, now func() time.Time) {
	e.State, e.At, e.Real, e.PID = s, now(), time.Now(), os.Getpid()
}

// Inject injects a fault: with limits (WithLimits), it first refuses one
// that would break them (a *LimitError, which names the limit); it writes
// the ledger entry (injecting), injects,
// writes what reverting takes (injected) and records FaultInjected on tl
// (which may be nil) at now (the target's clock; nil means time.Now). The
// fault's Revert undoes it. An unsupported fault (Checker) leaves no line;
// a failed injection leaves a failed line, or a revert-failed one if it
// wraps ErrLeftInPlace. If the ledger or the timeline cannot record the
// injected fault, the fault is reverted and the error returned.
func (l *Ledger) Inject(ctx context.Context, inj Injector, tl *timeline.Log, now func() time.Time) (*Fault, error) {
	if now == nil {
		now = time.Now
	}
	if c, ok := inj.(Checker); ok {
		if err := c.Supported(); err != nil {
			return nil, err
		}
	}
	spec := inj.Spec()
	if err := l.stopped(ctx, spec); err != nil {
		return nil, err
	}
	blast, err := l.judge(ctx, inj)
	if err != nil {
		return nil, err
	}
	params := maps.Clone(spec.Params)
	if params == nil {
		params = map[string]string{}
	}
	e := Entry{ID: l.nextID(), Run: l.run, Target: spec.Target, Kind: spec.Kind, Params: params, Undo: spec.Undo, Blast: blast}
	stamp(&e, StateInjecting, now)
	e.InjectedAt = e.At
	if err := l.write(e); err != nil {
		return nil, err
	}
	did, err := inj.Inject(ctx)
	if err != nil {
		e.Error = err.Error()
		state := StateFailed
		if errors.Is(err, ErrLeftInPlace) {
			state = StateRevertFailed
		}
		stamp(&e, state, now)
		return nil, errors.Join(fmt.Errorf("injecting %s: %w", spec, err), l.write(e))
	}
	if !did.Undo.IsZero() {
		e.Undo = did.Undo
	}
	maps.Copy(e.Params, did.Params)
	if did.Revert == nil {
		did.Revert = func(context.Context) error { return nil }
	}
	e.Note = did.Note
	stamp(&e, StateInjected, now)
	f := &Fault{l: l, entry: e, revert: did.Revert, ended: did.Ended, now: now, tl: tl, lock: make(chan struct{}, 1)}
	err = l.write(e)
	if err == nil && tl != nil {
		_, err = tl.Append(e.At, timeline.FaultInjected(e.timeline()))
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("recording %s: %w", spec, err), f.Revert(context.WithoutCancel(ctx)))
	}
	l.mu.Lock()
	l.faults = append(l.faults, f)
	halted := l.halted
	l.mu.Unlock()
	if halted != "" {
		// Halted while this fault went in: RevertAll may have missed it.
		return nil, errors.Join(refusal(spec, halted), f.Revert(context.WithoutCancel(ctx)))
	}
	return f, nil
}

// stopped refuses a fault while the kill switch is engaged or after Halt.
func (l *Ledger) stopped(ctx context.Context, spec Spec) error {
	l.mu.Lock()
	halted := l.halted
	l.mu.Unlock()
	if halted != "" {
		return refusal(spec, halted)
	}
	if l.stop == nil {
		return nil
	}
	if reason, on, _ := l.stop.Engaged(ctx); on {
		return refusal(spec, fmt.Sprintf("%s is engaged (%s)", l.stop, reason))
	}
	return nil
}

// Halt aborts the run's faults: every later Inject is refused with why,
// and every fault injected is reverted, newest first, as RevertAll.
func (l *Ledger) Halt(ctx context.Context, why string) error {
	l.mu.Lock()
	if l.halted == "" {
		l.halted = why
	}
	l.mu.Unlock()
	return l.RevertAll(ctx)
}

// judge checks a fault against the ledger's limits and returns its blast;
// a ledger without limits, or an injector that cannot say, judges nothing.
func (l *Ledger) judge(ctx context.Context, inj Injector) (*Blast, error) {
	s, ok := inj.(Scoped)
	if l.limits == nil || !ok {
		return nil, nil
	}
	spec := inj.Spec()
	b, err := s.Blast(ctx)
	if err != nil {
		return nil, fmt.Errorf("judging %s against the blast-radius limits: %w", spec, err)
	}
	open, err := Outstanding(l.path)
	if err != nil {
		return nil, err
	}
	var inFlight []Blast
	for _, e := range open {
		if e.Target == spec.Target && e.Blast != nil {
			inFlight = append(inFlight, *e.Blast)
		}
	}
	if err := CheckLimits(*l.limits, spec, b, inFlight); err != nil {
		return nil, err
	}
	return &b, nil
}

// RevertAll reverts every fault this ledger injected that is not reverted
// yet, newest first, and returns the errors of those it could not.
func (l *Ledger) RevertAll(ctx context.Context) error {
	l.mu.Lock()
	faults := slices.Clone(l.faults)
	l.mu.Unlock()
	var errs []error
	for _, f := range slices.Backward(faults) {
		errs = append(errs, f.Revert(ctx))
	}
	return errors.Join(errs...)
}

// Fault is an injected fault: a handle to revert it.
type Fault struct {
	l      *Ledger
	revert Revert
	ended  <-chan error
	now    func() time.Time
	tl     *timeline.Log

	lock     chan struct{} // held while reverting; a channel, to wait on a context
	reverted bool          // guarded by lock

	mu    sync.Mutex // guards entry
	entry Entry
}

// Ended receives how a fault that can end by itself ended (see
// Injected.Ended): an *Aborted when a stop condition stopped it. It is nil,
// and blocks for ever, for a fault that lasts until reverted.
func (f *Fault) Ended() <-chan error { return f.ended }

// ID is the fault's id in the ledger and on the timeline.
func (f *Fault) ID() string { return f.Entry().ID }

// Entry is the fault's latest ledger line.
func (f *Fault) Entry() Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.entry
	e.Params = maps.Clone(e.Params)
	return e
}

// Revert undoes the fault, writes the ledger line (reverted or
// revert-failed) and records FaultReverted. It is idempotent: once the
// fault is reverted, later calls do nothing and return nil; after a
// failure, a later call tries again. Concurrent calls wait for each other,
// or for ctx.
func (f *Fault) Revert(ctx context.Context) error {
	e := f.Entry()
	select {
	case f.lock <- struct{}{}:
	default: // another revert is under way: wait for it, or for ctx
		select {
		case f.lock <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("reverting %s %s: %w", e.Kind, e.ID, context.Cause(ctx))
		}
	}
	defer func() { <-f.lock }()
	if f.reverted {
		return nil
	}
	e = f.Entry()
	err := f.revert(ctx)
	e.Error = ""
	state := StateReverted
	if err != nil {
		err = fmt.Errorf("reverting %s %s: %w", e.Kind, e.ID, err)
		e.Error = err.Error()
		state = StateRevertFailed
	} else {
		f.reverted = true
	}
	stamp(&e, state, f.now)
	f.mu.Lock()
	f.entry = e
	f.mu.Unlock()
	werr := f.l.write(e)
	var terr error
	if f.tl != nil {
		_, terr = f.tl.Append(e.At, timeline.FaultReverted(e.timeline()))
	}
	return errors.Join(err, werr, terr)
}

// ReadLedger reads every line of the ledger at path, oldest first. A last
// line cut short is left out (its injection never began); a damaged line
// elsewhere is an error.
func ReadLedger(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var out []Entry
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			return out, nil // a line without its newline was cut short
		}
		if err != nil {
			return nil, fmt.Errorf("ledger %s: %w", path, err)
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("ledger %s line %d: %w", path, n, err)
		}
		out = append(out, e)
	}
}

// Outstanding lists the faults of the ledger at path that may still be in
// place (last line injecting, injected or revert-failed), in the order
// they were injected. A ledger that does not exist has none.
func Outstanding(path string) ([]Entry, error) {
	entries, err := ReadLedger(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return outstanding(entries), nil
}

func outstanding(entries []Entry) []Entry {
	last := map[string]int{}
	var order []string
	for i, e := range entries {
		if _, seen := last[e.ID]; !seen {
			order = append(order, e.ID)
		}
		last[e.ID] = i
	}
	var out []Entry
	for _, id := range order {
		if e := entries[last[id]]; e.State.Outstanding() {
			out = append(out, e)
		}
	}
	return out
}

// Held says whether a run holds the ledger at path open: its faults are
// that run's to revert.
func Held(path string) (bool, error) {
	l, err := OpenLedger(path)
	if errors.Is(err, ErrBusy) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return false, l.Close()
}

// Resolver says how to revert a ledger entry; Target.Undo is one. An
// error wrapping ErrOtherTarget leaves the entry outstanding, untouched.
type Resolver func(Entry) (Revert, error)

// RevertOutstanding reverts what runs left outstanding in the ledger at
// path, as `gameday revert` does: for each entry, resolve says how, and a
// reverted or revert-failed line is written at now (nil: time.Now). It
// returns the entries it reverted (their reverted lines), and the errors
// of those it could not revert, which stay outstanding. Entries whose
// sandbox fault id is known go first, newest first, then those whose
// injection never answered, newest first, so that matching the latter by
// kind and arguments cannot take a fault the former own. It locks the
// ledger: while a run holds it, it fails with ErrBusy.
func RevertOutstanding(ctx context.Context, path string, resolve Resolver, now func() time.Time) ([]Entry, error) {
	if now == nil {
		now = time.Now
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	l, err := OpenLedger(path)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	entries, err := Outstanding(path)
	if err != nil {
		return nil, err
	}
	unanswered := func(e Entry) bool { return e.Undo.Hook != nil && e.Undo.Hook.ID == "" }
	slices.Reverse(entries)
	slices.SortStableFunc(entries, func(a, b Entry) int { return boolInt(unanswered(a)) - boolInt(unanswered(b)) })
	var done []Entry
	var errs []error
	for _, e := range entries {
		revert, err := resolve(e)
		if errors.Is(err, ErrOtherTarget) {
			continue
		}
		if err == nil {
			err = revert(ctx)
		}
		e.Error = ""
		state := StateReverted
		if err != nil {
			err = fmt.Errorf("reverting %s %s: %w", e.Spec(), e.ID, err)
			e.Error, state = err.Error(), StateRevertFailed
			errs = append(errs, err)
		}
		stamp(&e, state, now)
		if werr := l.write(e); werr != nil {
			errs = append(errs, werr)
			continue
		}
		if state == StateReverted {
			done = append(done, e)
		}
	}
	return done, errors.Join(errs...)
}
