// Package runner runs behavioural suites against a target, each in a child
// process of its own (Ginkgo owns the process it runs in: one suite per
// process, its own signal handling and exit), and gathers what they leave
// into one run folder: the suites' timelines merged into timeline.jsonl,
// verdicts.json (one object per spec) and junit.xml. It shows a live line
// of progress while the suites run.
package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/timeline"
)

// Config is one run.
type Config struct {
	// Command runs one suite in a child process: it is given the suite's
	// name and the path of the Ginkgo JSON report to write, and returns
	// the command; the runner adds the environment and the progress pipe.
	Command func(suite, report string) *exec.Cmd
	Suites  []string
	Target  string
	Spec    string
	Ledger  string
	// Dir is the run folder; it is created.
	Dir string
	// Progress receives the live line; Terminal rewrites it in place
	// rather than printing a line per update.
	Progress io.Writer
	Terminal bool
	// Stop, when set, is asked before each suite: a reason stops the run
	// there (the kill switch engaged between suites).
	Stop func() string
}

// Result is what a run came to.
type Result struct {
	Verdicts []Verdict
	// Aborted is why a stop condition or the kill switch ended the run
	// before its suites did; empty when none did.
	Aborted string
}

// childGrace is how long an interrupted suite has to revert its faults
// before it is killed; what it leaves, the ledger still knows.
const childGrace = 2 * time.Minute

// Run runs the suites one after another and writes the run folder. It
// returns the verdicts of every spec; an error means a suite could not be
// run or its output not read, not that a spec failed. Interrupted (ctx
// done), it stops the running suite, which reverts its faults, writes the
// run folder with what was judged, and returns the verdicts with ctx's
// error. A suite that aborted (framework.AbortPhase on its timeline), or
// Stop before a suite, ends the run there, with the reason.
func Run(ctx context.Context, c Config) (Result, error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("creating the run folder %s: %w", c.Dir, err)
	}
	var junits, timelines []string
	var aborted string
	for _, s := range c.Suites {
		if c.Stop != nil {
			aborted = c.Stop()
		}
		if ctx.Err() != nil || aborted != "" {
			break
		}
		report, tl, err := runSuite(ctx, c, s)
		if err != nil {
			return Result{}, err
		}
		junit := filepath.Join(c.Dir, s+".junit.xml")
		if err := reporters.GenerateJUnitReport(report, junit); err != nil {
			return Result{}, fmt.Errorf("writing the JUnit report of suite %s: %w", s, err)
		}
		junits, timelines = append(junits, junit), append(timelines, tl)
		if events, err := timeline.ReadFile(tl); err == nil {
			if aborted = framework.AbortReason(events); aborted != "" {
				break
			}
		}
	}
	if _, err := reporters.MergeAndCleanupJUnitReports(junits, filepath.Join(c.Dir, "junit.xml")); err != nil {
		return Result{}, fmt.Errorf("merging the JUnit reports: %w", err)
	}
	events, err := merge(timelines, filepath.Join(c.Dir, "timeline.jsonl"))
	if err != nil {
		return Result{}, err
	}
	verdicts := Verdicts(events)
	if err := writeJSON(filepath.Join(c.Dir, "verdicts.json"), verdicts); err != nil {
		return Result{}, err
	}
	return Result{Verdicts: verdicts, Aborted: aborted}, ctx.Err()
}

func runSuite(ctx context.Context, c Config, suite string) (types.Report, string, error) {
	reportPath := filepath.Join(c.Dir, suite+".report.json")
	tl := filepath.Join(c.Dir, suite+".timeline.jsonl")
	cmd := c.Command(suite, reportPath)
	cmd.Env = append(os.Environ(), framework.EnvTarget+"="+c.Target, framework.EnvSpec+"="+c.Spec,
		framework.EnvTimeline+"="+tl, framework.EnvLedger+"="+c.Ledger, framework.EnvProgressFD+"=3")
	pr, pw, err := os.Pipe()
	if err != nil {
		return types.Report{}, "", err
	}
	cmd.ExtraFiles = []*os.File{pw}
	console, err := os.Create(filepath.Join(c.Dir, suite+".log"))
	if err != nil {
		return types.Report{}, "", err
	}
	defer console.Close()
	cmd.Stdout, cmd.Stderr = console, console
	// Its own process group: a Ctrl-C at the terminal reaches the runner
	// alone, which passes on one interrupt, so the suite reverts its
	// faults rather than being hit twice and bailing out.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = childGrace
	if err := cmd.Start(); err != nil {
		pw.Close()
		pr.Close()
		return types.Report{}, "", fmt.Errorf("starting suite %s: %w", suite, err)
	}
	pw.Close()
	shown := make(chan struct{})
	go func() {
		defer close(shown)
		show(pr, suite, c.Progress, c.Terminal)
	}()
	runErr := cmd.Wait()
	<-shown
	pr.Close()
	report, err := ReadReport(reportPath)
	if err != nil {
		return types.Report{}, "", fmt.Errorf("suite %s wrote no report (%v): %w; its output is in %s", suite, runErr, err, console.Name())
	}
	return report, tl, nil
}

// ReadReport reads the Ginkgo JSON report of one suite's run, the real
// Report read back whole.
func ReadReport(path string) (types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return types.Report{}, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return types.Report{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(reports) != 1 {
		return types.Report{}, fmt.Errorf("reading %s: %d suites in it, want 1", path, len(reports))
	}
	return reports[0], nil
}

// merge writes the suites' timelines as one, in platform time order.
func merge(paths []string, dst string) ([]timeline.Event, error) {
	var all []timeline.Event
	for _, p := range paths {
		events, err := timeline.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the timeline %s: %w", p, err)
		}
		all = append(all, events...)
	}
	sortByTime(all)
	out, err := timeline.Create(dst)
	if err != nil {
		return nil, err
	}
	for i, e := range all {
		if all[i], err = out.Append(e.At, e.Data); err != nil {
			out.Close()
			return nil, err
		}
	}
	return all, out.Close()
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// show renders the suite's progress lines.
func show(r io.Reader, suite string, w io.Writer, terminal bool) {
	sc := bufio.NewScanner(r)
	var last time.Time
	for sc.Scan() {
		if w == nil {
			continue
		}
		var p map[string]any
		if json.Unmarshal(sc.Bytes(), &p) != nil {
			continue
		}
		line := progressText(suite, p)
		switch {
		case terminal:
			fmt.Fprintf(w, "\r\033[K%s", line)
		case p["status"] != nil || time.Since(last) > 5*time.Second:
			fmt.Fprintln(w, line)
			last = time.Now()
		}
	}
	if terminal && w != nil {
		fmt.Fprint(w, "\r\033[K")
	}
}
