package awsapi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeECS answers DescribeServices with nested lists and timestamps, and
// ClusterNotFoundException for the cluster "missing".
func fakeECS(rec *recorder) Handler {
	return func(_ context.Context, req *Request) (any, error) {
		rec.add(req)
		in := req.Input
		switch req.Operation {
		case "DescribeServices":
			in.Require("services")
			names := in.Strings("services")
			if err := in.Err(); err != nil {
				return nil, err
			}
			if in.String("cluster") == "missing" {
				return nil, Errorf("ClusterNotFoundException", "Cluster not found.")
			}
			var services []any
			for _, name := range names {
				services = append(services, map[string]any{
					"serviceName":  name,
					"serviceArn":   "arn:aws:ecs:us-east-1:123456789012:service/main-cluster/" + name,
					"status":       "ACTIVE",
					"desiredCount": 4,
					"runningCount": 3,
					"pendingCount": 1,
					"deployments": []any{map[string]any{
						"id": "ecs-svc/1", "status": "PRIMARY", "desiredCount": 4, "runningCount": 3,
						"createdAt": t0, "rolloutState": "IN_PROGRESS",
					}},
					"events": []any{
						map[string]any{"id": "e2", "createdAt": t0.Add(time.Second), "message": "(service " + name + ") has started 1 tasks: (task abc)."},
						map[string]any{"id": "e1", "createdAt": t0, "message": "(service " + name + ") has reached a steady state."},
					},
					"loadBalancers": []any{},
				})
			}
			return map[string]any{"services": services, "failures": []any{}}, nil
		}
		return nil, UnknownOperation(req.Operation)
	}
}

func TestECSSDK(t *testing.T) {
	rec := &recorder{}
	url := startServer(t, map[string]Handler{ServiceECS: fakeECS(rec)})
	client := ecs.NewFromConfig(sdkConfig(url, 1))
	ctx := context.Background()

	out, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String("main-cluster"),
		Services: []string{"frontend", "api"},
		Include:  []ecstypes.ServiceField{ecstypes.ServiceFieldTags},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := rec.last(t)
	if req.Protocol != ProtocolJSON11 || req.Operation != "DescribeServices" || req.Region != "us-east-1" ||
		req.Input.String("cluster") != "main-cluster" || !reflect.DeepEqual(req.Input.Strings("include"), []string{"TAGS"}) {
		t.Errorf("request %+v, cluster %q include %v", req, req.Input.String("cluster"), req.Input.Strings("include"))
	}
	if len(out.Services) != 2 || len(out.Failures) != 0 {
		t.Fatalf("%d services, %d failures", len(out.Services), len(out.Failures))
	}
	s := out.Services[1]
	if aws.ToString(s.ServiceName) != "api" || s.DesiredCount != 4 || s.RunningCount != 3 ||
		len(s.Deployments) != 1 || s.Deployments[0].RolloutState != ecstypes.DeploymentRolloutStateInProgress ||
		!aws.ToTime(s.Deployments[0].CreatedAt).Equal(t0) ||
		len(s.Events) != 2 || !aws.ToTime(s.Events[0].CreatedAt).Equal(t0.Add(time.Second)) ||
		aws.ToString(s.Events[1].Message) != "(service api) has reached a steady state." {
		t.Errorf("service decoded as %+v", s)
	}

	cases := []struct {
		name   string
		err    error
		typed  func(error) bool
		code   string
		status int
		fault  smithy.ErrorFault
	}{
		{"ClusterNotFound", Errorf("ClusterNotFoundException", "Cluster not found."), isA[*ecstypes.ClusterNotFoundException], "ClusterNotFoundException", 400, smithy.FaultClient},
		{"ResourceNotFound", ResourceNotFoundException("The specified resource wasn't found."), isA[*ecstypes.ResourceNotFoundException], "ResourceNotFoundException", 400, smithy.FaultClient},
		{"Client", ClientException("Unable to find task definition."), isA[*ecstypes.ClientException], "ClientException", 400, smithy.FaultClient},
		{"Server", ServerException("Service Unavailable. Please try again later."), isA[*ecstypes.ServerException], "ServerException", 500, smithy.FaultServer},
		{"AccessDenied", Errorf("AccessDeniedException", "no"), isA[*ecstypes.AccessDeniedException], "AccessDeniedException", 403, smithy.FaultClient},
		{"Validation", ValidationException("1 validation error detected"), isGeneric, "ValidationException", 400, smithy.FaultUnknown},
		{"UnknownOperation", UnknownOperation("DescribeServices"), isGeneric, "UnknownOperationException", 400, smithy.FaultUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := startServer(t, map[string]Handler{ServiceECS: failing(&recorder{}, c.err)})
			_, err := ecs.NewFromConfig(sdkConfig(url, 1)).DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"x"}})
			checkAPIError(t, err, c.typed, c.code, c.status, c.fault, c.err.(*Error).Message)
		})
	}

}

