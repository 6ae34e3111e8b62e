package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/spec/lint"
)

func newSpecCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Read, check and show the runbook as data",
		Long: `The spec (fixtures/spec/platform.yaml) holds every number the runbook
states, each with the runbook section it came from. Every suite reads its
expectations from it. Durations are platform time and carry a unit (180s, 3m).

Where the runbook contradicts itself or how AWS behaves, the spec holds one
value and records under "decisions" which side is authoritative and why.`,
	}
	cmd.PersistentFlags().String("spec", spec.DefaultPath, "path to the spec YAML")
	cmd.AddCommand(newSpecLintCmd(), newSpecShowCmd())
	return cmd
}

func loadSpec(cmd *cobra.Command) (*spec.Platform, error) {
	path, err := cmd.Flags().GetString("spec")
	if err != nil {
		return nil, err
	}
	p, err := spec.Load(path)
	if err != nil {
		return nil, fmt.Errorf("the spec does not load:\n%w", err)
	}
	return p, nil
}

func outputFlag(cmd *cobra.Command) func() (string, error) {
	format := cmd.Flags().StringP("output", "o", "table", "output format: table or json")
	return func() (string, error) {
		if *format != "table" && *format != "json" {
			return "", fmt.Errorf("--output %q: want table or json", *format)
		}
		return *format, nil
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newSpecLintCmd() *cobra.Command {
	var strict bool
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Report where the runbook contradicts itself or how AWS works",
		Long: `lint compares the runbook's sections with each other and with how AWS
behaves (target-tracking alarms, metrics AWS publishes, API rules), and
prints each contradiction with the runbook sections on both sides and the
value the spec treats as authoritative (from the spec's "decisions").

A finding with no decision is marked UNDECIDED. Findings are warnings:
lint exits 0 unless --strict is given, then 1 when there is any finding.`,
		Example: `  gameday spec lint
  gameday spec lint --strict -o json --spec my-platform.yaml`,
		Args: cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 when there is any finding")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		p, err := loadSpec(cmd)
		if err != nil {
			return err
		}
		report := lint.Run(p)
		out := cmd.OutOrStdout()
		if f == "json" {
			if report.Findings == nil {
				report.Findings = []lint.Finding{}
			}
			err = writeJSON(out, report)
		} else {
			printReport(out, report)
		}
		if err != nil {
			return err
		}
		if strict && report.Count() > 0 {
			return failed("%d findings and %d stale decisions (--strict)", len(report.Findings), len(report.StaleDecisions))
		}
		return nil
	}
	return cmd
}

func printReport(w io.Writer, report lint.Report) {
	undecided := 0
	for _, f := range report.Findings {
		fmt.Fprintf(w, "%s:%d: warning [%s] %s\n", f.At.File, f.At.Line, f.ID, f.Title)
		fmt.Fprintf(w, "    runbook:       %s\n", strings.Join(f.Sections, " <> "))
		fmt.Fprintf(w, "    detail:        %s\n", f.Detail)
		fmt.Fprintf(w, "    authoritative: %s\n", f.Authoritative())
		if f.Decision != nil && f.Decision.Reason != "" {
			fmt.Fprintf(w, "    because:       %s\n", f.Decision.Reason)
		}
		fmt.Fprintln(w)
		if f.Decision == nil {
			undecided++
		}
	}
	for _, p := range report.StaleDecisions {
		fmt.Fprintf(w, "%s:%d: warning [stale-decision] %s\n\n", p.File, p.Line, p.Message)
	}
	fmt.Fprintf(w, "%d findings, %d undecided, %d stale decisions.", len(report.Findings), undecided, len(report.StaleDecisions))
	if report.Count() > 0 {
		fmt.Fprint(w, " Warnings exit 0; --strict makes them exit 1.")
	}
	fmt.Fprintln(w)
}

func newSpecShowCmd() *cobra.Command {
	var areas []string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the spec as readable tables, one per area of the runbook",
		Long: `show prints the spec as tables, one per area of the runbook, each headed
by the runbook sections it comes from. -o json prints the whole model with
the same key names as the YAML.

Areas: ` + strings.Join(areaNames(), ", ") + `.`,
		Example: `  gameday spec show
  gameday spec show --area scaling --area alarms
  gameday spec show -o json | jq '.services[].scalableTarget'`,
		Args: cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.Flags().StringSliceVar(&areas, "area", nil, "show only these areas (repeatable)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		for _, a := range areas {
			if !slices.Contains(areaNames(), a) {
				return fmt.Errorf("--area %q: want one of %s", a, strings.Join(areaNames(), ", "))
			}
		}
		p, err := loadSpec(cmd)
		if err != nil {
			return err
		}
		if f == "json" {
			return writeJSON(cmd.OutOrStdout(), p)
		}
		return showTables(cmd.OutOrStdout(), p, areas)
	}
	return cmd
}
