package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/drivers/faulthooks"
	"github.com/gameday-sre/gameday/sandbox/faults"
)

func newSandboxFaultCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Inject and revert faults in a running sandbox, for ad-hoc drills",
		Long: `Faults are named and reversible: inject prints the fault's id, revert
takes it back, and revert --all returns the sandbox to health. Active
faults show in 'gameday sandbox status'. Stopping the sandbox ends them all.`,
		Example: `  gameday sandbox fault list
  gameday sandbox fault inject region-down us-east-1
  gameday sandbox fault inject kill-task frontend-service 2
  gameday sandbox fault inject latency api-service 800ms
  gameday sandbox fault inject launch-failures ai-service
  gameday sandbox fault revert region-down-1
  gameday sandbox fault revert --all`,
	}
	cmd.AddCommand(newFaultListCmd(), newFaultInjectCmd(), newFaultRevertCmd())
	return cmd
}

// faultClient reaches the fault API of the sandbox in --state-dir.
func faultClient(cmd *cobra.Command) (faulthooks.Client, error) {
	_, eps, err := runningSandbox(cmd)
	return faulthooks.Client{Control: eps.Control, HTTP: &http.Client{Timeout: time.Minute}}, err
}

// faultError gives a refusal its exit code: a bad request is a usage
// error (2), a revert that failed a failed check (1).
func faultError(err error) error {
	var ae *faulthooks.APIError
	if errors.As(err, &ae) && ae.Status < 500 {
		return errors.New(ae.Message)
	}
	return failed("%v", err)
}

func newFaultListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the kinds of fault the sandbox offers and the active faults",
		Args:  cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		c, err := faultClient(cmd)
		if err != nil {
			return err
		}
		l, err := c.List(cmd.Context())
		if err != nil {
			return faultError(err)
		}
		if f == "json" {
			return writeJSON(cmd.OutOrStdout(), l)
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KIND\tARGUMENTS\tWHAT IT DOES")
		for _, k := range l.Kinds {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Name, k.Usage, k.Help)
		}
		printFaults(tw, l.Active)
		return tw.Flush()
	}
	return cmd
}

// printFaults lists active faults, as the fault API answers them or as
// 'sandbox status' reports them.
func printFaults[F faulthooks.Fault | faults.Fault](tw *tabwriter.Writer, active []F) {
	if len(active) == 0 {
		fmt.Fprintln(tw, "\nno active faults")
		return
	}
	fmt.Fprintln(tw, "\nACTIVE FAULT\tSINCE\tWHAT")
	for _, f := range active {
		var id, note string
		var at time.Time
		switch f := any(f).(type) {
		case faulthooks.Fault:
			id, at, note = f.ID, f.At, f.Note
		case faults.Fault:
			id, at, note = f.ID, f.At, f.Note
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", id, at.Format(time.RFC3339), note)
	}
}

func newFaultInjectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inject KIND [ARGS...]",
		Short: "Inject a fault and print its id",
		Long:  "Inject a fault of KIND ('gameday sandbox fault list' shows the kinds and their arguments) and print its id, for revert.",
		Args:  cobra.MinimumNArgs(1),
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := faultClient(cmd)
		if err != nil {
			return err
		}
		f, err := c.Inject(cmd.Context(), args[0], args[1:]...)
		if err != nil {
			return faultError(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", f.ID, f.Note)
		return nil
	}
	return cmd
}

func newFaultRevertCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "revert ID | --all",
		Short: "Revert a fault by its id, or every active fault",
		Args: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) || len(args) > 1 {
				return fmt.Errorf("give one fault id or --all (ids: gameday sandbox fault list)")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "revert every active fault, newest first")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := faultClient(cmd)
		if err != nil {
			return err
		}
		var done []faulthooks.Fault
		if all {
			done, err = c.RevertAll(cmd.Context())
		} else {
			var f faulthooks.Fault
			if f, err = c.Revert(cmd.Context(), args[0]); err == nil {
				done = append(done, f)
			}
		}
		if err != nil {
			return faultError(err)
		}
		ids := make([]string, len(done))
		for i, f := range done {
			ids[i] = f.ID
		}
		if len(ids) == 0 {
			fmt.Fprintln(cmd.OutOrStdout(), "no active faults")
			return nil
		}
		fmt.Fprintf(cmd.OutOrStdout(), "reverted %s\n", strings.Join(ids, " "))
		return nil
	}
	return cmd
}
