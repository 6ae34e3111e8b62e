package endpoint_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/sdktest"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	cwengine "github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/endpoint"
	"github.com/gameday-sre/gameday/sandbox/scalingalarms"
)

// platformStart is far from the real date, so a timestamp in real time
// cannot pass for platform time.
var platformStart = time.Date(2026, 3, 2, 7, 55, 0, 0, time.UTC)

const resource = "service/main-cluster/frontend-service"

// desiredCounts stands in for ECS's desired counts: Application Auto
// Scaling needs a service to register a target for, and these tests are
// about the endpoint, not the scheduler.
type desiredCounts map[string]int

func (d desiredCounts) DesiredCount(id string) (int, error) {
	n, ok := d[id]
	if !ok {
		return 0, fmt.Errorf("%s: %w", id, autoscaling.ErrUnknownResource)
	}
	return n, nil
}

func (d desiredCounts) SetDesiredCount(id string, n int) error { d[id] = n; return nil }

type clients struct {
	cw  *cloudwatch.Client
	aas *aas.Client
}

// serve starts the endpoint for one region with real CloudWatch and
// Application Auto Scaling engines and returns SDK clients for region.
func serve(t *testing.T, region string) clients {
	t.Helper()
	clk, err := clock.NewScaled(platformStart, 1)
	if err != nil {
		t.Fatal(err)
	}
	cw := cwengine.New(clk, cwengine.WithRegion("us-east-1"))
	scaling := autoscaling.New(desiredCounts{resource: 2}, scalingalarms.New(cw), clk, autoscaling.WithRegion("us-east-1"))
	t.Cleanup(scalingalarms.Act(cw, scaling, slog.New(slog.DiscardHandler)))
	h, err := endpoint.New(map[string]endpoint.Region{"us-east-1": {CloudWatch: cw, AutoScaling: scaling}}, endpoint.Global{}, "us-east-1", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := sdktest.Config(srv.URL, region)
	return clients{cw: cloudwatch.NewFromConfig(cfg), aas: aas.NewFromConfig(cfg)}
}

func TestAlarmsPaginateAndCarryPlatformTime(t *testing.T) {
	c := serve(t, "us-east-1")
	ctx := context.Background()
	const n = 120
	for i := range n {
		_, err := c.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName:          aws.String(fmt.Sprintf("alarm-%03d", i)),
			Namespace:          aws.String("AWS/ApplicationELB"),
			MetricName:         aws.String("TargetResponseTime"),
			Dimensions:         []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String("app/main-alb/1234567890")}},
			ExtendedStatistic:  aws.String("p90"),
			Period:             aws.Int32(300),
			EvaluationPeriods:  aws.Int32(3),
			Threshold:          aws.Float64(0.5),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		})
		if err != nil {
			t.Fatalf("PutMetricAlarm %d: %v", i, err)
		}
	}
	var got []cwtypes.MetricAlarm
	pages := 0
	for p := cloudwatch.NewDescribeAlarmsPaginator(c.cw, &cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(50)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, page.MetricAlarms...)
	}
	if len(got) != n || pages != 3 {
		t.Fatalf("DescribeAlarms gave %d alarms in %d pages, want %d in 3", len(got), pages, n)
	}
	a := got[0]
	if aws.ToString(a.ExtendedStatistic) != "p90" || len(a.Dimensions) != 1 || aws.ToString(a.Dimensions[0].Value) != "app/main-alb/1234567890" {
		t.Errorf("alarm read back as %+v", a)
	}
	if a.DatapointsToAlarm != nil {
		t.Errorf("DatapointsToAlarm = %d, want absent as it was never set", *a.DatapointsToAlarm)
	}
	if ts := aws.ToTime(a.AlarmConfigurationUpdatedTimestamp); ts.Sub(platformStart).Abs() > time.Minute {
		t.Errorf("AlarmConfigurationUpdatedTimestamp %s is not platform time (%s)", ts, platformStart)
	}
}

