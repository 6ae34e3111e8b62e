package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/reports/text"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/suites/runner"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/timeline"
)

func newCheckCmd() *cobra.Command {
	var target, specPath, junit, timelineFile string
	cmd := &cobra.Command{
		Use:   "check --target NAME|PATH",
		Short: "Compare a target's deployed configuration with the runbook",
		Long: `check runs the compliance suite (suites/compliance, one Ginkgo spec per
runbook row): it reads the target's configuration through its AWS APIs
(scalable targets, scaling policies, scheduled actions, task definitions,
tags, alarms, Route 53 health checks and failover records, the Redis
replication group, the budget, the dashboard) and, where the profile names
one (endpoints.mongo), the MongoDB replica set, and judges each row against
the spec. It prints a drift table: row, expected, actual, verdict. The
JUnit report's test cases are the suite's specs. The run goes on a
timeline (JSON Lines; --timeline, or compliance.timeline.jsonl beside
--junit-report): the phase's start and end and a verdict per row, in the
target's platform time.

A profile that lists allowedAccounts is refused, before anything is read,
when the caller's account (STS GetCallerIdentity) is not on the list.

Rows whose API the target does not serve (its profile's "serves") are
skipped with that reason, never passed. Row ids are the keys the sandbox's
--deviate takes (gameday sandbox deviations).

Exit codes: 0 every row passed or was skipped, 1 a row failed or could not
be read, 2 a usage or configuration error or an unreachable target.`,
		Example: `  gameday sandbox up && gameday check --target local
  gameday check --target moto -o json --junit-report reports/out/compliance.xml`,
		Args: cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.Flags().StringVar(&junit, "junit-report", "", "also write a JUnit report to this file")
	cmd.Flags().StringVar(&timelineFile, "timeline", "", "record the run on a timeline (JSON Lines) in this file; default "+timelineName+" beside --junit-report, if given")
	cmd.MarkFlagRequired("target")
	cmd.RunE = func(cmd *cobra.Command, _ []string) (err error) {
		f, err := format()
		if err != nil {
			return err
		}
		tgt, err := targets.Open(cmd.Context(), target, targets.Options{Spec: specPath})
		if err != nil {
			return err
		}
		profile := tgt.Profile
		suite, err := compliance.New(tgt)
		if err != nil {
			return err
		}
		tl, err := openTimeline(timelinePath(timelineFile, junit))
		if err != nil {
			return err
		}
		defer func() { err = cmp.Or(err, tl.Close()) }()
		now := func() time.Time { return profile.Clock.Platform(time.Now()) }
		if _, err := tl.Append(now(), timeline.Phase{Name: compliance.Phase, State: timeline.Started, Note: "target " + profile.Name}); err != nil {
			return err
		}
		findings, report, err := judge(cmd.Context(), suite, target, specPath)
		if err != nil {
			// The run's own error is the one to report; the timeline
			// records it if it can.
			tl.Append(now(), timeline.Phase{Name: compliance.Phase, State: timeline.Finished, Note: err.Error()})
			return err
		}
		s := text.SummarizeDrift(verdicts(findings))
		if err := compliance.Record(tl, report, findings, profile.Clock.Platform); err != nil {
			return err
		}
		if _, err := tl.Append(now(), timeline.Phase{Name: compliance.Phase, State: timeline.Finished, Note: s.String()}); err != nil {
			return err
		}
		if junit != "" {
			if err := reporters.GenerateJUnitReport(report, junit); err != nil {
				return fmt.Errorf("writing JUnit report %s: %w", junit, err)
			}
		}
		out := cmd.OutOrStdout()
		if f == "json" {
			err = writeJSON(out, struct {
				Target   string         `json:"target"`
				Summary  summary        `json:"summary"`
				Findings []rows.Finding `json:"findings"`
			}{profile.Name, s, findings})
		} else {
			err = text.Drift(out, profile.Name, verdicts(findings))
		}
		if err != nil {
			return err
		}
		if s.Failed+s.Errors > 0 {
			return failed("target %s drifts from the runbook: %d rows failed, %d could not be read", profile.Name, s.Failed, s.Errors)
		}
		return nil
	}
	cmd.AddCommand(newCheckSuiteCmd())
	return cmd
}

// judge runs the suite and reads each row's finding from its report.
func judge(ctx context.Context, suite *compliance.Suite, target, specPath string) ([]rows.Finding, types.Report, error) {
	report, err := runSuite(ctx, target, specPath)
	if err != nil {
		return nil, report, err
	}
	findings, err := suite.Findings(report)
	return findings, report, err
}

// timelineName is the timeline's file beside a JUnit report, so that a
// CI job that keeps its reports folder keeps the evidence they came from.
const timelineName = "compliance.timeline.jsonl"

func timelinePath(flag, junit string) string {
	if flag == "" && junit != "" {
		return filepath.Join(filepath.Dir(junit), timelineName)
	}
	return flag
}

// openTimeline creates the run's timeline file; with no file the run is
// recorded nowhere, through the same calls.
func openTimeline(path string) (*timeline.Log, error) {
	if path == "" {
		return timeline.New(io.Discard), nil
	}
	tl, err := timeline.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating the timeline %s: %w", path, err)
	}
	return tl, nil
}

