package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/sandbox/supervisor"
	"github.com/gameday-sre/gameday/sandbox/task"
	"github.com/gameday-sre/gameday/spec"
)

func newSandboxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the platform in miniature on this machine (target local)",
		Long: `The sandbox is the platform on one machine, in two regions: the
frontend, api and ai services as real task processes behind each region's
load balancer (127.0.1.1 primary, 127.0.2.1 failover), and a control plane
that behaves like ECS, Application Auto Scaling and CloudWatch behind one
AWS-compatible endpoint, so the harness, the aws CLI and the AWS SDK talk to
it as they would to AWS.

It runs in platform time: with --time-scale 60 a documented minute passes in
one real second, so a cooldown of 600s lasts 10 real seconds. It starts
configured exactly as the runbook says, or with named --deviate settings that
a harness must catch. 'gameday sandbox fault' breaks it for real, reversibly.`,
	}
	cmd.PersistentFlags().String("state-dir", state.DefaultDir, "where the sandbox keeps its pids, logs, endpoints and target profile")
	cmd.AddCommand(newSandboxUpCmd(), newSandboxDownCmd(), newSandboxStatusCmd(), newSandboxDeviationsCmd(), newSandboxFaultCmd(), newSandboxServeCmd(), newSandboxTaskCmd())
	return cmd
}

// upFlags are shared by `up`, which checks them, and the hidden `serve`,
// which `up` starts in the background with the same values.
type upFlags struct {
	spec      string
	timeScale float64
	startAt   string
	deviate   []string
}

func (f *upFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.spec, "spec", spec.DefaultPath, "path to the spec YAML the sandbox is configured from")
	cmd.Flags().Float64Var(&f.timeScale, "time-scale", 60, "platform seconds per real second (60: a documented minute is one real second)")
	cmd.Flags().StringVar(&f.startAt, "start-at", "", "platform time at start: RFC 3339 (2026-11-30T07:59:00Z) or a weekday and UTC time (Mon 07:59); default now")
	cmd.Flags().StringArrayVar(&f.deviate, "deviate", nil, "depart from the runbook, KEY=VALUE (repeatable; see `gameday sandbox deviations`)")
}

// resolve turns the flags into a configuration, refusing anything invalid
// before a process is started.
func (f *upFlags) resolve(now time.Time) (*config.Sandbox, error) {
	p, err := spec.Load(f.spec)
	if err != nil {
		return nil, fmt.Errorf("the spec does not load:\n%w", err)
	}
	start := now.UTC().Truncate(time.Second)
	if f.startAt != "" {
		if start, err = clock.ParseStart(f.startAt, now); err != nil {
			return nil, fmt.Errorf("--start-at: %w", err)
		}
	}
	cfg, err := config.New(p, f.timeScale, start)
	if err != nil {
		return nil, fmt.Errorf("--time-scale: %w", err)
	}
	devs := make([]config.Deviation, 0, len(f.deviate))
	for _, s := range f.deviate {
		d, err := config.ParseDeviation(s)
		if err != nil {
			return nil, err
		}
		devs = append(devs, d)
	}
	if err := cfg.Apply(devs); err != nil {
		return nil, err
	}
	return cfg, nil
}

// prepare resolves the flags and opens the state dir.
func (f *upFlags) prepare(cmd *cobra.Command) (*config.Sandbox, state.Dir, error) {
	cfg, err := f.resolve(time.Now())
	if err != nil {
		return nil, state.Dir{}, err
	}
	dir, err := stateDir(cmd)
	return cfg, dir, err
}

func stateDir(cmd *cobra.Command) (state.Dir, error) {
	path, err := cmd.Flags().GetString("state-dir")
	if err != nil {
		return state.Dir{}, err
	}
	return state.Open(path)
}