func TestPercentilesRoundTrip(t *testing.T) {
	c := serve(t, "us-east-1")
	ctx := context.Background()
	values := make([]float64, 100)
	for i := range values {
		values[i] = float64(i + 1)
	}
	_, err := c.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace:  aws.String("AIWritingEnhancement"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("EnhancementLatency"), Values: values, Timestamp: aws.Time(platformStart)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace:          aws.String("AIWritingEnhancement"),
		MetricName:         aws.String("EnhancementLatency"),
		StartTime:          aws.Time(platformStart.Add(-time.Hour)),
		EndTime:            aws.Time(platformStart.Add(time.Hour)),
		Period:             aws.Int32(60),
		ExtendedStatistics: []string{"p90"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Datapoints) != 1 {
		t.Fatalf("got %d datapoints, want 1", len(out.Datapoints))
	}
	dp := out.Datapoints[0]
	if p90, ok := dp.ExtendedStatistics["p90"]; !ok || p90 < 89 || p90 > 91 {
		t.Errorf("p90 = %v (present %v), want about 90", p90, ok)
	}
}

// A target tracking policy goes in as nested structures and comes back
// with the alarms Application Auto Scaling made for it in CloudWatch.
func TestTargetTrackingPolicyThroughTheEndpoint(t *testing.T) {
	c := serve(t, "us-east-1")
	ctx := context.Background()
	if _, err := c.aas.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String(resource), MinCapacity: aws.Int32(2), MaxCapacity: aws.Int32(10),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.aas.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{
		PolicyName: aws.String("cpu-scaling-policy"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resource),
		PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue:                   aws.Float64(70),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(180),
			ScaleInCooldown:               aws.Int32(600),
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.aas.PutScheduledAction(ctx, &aas.PutScheduledActionInput{
		ScheduledActionName: aws.String("business-hours-scaling"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resource),
		Schedule:             aws.String("cron(0 8 ? * MON-FRI *)"),
		ScalableTargetAction: &aastypes.ScalableTargetAction{MinCapacity: aws.Int32(4), MaxCapacity: aws.Int32(20)},
	}); err != nil {
		t.Fatal(err)
	}

	pols, err := c.aas.DescribeScalingPolicies(ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(resource)})
	if err != nil {
		t.Fatal(err)
	}
	if len(pols.ScalingPolicies) != 1 {
		t.Fatalf("got %d policies, want 1", len(pols.ScalingPolicies))
	}
	cfg := pols.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration
	if cfg == nil || aws.ToFloat64(cfg.TargetValue) != 70 || aws.ToInt32(cfg.ScaleInCooldown) != 600 || aws.ToInt32(cfg.ScaleOutCooldown) != 180 {
		t.Errorf("policy read back as %+v", cfg)
	}
	var alarmNames []string
	for _, a := range pols.ScalingPolicies[0].Alarms {
		alarmNames = append(alarmNames, aws.ToString(a.AlarmName))
	}
	described, err := c.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: alarmNames})
	if err != nil {
		t.Fatal(err)
	}
	if len(alarmNames) != 2 || len(described.MetricAlarms) != 2 {
		t.Errorf("policy names alarms %v, CloudWatch has %d of them; want the high and the low alarm", alarmNames, len(described.MetricAlarms))
	}

	acts, err := c.aas.DescribeScheduledActions(ctx, &aas.DescribeScheduledActionsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts.ScheduledActions) != 1 || aws.ToString(acts.ScheduledActions[0].Schedule) != "cron(0 8 ? * MON-FRI *)" ||
		aws.ToInt32(acts.ScheduledActions[0].ScalableTargetAction.MaxCapacity) != 20 {
		t.Errorf("scheduled actions read back as %+v", acts.ScheduledActions)
	}
}

