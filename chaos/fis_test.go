package chaos

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fis"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/awsapi"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/ecs/ecstest"
	"github.com/gameday-sre/gameday/sandbox/faults"
	sandboxfis "github.com/gameday-sre/gameday/sandbox/fis"
)

const (
	fisRegion = "us-east-1"
	fisAlarm  = "APILatencyHigh"
	fisGroup  = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:main-cache"
	// testFISPoll is the injector's poll in these tests: the sandbox's
	// FIS runs 600 times faster than real time.
	testFISPoll = 200 * time.Millisecond
)

var fisAlarmARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + fisAlarm

// fisSandbox is the sandbox's FIS (sandbox/fis behind its wire layer, on
// loopback) with a real CloudWatch engine for stop conditions and a real
// fault registry whose redis-primary kind records whether it is held.
type fisSandbox struct {
	cw  *cloudwatch.Engine
	api *fis.Client

	mu   sync.Mutex
	held int
}

func newFISSandbox(t *testing.T) *fisSandbox {
	t.Helper()
	clk, err := clock.NewScaled(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), 600)
	if err != nil {
		t.Fatal(err)
	}
	s := &fisSandbox{cw: cloudwatch.New(clk, cloudwatch.WithRegion(fisRegion))}
	reg := faults.NewRegistry(clk.Now, faults.Kind{Name: "redis-primary", MinArgs: 1, MaxArgs: 1, Inject: func(context.Context, []string) (faults.Injected, error) {
		s.mu.Lock()
		s.held++
		s.mu.Unlock()
		return faults.Injected{Undo: func(context.Context) error {
			s.mu.Lock()
			s.held--
			s.mu.Unlock()
			return nil
		}}, nil
	}})
	if err := s.cw.PutMetricAlarm(cloudwatch.PutMetricAlarmInput{AlarmName: fisAlarm, Namespace: "AWS/ApplicationELB", MetricName: "TargetResponseTime",
		Statistic: "Average", Period: 60, EvaluationPeriods: 1, Threshold: aws.Float64(1), ComparisonOperator: "GreaterThanThreshold"}); err != nil {
		t.Fatal(err)
	}
	engine, err := sandboxfis.New(sandboxfis.Config{Region: fisRegion, Clock: clk, ECS: ecstest.NoTasks{}, Alarms: s.cw, Faults: reg, ReplicationGroups: []string{fisGroup}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.Close)
	srv := awsapi.NewServer()
	srv.Handle(awsapi.ServiceFIS, engine.ServeAWS)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.api = fis.New(fis.Options{Region: fisRegion, BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")})
	return s
}

func (s *fisSandbox) holding() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// powerLoss is Redis primary loss as an FIS experiment, stopped by the
// alarm.
func (s *fisSandbox) powerLoss(duration string) *Experiment {
	return &Experiment{
		On: Target{Name: "local", FIS: s.api}, Name: "redis-power/" + duration, Kind: "redis-primary-loss", Params: map[string]string{"duration": duration},
		Description: "Redis primary loss",
		Targets: map[string]fistypes.CreateExperimentTemplateTargetInput{"cache": {ResourceType: aws.String("aws:elasticache:replicationgroup"),
			ResourceArns: []string{fisGroup}, SelectionMode: aws.String("ALL")}},
		Actions: map[string]fistypes.CreateExperimentTemplateActionInput{"power": {ActionId: aws.String("aws:elasticache:replicationgroup-interrupt-az-power"),
			Targets: map[string]string{"ReplicationGroups": "cache"}, Parameters: map[string]string{"duration": duration}}},
		StopAlarms: []string{fisAlarmARN},
		Poll:       testFISPoll,
	}
}

func (s *fisSandbox) experiment(t *testing.T, id string) *fistypes.Experiment {
	t.Helper()
	out, err := s.api.GetExperiment(context.Background(), &fis.GetExperimentInput{Id: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Experiment
}

// The injector puts an FIS experiment through the ledger: the entry and
// the timeline name the template and experiment, the fault is held until
// Revert stops the experiment, and the same fault reuses its template.
func TestFISExperimentRevert(t *testing.T) {
	s := newFISSandbox(t)
	ctx := context.Background()
	l := openTestLedger(t)
	var templates []string
	for range 2 {
		f, err := l.Inject(ctx, s.powerLoss("PT30M"), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := f.Entry()
		if s.holding() != 1 || e.State != StateInjected || e.Params["fis-experiment"] != e.Undo.FIS.Experiment || e.Params["fis-template"] == "" {
			t.Fatalf("after Inject: %d held, entry %+v", s.holding(), e)
		}
		templates = append(templates, e.Params["fis-template"])
		if err := f.Revert(ctx); err != nil {
			t.Fatal(err)
		}
		if s.holding() != 0 {
			t.Error("the fault is held after Revert returned")
		}
		if x := s.experiment(t, e.Params["fis-experiment"]); x.State.Status != fistypes.ExperimentStatusStopped {
			t.Errorf("experiment %s after Revert, want stopped", x.State.Status)
		}
		select {
		case err := <-f.Ended():
			t.Errorf("a reverted fault reported its end: %v", err)
		case <-time.After(2 * testFISPoll):
		}
	}
	if templates[0] != templates[1] {
		t.Errorf("templates %v: the same fault made two", templates)
	}
	other, err := l.Inject(ctx, s.powerLoss("PT20M"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Revert(ctx)
	if other.Entry().Params["fis-template"] == templates[0] {
		t.Error("a fault with other content reused the template")
	}
}

// A stop condition's alarm going to ALARM ends the fault with an *Aborted
// naming the alarm, seen within one poll of FIS stopping it, with nothing
// held; the revert after it has nothing to stop.
func TestFISExperimentAbortedByStopCondition(t *testing.T) {
	s := newFISSandbox(t)
	ctx := context.Background()
	l := openTestLedger(t)
	f, err := l.Inject(ctx, s.powerLoss("PT30M"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cw.SetAlarmState(cloudwatch.SetAlarmStateInput{AlarmName: fisAlarm, StateValue: cloudwatch.StateAlarm, StateReason: "test"}); err != nil {
		t.Fatal(err)
	}
	var ended error
	select {
	case ended = <-f.Ended():
	case <-time.After(2 * testFISPoll):
		t.Fatalf("no end within two polls (%s) of the alarm", 2*testFISPoll)
	}
	var aborted *Aborted
	if !errors.As(ended, &aborted) || !slices.Equal(aborted.Alarms, []string{fisAlarm}) || aborted.Experiment != f.Entry().Params["fis-experiment"] {
		t.Fatalf("ended with %v, want an *Aborted naming %s", ended, fisAlarm)
	}
	if !strings.Contains(ended.Error(), fisAlarm) {
		t.Errorf("%q does not name the alarm", ended)
	}
	if s.holding() != 0 {
		t.Error("the fault is held once FIS says stopped")
	}
	if err := f.Revert(ctx); err != nil {
		t.Fatal(err)
	}
	if f.Entry().State != StateReverted {
		t.Errorf("ledger state %s, want reverted", f.Entry().State)
	}
}

// An experiment that a stop condition stops before it runs, or that
// fails, fails the injection with nothing left held; the ledger says
// failed.
func TestFISExperimentThatDoesNotRun(t *testing.T) {
	tests := []struct {
		name    string
		alarm   bool
		edit    func(*Experiment)
		aborted bool
		says    string
	}{
		{name: "alarm already in ALARM", alarm: true, aborted: true, says: fisAlarm},
		{name: "target resolves to nothing", edit: func(x *Experiment) {
			x.Targets = map[string]fistypes.CreateExperimentTemplateTargetInput{"cache": {ResourceType: aws.String("aws:elasticache:replicationgroup"),
				ResourceArns: []string{"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:other"}, SelectionMode: aws.String("ALL")}}
		}, says: "FIS experiment failed: Target resolution failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFISSandbox(t)
			l := openTestLedger(t)
			if tt.alarm {
				if err := s.cw.SetAlarmState(cloudwatch.SetAlarmStateInput{AlarmName: fisAlarm, StateValue: cloudwatch.StateAlarm, StateReason: "test"}); err != nil {
					t.Fatal(err)
				}
			}
			x := s.powerLoss("PT30M")
			if tt.edit != nil {
				tt.edit(x)
			}
			_, err := l.Inject(context.Background(), x, nil, nil)
			var aborted *Aborted
			if err == nil || errors.As(err, &aborted) != tt.aborted || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Inject: %v; want an error saying %q, aborted %v", err, tt.says, tt.aborted)
			}
			entries, _ := ReadLedger(l.Path())
			if last := entries[len(entries)-1]; last.State != StateFailed || s.holding() != 0 {
				t.Errorf("ledger %s, %d held; want failed and none", last.State, s.holding())
			}
		})
	}
}

// An experiment a dead run left running is stopped by RevertOutstanding
// through the target's FIS.
func TestFISExperimentRevertOutstanding(t *testing.T) {
	s := newFISSandbox(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	l, err := OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Inject(ctx, s.powerLoss("PT30M"), nil, nil); err != nil {
		t.Fatal(err)
	}
	l.Close() // the run dies with the fault in place
	done, err := RevertOutstanding(ctx, path, Target{Name: "local", FIS: s.api}.Undo, nil)
	if err != nil || len(done) != 1 {
		t.Fatalf("RevertOutstanding: %d reverted, %v", len(done), err)
	}
	if s.holding() != 0 {
		t.Error("the fault is held after RevertOutstanding")
	}
}
