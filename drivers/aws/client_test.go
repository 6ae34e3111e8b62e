package aws_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/motoserver"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
)

// throttlingEndpoint answers Application Auto Scaling's JSON 1.1 protocol:
// ThrottlingException ("Rate exceeded", as the runbook quotes it) for the
// first calls, then a page of one scalable target, or always the given
// error code when permanent is set.
type throttlingEndpoint struct {
	mu        sync.Mutex
	throttles int
	permanent string
	arrivals  []time.Time
}

func (e *throttlingEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.arrivals = append(e.arrivals, time.Now())
	n := len(e.arrivals)
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch {
	case e.permanent != "":
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":%q,"message":"resource service/main-cluster/nope is not registered"}`, e.permanent)
	case n <= e.throttles:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"ThrottlingException","message":"Rate exceeded"}`)
	default:
		fmt.Fprint(w, `{"ScalableTargets":[{"ServiceNamespace":"ecs","ResourceId":"service/main-cluster/frontend-service","ScalableDimension":"ecs:service:DesiredCount","MinCapacity":2,"MaxCapacity":10,"RoleARN":"arn:aws:iam::123456789012:role/x","CreationTime":1.7e9}]}`)
	}
}

func clients(t *testing.T, url string, retry gdaws.Retry) *gdaws.Clients {
	t.Helper()
	c, err := gdaws.New(context.Background(), gdaws.Target{Endpoint: url, Region: "us-east-1", Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var fastRetry = gdaws.Retry{MaxAttempts: 6, Base: 20 * time.Millisecond, Max: time.Second, Jitter: 0.2}

func TestThrottlingIsRetriedWithGrowingDelays(t *testing.T) {
	ep := &throttlingEndpoint{throttles: 4}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	targets, err := clients(t, srv.URL, fastRetry).ScalableTargets(context.Background())
	if err != nil {
		t.Fatalf("throttling for 4 calls should be retried away: %v", err)
	}
	if len(targets) != 1 || *targets[0].ResourceId != "service/main-cluster/frontend-service" {
		t.Errorf("targets = %+v", targets)
	}
	if len(ep.arrivals) != 5 {
		t.Fatalf("%d attempts, want 5", len(ep.arrivals))
	}
	var prev time.Duration
	for i := 1; i < len(ep.arrivals); i++ {
		gap := ep.arrivals[i].Sub(ep.arrivals[i-1])
		if gap <= prev {
			t.Errorf("retry %d waited %v, not longer than the %v before it", i, gap, prev)
		}
		prev = gap
	}
}

func TestErrorsNameOperationAndResource(t *testing.T) {
	tests := []struct {
		name      string
		ep        *throttlingEndpoint
		attempts  int
		code      string
		mentioned []string
	}{
		{"permanent error is not retried", &throttlingEndpoint{permanent: "ValidationException"}, 1, "ValidationException",
			[]string{"application-autoscaling DescribeScalableTargets", "namespace ecs", "ValidationException", "service/main-cluster/nope is not registered"}},
		{"throttling past the last attempt", &throttlingEndpoint{throttles: 100}, 3, "ThrottlingException",
			[]string{"application-autoscaling DescribeScalableTargets", "Rate exceeded", "gave up after 3 attempts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.ep)
			defer srv.Close()
			retry := fastRetry
			retry.MaxAttempts = 3
			_, err := clients(t, srv.URL, retry).ScalableTargets(context.Background())
			var e *gdaws.Error
			if !errors.As(err, &e) {
				t.Fatalf("want a *aws.Error, got %T %v", err, err)
			}
			if e.Code() != tt.code || len(tt.ep.arrivals) != tt.attempts {
				t.Errorf("code %q after %d attempts, want %q after %d", e.Code(), len(tt.ep.arrivals), tt.code, tt.attempts)
			}
			for _, m := range tt.mentioned {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("%q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestRequestsArePaced(t *testing.T) {
	srv := httptest.NewServer(&throttlingEndpoint{})
	defer srv.Close()
	c, err := gdaws.New(context.Background(), gdaws.Target{Endpoint: srv.URL, Region: "us-east-1", RequestsPerSecond: 20})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 6 {
		if _, err := c.ScalableTargets(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("6 calls at 20/s took %v; pacing should make them take at least 250ms", elapsed)
	}
}

func TestBadTargets(t *testing.T) {
	tests := []struct {
		target gdaws.Target
		want   string
	}{
		{gdaws.Target{Endpoint: "http://127.0.0.1:1"}, "needs a region"},
		{gdaws.Target{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", CloudWatchProtocol: "xml"}, `CloudWatch protocol "xml"`},
	}
	for _, tt := range tests {
		if _, err := gdaws.New(context.Background(), tt.target); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v): want %q, got %v", tt.target, tt.want, err)
		}
	}
}

// moto is an independent emulator (the engine behind much of LocalStack):
// the driver must work against it unchanged, with CloudWatch over JSON 1.0
// or Query because moto has no CBOR.
func TestAgainstMoto(t *testing.T) {
	url := motoserver.Start(t)
	for _, protocol := range []string{gdaws.ProtocolJSON, gdaws.ProtocolQuery} {
		t.Run(protocol, func(t *testing.T) {
			ctx := context.Background()
			c, err := gdaws.New(ctx, gdaws.Target{Endpoint: url, Region: "us-east-1", CloudWatchProtocol: protocol})
			if err != nil {
				t.Fatal(err)
			}
			service := "frontend-service-" + protocol
			resource := "service/main-cluster/" + service
			createService(ctx, t, c, service)
			if _, err := c.AutoScaling.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{
				ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
				ResourceId: &resource, MinCapacity: sdk.Int32(2), MaxCapacity: sdk.Int32(10),
			}); err != nil {
				t.Fatal(err)
			}
			targets, err := c.ScalableTargets(ctx)
			if err != nil || !hasTarget(targets, resource, 2, 10) {
				t.Errorf("ScalableTargets = %+v, %v", targets, err)
			}
			name := "APILatencyHigh-" + protocol
			if _, err := c.CloudWatch.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
				AlarmName: &name, MetricName: sdk.String("TargetResponseTime"), Namespace: sdk.String("AWS/ApplicationELB"),
				ExtendedStatistic: sdk.String("p90"), Period: sdk.Int32(300), EvaluationPeriods: sdk.Int32(3), Threshold: sdk.Float64(0.5),
				ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
			}); err != nil {
				t.Fatal(err)
			}
			alarms, err := c.Alarms(ctx, name)
			if err != nil || len(alarms) != 1 || *alarms[0].ExtendedStatistic != "p90" || *alarms[0].EvaluationPeriods != 3 {
				t.Errorf("Alarms = %+v, %v", alarms, err)
			}
		})
	}
}

// createService gives moto the ECS service that a scalable target needs:
// moto, like AWS, refuses a target for a service that does not exist.
func createService(ctx context.Context, t *testing.T, c *gdaws.Clients, name string) {
	t.Helper()
	if _, err := c.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: sdk.String("main-cluster")}); err != nil {
		t.Fatal(err)
	}
	td, err := c.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: sdk.String("frontend"), Cpu: sdk.String("512"), Memory: sdk.String("1024"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate}, NetworkMode: ecstypes.NetworkModeAwsvpc,
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: sdk.String("frontend"), Image: sdk.String("frontend:latest"), Essential: sdk.Bool(true)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ECS.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: sdk.String("main-cluster"), ServiceName: &name, TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: sdk.Int32(2),
	}); err != nil {
		t.Fatal(err)
	}
	services, err := c.Services(ctx, "main-cluster", name)
	if err != nil || len(services) != 1 || services[0].DesiredCount != 2 {
		t.Fatalf("Services = %+v, %v", services, err)
	}
}

func hasTarget(targets []aastypes.ScalableTarget, resource string, min, max int32) bool {
	for _, t := range targets {
		if *t.ResourceId == resource && *t.MinCapacity == min && *t.MaxCapacity == max {
			return true
		}
	}
	return false
}
