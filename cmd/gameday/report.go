package main

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/reports"
	"github.com/gameday-sre/gameday/reports/compare"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/timings"
)

func newReportCmd() *cobra.Command {
	var against bool
	var tolerance []string
	cmd := &cobra.Command{
		Use:   "report [RUN_DIR] | report --compare RUN_A RUN_B",
		Short: "Render a run folder's reports again, or compare two runs",
		Long: `report renders a run folder's reports from the folder alone (run.json,
timeline.jsonl and, where make gameday put them there,
compliance.timeline.jsonl and spec-lint.json): report.html, one page with
a chart per experiment that needs no network to view; summary.md, for a
CI job summary or a pull-request comment; evidence.json, every verdict with
the timeline events that justify it (its JSON Schema is
reports/schema/evidence.schema.json). RUN_DIR defaults to ` + latestLink + `,
the last run. gameday run writes the same files when it ends; report
renders them again, from a copied folder too, with this gameday's
renderers.

With --compare it says what changed from RUN_A to RUN_B: specs that newly
fail, specs fixed, other changes of status, and the timings measured on
both timelines (first scale-out, failover detection, client recovery,
RPO, in platform time) that moved by more than a tolerance. Tolerances
(--tolerance, repeatable: DURATION for every timing, KIND=DURATION for
one) default to ` + tolerances() + `: a scale-out
follows a one-minute alarm evaluation, a health check probes every 30s.

Exit codes: 0 rendered, or B is no worse than A; 1 B has a new failure or
a timing moved beyond its tolerance; 2 a folder that cannot be read.`,
		Example: `  gameday report                                   # render reports/out/latest again
  gameday report reports/out/20261205T203618Z
  gameday report --compare reports/out/20261204T020000Z reports/out/latest
  gameday report --compare A B --tolerance 2m --tolerance rpo=5s -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if against {
				return cobra.ExactArgs(2)(cmd, args)
			}
			return cobra.MaximumNArgs(1)(cmd, args)
		},
	}
	format := outputFlag(cmd)
	cmd.Flags().BoolVar(&against, "compare", false, "compare run RUN_A with run RUN_B instead of rendering")
	cmd.Flags().StringSliceVar(&tolerance, "tolerance", nil, "with --compare: how far a timing may move, DURATION or KIND=DURATION (default "+tolerances()+")")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if !against {
			if len(tolerance) > 0 || f != "table" {
				return fmt.Errorf("--tolerance and --output go with --compare")
			}
			dir := latestLink
			if len(args) == 1 {
				dir = args[0]
			}
			run, err := folder.Read(dir)
			if err != nil {
				return err
			}
			if err := reports.Write(run); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n%s\n%s\n", filepath.Join(dir, folder.HTMLFile), filepath.Join(dir, folder.SummaryFile), filepath.Join(dir, folder.EvidenceFile))
			return nil
		}
		tol, err := compare.DefaultTolerances.Parse(tolerance)
		if err != nil {
			return err
		}
		a, err := folder.Read(args[0])
		if err != nil {
			return err
		}
		b, err := folder.Read(args[1])
		if err != nil {
			return err
		}
		d := compare.Runs(a, b, tol)
		if f == "json" {
			err = writeJSON(cmd.OutOrStdout(), d)
		} else {
			err = d.Write(cmd.OutOrStdout())
		}
		if err != nil {
			return err
		}
		if d.Regressed() {
			return failed("run %s regressed from run %s: %d new failures, %d timings moved beyond tolerance", b.Manifest.ID, a.Manifest.ID, len(d.NewFailures), len(d.Moved))
		}
		return nil
	}
	return cmd
}

// tolerances lists the default tolerance of each timing, for --help.
func tolerances() string {
	var parts []string
	for _, k := range timings.Kinds {
		parts = append(parts, fmt.Sprintf("%s=%s", k, compare.DefaultTolerances[k]))
	}
	return strings.Join(parts, ", ")
}

// toolVersion is this gameday's version, as gameday version prints it,
// for the run's manifest.
func toolVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
