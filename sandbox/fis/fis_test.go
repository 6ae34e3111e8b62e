package fis_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkfis "github.com/aws/aws-sdk-go-v2/service/fis"
	"github.com/aws/aws-sdk-go-v2/service/fis/types"
	"github.com/aws/smithy-go"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/awsapi"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/ecs/ecstest"
	"github.com/gameday-sre/gameday/sandbox/faults"
	"github.com/gameday-sre/gameday/sandbox/fis"
)

const (
	region = "us-east-1"
	alarm  = "APILatencyHigh"
	// scale runs platform time 600 times faster than real time: a
	// platform minute is 100 ms.
	scale = 600
	group = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:main-cache"
)

var alarmARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + alarm

// env is one region's FIS served on loopback as the sandbox serves it,
// with a real CloudWatch engine for its stop conditions and a real fault
// registry whose kinds record what they hold instead of breaking
// processes. Its cluster runs no tasks.
type env struct {
	clk *clock.Scaled
	cw  *cloudwatch.Engine
	reg *faults.Registry
	api *sdkfis.Client

	mu       sync.Mutex
	held     []string // kind and args of the faults in place
	injected int      // how many faults were ever injected
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk, err := clock.NewScaled(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), scale)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{clk: clk, cw: cloudwatch.New(clk, cloudwatch.WithRegion(region))}
	e.reg = faults.NewRegistry(clk.Now, e.kind("redis-primary", 1), e.kind("region-outage", 2), e.kind("latency", 4))
	if err := e.cw.PutMetricAlarm(cloudwatch.PutMetricAlarmInput{AlarmName: alarm, Namespace: "AWS/ApplicationELB", MetricName: "TargetResponseTime",
		Statistic: "Average", Period: 60, EvaluationPeriods: 1, Threshold: aws.Float64(1), ComparisonOperator: "GreaterThanThreshold"}); err != nil {
		t.Fatal(err)
	}
	engine, err := fis.New(fis.Config{Region: region, Clock: clk, ECS: ecstest.NoTasks{}, Alarms: e.cw, Faults: e.reg, ReplicationGroups: []string{group}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.Close)
	srv := awsapi.NewServer()
	srv.Handle(awsapi.ServiceFIS, engine.ServeAWS)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e.api = sdkfis.New(sdkfis.Options{Region: region, BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")})
	return e
}

func (e *env) kind(name string, maxArgs int) faults.Kind {
	return faults.Kind{Name: name, MaxArgs: maxArgs, Inject: func(_ context.Context, args []string) (faults.Injected, error) {
		what := strings.Join(append([]string{name}, args...), " ")
		e.mu.Lock()
		e.held = append(e.held, what)
		e.injected++
		e.mu.Unlock()
		return faults.Injected{Note: what, Undo: func(context.Context) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.held = slices.DeleteFunc(e.held, func(h string) bool { return h == what })
			return nil
		}}, nil
	}}
}

func (e *env) holding() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.held)
}

// template returns a template input: the actions, the targets they need,
// and the stop conditions.
func template(actions map[string]types.CreateExperimentTemplateActionInput, stop ...string) *sdkfis.CreateExperimentTemplateInput {
	in := &sdkfis.CreateExperimentTemplateInput{
		Description: aws.String("test"), RoleArn: aws.String("arn:aws:iam::123456789012:role/fis"), Actions: actions,
		Targets: map[string]types.CreateExperimentTemplateTargetInput{
			"cache":   {ResourceType: aws.String("aws:elasticache:replicationgroup"), ResourceArns: []string{group}, SelectionMode: aws.String("ALL")},
			"network": {ResourceType: aws.String("aws:ec2:subnet"), ResourceArns: []string{"arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1"}, SelectionMode: aws.String("ALL")},
			"tasks":   {ResourceType: aws.String("aws:ecs:task"), Parameters: map[string]string{"cluster": "main-cluster", "service": "api-service"}, SelectionMode: aws.String("COUNT(1)")},
		},
		StopConditions: []types.CreateExperimentTemplateStopConditionInput{{Source: aws.String("none")}},
	}
	if len(stop) > 0 {
		in.StopConditions = []types.CreateExperimentTemplateStopConditionInput{{Source: aws.String("aws:cloudwatch:alarm"), Value: aws.String(stop[0])}}
	}
	return in
}

