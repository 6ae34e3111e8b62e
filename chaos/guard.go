package chaos

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// GuardRevertTimeout bounds the reverts Guard makes, which run after the
// run's own context has ended.
const GuardRevertTimeout = 2 * time.Minute

// Guard makes a plain process (not a Ginkgo suite, which reverts each
// fault from DeferCleanup) revert every fault the ledger injected however
// it ends. It returns a context that SIGINT or SIGTERM cancels, and a
// function to defer at once:
//
//	ctx, done := ledger.Guard(ctx)
//	defer done()
//
// On the first signal, Guard cancels the context and reverts; a second
// signal ends the process as it normally would. done reverts on return
// (success or failure) and on panic, which it then re-raises. Reverts run
// on a context of their own (GuardRevertTimeout), newest fault first; their
// errors go to the ledger's logger, and the faults stay outstanding in the
// ledger for RevertOutstanding.
func (l *Ledger) Guard(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	stop := make(chan struct{})
	var once sync.Once
	revert := func(why string) {
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(parent), GuardRevertTimeout)
		defer rcancel()
		if err := l.RevertAll(rctx); err != nil {
			l.log.Error("reverting faults failed; they stay outstanding in the ledger", "why", why, "ledger", l.path, "error", err)
		}
	}
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs)
			l.log.Warn("signal: stopping the run and reverting its faults", "signal", s.String(), "ledger", l.path)
			cancel()
			revert("signal " + s.String())
		case <-stop:
		}
	}()
	return ctx, func() {
		p := recover()
		once.Do(func() { close(stop); signal.Stop(sigs) })
		cancel()
		why := "run over"
		if p != nil {
			why = "panic"
			l.log.Error("panic: reverting the run's faults", "ledger", l.path, "panic", p)
		}
		revert(why)
		if p != nil {
			panic(p)
		}
	}
}
