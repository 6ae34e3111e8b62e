package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/reports"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/text"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/runner"
	"github.com/gameday-sre/gameday/targets"
)

func newRunCmd() *cobra.Command {
	var target, specPath, labels, focus, dir, ledger, latest string
	var only []string
	cmd := &cobra.Command{
		Use:   "run --target NAME|PATH",
		Short: "Run a game day: drive load and faults, judge the platform against the runbook",
		Long: `run runs the behavioural suites (` + strings.Join(suiteNames(), ", ") + `) against a target,
each in a child process: they drive real load through the target's load
balancer and faults through its APIs, read what the platform does through
the AWS APIs alone, and judge it against windows computed from the spec and
AWS's own rules. A scale-out that comes too early fails as surely as one
that comes too late.

It writes a run folder (--reports, default reports/out/<run id>):
junit.xml, timeline.jsonl (every load window, fault and verdict, in the
target's platform time), verdicts.json (one object per spec: id,
labels, runbook, status, expected, observed, message), run.json (target,
gameday version, spec hash, start and end in real and platform time),
and the reports rendered from them: report.html (charts of every
experiment, readable with no network), summary.md (for a CI job summary)
and evidence.json (every verdict with the events that justify it). The
link reports/out/latest (--latest) then points at the folder; 'gameday
report' renders a folder again. Statuses: passed,
failed, waived (a spec the runbook itself is known to break, waived in the
spec's decisions until a date), skipped (the target lacks what the spec
needs), inconclusive (the harness could not do what was planned, e.g. the
load fell short of its rate), error (the target could not be read) and
aborted (a stop condition or the kill switch stopped the experiment).

Every fault injected is written to the ledger (--ledger) before it
happens and reverted when its spec ends, fails or is interrupted;
'gameday revert' undoes what a killed run left behind.

Before any change, run refuses: a profile marked environment: production,
a region or caller account the profile does not allow, a kill switch that
is engaged ('gameday stop --release'), a disruptive run inside one of the
runbook's maintenance windows (staging keeps the calendar) or over a
provider's limit (it says when it can run; 'gameday plan' shows the same),
and a run the profile's preflight hook says no to. A fault over the
profile's blast-radius limits (limits:) is refused before it starts, its
spec ending error with the limit's name. While the suites run, each checks
the kill switch and the profile's stop conditions (alarms in ALARM, the
load's error rate or p99) every killSwitch.poll: the first that trips
reverts every fault, ends the specs left aborted with the reason and stops
the run.

Exit codes: 0 no spec failed (waived, skipped and inconclusive specs do
not fail a run), 1 a spec failed or could not be judged, or the run was
aborted, 2 a usage error, an unreachable target or a run refused before
it started.`,
		Example: `  gameday sandbox up && gameday run --target local
  gameday run --target local --label-filter 'scaling && !slow'
  gameday run --target local --suite alarms --focus 'APILatencyHigh'
  gameday run --target staging -o json`,
		Args: cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.Flags().StringVar(&target, "target", "", "target profile: a name in fixtures/targets or a path")
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	cmd.Flags().StringVar(&labels, "label-filter", "", "run only the specs whose labels match this Ginkgo label expression")
	cmd.Flags().StringVar(&focus, "focus", "", "run only the specs whose ids match this regular expression, such as 'scaling\\.ai\\.' (the experiment's other specs are skipped)")
	cmd.Flags().StringSliceVar(&only, "suite", nil, "run only these suites (default all: "+strings.Join(suiteNames(), ", ")+")")
	cmd.Flags().StringVar(&dir, "reports", "", "the run folder (default reports/out/<run id>)")
	cmd.Flags().StringVar(&ledger, "ledger", "", "the fault ledger (default .gameday/chaos/<target>.jsonl)")
	cmd.Flags().StringVar(&latest, "latest", "", "point this symlink at the run folder when the run ends (default "+latestLink+" when --reports is not given)")
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
		tgt, pl, err := planFor(cmd.Context(), target, specPath, suites, labels, &ledger)
		if err != nil {
			return err
		}
		sw := chaos.SwitchOf(tgt.Profile, tgt.AWS.SSM)
		if why, on, _ := sw.Engaged(cmd.Context()); on {
			return fmt.Errorf("target %s: %s is engaged (%s): no run starts until 'gameday stop --release --target %s'", tgt.Name, sw, why, target)
		}
		if err := pl.Err(); err != nil {
			return err
		}
		if err := targets.Preflight(cmd.Context(), tgt.Profile); err != nil {
			return err
		}
		exe, err := self()
		if err != nil {
			return err
		}
		began := folder.Instant{Real: time.Now().UTC(), Platform: tgt.Clock.Now().UTC()}
		id := began.Real.Format("20060102T150405Z")
		if dir == "" {
			dir, latest = filepath.Join("reports", "out", id), cmp.Or(latest, latestLink)
		}
		specID, err := folder.SpecOf(specPath)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		progress, terminal := cmd.ErrOrStderr(), isTerminal(cmd.ErrOrStderr())
		fmt.Fprintf(progress, "game day %s against %s: suites %s, reports in %s\n", id, tgt.Name, strings.Join(suites, ", "), dir)
		res, err := runner.Run(ctx, runner.Config{
			Command: func(suite, report string) *exec.Cmd {
				args := []string{"run", suiteCommand, suite, "--json-report", report}
				if labels != "" {
					args = append(args, "--label-filter", labels)
				}
				if focus != "" {
					args = append(args, "--focus", focus)
				}
				return exec.CommandContext(ctx, exe, args...)
			},
			Suites: suites, Target: target, Spec: specPath, Ledger: ledger, Dir: dir, Progress: progress, Terminal: terminal,
			Stop: func() string {
				if why, on, _ := sw.Engaged(ctx); on {
					return fmt.Sprintf("%s engaged (%s)", sw, why)
				}
				return ""
			},
		})
		verdicts := res.Verdicts
		interrupted := ctx.Err() != nil && verdicts != nil
		if err != nil && !interrupted {
			return err
		}
		m := folder.Manifest{ID: id, Target: tgt.Name, Version: toolVersion(), Spec: specID, Suites: suites, LabelFilter: labels, Focus: focus,
			Scale: scale(tgt), Started: began, Ended: folder.Instant{Real: time.Now().UTC(), Platform: tgt.Clock.Now().UTC()}, Interrupted: interrupted, Aborted: res.Aborted}
		if err := folder.WriteManifest(dir, m); err != nil {
			return err
		}
		run, err := folder.Read(dir)
		if err != nil {
			return err
		}
		if f == "json" {
			err = writeJSON(cmd.OutOrStdout(), verdicts)
		} else {
			err = text.Verdicts(cmd.OutOrStdout(), folder.Verdicts(run.Events))
		}
		if err != nil {
			return err
		}
		if err := writeReports(run, latest); err != nil {
			return err
		}
		fmt.Fprintf(progress, "reports: %s (report.html, summary.md, evidence.json, junit.xml, timeline.jsonl, verdicts.json)\n", dir)
		if res.Aborted != "" {
			return failed("game day aborted: %s; its faults were reverted through the ledger ('gameday revert --target %s' undoes anything left)", res.Aborted, tgt.Name)
		}
		if interrupted {
			return failed("interrupted: the suites reverted their faults and the run folder holds what was judged; 'gameday revert --target %s' undoes anything left", tgt.Name)
		}
		if runner.Failed(verdicts) {
			return failed("target %s does not behave as the runbook says: %s", tgt.Name, runner.Count(verdicts))
		}
		return nil
	}
	cmd.AddCommand(newRunSuiteCmd())
	return cmd
}

