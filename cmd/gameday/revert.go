package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets"
)

func newRevertCmd() *cobra.Command {
	var target, specPath, ledger string
	cmd := &cobra.Command{
		Use:   "revert --target NAME|PATH",
		Short: "Undo the faults a killed game day left on a target",
		Long: `revert reads the target's fault ledger, where every fault is written
before it is injected and closed once it is reverted, and reverts each
fault still open: what a game day killed with SIGKILL, a crash or a lost
machine left behind. It prints what it undid. Faults of other targets in
the same ledger are left alone; a ledger a running game day still holds is
refused.

Exit codes: 0 nothing is left open, 1 a fault could not be reverted (it
stays in the ledger for the next try), 2 a usage error or an unreachable
target.`,
		Example: `  gameday revert --target local
  gameday revert --target staging --ledger reports/out/nightly/ledger.jsonl`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.Flags().StringVar(&ledger, "ledger", "", "the fault ledger (default .gameday/chaos/<target>.jsonl, where run writes it)")
	cmd.MarkFlagRequired("target")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		tgt, err := targets.Open(cmd.Context(), target, targets.Options{Spec: specPath})
		if err != nil {
			return err
		}
		if ledger == "" {
			ledger = defaultLedger(tgt.Name)
		}
		undone, err := chaos.RevertOutstanding(cmd.Context(), ledger, chaos.TargetOf(tgt).Undo, tgt.Clock.Now)
		out := cmd.OutOrStdout()
		for _, e := range undone {
			fmt.Fprintf(out, "reverted %s %s, injected %s by run %s\n", e.ID, e.Spec(), e.InjectedAt.Format(time.RFC3339), e.Run)
		}
		if err != nil {
			return failed("target %s: %v", tgt.Name, err)
		}
		if len(undone) == 0 {
			fmt.Fprintf(out, "nothing to revert: ledger %s has no open fault on target %s\n", ledger, tgt.Name)
		}
		return nil
	}
	return cmd
}
