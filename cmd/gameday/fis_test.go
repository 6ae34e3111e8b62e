package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/fis"

	"github.com/gameday-sre/gameday/chaos"
	awsdriver "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/internal/awscli"
	"github.com/gameday-sre/gameday/timeline"
)

// fisPoll is how often the tests' FIS injectors ask how their experiment
// stands.
const fisPoll = 2 * time.Second

// fisClients are the sandbox's AWS clients and what FIS experiments act
// on there.
func fisClients(t *testing.T, dir string) (*awsdriver.Clients, chaos.Target) {
	t.Helper()
	_, p := loadRunbookNames(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := awsdriver.New(ctx, awsdriver.Target{Endpoint: status(t, dir).Endpoints.AWS, Region: sandboxRegion})
	if err != nil {
		t.Fatal(err)
	}
	return c, chaos.Target{Name: "local", ECS: c.ECS, Cluster: p.Cluster, FIS: c.FIS}
}

// runningTasks lists a service's running tasks.
func runningTasks(t *testing.T, c *awsdriver.Clients, cluster, service string) []string {
	t.Helper()
	out, err := c.ECS.ListTasks(context.Background(), &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(service)})
	if err != nil {
		t.Fatal(err)
	}
	return out.TaskArns
}

// expectReplaced waits for ECS to show one of the tasks that ran before
// STOPPED by a user (StopTask, as FIS calls it) with a reason naming the
// experiment, and the service at its desired count again with a task
// started since.
func expectReplaced(t *testing.T, c *awsdriver.Clients, cluster, service string, before []string, experiment string) {
	t.Helper()
	ctx := context.Background()
	var seen string
	waitFor(t, time.Minute, "a stopped task STOPPED and replaced", func() bool {
		d, err := c.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: before})
		if err != nil {
			t.Fatal(err)
		}
		stopped := 0
		for _, tk := range d.Tasks {
			if aws.ToString(tk.LastStatus) == "STOPPED" && tk.StopCode == "UserInitiated" && strings.Contains(aws.ToString(tk.StoppedReason), experiment) {
				stopped++
			}
		}
		s, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
		if err != nil || len(s.Services) != 1 {
			t.Fatalf("describe %s: %v", service, err)
		}
		now := runningTasks(t, c, cluster, service)
		fresh := 0
		for _, arn := range now {
			if !slices.Contains(before, arn) {
				fresh++
			}
		}
		seen = fmt.Sprintf("%d stopped, %d of %d running, %d started since", stopped, s.Services[0].RunningCount, s.Services[0].DesiredCount, fresh)
		return stopped == 1 && fresh >= 1 && s.Services[0].RunningCount >= s.Services[0].DesiredCount
	})
	t.Logf("%s: %s", service, seen)
}