func newSandboxUpCmd() *cobra.Command {
	var f upFlags
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start the sandbox in the background and wait until it is ready",
		Long: `up checks the spec and every --deviate, starts the sandbox in the
background, waits until every service has its minimum number of tasks
running, prints the endpoints, and writes the target profile that
--target local reads (<state-dir>/target.yaml). Its log is
<state-dir>/sandbox.log. Stop it with gameday sandbox down.`,
		Example: `  gameday sandbox up
  gameday sandbox up --time-scale 60 --start-at "Mon 07:59"
  gameday sandbox up --deviate frontend.scaleInCooldown=60s --deviate ai.maxCapacity=50`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, dir, err := f.prepare(cmd)
			if err != nil {
				return err
			}
			if p, running, _ := dir.Supervisor(); running {
				return fmt.Errorf("a sandbox is already running (pid %d, state dir %s): stop it with `gameday sandbox down`", p.PID, dir.Path)
			}
			os.Remove(dir.File(supervisor.ReadyFile))
			eps, err := startInBackground(cmd.Context(), dir, f, cfg.StartAt, wait)
			if err != nil {
				return failed("%v", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "sandbox ready: %s, platform time %s\n", supervisor.DescribeClock(cfg), cfg.StartAt.Format(time.RFC3339))
			printEndpoints(out, eps)
			if len(cfg.Deviations) > 0 {
				fmt.Fprintf(out, "deviations from the runbook: %v\n", cfg.Deviations)
			}
			fmt.Fprintf(out, "target profile: %s (use --target local)\nstop with: gameday sandbox down\n", dir.File("target.yaml"))
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().DurationVar(&wait, "wait", 60*time.Second, "how long to wait, in real time, for the sandbox to become ready")
	return cmd
}

func startInBackground(ctx context.Context, dir state.Dir, f upFlags, startAt time.Time, wait time.Duration) (supervisor.Endpoints, error) {
	exe, err := os.Executable()
	if err != nil {
		return supervisor.Endpoints{}, err
	}
	logFile, err := os.OpenFile(dir.File("sandbox.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return supervisor.Endpoints{}, err
	}
	defer logFile.Close()
	specPath, err := filepath.Abs(f.spec)
	if err != nil {
		return supervisor.Endpoints{}, err
	}
	args := []string{"sandbox", "serve", "--state-dir", dir.Path, "--spec", specPath,
		"--time-scale", fmt.Sprint(f.timeScale), "--start-at", startAt.Format(time.RFC3339Nano)}
	for _, d := range f.deviate {
		args = append(args, "--deviate", d)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own session: the sandbox outlives this command and a Ctrl-C in
	// this terminal.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return supervisor.Endpoints{}, fmt.Errorf("starting the sandbox: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	for {
		select {
		case err := <-exited:
			return supervisor.Endpoints{}, fmt.Errorf("the sandbox exited before it was ready (%v); its log %s ends:\n%s", err, logFile.Name(), tail(logFile.Name(), 20))
		case <-deadline.C:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			return supervisor.Endpoints{}, fmt.Errorf("the sandbox was not ready after %s; stopped it. Its log %s ends:\n%s", wait, logFile.Name(), tail(logFile.Name(), 20))
		case <-ctx.Done():
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			return supervisor.Endpoints{}, ctx.Err()
		case <-poll.C:
			var eps supervisor.Endpoints
			if dir.ReadJSON(supervisor.ReadyFile, &eps) == nil {
				return eps, nil
			}
		}
	}
}

func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

func printEndpoints(w io.Writer, eps supervisor.Endpoints) {
	fmt.Fprintf(w, "  AWS endpoint:  %s\n", eps.AWS)
	if eps.DNS != "" {
		fmt.Fprintf(w, "  DNS server:    %s (UDP and TCP)\n", eps.DNS)
	}
	if len(eps.RedisSentinels) > 0 {
		fmt.Fprintf(w, "  Redis:         master %s via sentinels %s\n", supervisor.CacheName, strings.Join(eps.RedisSentinels, " "))
	}
	for _, region := range slices.Sorted(maps.Keys(eps.LoadBalancers)) {
		fmt.Fprintf(w, "  load balancer: %s (%s)\n", eps.LoadBalancers[region], region)
	}
}

// taskBinary is the task program `make build` puts beside gameday.
const taskBinary = "gameday-task"

// taskCommand is how the sandbox starts a task: gameday-task beside this
// executable, or, where there is none (go run), this executable's own
// `sandbox task`, the same program with the harness linked in.
func taskCommand() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if sibling := filepath.Join(filepath.Dir(exe), taskBinary); isExecutable(sibling) {
		return []string{sibling}, nil
	}
	return []string{exe, "sandbox", "task"}, nil
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

func newSandboxServeCmd() *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:    "serve",
		Short:  "Run the sandbox in the foreground (what `up` starts in the background)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, dir, err := f.prepare(cmd)
			if err != nil {
				return err
			}
			oneProcessor()
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			task, err := taskCommand()
			if err != nil {
				return err
			}
			return supervisor.Run(ctx, supervisor.Options{Config: cfg, Dir: dir, TaskCommand: task, Log: cmd.ErrOrStderr()})
		},
	}
	f.register(cmd)
	return cmd
}