func power(d string, after ...string) types.CreateExperimentTemplateActionInput {
	return types.CreateExperimentTemplateActionInput{ActionId: aws.String("aws:elasticache:replicationgroup-interrupt-az-power"),
		Targets: map[string]string{"ReplicationGroups": "cache"}, Parameters: map[string]string{"duration": d}, StartAfter: after}
}

func network(d string) types.CreateExperimentTemplateActionInput {
	return types.CreateExperimentTemplateActionInput{ActionId: aws.String("aws:network:disrupt-connectivity"),
		Targets: map[string]string{"Subnets": "network"}, Parameters: map[string]string{"duration": d}}
}

func (e *env) start(t *testing.T, in *sdkfis.CreateExperimentTemplateInput) string {
	t.Helper()
	ctx := context.Background()
	tpl, err := e.api.CreateExperimentTemplate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.api.StartExperiment(ctx, &sdkfis.StartExperimentInput{ExperimentTemplateId: tpl.ExperimentTemplate.Id})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(x.Experiment.Id)
}

// waitState polls the experiment until its status is want.
func (e *env) waitState(t *testing.T, id string, want types.ExperimentStatus) *types.Experiment {
	t.Helper()
	var x *types.Experiment
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		out, err := e.api.GetExperiment(context.Background(), &sdkfis.GetExperimentInput{Id: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if x = out.Experiment; x.State.Status == want {
			return x
		}
	}
	t.Fatalf("experiment %s is %s (%s), want %s", id, x.State.Status, aws.ToString(x.State.Reason), want)
	return nil
}

// An experiment holds each action's fault for its duration of platform
// time, starts an action after those it names, and ends completed with
// nothing held; a StopExperiment or a stop condition's alarm in ALARM
// reverts what it holds and ends it stopped, saying why; an alarm already
// in ALARM stops it before anything is injected; a target that resolves
// to nothing fails it.
func TestExperimentLifecycle(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		actions map[string]types.CreateExperimentTemplateActionInput
		stop    []string
		// during runs while the experiment runs; alarmFirst sets the
		// alarm to ALARM before the start.
		during     func(t *testing.T, e *env, id string)
		alarmFirst bool
		want       types.ExperimentStatus
		reason     string
		actionEnds map[string]types.ExperimentActionStatus
		// neverHeld: nothing was ever injected.
		neverHeld bool
	}{
		{name: "durations complete in order", actions: map[string]types.CreateExperimentTemplateActionInput{"power": power("PT1M"), "then": power("PT30S", "power")},
			want: types.ExperimentStatusCompleted, reason: "Experiment completed.",
			actionEnds: map[string]types.ExperimentActionStatus{"power": types.ExperimentActionStatusCompleted, "then": types.ExperimentActionStatusCompleted}},
		{name: "StopExperiment", actions: map[string]types.CreateExperimentTemplateActionInput{"outage": network("PT30M")},
			during: func(t *testing.T, e *env, id string) {
				out, err := e.api.StopExperiment(ctx, &sdkfis.StopExperimentInput{Id: aws.String(id)})
				if err != nil {
					t.Fatal(err)
				}
				if s := out.Experiment.State.Status; s != types.ExperimentStatusStopping {
					t.Errorf("StopExperiment answered %s, want stopping", s)
				}
			},
			want: types.ExperimentStatusStopped, reason: "Experiment stopped.",
			actionEnds: map[string]types.ExperimentActionStatus{"outage": types.ExperimentActionStatusStopped}},
		{name: "stop condition", actions: map[string]types.CreateExperimentTemplateActionInput{"outage": network("PT30M")}, stop: []string{alarmARN},
			during: func(t *testing.T, e *env, _ string) {
				if err := e.cw.SetAlarmState(cloudwatch.SetAlarmStateInput{AlarmName: alarm, StateValue: cloudwatch.StateAlarm, StateReason: "test"}); err != nil {
					t.Fatal(err)
				}
			},
			want: types.ExperimentStatusStopped, reason: fis.StopConditionReason(alarm, alarmARN),
			actionEnds: map[string]types.ExperimentActionStatus{"outage": types.ExperimentActionStatusStopped}},
		{name: "alarm in ALARM at the start", actions: map[string]types.CreateExperimentTemplateActionInput{"outage": network("PT30M")}, stop: []string{alarmARN},
			alarmFirst: true, want: types.ExperimentStatusStopped, reason: fis.StopConditionReason(alarm, alarmARN), neverHeld: true,
			actionEnds: map[string]types.ExperimentActionStatus{"outage": types.ExperimentActionStatusCancelled}},
		{name: "no task to stop", actions: map[string]types.CreateExperimentTemplateActionInput{"stop": {ActionId: aws.String("aws:ecs:stop-task"), Targets: map[string]string{"Tasks": "tasks"}}},
			want: types.ExperimentStatusFailed, reason: "Target resolution failed: target tasks: no aws:ecs:task resource matches the target.", neverHeld: true,
			actionEnds: map[string]types.ExperimentActionStatus{"stop": types.ExperimentActionStatusCancelled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.alarmFirst {
				if err := e.cw.SetAlarmState(cloudwatch.SetAlarmStateInput{AlarmName: alarm, StateValue: cloudwatch.StateAlarm, StateReason: "test"}); err != nil {
					t.Fatal(err)
				}
			}
			id := e.start(t, template(tt.actions, tt.stop...))
			if tt.during != nil {
				e.waitState(t, id, types.ExperimentStatusRunning)
				if len(e.holding()) == 0 {
					t.Fatal("the running experiment holds no fault")
				}
				tt.during(t, e, id)
			}
			x := e.waitState(t, id, tt.want)
			if got := aws.ToString(x.State.Reason); got != tt.reason {
				t.Errorf("reason %q, want %q", got, tt.reason)
			}
			if held := e.holding(); len(held) != 0 {
				t.Errorf("still held once %s: %v", tt.want, held)
			}
			e.mu.Lock()
			injected := e.injected
			e.mu.Unlock()
			if tt.neverHeld != (injected == 0) {
				t.Errorf("%d faults injected; want some: %v", injected, !tt.neverHeld)
			}
			for name, want := range tt.actionEnds {
				if got := x.Actions[name].State.Status; got != want {
					t.Errorf("action %s: %s (%s), want %s", name, got, aws.ToString(x.Actions[name].State.Reason), want)
				}
			}
			if a, b := x.Actions["power"], x.Actions["then"]; a.EndTime != nil && b.StartTime != nil {
				if b.StartTime.Before(*a.EndTime) {
					t.Errorf("then started %s, before power ended %s", b.StartTime, a.EndTime)
				}
				if held := a.EndTime.Sub(*a.StartTime); held < time.Minute {
					t.Errorf("power held for %s of platform time, want its duration, 1m", held)
				}
			}
		})
	}
}