// fakeAAS answers RegisterScalableTarget and DescribeScalingActivities,
// with ObjectNotFoundException for an unknown resource.
func fakeAAS(rec *recorder) Handler {
	return func(_ context.Context, req *Request) (any, error) {
		rec.add(req)
		in := req.Input
		switch req.Operation {
		case "RegisterScalableTarget":
			in.Require("ServiceNamespace")
			in.Require("ResourceId")
			in.Require("ScalableDimension")
			return map[string]any{"ScalableTargetARN": "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/abc"}, in.Err()
		case "DescribeScalingActivities":
			if in.String("ResourceId") == "service/main-cluster/nope" {
				return nil, ObjectNotFoundException("No scalable target registered for service namespace: ecs, resource ID: service/main-cluster/nope, scalable dimension: ecs:service:DesiredCount")
			}
			type notScaled struct {
				Code            string
				CurrentCapacity *int
				MaxCapacity     *int
			}
			type activity struct {
				ActivityId, ServiceNamespace, ResourceId, ScalableDimension string
				Description, Cause, StatusCode, StatusMessage               string
				StartTime                                                   time.Time
				EndTime                                                     *time.Time `aws:",omitempty"`
				NotScaledReasons                                            []notScaled
			}
			ten := 10
			end := t0.Add(40 * time.Second)
			return struct{ ScalingActivities []activity }{[]activity{
				{
					ActivityId: "a1", ServiceNamespace: "ecs", ResourceId: in.String("ResourceId"), ScalableDimension: "ecs:service:DesiredCount",
					Description: "Setting desired count to 6.", Cause: "monitor alarm TargetTracking-service/main-cluster/frontend-AlarmHigh-1 in state ALARM triggered policy cpu70",
					StatusCode: "Successful", StatusMessage: "Successfully set desired count to 6. Change successfully fulfilled by ecs.",
					StartTime: t0, EndTime: &end,
				},
				{
					ActivityId: "a2", ServiceNamespace: "ecs", ResourceId: in.String("ResourceId"), ScalableDimension: "ecs:service:DesiredCount",
					Description: "Setting desired count to 10.", Cause: "x", StatusCode: "Failed", StartTime: t0.Add(time.Minute),
					NotScaledReasons: []notScaled{{Code: "AlreadyAtMaxCapacity", CurrentCapacity: &ten, MaxCapacity: &ten}},
				},
			}}, nil
		}
		return nil, UnknownOperation(req.Operation)
	}
}

