package main

import (
	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/provision"
)

func newProvisionCmd() *cobra.Command {
	var target, specPath string
	cmd := &cobra.Command{
		Use:   "provision --target NAME|PATH",
		Short: "Write the runbook's configuration into an AWS emulator",
		Long: `provision applies the runbook's documented configuration, as the spec holds
it, to the target's AWS-compatible endpoint through the AWS APIs: ECS
services with their task definitions and cost tags, scalable targets,
scaling policies, scheduled actions, alarms, the dashboard, the Route 53
health check and failover records, the Redis replication group, and the
budget with its notification in the caller's account. It applies only
what the target serves and says what it skipped.

Applying twice changes nothing the second time. It refuses a target that
is AWS itself (no endpoints.aws): staging is deployed by its owners. A
profile that lists allowedAccounts is refused, before anything is written,
when the caller's account is not on the list.`,
		Example: `  moto_server -p 5000 &
  gameday provision --target moto && gameday check --target moto`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.MarkFlagRequired("target")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		tgt, err := targets.Open(cmd.Context(), target, targets.Options{Spec: specPath})
		if err != nil {
			return err
		}
		return provision.Apply(cmd.Context(), tgt.Spec, tgt.Profile, tgt.AWS, cmd.OutOrStdout())
	}
	return cmd
}