func pickSuites(only []string) ([]string, error) {
	if len(only) == 0 {
		return suiteNames(), nil
	}
	for _, s := range only {
		if !slices.Contains(suiteNames(), s) {
			return nil, fmt.Errorf("--suite %q: want one of %s", s, strings.Join(suiteNames(), ", "))
		}
	}
	return only, nil
}

// defaultLedger is where a target's faults are written down, so that
// 'gameday revert --target' finds them without being told.
func defaultLedger(target string) string {
	return filepath.Join(".gameday", "chaos", target+".jsonl")
}

// isTerminal says whether the live line may rewrite itself: on a terminal,
// not in CI, whose logs keep every carriage return.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("CI") != "" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// latestLink is the link to the last run in the default reports folder.
var latestLink = filepath.Join("reports", "out", "latest")

// writeReports renders a run folder's reports, then points the latest
// link (when one is asked for) at it.
func writeReports(run *folder.Folder, latest string) error {
	if err := reports.Write(run); err != nil {
		return err
	}
	if latest == "" {
		return nil
	}
	return reports.Link(latest, run.Dir)
}

// scale is the target clock's platform seconds per real second.
func scale(t *targets.Target) float64 {
	if t.Profile.Clock == nil {
		return 1
	}
	return t.Profile.Clock.Scale
}

// newRunSuiteCmd is the child's side of the runner: one suite, in this
// process.
func newRunSuiteCmd() *cobra.Command {
	var report, labels, focus string
	cmd := &cobra.Command{
		Use:    suiteCommand + " SUITE --json-report FILE",
		Short:  "Run one behavioural suite in this process and write Ginkgo's JSON report",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&report, "json-report", "", "write Ginkgo's JSON report to this file")
	cmd.Flags().StringVar(&labels, "label-filter", "", "Ginkgo label filter")
	cmd.Flags().StringVar(&focus, "focus", "", "Ginkgo focus: a regular expression of spec ids")
	cmd.MarkFlagRequired("json-report")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		i := slices.IndexFunc(behaviour, func(s behaviourSuite) bool { return s.name == args[0] })
		if i < 0 {
			return fmt.Errorf("no suite %q: want one of %s", args[0], strings.Join(suiteNames(), ", "))
		}
		suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
		suiteConfig.LabelFilter = labels
		if focus != "" {
			suiteConfig.FocusStrings = []string{focus}
		}
		reporterConfig.JSONReport = report
		reporterConfig.NoColor = true
		reporterConfig.Verbose = true
		passed, err := framework.RunSuite(verdictOnly{}, behaviour[i].name, behaviour[i].declare, suiteConfig, reporterConfig)
		switch {
		case err != nil:
			return err
		case !passed:
			return failed("suite %s: a spec did not pass", args[0])
		}
		return nil
	}
	return cmd
}
