package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/reports"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/schema"
	"github.com/gameday-sre/gameday/timeline"
)

// recordedRun is a real game day against the sandbox (make gameday's run
// folder), kept as the reports' fixture.
const recordedRun = "../../reports/testdata/run"

// copyRun copies a run folder into a temporary directory.
func copyRun(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// A copied run folder renders again, from the folder alone, into the
// three reports, and evidence.json keeps its schema's promise. Without an
// argument, report renders reports/out/latest.
func TestReportRendersACopiedRun(t *testing.T) {
	dir := copyRun(t, recordedRun)
	out, errs, code := runGameday("report", dir)
	if code != 0 {
		t.Fatalf("report exited %d: %s", code, errs)
	}
	for _, name := range reports.Files {
		path := filepath.Join(dir, name)
		if !strings.Contains(out, path+"\n") {
			t.Errorf("report does not name %s:\n%s", path, out)
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	ev, err := os.ReadFile(filepath.Join(dir, folder.EvidenceFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateEvidence(ev); err != nil {
		t.Error(err)
	}
	page, _ := os.ReadFile(filepath.Join(dir, folder.HTMLFile))
	summary, _ := os.ReadFile(filepath.Join(dir, folder.SummaryFile))
	for _, want := range []string{"alarms.AutoScalingFailure.alarm-on-launch-failures", "Recommended Monitoring Alerts"} {
		if !strings.Contains(string(page), want) || !strings.Contains(string(summary), want) {
			t.Errorf("report.html or summary.md lacks the recorded failure's %q", want)
		}
	}

	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "reports", "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(work, "reports", "out", "20261205T204810Z")
	if err := os.Rename(dir, run); err != nil {
		t.Fatal(err)
	}
	if err := reports.Link(filepath.Join(work, latestLink), run); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(work, latestLink)); err != nil || target != "20261205T204810Z" {
		t.Errorf("latest points at %q (%v), want the run folder beside it, relative", target, err)
	}
	os.Remove(filepath.Join(run, folder.HTMLFile))
	t.Chdir(work)
	if out, errs, code := runGameday("report"); code != 0 || !strings.Contains(out, filepath.Join(latestLink, folder.HTMLFile)) {
		t.Fatalf("report with no folder exited %d: %s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(run, folder.HTMLFile)); err != nil {
		t.Errorf("report with no folder did not render the latest run: %v", err)
	}
}

// regress writes run B: the recorded run A with one verdict turned from
// passed to failed and the frontend's first load window two minutes
// longer, so its first scale-out came two minutes later after the load
// began. Nothing else differs.
func regress(t *testing.T, a string) string {
	t.Helper()
	b := copyRun(t, a)
	events, err := timeline.ReadFile(filepath.Join(a, folder.TimelineFile))
	if err != nil {
		t.Fatal(err)
	}
	flipped, longer := false, false
	for i, e := range events {
		switch d := e.Data.(type) {
		case timeline.Verdict:
			if d.Spec == "scaling.frontend.max-capacity" {
				if d.Status != timeline.Passed {
					t.Fatalf("the recorded run's %s is %s, want passed", d.Spec, d.Status)
				}
				d.Status, d.Message, flipped = timeline.Failed, "desired count 11 above the maximum 10 at 2026-12-05T21:01:19Z", true
				events[i].Data = d
			}
		case timeline.LoadWindow:
			if d.Service == "frontend" && !longer {
				d.Duration += timeline.Duration(2 * time.Minute)
				events[i].Data, longer = d, true
			}
		}
	}
	if !flipped || !longer {
		t.Fatal("the recorded run lacks the verdict or the load window to change")
	}
	tl, err := timeline.Create(filepath.Join(b, folder.TimelineFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if _, err := tl.Append(e.At, e.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tl.Close(); err != nil {
		t.Fatal(err)
	}
	return b
}

// Two recorded runs that differ in one verdict and one timing compare as
// exactly those two: one new failure, one timing moved beyond its
// tolerance, nothing else; B regressed, so the exit code is 1. A run
// compared with itself has nothing to say and exits 0.
func TestReportCompare(t *testing.T) {
	a := copyRun(t, recordedRun)
	b := regress(t, a)

	out, errs, code := runGameday("report", "--compare", a, b, "-o", "json")
	if code != 1 {
		t.Fatalf("compare exited %d, want 1 (B regressed): %s", code, errs)
	}
	var d struct {
		NewFailures []struct{ Spec, From, To, Message string } `json:"newFailures"`
		Fixed       []any                                      `json:"fixed"`
		Changed     []any                                      `json:"changed"`
		Moved       []struct{ Name, A, B, Tolerance string }   `json:"moved"`
		SpecChanged bool                                       `json:"specChanged"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("compare -o json: %v\n%s", err, out)
	}
	if len(d.NewFailures) != 1 || d.NewFailures[0].Spec != "scaling.frontend.max-capacity" || d.NewFailures[0].From != "passed" || d.NewFailures[0].To != "failed" {
		t.Errorf("new failures %+v, want exactly scaling.frontend.max-capacity passed -> failed", d.NewFailures)
	}
	if len(d.Moved) != 1 || d.Moved[0].Name != "first scale-out frontend" {
		t.Errorf("moved %+v, want exactly the first scale-out of frontend", d.Moved)
	}
	if len(d.Fixed)+len(d.Changed) != 0 || d.SpecChanged {
		t.Errorf("fixed %v, changed %v, spec changed %v: want nothing else", d.Fixed, d.Changed, d.SpecChanged)
	}
	if len(d.Moved) == 1 {
		before, _ := time.ParseDuration(d.Moved[0].A)
		after, _ := time.ParseDuration(d.Moved[0].B)
		if after-before != 2*time.Minute {
			t.Errorf("the first scale-out moved from %s to %s, want two minutes later", d.Moved[0].A, d.Moved[0].B)
		}
	}

	out, _, code = runGameday("report", "--compare", a, b)
	lines := strings.Split(out, "\n")
	for _, want := range []string{"NEW FAILURES (1)", "scaling.frontend.max-capacity  passed -> failed", "FIXED (0)", "OTHER CHANGES (0)",
		"TIMINGS MOVED BEYOND TOLERANCE (1)", "first scale-out frontend", "+2m0s, tolerance 1m0s", "B regressed: 1 new failures, 1 timings moved"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("compare exited %d; its text lacks %q:\n%s", code, want, out)
		}
	}

	if out, errs, code := runGameday("report", "--compare", a, b, "--tolerance", "scale-out=3m"); code != 1 || strings.Contains(out, "first scale-out") {
		t.Errorf("with a 3m tolerance the scale-out should not show, the failure still should (exit %d):\n%s%s", code, out, errs)
	}
	if out, errs, code := runGameday("report", "--compare", a, a); code != 0 || !strings.Contains(out, "B is no worse than A") {
		t.Errorf("a run compared with itself exited %d:\n%s%s", code, out, errs)
	}
}

func TestReportRefuses(t *testing.T) {
	run := copyRun(t, recordedRun)
	noManifest := copyRun(t, recordedRun)
	os.Remove(filepath.Join(noManifest, folder.ManifestFile))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"report", filepath.Join(t.TempDir(), "gone")}, "run.json"},
		{[]string{"report", noManifest}, "run.json: no such file"},
		{[]string{"report", "--compare", run}, "accepts 2 arg(s), received 1"},
		{[]string{"report", run, run}, "accepts at most 1 arg(s), received 2"},
		{[]string{"report", "--compare", run, run, "--tolerance", "soon"}, `--tolerance "soon"`},
		{[]string{"report", "--compare", run, run, "--tolerance", "latency=1s"}, `no timing "latency"`},
		{[]string{"report", run, "--tolerance", "1m"}, "--tolerance and --output go with --compare"},
	}
	for _, tt := range tests {
		_, errs, code := runGameday(tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("gameday %v: exit %d, want 2 and %q:\n%s", tt.args, code, tt.want, errs)
		}
	}
}

// make gameday ends by saying where the report and its summary are. The
// script runs here against a gameday whose sandbox, check and suites are
// stood in for by the recorded run; its lint and the rendering of the
// report are the real gameday's. The run folder gets the lint and the
// check's timeline, so the report holds them.
func TestMakeGamedayPrintsTheReport(t *testing.T) {
	real := gamedayBinary(t)
	fixture, err := filepath.Abs(recordedRun)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, "gameday")
	os.WriteFile(stub, []byte(`#!/usr/bin/env bash
# A gameday with the recorded run for a sandbox: lint and report are the real one's.
set -eu
flag() { local name=$1; shift; while [ $# -gt 0 ]; do [ "$1" = "$name" ] && { echo "$2"; return; }; shift; done; }
case "$1 ${2:-}" in
"spec lint") exec `+real+` "$@" ;;
"sandbox up") mkdir -p "$(flag --state-dir "$@")"; echo "sandbox up" ;;
"sandbox status"|"sandbox down") echo "no sandbox" ;;
check*) cp `+fixture+`/compliance.timeline.jsonl "$(flag --timeline "$@")"; echo "target local: 82 passed, 0 failed" ;;
run*) out=$(flag --reports "$@"); cp `+fixture+`/run.json `+fixture+`/timeline.jsonl "$out"/
	`+real+` report "$out" >/dev/null; ln -sfn "$out" "$(flag --latest "$@")"; echo "16 passed, 1 failed"; exit 1 ;;
esac
`), 0o755)
	reports := filepath.Join(dir, "out", "20261205T210000Z")
	cmd := exec.Command("bash", "../../scripts/gameday.sh", stub, shippedSpec, reports, filepath.Join(dir, "sandbox"))
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("the script exited %d (%v), want 1 for the recorded run's failure:\n%s", code, err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	html, summary := filepath.Join(reports, "run", folder.HTMLFile), filepath.Join(reports, "run", folder.SummaryFile)
	if n := len(lines); n < 2 || lines[n-2] != "report:  "+html || lines[n-1] != "summary: "+summary {
		t.Errorf("the script does not end with the report's and the summary's paths:\n%s", out)
	}
	f, err := folder.Read(filepath.Join(reports, "run"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Lint == nil || len(f.Compliance) == 0 {
		t.Errorf("the run folder lacks the lint (%v) or the check's timeline (%d events)", f.Lint != nil, len(f.Compliance))
	}
	for _, p := range []string{html, summary} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if target, err := os.Readlink(filepath.Join(dir, "out", "latest")); err != nil || target != filepath.Join(reports, "run") {
		t.Errorf("latest beside the reports points at %q (%v), want the run folder", target, err)
	}
}