// CreateExperimentTemplate refuses what FIS refuses, and what the sandbox
// cannot resolve, with a ValidationException that says what.
func TestCreateTemplateValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		edit func(in *sdkfis.CreateExperimentTemplateInput)
		says string
	}{
		{"unknown action", func(in *sdkfis.CreateExperimentTemplateInput) {
			in.Actions = map[string]types.CreateExperimentTemplateActionInput{"x": {ActionId: aws.String("aws:ec2:stop-instances")}}
		}, "not an action this sandbox serves"},
		{"wrong target key", func(in *sdkfis.CreateExperimentTemplateInput) {
			a := power("PT1M")
			a.Targets = map[string]string{"Clusters": "cache"}
			in.Actions = map[string]types.CreateExperimentTemplateActionInput{"p": a}
		}, "takes its targets under ReplicationGroups"},
		{"target of another type", func(in *sdkfis.CreateExperimentTemplateInput) {
			a := power("PT1M")
			a.Targets = map[string]string{"ReplicationGroups": "tasks"}
			in.Actions = map[string]types.CreateExperimentTemplateActionInput{"p": a}
		}, "acts on aws:elasticache:replicationgroup"},
		{"no duration", func(in *sdkfis.CreateExperimentTemplateInput) {
			in.Actions = map[string]types.CreateExperimentTemplateActionInput{"p": power("")}
		}, "ISO 8601"},
		{"bad selection mode", func(in *sdkfis.CreateExperimentTemplateInput) {
			tg := in.Targets["cache"]
			tg.SelectionMode = aws.String("SOME")
			in.Targets["cache"] = tg
		}, "selectionMode"},
		{"tags", func(in *sdkfis.CreateExperimentTemplateInput) {
			tg := in.Targets["tasks"]
			tg.ResourceTags = map[string]string{"team": "api"}
			tg.Parameters = nil
			in.Targets["tasks"] = tg
		}, "not by tags"},
		{"stop condition not an alarm ARN", func(in *sdkfis.CreateExperimentTemplateInput) {
			in.StopConditions = []types.CreateExperimentTemplateStopConditionInput{{Source: aws.String("aws:cloudwatch:alarm"), Value: aws.String(alarm)}}
		}, "want the ARN of a CloudWatch alarm in us-east-1"},
		{"startAfter unknown", func(in *sdkfis.CreateExperimentTemplateInput) {
			in.Actions = map[string]types.CreateExperimentTemplateActionInput{"p": power("PT1M", "nothing")}
		}, "startAfter names nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := template(map[string]types.CreateExperimentTemplateActionInput{"p": power("PT1M")})
			tt.edit(in)
			_, err := e.api.CreateExperimentTemplate(context.Background(), in)
			var ve *types.ValidationException
			if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), tt.says) {
				t.Errorf("got %v, want a ValidationException saying %q", err, tt.says)
			}
		})
	}
}

