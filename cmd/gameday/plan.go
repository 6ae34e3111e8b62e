package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/plan"
	"github.com/gameday-sre/gameday/targets"
)

func newPlanCmd() *cobra.Command {
	var target, specPath, labels, ledger string
	var only []string
	cmd := &cobra.Command{
		Use:   "plan --target NAME|PATH",
		Short: "Show what a game day would do to a target, changing nothing",
		Long: `plan resolves what 'gameday run' with the same suites and label filter
would do, through read-only AWS calls, and prints:

  - every fault, with what it acts on (the running tasks it would stop,
    the service, the region), its revert, the window its specs expect,
    the AWS calls it makes, and how it stands against the profile's
    blast-radius limits (limits:, one region at a time) as the target
    stands now;
  - what the run touches: tasks, Route 53 health checks, alarms;
  - the stop conditions and the kill switch that would abort it;
  - the runbook's maintenance windows (Scheduled Maintenance Windows),
    which a staging run keeps out of, and the providers' limits
    (ElastiCache TestFailover: 15 node groups in any rolling 24 hours;
    Atlas outage simulations: 5 minutes apart), counted from the ledger;
  - whether 'gameday run' would start now, and if not, when it can.

Every mutating AWS call passes the target's gate, and plan makes none.

Exit codes: 0 the plan was made (whatever it says), 2 a usage error or an
unreachable target.`,
		Example: `  gameday plan --target staging
  gameday plan --target staging --label-filter 'resilience && disruptive'
  gameday plan --target local --suite failover -o json`,
		Args: cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.Flags().StringVar(&labels, "label-filter", "", "plan only the experiments whose labels match this Ginkgo label expression")
	cmd.Flags().StringSliceVar(&only, "suite", nil, "plan only these suites (default all)")
	cmd.Flags().StringVar(&ledger, "ledger", "", "the fault ledger (default .gameday/chaos/<target>.jsonl): faults in flight and the providers' history")
	cmd.MarkFlagRequired("target")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		suites, err := pickSuites(only)
		if err != nil {
			return err
		}
		_, p, err := planFor(cmd.Context(), target, specPath, suites, labels, &ledger)
		if err != nil {
			return err
		}
		if f == "json" {
			return writeJSON(cmd.OutOrStdout(), p)
		}
		return plan.Render(cmd.OutOrStdout(), p)
	}
	return cmd
}

// planFor opens the target and plans a run of the suites, as gameday
// plan prints it and gameday run checks it; an empty ledger becomes the
// target's default.
func planFor(ctx context.Context, target, specPath string, suites []string, labels string, ledger *string) (*targets.Target, *plan.Plan, error) {
	tgt, err := targets.Open(ctx, target, targets.Options{Spec: specPath})
	if err != nil {
		return nil, nil, err
	}
	if *ledger == "" {
		*ledger = defaultLedger(tgt.Name)
	}
	p, err := plan.Build(ctx, tgt, plan.Options{Suites: suites, LabelFilter: labels, Ledger: *ledger})
	return tgt, p, err
}
