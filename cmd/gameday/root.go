package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes, the same for every command.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// exitError carries the exit code a command wants; an error without one is
// a usage or configuration error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func failed(format string, args ...any) error {
	return &exitError{code: exitFindings, err: fmt.Errorf(format, args...)}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "gameday",
		Short: "Check that the platform scales and fails over as its runbook says",
		Long: `gameday holds the runbook "Scaling Strategies and Operations" as data
(fixtures/spec/platform.yaml) and checks a target against it: its
configuration (compliance) and its behaviour under load and faults.

Exit codes: 0 all passed, 1 findings or failed checks, 2 usage or
configuration error (for example a spec that does not load).`,
		Example: `  gameday spec lint                 # where the runbook contradicts itself or AWS
  gameday spec show --area alarms   # the runbook's alarms as the spec holds them
  gameday sandbox up                # the platform on this machine, two regions, at 60x
  gameday check --target local      # its configuration against the runbook
  gameday plan --target staging     # what a run would do, changing nothing
  gameday run --target local        # a game day: load and faults, judged against the runbook
  gameday stop --all --target local # the kill switch: abort and revert everything in flight
  gameday sandbox fault inject region-down us-east-1
  gameday sandbox down
  gameday version`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (run '%s --help' for usage)", err, c.CommandPath())
	})
	root.AddCommand(newSpecCmd(), newSandboxCmd(), newCheckCmd(), newRunCmd(), newReportCmd(), newPlanCmd(), newRevertCmd(), newStopCmd(), newProvisionCmd(), newVersionCmd())
	return root
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "gameday:", err)
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitUsage
}
