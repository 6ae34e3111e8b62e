package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/awscli"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	awsdriver "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/spec"
)

// sandboxRegion is the region the shipped spec names primary, which the
// sandbox's endpoint serves.
const sandboxRegion = "us-east-1"

// runbookNames is what the runbook says a listing must show, from the
// spec: every service, scalable target, policy, scheduled action and alarm
// by the runbook's own name.
type runbookNames struct {
	services, resources, policies, scheduled, alarms []string
}

func loadRunbookNames(t *testing.T) (runbookNames, *spec.Platform) {
	t.Helper()
	p, err := spec.Load(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	var n runbookNames
	for _, s := range p.Services {
		n.services = append(n.services, s.ECSService)
		n.resources = append(n.resources, "service/"+p.Cluster+"/"+s.ECSService)
		for _, pol := range s.Policies {
			n.policies = append(n.policies, pol.Name)
		}
	}
	for _, a := range p.ScheduledActions {
		n.scheduled = append(n.scheduled, a.Name)
	}
	for _, a := range p.Alarms {
		n.alarms = append(n.alarms, a.Name)
	}
	return n, p
}

func missing(want, got []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			out = append(out, w)
		}
	}
	return out
}

// Standard clients, unchanged, read a running sandbox through its AWS
// endpoint: aws-sdk-go-v2 with its default protocols (CloudWatch in
// Smithy RPC v2 CBOR), the aws CLI v1 on PATH (CloudWatch in AWS JSON 1.0)
// and Debian's aws CLI v2 (CloudWatch in Query); and StopTask through the
// CLI kills the task's real process.
func TestStandardClientsDriveTheSandbox(t *testing.T) {
	dir := startSandbox(t)
	endpoint := status(t, dir).Endpoints.AWS
	want, p := loadRunbookNames(t)

	t.Run("aws-sdk-go-v2", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := awsdriver.New(ctx, awsdriver.Target{Endpoint: endpoint, Region: sandboxRegion})
		if err != nil {
			t.Fatal(err)
		}
		targets, err := c.ScalableTargets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var resources, policies, scheduled []string
		for _, tg := range targets {
			resources = append(resources, aws.ToString(tg.ResourceId))
			pols, err := c.ScalingPolicies(ctx, aws.ToString(tg.ResourceId))
			if err != nil {
				t.Fatal(err)
			}
			for _, pol := range pols {
				policies = append(policies, aws.ToString(pol.PolicyName))
			}
			acts, err := c.ScheduledActions(ctx, aws.ToString(tg.ResourceId))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range acts {
				scheduled = append(scheduled, aws.ToString(a.ScheduledActionName))
			}
		}
		alarms, err := c.Alarms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var alarmNames []string
		for _, a := range alarms {
			alarmNames = append(alarmNames, aws.ToString(a.AlarmName))
		}
		services, err := c.Services(ctx, p.Cluster, want.services...)
		if err != nil {
			t.Fatal(err)
		}
		var serviceNames []string
		for _, s := range services {
			serviceNames = append(serviceNames, aws.ToString(s.ServiceName))
			if s.RunningCount < 1 {
				t.Errorf("%s runs %d tasks", aws.ToString(s.ServiceName), s.RunningCount)
			}
		}
		tasks, err := c.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(p.Cluster), ServiceName: aws.String(want.services[0])})
		if err != nil {
			t.Fatal(err)
		}
		for _, check := range []struct {
			what      string
			want, got []string
		}{
			{"scalable targets", want.resources, resources},
			{"scaling policies", want.policies, policies},
			{"scheduled actions", want.scheduled, scheduled},
			{"alarms", want.alarms, alarmNames},
			{"services", want.services, serviceNames},
		} {
			if m := missing(check.want, check.got); len(m) > 0 {
				t.Errorf("%s: missing %v from %v", check.what, m, check.got)
			}
		}
		if len(tasks.TaskArns) == 0 {
			t.Errorf("ListTasks %s: no tasks", want.services[0])
		}
	})

	// Each region is its own endpoint, chosen by the credential scope as
	// in AWS: a client for the failover region sees that region's copy.
	t.Run("failover region", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		failover := p.Regions.Failover.Name
		c, err := awsdriver.New(ctx, awsdriver.Target{Endpoint: endpoint, Region: failover})
		if err != nil {
			t.Fatal(err)
		}
		services, err := c.Services(ctx, p.Cluster, want.services...)
		if err != nil {
			t.Fatal(err)
		}
		if len(services) != len(want.services) {
			t.Fatalf("%s has %d services, want %d", failover, len(services), len(want.services))
		}
		for _, s := range services {
			if arn := aws.ToString(s.ServiceArn); !strings.Contains(arn, ":"+failover+":") {
				t.Errorf("service ARN %s is not in %s", arn, failover)
			}
		}
	})

	awscli.Each(t, func(t *testing.T, cli awscli.CLI) {
		run := func(args ...string) []byte {
			t.Helper()
			out, stderr, err := cli.Run(t, endpoint, sandboxRegion, args...)
			if err != nil {
				t.Fatalf("aws CLI v%d %s: %v\n%s", cli.Major, strings.Join(args, " "), err, stderr)
			}
			return []byte(out)
		}
		names := func(out []byte, list, field string) []string {
			t.Helper()
			var doc map[string][]map[string]any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("%s: %v\n%s", list, err, out)
			}
			var got []string
			for _, e := range doc[list] {
				s, _ := e[field].(string)
				got = append(got, s)
			}
			return got
		}
		for _, check := range []struct {
			args        []string
			list, field string
			want        []string
		}{
			{[]string{"application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs"}, "ScalableTargets", "ResourceId", want.resources},
			{[]string{"application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs"}, "ScalingPolicies", "PolicyName", want.policies},
			{[]string{"application-autoscaling", "describe-scheduled-actions", "--service-namespace", "ecs"}, "ScheduledActions", "ScheduledActionName", want.scheduled},
			{[]string{"cloudwatch", "describe-alarms"}, "MetricAlarms", "AlarmName", want.alarms},
			{append([]string{"ecs", "describe-services", "--cluster", p.Cluster, "--services"}, want.services...), "services", "serviceName", want.services},
		} {
			got := names(run(check.args...), check.list, check.field)
			if m := missing(check.want, got); len(m) > 0 {
				t.Errorf("%s %s: missing %v from %v", check.args[0], check.args[1], m, got)
			}
		}

		var listed struct{ TaskArns []string }
		json.Unmarshal(run("ecs", "list-tasks", "--cluster", p.Cluster, "--service-name", want.services[0]), &listed)
		if len(listed.TaskArns) == 0 {
			t.Fatalf("ecs list-tasks %s: no tasks", want.services[0])
		}
		arn := listed.TaskArns[0]
		proc := taskProcess(t, state.Dir{Path: dir}, arn)
		var stopped struct {
			Task struct{ DesiredStatus string }
		}
		json.Unmarshal(run("ecs", "stop-task", "--cluster", p.Cluster, "--task", arn, "--reason", "gameday drill"), &stopped)
		if stopped.Task.DesiredStatus != "STOPPED" {
			t.Errorf("stop-task answered desiredStatus %q, want STOPPED", stopped.Task.DesiredStatus)
		}
		waitFor(t, 5*time.Second, "the stopped task's process to die", func() bool {
			return syscall.Kill(proc.PID, 0) != nil || zombie(proc.PID)
		})
		var described struct {
			Tasks []struct{ LastStatus, StopCode, StoppedReason string }
		}
		json.Unmarshal(run("ecs", "describe-tasks", "--cluster", p.Cluster, "--tasks", arn), &described)
		if len(described.Tasks) != 1 || described.Tasks[0].StoppedReason != "gameday drill" {
			t.Errorf("describe-tasks after stop-task: %+v, want the reason given", described.Tasks)
		}
	})
}

// taskProcess is the recorded process of a task, found by the task id at
// the end of its ARN.
func taskProcess(t *testing.T, d state.Dir, arn string) state.Process {
	t.Helper()
	id := arn[strings.LastIndexByte(arn, '/')+1:]
	procs, err := d.Processes()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if strings.HasSuffix(p.Role, " "+id) {
			return p
		}
	}
	t.Fatalf("no recorded process for task %s among %+v", arn, procs)
	return state.Process{}
}