// oneProcessor runs the supervisor, and through the environment every task
// it starts, on one Go processor. Idle, the sandbox is a few hundred small
// wake-ups a real second (health checks, Route 53's probes, Sentinel's
// chatter through the relays); with two processors the runtime wakes a
// second thread to look for work at each one and puts it back to sleep,
// which cost a fifth to a third of the idle CPU on two cores. Under the
// scaling suite's full load the supervisor's proxying stays well inside
// one core, and the minute lag in `make bench` shows it does.
func oneProcessor() {
	runtime.GOMAXPROCS(1)
	os.Setenv("GOMAXPROCS", "1")
}

func newSandboxTaskCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "task",
		Short:              "Run one ECS task of the sandbox (started by the sandbox itself)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := task.Main(args, cmd.OutOrStdout(), cmd.ErrOrStderr()); code != 0 {
				return &exitError{code: code, err: errors.New("task ended with an error")}
			}
			return nil
		},
	}
}

func newSandboxDownCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "down",
		Short: "Stop every process the sandbox started, and nothing else",
		Long: `down stops the processes recorded in the state dir: the supervisor first,
which stops its tasks, then anything left (also after the supervisor
crashed). A process is recorded with its start time, so a pid the system
has since reused is never signalled.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := stateDir(cmd)
			if err != nil {
				return err
			}
			stopped, err := dir.StopAll(15 * time.Second)
			if err != nil {
				return err
			}
			os.Remove(dir.File(supervisor.ReadyFile))
			if len(stopped) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "no sandbox running in %s\n", dir.Path)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stopped %d processes of the sandbox in %s\n", len(stopped), dir.Path)
			return nil
		},
	}
}

// runningSandbox finds the sandbox of --state-dir and its endpoints; none
// running is a failed check (exit 1), as `status` reports it.
func runningSandbox(cmd *cobra.Command) (state.Dir, supervisor.Endpoints, error) {
	var eps supervisor.Endpoints
	dir, err := stateDir(cmd)
	if err != nil {
		return dir, eps, err
	}
	if err := dir.ReadJSON(supervisor.ReadyFile, &eps); err != nil {
		return dir, eps, failed("no sandbox running in %s (start one with `gameday sandbox up`)", dir.Path)
	}
	return dir, eps, nil
}

func newSandboxStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show services with desired, running and pending tasks, recent scaling and alarms",
		Args:  cobra.NoArgs,
	}
	format := outputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		dir, eps, err := runningSandbox(cmd)
		if err != nil {
			return err
		}
		st, err := supervisor.FetchStatus(cmd.Context(), eps)
		if err != nil {
			return failed("the sandbox in %s does not answer at %s: %v", dir.Path, eps.Control, err)
		}
		if f == "json" {
			return writeJSON(cmd.OutOrStdout(), st)
		}
		return printStatus(cmd.OutOrStdout(), st)
	}
	return cmd
}

// printLag says how late the platform minutes' work completed, in
// platform seconds and as a share of a minute.
func printLag(w io.Writer, l supervisor.LagStatus) {
	if len(l.Minutes) == 0 {
		fmt.Fprintln(w, "minute lag: no platform minute has completed yet")
		return
	}
	fmt.Fprintf(w, "minute lag: last %.1f s (%.0f%% of a platform minute), worst since ready %.1f s (%.0f%%)",
		l.LastSeconds, 100*l.LastSeconds/60, l.WorstSeconds, 100*l.WorstSeconds/60)
	if !l.WorstMinute.IsZero() {
		fmt.Fprintf(w, " in the minute of %s", l.WorstMinute.Format(time.RFC3339))
	}
	if l.SkippedTicks > 0 {
		fmt.Fprintf(w, ", %d control minutes skipped", l.SkippedTicks)
	}
	fmt.Fprintln(w)
}

func printStatus(w io.Writer, st supervisor.Status) error {
	fmt.Fprintf(w, "platform time %s (%s)\n", st.PlatformTime.Format(time.RFC3339), st.Clock)
	printLag(w, st.Lag)
	printEndpoints(w, st.Endpoints)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nREGION\tSERVICE\tDESIRED\tRUNNING\tPENDING\tMIN-MAX")
	for _, s := range st.Services {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d-%d\n", s.Region, s.Name, s.Desired, s.Running, s.Pending, s.Min, s.Max)
	}
	fmt.Fprintln(tw, "\nREGION\tALARM\tSTATE\tSINCE")
	for _, a := range st.Alarms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Region, a.Name, a.State, a.Since.Format(time.RFC3339))
	}
	fmt.Fprintln(tw, "\nREGION\tSCALING ACTIVITY\tSTATUS\tSTARTED")
	for _, a := range st.Activities {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Region, a.Description, a.Status, a.Start.Format(time.RFC3339))
	}
	if len(st.Deviations) > 0 {
		fmt.Fprintf(tw, "\ndeviations from the runbook: %s\n", strings.Join(st.Deviations, " "))
	}
	if len(st.HealthChecks) > 0 {
		fmt.Fprintln(tw, "\nHEALTH CHECK\tENDPOINT\tSTATUS\tCHECKERS HEALTHY")
		for _, hc := range st.HealthChecks {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d of %d\n", hc.ID, hc.Endpoint, map[bool]string{true: "Healthy", false: "Unhealthy"}[hc.Healthy], hc.HealthyCheckers, hc.Checkers)
		}
	}
	if len(st.DNS) > 0 {
		fmt.Fprintln(tw, "\nDNS NAME\tTYPE\tANSWER")
		for _, a := range st.DNS {
			fmt.Fprintf(tw, "%s\t%s\t%s %s\n", a.Name, a.Type, a.Rcode, strings.Join(a.Values, " "))
		}
	}
	printData(tw, st.Data)
	printFaults(tw, st.Faults)
	return tw.Flush()
}

func printData(tw *tabwriter.Writer, d supervisor.DataStatus) {
	if d.Redis.Absent != "" {
		fmt.Fprintf(tw, "\nREDIS\tnot running: %s\n", d.Redis.Absent)
	} else {
		fmt.Fprintf(tw, "\nREDIS NODE\tREGION\tADDRESS\tROLE\tLAG (bytes)\n")
		for _, n := range d.Redis.Nodes {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", n.Name, n.Region, n.Addr, n.Role, n.LagBytes)
		}
		fmt.Fprintf(tw, "master %s per sentinels %s\n", cmp.Or(d.Redis.Master, "unknown (no quorum)"), strings.Join(d.Redis.Sentinels, " "))
	}
	if d.Mongo.Absent != "" {
		fmt.Fprintf(tw, "\nMONGODB\tnot running: %s\n", d.Mongo.Absent)
	} else {
		fmt.Fprintf(tw, "\nMONGODB\t%s\n", d.Mongo.URI)
	}
}

func newSandboxDeviationsCmd() *cobra.Command {
	var specPath string
	cmd := &cobra.Command{
		Use:   "deviations",
		Short: "List every --deviate key with the runbook row it departs from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := spec.Load(specPath)
			if err != nil {
				return fmt.Errorf("the spec does not load:\n%w", err)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tVALUE\tRUNBOOK ROW")
			for _, k := range config.Knobs(p) {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Key, k.Want, k.Row)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&specPath, "spec", spec.DefaultPath, "path to the spec YAML")
	return cmd
}
