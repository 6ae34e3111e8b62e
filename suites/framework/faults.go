package framework

import (
	"context"
	"errors"
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/chaos"
)

// Chaos is what the suite's injectors can break on the target.
func (f *Framework) Chaos() chaos.Target { return chaos.TargetOf(f.Target) }

// Inject puts a fault in place through the ledger and registers its revert
// with DeferCleanup, so it is undone when the spec (or the container that
// injected it) ends, passes, fails or is interrupted. A fault the target
// cannot take skips the spec with the reason; one over the profile's
// blast-radius limits is refused before it starts and ends the spec as an
// error naming the limit; one refused by the kill switch or an abort ends
// it aborted.
func (f *Framework) Inject(ctx context.Context, v *Verdict, inj chaos.Injector) *chaos.Fault {
	if c, ok := inj.(chaos.Checker); ok {
		if err := c.Supported(); errors.Is(err, chaos.ErrUnsupported) {
			ginkgo.Skip(err.Error())
		}
	}
	l, err := f.openLedger()
	if err != nil {
		f.Errorf(v, "%v", err)
	}
	fault, err := l.Inject(ctx, inj, f.Timeline, f.Now)
	if errors.Is(err, chaos.ErrStopped) {
		f.guard.abort(err.Error(), false)
		ginkgo.Skip("aborted: " + err.Error())
	}
	if err != nil {
		f.Errorf(v, "injecting %s: %v", inj.Spec(), err)
	}
	ginkgo.DeferCleanup(func(ctx context.Context) error {
		if err := fault.Revert(ctx); err != nil {
			return fmt.Errorf("reverting %s (ledger %s, 'gameday revert' retries): %w", inj.Spec(), l.Path(), err)
		}
		return nil
	}, ginkgo.NodeTimeout(chaos.GuardRevertTimeout))
	return fault
}

// openLedger is the suite's ledger, opened with the suite (see
// newFramework) so that an abort can halt it from the guard's goroutine.
func (f *Framework) openLedger() (*chaos.Ledger, error) {
	if f.faults == nil {
		return nil, fmt.Errorf("no fault ledger: %s is not set, and a fault no ledger knows could not be reverted after a crash", EnvLedger)
	}
	return f.faults, nil
}
