package autoscaling

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCapacity is an in-memory set of ECS services.
type fakeCapacity struct {
	mu     sync.Mutex
	counts map[string]int
	fail   map[string]error
}

func newFakeCapacity(counts map[string]int) *fakeCapacity {
	return &fakeCapacity{counts: maps.Clone(counts), fail: map[string]error{}}
}

func (f *fakeCapacity) DesiredCount(id string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.counts[id]
	if !ok {
		return 0, fmt.Errorf("service %s: %w", id, ErrUnknownResource)
	}
	return n, nil
}

func (f *fakeCapacity) SetDesiredCount(id string, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail[id]; err != nil {
		return err
	}
	f.counts[id] = n
	return nil
}

func (f *fakeCapacity) get(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[id]
}

func (f *fakeCapacity) set(id string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[id] = n
}

func (f *fakeCapacity) failWith(id string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[id] = err
}

// fakeAlarms is an in-memory CloudWatch whose alarm states tests set.
type fakeAlarms struct {
	mu     sync.Mutex
	alarms map[string]*fakeAlarm
	// putErr, when set, fails every PutMetricAlarm of an alarm whose name
	// contains putErrOn.
	putErr   error
	putErrOn string
}

type fakeAlarm struct {
	MetricAlarm
	state  AlarmState
	points []float64
}

func newFakeAlarms() *fakeAlarms { return &fakeAlarms{alarms: map[string]*fakeAlarm{}} }

func (f *fakeAlarms) PutMetricAlarm(a MetricAlarm) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.putErr != nil && strings.Contains(a.AlarmName, f.putErrOn) {
		return f.putErr
	}
	a.AlarmActions = slices.Clone(a.AlarmActions)
	a.Dimensions = slices.Clone(a.Dimensions)
	if old, ok := f.alarms[a.AlarmName]; ok {
		old.MetricAlarm = a
		return nil
	}
	f.alarms[a.AlarmName] = &fakeAlarm{MetricAlarm: a, state: StateInsufficientData}
	return nil
}

func (f *fakeAlarms) DeleteAlarms(names ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range names {
		delete(f.alarms, n)
	}
	return nil
}

func (f *fakeAlarms) AlarmsWithAction(arn string) ([]AlarmStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []AlarmStatus
	for _, a := range f.alarms {
		if slices.Contains(a.AlarmActions, arn) {
			out = append(out, AlarmStatus{AlarmName: a.AlarmName, StateValue: a.state, Threshold: a.Threshold, Datapoints: slices.Clone(a.points)})
		}
	}
	return out, nil
}

func (f *fakeAlarms) RemoveAlarmAction(arn string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.alarms {
		a.AlarmActions = slices.DeleteFunc(a.AlarmActions, func(s string) bool { return s == arn })
	}
	return nil
}

// setState puts an alarm in state with datapoints, newest first.
func (f *fakeAlarms) setState(t *testing.T, name string, state AlarmState, points ...float64) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.alarms[name]
	if !ok {
		t.Fatalf("no alarm %q", name)
	}
	a.state, a.points = state, points
}

func (f *fakeAlarms) get(name string) (MetricAlarm, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.alarms[name]
	if !ok {
		return MetricAlarm{}, false
	}
	return a.MetricAlarm, true
}

func (f *fakeAlarms) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.alarms)
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type fakeDeployments map[string]bool

func (d fakeDeployments) InDeployment(id string) bool { return d[id] }

// monday is Monday 2 March 2026, 00:00 UTC (before the US switch to DST).
var monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

const (
	frontend = "service/main-cluster/frontend-service"
	api      = "service/main-cluster/api-service"
	ai       = "service/main-cluster/ai-service"
)

// harness is an engine wired to fakes.
type harness struct {
	t      *testing.T
	e      *Engine
	cap    *fakeCapacity
	cw     *fakeAlarms
	clock  *fakeClock
	mu     sync.Mutex
	failed []ScalingActivity
}

func newHarness(t *testing.T, counts map[string]int, opts ...Option) *harness {
	t.Helper()
	h := &harness{t: t, cap: newFakeCapacity(counts), cw: newFakeAlarms(), clock: &fakeClock{now: monday}}
	opts = append([]Option{OnFailedActivity(func(a ScalingActivity) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.failed = append(h.failed, a)
	})}, opts...)
	h.e = New(h.cap, h.cw, h.clock, opts...)
	return h
}

func (h *harness) register(id string, lo, hi int32) {
	h.t.Helper()
	_, err := h.e.RegisterScalableTarget(RegisterScalableTargetInput{
		ServiceNamespace: ServiceNamespaceECS, ScalableDimension: ScalableDimensionECSServiceDesiredCount,
		ResourceId: id, MinCapacity: &lo, MaxCapacity: &hi,
	})
	if err != nil {
		h.t.Fatalf("RegisterScalableTarget(%s): %v", id, err)
	}
}