func TestApplicationAutoScalingSDK(t *testing.T) {
	rec := &recorder{}
	url := startServer(t, map[string]Handler{ServiceApplicationAutoScaling: fakeAAS(rec)})
	client := applicationautoscaling.NewFromConfig(sdkConfig(url, 1))
	ctx := context.Background()

	reg, err := client.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace:  aastypes.ServiceNamespaceEcs,
		ResourceId:        aws.String("service/main-cluster/frontend"),
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		MinCapacity:       aws.Int32(2),
		MaxCapacity:       aws.Int32(10),
		SuspendedState:    &aastypes.SuspendedState{DynamicScalingInSuspended: aws.Bool(true), DynamicScalingOutSuspended: aws.Bool(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	in := rec.last(t).Input
	got := []any{in.String("ServiceNamespace"), in.Int("MinCapacity"), in.Int("MaxCapacity"),
		in.Get("SuspendedState").Bool("DynamicScalingInSuspended"), in.Get("SuspendedState").Has("DynamicScalingOutSuspended"),
		in.Get("SuspendedState").Has("ScheduledScalingSuspended"), aws.ToString(reg.ScalableTargetARN) != ""}
	if want := []any{"ecs", 2, 10, true, true, false, true}; !reflect.DeepEqual(got, want) {
		t.Errorf("RegisterScalableTarget read %v, want %v", got, want)
	}

	out, err := client.DescribeScalingActivities(ctx, &applicationautoscaling.DescribeScalingActivitiesInput{
		ServiceNamespace:           aastypes.ServiceNamespaceEcs,
		ResourceId:                 aws.String("service/main-cluster/frontend"),
		IncludeNotScaledActivities: aws.Bool(true),
		MaxResults:                 aws.Int32(50),
	})
	if err != nil {
		t.Fatal(err)
	}
	in = rec.last(t).Input
	if !in.Bool("IncludeNotScaledActivities") || in.Int("MaxResults") != 50 {
		t.Errorf("read IncludeNotScaledActivities %v MaxResults %d", in.Bool("IncludeNotScaledActivities"), in.Int("MaxResults"))
	}
	if len(out.ScalingActivities) != 2 {
		t.Fatalf("%d activities", len(out.ScalingActivities))
	}
	a, b := out.ScalingActivities[0], out.ScalingActivities[1]
	if !aws.ToTime(a.StartTime).Equal(t0) || !aws.ToTime(a.EndTime).Equal(t0.Add(40*time.Second)) || a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful ||
		aws.ToString(a.Description) != "Setting desired count to 6." || a.NotScaledReasons != nil {
		t.Errorf("activity 0 = %+v", a)
	}
	if b.EndTime != nil || len(b.NotScaledReasons) != 1 || aws.ToString(b.NotScaledReasons[0].Code) != "AlreadyAtMaxCapacity" ||
		aws.ToInt32(b.NotScaledReasons[0].MaxCapacity) != 10 || b.NotScaledReasons[0].MinCapacity != nil {
		t.Errorf("activity 1 = %+v", b)
	}

	t.Run("ObjectNotFound", func(t *testing.T) {
		_, err := client.DescribeScalingActivities(ctx, &applicationautoscaling.DescribeScalingActivitiesInput{
			ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/main-cluster/nope")})
		checkAPIError(t, err, isA[*aastypes.ObjectNotFoundException], "ObjectNotFoundException", 400, smithy.FaultClient,
			"No scalable target registered for service namespace: ecs, resource ID: service/main-cluster/nope, scalable dimension: ecs:service:DesiredCount")
	})

	cases := []struct {
		name   string
		err    *Error
		typed  func(error) bool
		status int
		fault  smithy.ErrorFault
	}{
		{"Validation", ValidationException("Minimum capacity cannot be greater than maximum capacity"), isA[*aastypes.ValidationException], 400, smithy.FaultClient},
		{"ResourceNotFound", ResourceNotFoundException("no such resource"), isA[*aastypes.ResourceNotFoundException], 404, smithy.FaultClient},
		{"ConcurrentUpdate", Errorf("ConcurrentUpdateException", "busy"), isA[*aastypes.ConcurrentUpdateException], 500, smithy.FaultServer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := startServer(t, map[string]Handler{ServiceApplicationAutoScaling: failing(&recorder{}, c.err)})
			_, err := applicationautoscaling.NewFromConfig(sdkConfig(url, 1)).DescribeScalingActivities(ctx,
				&applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
			checkAPIError(t, err, c.typed, c.err.Code, c.status, c.fault, c.err.Message)
		})
	}
}

func checkAPIError(t *testing.T, err error, typed func(error) bool, code string, status int, fault smithy.ErrorFault, message string) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("err = %v, want an API error", err)
	}
	if !typed(err) || api.ErrorCode() != code || api.ErrorFault() != fault || api.ErrorMessage() != message {
		t.Errorf("got %T code %q fault %v message %q, want code %q fault %v message %q",
			api, api.ErrorCode(), api.ErrorFault(), api.ErrorMessage(), code, fault, message)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Errorf("status %d, want %d", re.HTTPStatusCode(), status)
	}
}

// TestSmithyAPIErrorPassesThrough checks that an error speaking
// smithy.APIError, wrapped or not, reaches the client as itself.
func TestSmithyAPIErrorPassesThrough(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		typed  func(error) bool
		status int
		fault  smithy.ErrorFault
	}{
		{"client", fmt.Errorf("describing frontend: %w", &smithy.GenericAPIError{Code: "ServiceNotFoundException", Message: "Service not found."}),
			isA[*ecstypes.ServiceNotFoundException], 400, smithy.FaultClient},
		{"server", &smithy.GenericAPIError{Code: "ServerException", Message: "Service not found.", Fault: smithy.FaultServer},
			isA[*ecstypes.ServerException], 500, smithy.FaultServer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := startServer(t, map[string]Handler{ServiceECS: failing(&recorder{}, c.err)})
			_, err := ecs.NewFromConfig(sdkConfig(url, 1)).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Services: []string{"frontend"}})
			var api smithy.APIError
			errors.As(c.err, &api)
			checkAPIError(t, err, c.typed, api.ErrorCode(), c.status, c.fault, "Service not found.")
		})
	}
}