func TestErrorsReachClientsAsAWSSendsThem(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		region string
		call   func(clients) error
		code   string
		status int
		typed  func(error) bool
	}{
		{
			name: "unknown policy", region: "us-east-1",
			call: func(c clients) error {
				_, err := c.aas.DeleteScalingPolicy(ctx, &aas.DeleteScalingPolicyInput{
					PolicyName: aws.String("absent"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
					ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(resource),
				})
				return err
			},
			code: "ObjectNotFoundException", status: 400,
			typed: func(err error) bool { var e *aastypes.ObjectNotFoundException; return errors.As(err, &e) },
		},
		{
			name: "capacity out of range", region: "us-east-1",
			call: func(c clients) error {
				_, err := c.aas.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{
					ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
					ResourceId: aws.String(resource), MinCapacity: aws.Int32(5), MaxCapacity: aws.Int32(2),
				})
				return err
			},
			code: "ValidationException", status: 400,
			typed: func(err error) bool { var e *aastypes.ValidationException; return errors.As(err, &e) },
		},
		{
			name: "unknown dashboard", region: "us-east-1",
			call: func(c clients) error {
				_, err := c.cw.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String("absent")})
				return err
			},
			code: "ResourceNotFound", status: 404,
		},
		{
			name: "period not a multiple of a minute", region: "us-east-1",
			call: func(c clients) error {
				_, err := c.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
					Namespace: aws.String("AWS/ECS"), MetricName: aws.String("CPUUtilization"),
					StartTime: aws.Time(platformStart.Add(-time.Hour)), EndTime: aws.Time(platformStart),
					Period: aws.Int32(61), Statistics: []cwtypes.Statistic{cwtypes.StatisticAverage},
				})
				return err
			},
			code: "InvalidParameterValue", status: 400,
		},
		{
			name: "region not served", region: "eu-west-1",
			call: func(c clients) error {
				_, err := c.aas.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
				return err
			},
			code: "InvalidSignatureException", status: 403,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(serve(t, tt.region))
			var api smithy.APIError
			if !errors.As(err, &api) {
				t.Fatalf("got %v, want an API error %s", err, tt.code)
			}
			if api.ErrorCode() != tt.code {
				t.Errorf("code %q (%s), want %q", api.ErrorCode(), api.ErrorMessage(), tt.code)
			}
			var re interface{ HTTPStatusCode() int }
			if errors.As(err, &re) && re.HTTPStatusCode() != tt.status {
				t.Errorf("HTTP status %d, want %d", re.HTTPStatusCode(), tt.status)
			}
			if tt.typed != nil && !tt.typed(err) {
				t.Errorf("%T is not the SDK's modelled error for %s", api, tt.code)
			}
		})
	}
}

// Operations whose engine takes plain arguments still refuse a request
// without their required member, as CloudWatch's front end does for
// clients that skip the SDKs' own check (botocore sends what it is given
// once parameter validation is off; curl sends anything).
func TestRequiredMembersOfPlainOperations(t *testing.T) {
	clk, err := clock.NewScaled(platformStart, 1)
	if err != nil {
		t.Fatal(err)
	}
	h, err := endpoint.New(map[string]endpoint.Region{"us-east-1": {CloudWatch: cwengine.New(clk)}}, endpoint.Global{}, "us-east-1", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []struct{ operation, member string }{
		{"DeleteAlarms", "AlarmNames"},
		{"GetDashboard", "DashboardName"},
		{"PutMetricData", "Namespace"},
		{"DeleteDashboards", "DashboardNames"},
	} {
		t.Run(op.operation, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			req.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801."+op.operation)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), op.member) ||
				!strings.HasPrefix(rec.Header().Get("x-amzn-query-error"), "MissingParameter;") {
				t.Errorf("got %d %s (x-amzn-query-error %q), want 400 MissingParameter naming %s",
					rec.Code, rec.Body, rec.Header().Get("x-amzn-query-error"), op.member)
			}
		})
	}
}