// An FIS experiment created and started against the sandbox, through
// aws-sdk-go-v2 (the chaos injector, through the ledger) and through the
// aws CLI, stops a real task through ECS, which replaces it; the ledger
// and the timeline name the template and the experiment, and the same
// fault again reuses its template.
func TestFISStopsTasks(t *testing.T) {
	dir := startSandbox(t)
	c, on := fisClients(t, dir)
	_, p := loadRunbookNames(t)
	service := p.Services[0].ECSService

	t.Run("aws-sdk-go-v2", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		ledger, err := chaos.OpenLedger(filepath.Join(t.TempDir(), "ledger.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer ledger.Close()
		tl := timeline.New(io.Discard)
		for round := range 2 {
			before := runningTasks(t, c, p.Cluster, service)
			inj := chaos.FISStopTasks(on, service, 1, 0)
			inj.Poll = fisPoll
			f, err := ledger.Inject(ctx, inj, tl, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := f.Entry()
			experiment := e.Params["fis-experiment"]
			if experiment == "" || e.Params["fis-template"] == "" || e.Undo.FIS == nil || e.Undo.FIS.Experiment != experiment {
				t.Fatalf("round %d: ledger entry %+v does not name the FIS template and experiment", round, e)
			}
			expectReplaced(t, c, p.Cluster, service, before, experiment)
			select {
			case err := <-f.Ended():
				if err != nil {
					t.Errorf("round %d: the experiment ended with %v, want completed", round, err)
				}
			case <-time.After(2 * fisPoll):
				t.Errorf("round %d: no end reported within two polls of a stop-task experiment", round)
			}
			if err := f.Revert(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var onTimeline []string
		for _, ev := range tl.Events() {
			var params map[string]string
			switch fe := ev.Data.(type) {
			case timeline.FaultInjected:
				params = fe.Params
			case timeline.FaultReverted:
				params = fe.Params
			}
			if params["fis-experiment"] != "" && params["fis-template"] != "" {
				onTimeline = append(onTimeline, params["fis-template"]+"/"+params["fis-experiment"])
			}
		}
		if len(onTimeline) != 4 {
			t.Errorf("timeline: %v, want the template and experiment on both rounds' injected and reverted events", onTimeline)
		}
		templates, err := c.FIS.ListExperimentTemplates(ctx, &fis.ListExperimentTemplatesInput{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tpl := range templates.ExperimentTemplates {
			if tpl.Tags[chaos.TagFault] != "" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d gameday templates after two injections of the same fault, want 1 (reused)", n)
		}
		// FIS is regional: the failover region's endpoint sees none of it.
		other, err := awsdriver.New(ctx, awsdriver.Target{Endpoint: status(t, dir).Endpoints.AWS, Region: p.Regions.Failover.Name})
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, err := other.FIS.ListExperiments(ctx, &fis.ListExperimentsInput{})
		if err != nil || len(elsewhere.Experiments) != 0 {
			t.Errorf("%s lists %+v (%v), want no experiments", p.Regions.Failover.Name, elsewhere, err)
		}
	})

	awscli.Each(t, func(t *testing.T, cli awscli.CLI) {
		endpoint := status(t, dir).Endpoints.AWS
		run := func(out any, args ...string) {
			t.Helper()
			stdout, stderr, err := cli.Run(t, endpoint, sandboxRegion, args...)
			if err != nil {
				t.Fatalf("aws CLI v%d %s: %v\n%s", cli.Major, strings.Join(args, " "), err, stderr)
			}
			if err := json.Unmarshal([]byte(stdout), out); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stdout)
			}
		}
		var tpl struct{ ExperimentTemplate struct{ ID string } }
		run(&tpl, "fis", "create-experiment-template", "--description", "stop one frontend task",
			"--role-arn", "arn:aws:iam::123456789012:role/gameday-fis", "--stop-conditions", "source=none",
			"--targets", `{"tasks":{"resourceType":"aws:ecs:task","selectionMode":"COUNT(1)","parameters":{"cluster":"`+p.Cluster+`","service":"`+service+`"}}}`,
			"--actions", `{"stop":{"actionId":"aws:ecs:stop-task","targets":{"Tasks":"tasks"}}}`)
		before := runningTasks(t, c, p.Cluster, service)
		var x struct{ Experiment struct{ ID string } }
		run(&x, "fis", "start-experiment", "--experiment-template-id", tpl.ExperimentTemplate.ID)
		if x.Experiment.ID == "" {
			t.Fatal("start-experiment answered no experiment id")
		}
		var got struct {
			Experiment struct {
				State struct{ Status, Reason string }
			}
		}
		waitFor(t, 30*time.Second, "the experiment to complete", func() bool {
			run(&got, "fis", "get-experiment", "--id", x.Experiment.ID)
			return got.Experiment.State.Status == "completed"
		})
		expectReplaced(t, c, p.Cluster, service, before, x.Experiment.ID)
		var listed struct{ Experiments []struct{ ID string } }
		run(&listed, "fis", "list-experiments")
		if !slices.ContainsFunc(listed.Experiments, func(e struct{ ID string }) bool { return e.ID == x.Experiment.ID }) {
			t.Errorf("list-experiments does not list %s", x.Experiment.ID)
		}
	})
}

// A stop condition's alarm going to ALARM mid-experiment stops it: FIS
// reverts the latency it held before it says stopped, the injector sees
// that at its next poll and ends the fault with an *Aborted naming the
// alarm. StopExperiment (the fault's revert) reverts it too, and is no
// abort.
func TestFISStopConditionAborts(t *testing.T) {
	dir := startSandbox(t)
	c, on := fisClients(t, dir)
	_, p := loadRunbookNames(t)
	api := p.Services[1].ECSService
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const alarm = "APILatencyHigh"
	alarms, err := c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{alarm}})
	if err != nil || len(alarms.MetricAlarms) != 1 {
		t.Fatalf("describe %s: %v", alarm, err)
	}
	arn := aws.ToString(alarms.MetricAlarms[0].AlarmArn)
	ledger, err := chaos.OpenLedger(filepath.Join(t.TempDir(), "ledger.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	active := func() []string {
		var kinds []string
		for _, f := range status(t, dir).Faults {
			kinds = append(kinds, f.Kind)
		}
		return kinds
	}
	inject := func(t *testing.T, arn string) *chaos.Fault {
		t.Helper()
		inj := chaos.FISLatency(on, api, 300*time.Millisecond, 0, 30*time.Minute, arn)
		inj.Poll = fisPoll
		f, err := ledger.Inject(ctx, inj, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := active(); !slices.Equal(got, []string{"latency"}) {
			t.Fatalf("active faults %v once the experiment runs, want the latency it holds", got)
		}
		return f
	}

	t.Run("stop condition", func(t *testing.T) {
		// An alarm set to ALARM by hand holds only until its next
		// evaluation, a platform minute away at most, which FIS's
		// polls may miss. This one goes to ALARM by its own evaluation
		// and stays: its metric has no data, and missing data breaches.
		const stop = "gameday-test-stop-condition"
		if _, err := c.CloudWatch.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(stop), Namespace: aws.String("Gameday/Test"), MetricName: aws.String("DrillHurts"),
			Statistic: cwtypes.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(0),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("notBreaching"),
		}); err != nil {
			t.Fatal(err)
		}
		defer c.CloudWatch.DeleteAlarms(context.WithoutCancel(ctx), &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{stop}})
		// Quiet while the experiment starts (FIS would refuse to run it
		// under an alarm already in ALARM), then breaching.
		described, err := c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{stop}})
		if err != nil || len(described.MetricAlarms) != 1 {
			t.Fatalf("describe %s: %v", stop, err)
		}
		f := inject(t, aws.ToString(described.MetricAlarms[0].AlarmArn))
		if _, err := c.CloudWatch.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(stop), Namespace: aws.String("Gameday/Test"), MetricName: aws.String("DrillHurts"),
			Statistic: cwtypes.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(0),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("breaching"),
		}); err != nil {
			t.Fatal(err)
		}
		var set time.Time
		for set.IsZero() {
			out, err := c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{stop}, StateValue: cwtypes.StateValueAlarm})
			switch {
			case err != nil:
				t.Fatal(err)
			case len(out.MetricAlarms) == 1:
				set = time.Now()
			case ctx.Err() != nil:
				t.Fatalf("%s never went to ALARM", stop)
			default:
				time.Sleep(10 * time.Millisecond)
			}
		}
		var ended error
		select {
		case ended = <-f.Ended():
		case <-time.After(2 * fisPoll):
			t.Fatalf("no end seen within %s of the alarm (the injector polls every %s)", 2*fisPoll, fisPoll)
		}
		t.Logf("abort seen %s after the alarm: %v", time.Since(set).Round(time.Millisecond), ended)
		var aborted *chaos.Aborted
		if !errors.As(ended, &aborted) || !slices.Equal(aborted.Alarms, []string{stop}) {
			t.Fatalf("ended with %v, want an *chaos.Aborted naming %s", ended, stop)
		}
		if got := active(); len(got) != 0 {
			t.Errorf("active faults %v once the experiment says stopped, want none", got)
		}
		if err := f.Revert(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("StopExperiment", func(t *testing.T) {
		f := inject(t, arn)
		start := time.Now()
		if err := f.Revert(ctx); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		if got := active(); len(got) != 0 {
			t.Errorf("active faults %v after the revert, want none", got)
		}
		if took > fisPoll {
			t.Errorf("the revert took %s, more than one poll (%s)", took, fisPoll)
		}
		x, err := c.FIS.GetExperiment(ctx, &fis.GetExperimentInput{Id: aws.String(f.Entry().Params["fis-experiment"])})
		if err != nil {
			t.Fatal(err)
		}
		if st := x.Experiment.State; st.Status != "stopped" || strings.Contains(aws.ToString(st.Reason), alarm) {
			t.Errorf("experiment %s (%s), want stopped by the user", st.Status, aws.ToString(st.Reason))
		}
		select {
		case err := <-f.Ended():
			t.Errorf("a stop the run asked for ended the fault with %v, want no end reported", err)
		case <-time.After(fisPoll + time.Second):
		}
	})
}

