// Package faults is the sandbox's fault hooks as named, reversible objects,
// in the manner of Toxiproxy's toxics: a Kind says what it breaks and how it
// is called, each injection is an active Fault with an id until it is
// reverted, and reverting everything returns the sandbox to health. The
// registry serves them over the sandbox's control API, which is how the
// harness and `gameday sandbox fault` reach them.
package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind is a sort of fault the sandbox can inject.
type Kind struct {
	Name string `json:"name"`
	// Usage is the arguments, as `gameday sandbox fault inject` takes them:
	// "SERVICE [COUNT] [REGION]".
	Usage string `json:"usage"`
	Help  string `json:"help"`
	// MinArgs and MaxArgs bound the number of arguments.
	MinArgs int `json:"-"`
	MaxArgs int `json:"-"`
	// Inject breaks something and returns how to undo it. It must leave
	// nothing broken when it fails.
	Inject func(ctx context.Context, args []string) (Injected, error) `json:"-"`
}

// Injected is what an injection did and how to undo it.
type Injected struct {
	// Note says what was done, for example which tasks were killed.
	Note string
	Undo func(ctx context.Context) error
}

// Fault is an injected fault, active until reverted.
type Fault struct {
	ID   string    `json:"id"`
	Kind string    `json:"kind"`
	Args []string  `json:"args"`
	At   time.Time `json:"at"`
	// Note says what the injection did, for example which tasks it killed.
	Note      string `json:"note,omitempty"`
	undo      func(ctx context.Context) error
	reverting bool
}

// ErrUnknown is wrapped by the errors for an unknown kind or fault id.
var ErrUnknown = errors.New("unknown")

// Registry holds the kinds a sandbox offers and its active faults. It is
// safe for concurrent use.
type Registry struct {
	now   func() time.Time
	kinds []Kind

	mu     sync.Mutex
	seq    int
	active []*Fault
}

// NewRegistry returns a registry offering kinds; now stamps injections
// (the sandbox's platform clock).
func NewRegistry(now func() time.Time, kinds ...Kind) *Registry {
	return &Registry{now: now, kinds: kinds}
}

// Kinds lists the kinds on offer.
func (r *Registry) Kinds() []Kind { return slices.Clone(r.kinds) }

// Inject injects a fault of the named kind and returns it, active.
func (r *Registry) Inject(ctx context.Context, kind string, args []string) (Fault, error) {
	i := slices.IndexFunc(r.kinds, func(k Kind) bool { return k.Name == kind })
	if i < 0 {
		return Fault{}, fmt.Errorf("fault kind %q: %w; the sandbox offers %s", kind, ErrUnknown, r.kindNames())
	}
	k := r.kinds[i]
	if len(args) < k.MinArgs || len(args) > k.MaxArgs {
		return Fault{}, fmt.Errorf("%s takes %s, got %d argument(s): %s", k.Name, k.Usage, len(args), k.Help)
	}
	did, err := k.Inject(ctx, args)
	if err != nil {
		return Fault{}, fmt.Errorf("%s %s: %w", k.Name, strings.Join(args, " "), err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	f := &Fault{ID: k.Name + "-" + strconv.Itoa(r.seq), Kind: k.Name, Args: args, At: r.now(), Note: did.Note, undo: did.Undo}
	r.active = append(r.active, f)
	return *f, nil
}

// Active lists the active faults, oldest first.
func (r *Registry) Active() []Fault {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Fault, len(r.active))
	for i, f := range r.active {
		out[i] = *f
	}
	return out
}

// Revert undoes the fault with the id. A fault whose undo fails stays
// active, so that it can be retried and is not forgotten.
func (r *Registry) Revert(ctx context.Context, id string) (Fault, error) {
	r.mu.Lock()
	i := slices.IndexFunc(r.active, func(f *Fault) bool { return f.ID == id })
	if i < 0 {
		ids := r.idsLocked()
		r.mu.Unlock()
		return Fault{}, fmt.Errorf("fault %q: %w; active: %s", id, ErrUnknown, ids)
	}
	f := r.active[i]
	if f.reverting {
		r.mu.Unlock()
		return *f, fmt.Errorf("fault %s is being reverted already", id)
	}
	// The undo runs unlocked, as it may take a while (a process to
	// restart); reverting keeps a second caller from running it twice.
	f.reverting = true
	r.mu.Unlock()
	err := f.undo(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	f.reverting = false
	if err != nil {
		return *f, fmt.Errorf("reverting %s: %w", f.ID, err)
	}
	r.active = slices.DeleteFunc(r.active, func(g *Fault) bool { return g == f })
	return *f, nil
}

// RevertAll undoes every active fault, newest first, as faults injected
// later may rest on earlier ones. It returns those reverted and the errors
// of those that were not.
func (r *Registry) RevertAll(ctx context.Context) ([]Fault, error) {
	active := r.Active()
	var done []Fault
	var errs []error
	for i := len(active) - 1; i >= 0; i-- {
		f, err := r.Revert(ctx, active[i].ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, f)
	}
	return done, errors.Join(errs...)
}

func (r *Registry) kindNames() string {
	names := make([]string, len(r.kinds))
	for i, k := range r.kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

func (r *Registry) idsLocked() string {
	if len(r.active) == 0 {
		return "none"
	}
	ids := make([]string, len(r.active))
	for i, f := range r.active {
		ids[i] = f.ID
	}
	return strings.Join(ids, ", ")
}