// suiteCommand is the hidden subcommand of check in which a child gameday
// runs the compliance suite.
const suiteCommand = "run-suite"

// childGrace is how long an interrupted child has to stop: the suite only
// reads, so there is nothing for it to undo.
const childGrace = 5 * time.Second

// runSuite runs the compliance suite in a child gameday process and returns
// Ginkgo's report of the run.
//
// A child rather than this process, because Ginkgo owns the process it runs
// in: it runs one suite per process, so gameday could never run a second
// (run will run several); it exits the process itself, with 1, on a second
// RunSpecs or a bad configuration, where 1 means drift here; its reporter
// writes to os.Stdout, which -o json must have to itself; and it takes over
// SIGINT and SIGTERM. The child writes Ginkgo's JSON report, the real
// Report read back whole, so the findings and the JUnit test cases are the
// suite's Its as Ginkgo ran them; the child's console output is kept to
// explain a child that could not report.
func runSuite(ctx context.Context, target, specPath string) (types.Report, error) {
	exe, err := self()
	if err != nil {
		return types.Report{}, err
	}
	dir, err := os.MkdirTemp("", "gameday-check")
	if err != nil {
		return types.Report{}, fmt.Errorf("making a directory for the compliance suite's report: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report.json")
	child := exec.CommandContext(ctx, exe, "check", suiteCommand, "--target", target, "--spec", specPath, "--json-report", path)
	var console bytes.Buffer
	child.Stdout, child.Stderr = &console, &console
	child.Cancel = func() error { return child.Process.Signal(os.Interrupt) }
	child.WaitDelay = childGrace
	runErr := child.Run()
	if err := ctx.Err(); err != nil {
		return types.Report{}, err
	}
	report, err := runner.ReadReport(path)
	if err != nil {
		return types.Report{}, fmt.Errorf("the compliance suite against %s wrote no report (%v): %w\n%s", target, runErr, err, console.Bytes())
	}
	return report, nil
}

// newCheckSuiteCmd is the child's side of runSuite.
func newCheckSuiteCmd() *cobra.Command {
	var target, specPath, report string
	cmd := &cobra.Command{
		Use:    suiteCommand + " --target NAME|PATH --json-report FILE",
		Short:  "Run the compliance suite in this process and write Ginkgo's JSON report",
		Hidden: true,
		Args:   cobra.NoArgs,
	}
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.Flags().StringVar(&report, "json-report", "", "write Ginkgo's JSON report to this file")
	cmd.MarkFlagRequired("target")
	cmd.MarkFlagRequired("json-report")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		tgt, err := targets.Open(cmd.Context(), target, targets.Options{Spec: specPath})
		if err != nil {
			return err
		}
		suite, err := compliance.New(tgt)
		if err != nil {
			return err
		}
		suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
		reporterConfig.JSONReport = report
		reporterConfig.NoColor = true
		if !suite.RunSpecs(verdictOnly{}, suiteConfig, reporterConfig) {
			return failed("target %s drifts from the runbook", tgt.Name)
		}
		return nil
	}
	return cmd
}

// self is the gameday binary, which runs suites in child processes of its
// own. A test binary calling a command in process would run its tests
// again instead: it must run the built gameday.
func self() (string, error) {
	exe, err := os.Executable()
	switch {
	case err != nil:
		return "", fmt.Errorf("finding the gameday binary to run the suites: %w", err)
	case strings.HasSuffix(exe, ".test"):
		return "", errors.New("gameday runs its suites in child gameday processes: a test must run the built gameday binary, not call the command in process")
	}
	return exe, nil
}

// verdictOnly is the GinkgoTestingT of a run outside go test: RunSpecs's
// result already says what Fail would.
type verdictOnly struct{}

func (verdictOnly) Fail() {}

// summary is what check -o json counts; reports/text defines it beside
// the drift table it ends.
type summary = text.DriftSummary

// verdicts are the rows as the timeline records them, the form every
// report renders.
func verdicts(findings []rows.Finding) []timeline.Verdict {
	out := make([]timeline.Verdict, len(findings))
	for i, f := range findings {
		out[i] = compliance.Verdict(f)
	}
	return out
}
