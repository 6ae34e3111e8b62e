package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// stopPoll is how often stop --all looks at the ledger while it waits for
// the runs in flight to revert their faults.
const stopPoll = 50 * time.Millisecond

func newStopCmd() *cobra.Command {
	var target, specPath, ledger, reason string
	var all, release bool
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "stop --all|--release --target NAME|PATH",
		Short: "Pull a target's kill switch: abort and revert every experiment in flight, refuse new runs until released",
		Long: `stop --all engages the target's kill switch before anything else: the
profile's killSwitch.file (default .gameday/killswitch/<target>), which
works even when the target does not answer, or its killSwitch.ssmParameter,
which reaches every machine that runs game days against the account.
Every running experiment on the target polls the switch (every
killSwitch.poll, default 1s): within one poll it reverts every fault it
injected through its ledger, and its specs end aborted, saying the switch
was engaged. stop waits (--wait) until the
ledger holds no fault in flight, reverting itself what a killed run left,
and prints what was reverted.

While the switch is engaged, 'gameday run' refuses to start and no fault
is injected. stop --release releases it.

Exit codes: 0 the switch is engaged (or released) and no fault is left in
flight, 1 a fault is still outstanding after --wait (it stays in the
ledger for 'gameday revert'), 2 a usage error.`,
		Example: `  gameday stop --all --target staging --reason "checkout errors in prod-like traffic"
  gameday stop --release --target staging`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().BoolVar(&all, "all", false, "engage the kill switch: abort and revert everything in flight, refuse new runs")
	cmd.Flags().BoolVar(&release, "release", false, "release the kill switch")
	cmd.Flags().StringVar(&reason, "reason", "gameday stop --all", "why, written into the switch and shown by every run it stops")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.Flags().StringVar(&ledger, "ledger", "", "the fault ledger (default .gameday/chaos/<target>.jsonl, where run writes it)")
	cmd.Flags().DurationVar(&wait, "wait", 2*time.Minute, "how long to wait for the runs in flight to revert their faults")
	cmd.MarkFlagRequired("target")
	cmd.MarkFlagsOneRequired("all", "release")
	cmd.MarkFlagsMutuallyExclusive("all", "release")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		prof, err := profile.Load(target)
		if err != nil {
			return err
		}
		// A file switch needs nothing of the target, so it works while the
		// target does not answer; an SSM parameter is the target's.
		var tgt *targets.Target
		var api chaos.SSMAPI
		if prof.KillSwitch.SSMParameter != "" {
			if tgt, err = targets.Open(cmd.Context(), target, targets.Options{Spec: specPath}); err != nil {
				return err
			}
			api = tgt.AWS.SSM
		}
		sw := chaos.SwitchOf(prof, api)
		out := cmd.OutOrStdout()
		if release {
			if err := sw.Release(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(out, "%s released: runs on target %s may start again\n", sw, prof.Name)
			return nil
		}
		began := time.Now()
		if err := sw.Engage(cmd.Context(), reason, began); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s engaged: runs on target %s abort within %s, and none starts until 'gameday stop --release --target %s'\n", sw, prof.Name, prof.KillSwitch.Every(), target)
		if ledger == "" {
			ledger = defaultLedger(prof.Name)
		}
		d := drainer{cmd: cmd, name: prof.Name, target: target, spec: specPath, ledger: ledger, tgt: tgt}
		undone, err := d.drain(began.Add(wait))
		for _, e := range undone {
			fmt.Fprintf(out, "reverted %s %s, injected %s by run %s\n", e.ID, e.Spec(), e.InjectedAt.Format(time.RFC3339), e.Run)
		}
		if err != nil {
			return failed("target %s: %v", prof.Name, err)
		}
		fmt.Fprintf(out, "no fault in flight on target %s (%s after the switch)\n", prof.Name, time.Since(began).Round(time.Millisecond))
		return nil
	}
	return cmd
}

// drainer reverts what is in flight on a target after its switch is
// engaged.
type drainer struct {
	cmd                        *cobra.Command
	name, target, spec, ledger string
	// tgt is the opened target, once it is needed.
	tgt *targets.Target
}

// drain waits until the ledger holds no fault in flight: a run holding it
// reverts its own faults once it sees the switch; faults a killed run left
// are reverted here once no run holds the ledger. It returns the faults
// that were reverted, by their runs or here.
func (d *drainer) drain(deadline time.Time) ([]chaos.Entry, error) {
	outstanding := func() ([]chaos.Entry, error) {
		all, err := chaos.Outstanding(d.ledger)
		var mine []chaos.Entry
		for _, e := range all {
			if e.Target == d.name {
				mine = append(mine, e)
			}
		}
		return mine, err
	}
	open, err := outstanding()
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, e := range open {
		ids[e.ID] = true
	}
	ctx := d.cmd.Context()
	for {
		left, err := outstanding()
		if err != nil {
			return nil, err
		}
		if len(left) == 0 {
			return reverted(d.ledger, ids)
		}
		held, err := chaos.Held(d.ledger)
		if err != nil {
			return nil, err
		}
		if !held {
			if d.tgt == nil {
				if d.tgt, err = targets.Open(ctx, d.target, targets.Options{Spec: d.spec}); err != nil {
					return nil, err
				}
			}
			_, err = chaos.RevertOutstanding(ctx, d.ledger, chaos.TargetOf(d.tgt).Undo, d.tgt.Clock.Now)
			if err != nil && !errors.Is(err, chaos.ErrBusy) {
				return nil, err
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d fault(s) still in flight in ledger %s after --wait; 'gameday revert --target %s' retries", len(left), d.ledger, d.target)
		}
		time.Sleep(stopPoll)
	}
}

// reverted are the last lines of the faults ids names, once reverted.
func reverted(ledger string, ids map[string]bool) ([]chaos.Entry, error) {
	entries, err := chaos.ReadLedger(ledger)
	if err != nil {
		return nil, err
	}
	last := map[string]chaos.Entry{}
	var order []string
	for _, e := range entries {
		if !ids[e.ID] {
			continue
		}
		if _, seen := last[e.ID]; !seen {
			order = append(order, e.ID)
		}
		last[e.ID] = e
	}
	var out []chaos.Entry
	for _, id := range order {
		out = append(out, last[id])
	}
	return out, nil
}