// The resilience suite's frontend task loss passes with the target's own
// fault path (ECS StopTask) and through FIS (a profile saying faults:
// fis), on one sandbox; only the FIS run starts an experiment.
func TestResilienceThroughFIS(t *testing.T) {
	dir := startSandbox(t)
	c, _ := fisClients(t, dir)
	direct := filepath.Join(dir, "target.yaml")
	profile, err := os.ReadFile(direct)
	if err != nil {
		t.Fatal(err)
	}
	viaFIS := filepath.Join(t.TempDir(), "fis.yaml")
	if err := os.WriteFile(viaFIS, append(profile, []byte("faults: fis\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	experiments := func() int {
		out, err := c.FIS.ListExperiments(context.Background(), &fis.ListExperimentsInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range out.Experiments {
			if x.State.Status != "completed" {
				t.Errorf("experiment %s: %s (%s)", aws.ToString(x.Id), x.State.Status, aws.ToString(x.State.Reason))
			}
		}
		return len(out.Experiments)
	}
	for _, tt := range []struct {
		name, target string
		experiments  int
	}{
		{"ECS StopTask", direct, 0},
		{"FIS", viaFIS, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, vs, out := runFocused(t, tt.target, shippedSpec, "resilience", `resilience\.frontend\.stop-1\.`)
			expectVerdicts(t, code, judged(vs), map[string]timeline.Status{
				"resilience.frontend.stop-1.replaced":     timeline.Passed,
				"resilience.frontend.stop-1.error-budget": timeline.Passed,
			}, "", "")
			if n := experiments(); n != tt.experiments {
				t.Errorf("%d FIS experiments after the run, want %d", n, tt.experiments)
			}
			if t.Failed() {
				t.Logf("run output:\n%s", out)
			}
		})
	}
}