func (h *harness) suspend(id string, s SuspendedState) {
	h.t.Helper()
	_, err := h.e.RegisterScalableTarget(RegisterScalableTargetInput{
		ServiceNamespace: ServiceNamespaceECS, ScalableDimension: ScalableDimensionECSServiceDesiredCount,
		ResourceId: id, SuspendedState: &s,
	})
	if err != nil {
		h.t.Fatalf("RegisterScalableTarget(%s, SuspendedState): %v", id, err)
	}
}

func (h *harness) putPolicy(in PutScalingPolicyInput) PutScalingPolicyOutput {
	h.t.Helper()
	in.ServiceNamespace, in.ScalableDimension = ServiceNamespaceECS, ScalableDimensionECSServiceDesiredCount
	out, err := h.e.PutScalingPolicy(in)
	if err != nil {
		h.t.Fatalf("PutScalingPolicy(%s): %v", in.PolicyName, err)
	}
	return out
}

// targetTracking puts a target tracking policy and returns its AlarmHigh
// and AlarmLow names.
func (h *harness) targetTracking(id, name string, cfg TargetTrackingScalingPolicyConfiguration) (high, low string) {
	h.t.Helper()
	out := h.putPolicy(PutScalingPolicyInput{PolicyName: name, ResourceId: id, PolicyType: PolicyTypeTargetTracking, TargetTrackingScalingPolicyConfiguration: &cfg})
	return out.Alarms[0].AlarmName, out.Alarms[1].AlarmName
}

// stepPolicy puts a step policy and an alarm that invokes it.
func (h *harness) stepPolicy(id, name string, cfg StepScalingPolicyConfiguration, alarm string, threshold float64, op string) {
	h.t.Helper()
	out := h.putPolicy(PutScalingPolicyInput{PolicyName: name, ResourceId: id, PolicyType: PolicyTypeStep, StepScalingPolicyConfiguration: &cfg})
	if err := h.cw.PutMetricAlarm(MetricAlarm{AlarmName: alarm, AlarmActions: []string{out.PolicyARN}, Threshold: threshold, ComparisonOperator: op}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) scheduled(in PutScheduledActionInput) {
	h.t.Helper()
	in.ServiceNamespace, in.ScalableDimension = ServiceNamespaceECS, ScalableDimensionECSServiceDesiredCount
	if err := h.e.PutScheduledAction(in); err != nil {
		h.t.Fatalf("PutScheduledAction(%s): %v", in.ScheduledActionName, err)
	}
}

func (h *harness) target(id string) ScalableTarget {
	h.t.Helper()
	out, err := h.e.DescribeScalableTargets(DescribeScalableTargetsInput{ServiceNamespace: ServiceNamespaceECS, ResourceIds: []string{id}})
	if err != nil || len(out.ScalableTargets) != 1 {
		h.t.Fatalf("DescribeScalableTargets(%s) = %+v, %v", id, out, err)
	}
	return out.ScalableTargets[0]
}

// activities returns every activity of resource id, newest first.
func (h *harness) activities(id string, notScaled bool) []ScalingActivity {
	h.t.Helper()
	var all []ScalingActivity
	token := ""
	for {
		out, err := h.e.DescribeScalingActivities(DescribeScalingActivitiesInput{
			ServiceNamespace: ServiceNamespaceECS, ResourceId: id, IncludeNotScaledActivities: notScaled, NextToken: token,
		})
		if err != nil {
			h.t.Fatalf("DescribeScalingActivities: %v", err)
		}
		all = append(all, out.ScalingActivities...)
		if token = out.NextToken; token == "" {
			return all
		}
	}
}

func (h *harness) failedActivities() []ScalingActivity {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.failed)
}

// tpl builds a target tracking configuration.
func tpl(target float64, metric string, out, in int32) TargetTrackingScalingPolicyConfiguration {
	return TargetTrackingScalingPolicyConfiguration{
		TargetValue:                   target,
		PredefinedMetricSpecification: &PredefinedMetricSpecification{PredefinedMetricType: metric},
		ScaleOutCooldown:              &out,
		ScaleInCooldown:               &in,
	}
}

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }

// apiError asserts that err is an *Error with code.
func apiError(t *testing.T, err error, code ErrorCode) *Error {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want an *Error with code %s", err, code)
	}
	if ae.Code != code {
		t.Fatalf("error code = %s (%s), want %s", ae.Code, ae.Message, code)
	}
	return ae
}