// Templates are found again by id and listed, a repeated client token
// does not create a second, a deleted one is gone, and an experiment is
// listed under its template.
func TestTemplatesAndExperimentsAreListed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := template(map[string]types.CreateExperimentTemplateActionInput{"p": power("PT1M")})
	in.ClientToken = aws.String("same")
	in.Tags = map[string]string{"gameday:fault": "power"}
	first, err := e.api.CreateExperimentTemplate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.api.CreateExperimentTemplate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(first.ExperimentTemplate.Id)
	if aws.ToString(again.ExperimentTemplate.Id) != id || !strings.HasPrefix(id, "EXT") {
		t.Errorf("template ids %s and %s, want one EXT… id for one client token", id, aws.ToString(again.ExperimentTemplate.Id))
	}
	got, err := e.api.GetExperimentTemplate(ctx, &sdkfis.GetExperimentTemplateInput{Id: aws.String(id)})
	if err != nil || got.ExperimentTemplate.Tags["gameday:fault"] != "power" || aws.ToString(got.ExperimentTemplate.Arn) != "arn:aws:fis:us-east-1:123456789012:experiment-template/"+id {
		t.Fatalf("get: %+v, %v", got, err)
	}
	x, err := e.api.StartExperiment(ctx, &sdkfis.StartExperimentInput{ExperimentTemplateId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := e.api.ListExperiments(ctx, &sdkfis.ListExperimentsInput{ExperimentTemplateId: aws.String(id)})
	if err != nil || len(listed.Experiments) != 1 || aws.ToString(listed.Experiments[0].Id) != aws.ToString(x.Experiment.Id) {
		t.Errorf("list experiments of %s: %+v, %v", id, listed, err)
	}
	if _, err := e.api.DeleteExperimentTemplate(ctx, &sdkfis.DeleteExperimentTemplateInput{Id: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	templates, err := e.api.ListExperimentTemplates(ctx, &sdkfis.ListExperimentTemplatesInput{})
	if err != nil || len(templates.ExperimentTemplates) != 0 {
		t.Errorf("list templates after the delete: %+v, %v", templates, err)
	}
	_, err = e.api.GetExperimentTemplate(ctx, &sdkfis.GetExperimentTemplateInput{Id: aws.String(id)})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("get a deleted template: %v, want ResourceNotFoundException", err)
	}
	var api smithy.APIError
	if _, err := e.api.GetExperiment(ctx, &sdkfis.GetExperimentInput{Id: aws.String("EXPnothing")}); !errors.As(err, &api) || api.ErrorCode() != "ResourceNotFoundException" {
		t.Errorf("get an unknown experiment: %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT1M", time.Minute, true},
		{"PT90S", 90 * time.Second, true},
		{"PT1H30M", 90 * time.Minute, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"PT", 0, false},
		{"PT0S", 0, false},
		{"1m", 0, false},
		{"P1D", 0, false},
	}
	for _, tt := range tests {
		got, err := fis.ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %s, %v; want %s, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
