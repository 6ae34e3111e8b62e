package awsapi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeCloudWatch records each request and answers the operations the
// tests call with representative outputs: nested lists, timestamps,
// booleans, doubles, integers, an AWS map and empty lists.
func fakeCloudWatch(rec *recorder) Handler {
	return func(_ context.Context, req *Request) (any, error) {
		rec.add(req)
		in := req.Input
		switch req.Operation {
		case "PutMetricAlarm":
			in.Require("AlarmName")
			in.Require("EvaluationPeriods")
			return nil, in.Err()
		case "PutMetricData":
			in.Require("Namespace")
			for _, d := range in.List("MetricData") {
				d.Require("MetricName")
			}
			return nil, in.Err()
		case "GetMetricStatistics":
			type datapoint struct {
				Timestamp          time.Time
				SampleCount        float64
				Average            *float64
				Maximum            *float64 `aws:",omitempty"`
				Unit               string
				ExtendedStatistics map[string]float64 `aws:",map"`
			}
			avg := 61.25
			return struct {
				Label      string
				Datapoints []datapoint
			}{
				Label: in.String("MetricName"),
				Datapoints: []datapoint{
					{Timestamp: t0, SampleCount: 60, Average: &avg, Unit: "Percent", ExtendedStatistics: map[string]float64{"p90": 87.5, "p99": 99}},
					{Timestamp: t0.Add(time.Minute), SampleCount: 0, Unit: "Percent"},
				},
			}, nil
		case "DescribeAlarms":
			if names := in.Strings("AlarmNames"); len(names) == 1 && names[0] == "missing" {
				return nil, ResourceNotFound("Alarm missing does not exist.")
			}
			return map[string]any{
				"MetricAlarms": []any{
					map[string]any{
						"AlarmName":             "frontend-cpu-high",
						"AlarmArn":              "arn:aws:cloudwatch:us-east-1:123456789012:alarm:frontend-cpu-high",
						"StateValue":            "ALARM",
						"StateReason":           "Threshold Crossed: 3 datapoints were greater than the threshold (70.0).",
						"StateUpdatedTimestamp": t0,
						"ActionsEnabled":        true,
						"Threshold":             70.5,
						"EvaluationPeriods":     3,
						"DatapointsToAlarm":     int32(2),
						"Period":                60.0,
						"ExtendedStatistic":     "p90",
						"Dimensions": []map[string]string{
							{"Name": "ClusterName", "Value": "main-cluster"},
							{"Name": "ServiceName", "Value": "frontend"},
						},
						"AlarmActions": []string{},
						"OKActions":    []string{"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x"},
					},
				},
				"CompositeAlarms": []any{},
			}, nil
		}
		return nil, UnknownOperation(req.Operation)
	}
}

func TestCloudWatchSDKInputsArrive(t *testing.T) {
	for _, p := range cloudWatchProtocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			url := startServer(t, map[string]Handler{ServiceCloudWatch: fakeCloudWatch(rec)})
			cw := cloudWatchClient(url, 1, p.protocol)
			ctx := context.Background()

			t.Run("PutMetricAlarm", func(t *testing.T) {
				_, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
					AlarmName:          aws.String("api-p90-latency"),
					Namespace:          aws.String("AWS/ApplicationELB"),
					MetricName:         aws.String("TargetResponseTime"),
					ExtendedStatistic:  aws.String("p90"),
					Threshold:          aws.Float64(0.75),
					ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
					EvaluationPeriods:  aws.Int32(3),
					DatapointsToAlarm:  aws.Int32(2),
					Period:             aws.Int32(60),
					ActionsEnabled:     aws.Bool(false),
					TreatMissingData:   aws.String("notBreaching"),
					AlarmActions:       []string{"arn:a", "arn:b"},
					OKActions:          []string{},
					Dimensions: []cwtypes.Dimension{
						{Name: aws.String("LoadBalancer"), Value: aws.String("app/api/1")},
						{Name: aws.String("TargetGroup"), Value: aws.String("targetgroup/api/2")},
					},
				})
				if err != nil {
					t.Fatal(err)
				}
				req := rec.last(t)
				in := req.Input
				type dim struct{ Name, Value string }
				var dims []dim
				for _, d := range in.List("Dimensions") {
					dims = append(dims, dim{d.String("Name"), d.String("Value")})
				}
				got := []any{req.Service, req.Operation, req.Protocol, req.Region,
					in.String("AlarmName"), in.String("ExtendedStatistic"), in.Float("Threshold"),
					in.String("ComparisonOperator"), in.Int("EvaluationPeriods"), in.Int("DatapointsToAlarm"),
					in.Int("Period"), in.Has("ActionsEnabled"), in.Bool("ActionsEnabled"), in.String("TreatMissingData"),
					in.Strings("AlarmActions"), len(in.Strings("OKActions")), in.Has("Statistic"), dims, in.Err()}
				want := []any{ServiceCloudWatch, "PutMetricAlarm", p.want, "us-east-1",
					"api-p90-latency", "p90", 0.75,
					"GreaterThanThreshold", 3, 2,
					60, true, false, "notBreaching",
					[]string{"arn:a", "arn:b"}, 0, false,
					[]dim{{"LoadBalancer", "app/api/1"}, {"TargetGroup", "targetgroup/api/2"}}, nil}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("handler read\n%v\nwant\n%v", got, want)
				}
			})

			t.Run("PutMetricData", func(t *testing.T) {
				_, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
					Namespace: aws.String("Gameday/Probe"),
					MetricData: []cwtypes.MetricDatum{
						{
							MetricName: aws.String("Latency"),
							Timestamp:  aws.Time(t0),
							Values:     []float64{0.25, 1.5},
							Counts:     []float64{3, 1},
							Unit:       cwtypes.StandardUnitSeconds,
							Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("api")}},
						},
						{MetricName: aws.String("Requests"), Value: aws.Float64(42), StorageResolution: aws.Int32(1)},
					},
				})
				if err != nil {
					t.Fatal(err)
				}
				in := rec.last(t).Input
				type datum struct {
					Name       string
					Time       time.Time
					Values     []float64
					Counts     []float64
					Value      float64
					Resolution int
					Unit       string
					Dims       int
				}
				var got []datum
				for _, d := range in.List("MetricData") {
					got = append(got, datum{d.String("MetricName"), d.Time("Timestamp"), d.Floats("Values"), d.Floats("Counts"),
						d.Float("Value"), d.Int("StorageResolution"), d.String("Unit"), len(d.List("Dimensions"))})
				}
				want := []datum{
					{"Latency", t0, []float64{0.25, 1.5}, []float64{3, 1}, 0, 0, "Seconds", 1},
					{"Requests", time.Time{}, nil, nil, 42, 1, "", 0},
				}
				if in.String("Namespace") != "Gameday/Probe" || !reflect.DeepEqual(got, want) || in.Err() != nil {
					t.Errorf("handler read %q %+v (err %v), want %+v", in.String("Namespace"), got, in.Err(), want)
				}
			})

			t.Run("GetMetricStatistics", func(t *testing.T) {
				out, err := cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
					Namespace:          aws.String("AWS/ECS"),
					MetricName:         aws.String("CPUUtilization"),
					StartTime:          aws.Time(t0.Add(-time.Hour)),
					EndTime:            aws.Time(t0),
					Period:             aws.Int32(60),
					Statistics:         []cwtypes.Statistic{cwtypes.StatisticAverage, cwtypes.StatisticSampleCount},
					ExtendedStatistics: []string{"p90", "p99"},
				})
				if err != nil {
					t.Fatal(err)
				}
				in := rec.last(t).Input
				if !in.Time("StartTime").Equal(t0.Add(-time.Hour)) || !in.Time("EndTime").Equal(t0) || in.Int("Period") != 60 ||
					!reflect.DeepEqual(in.Strings("Statistics"), []string{"Average", "SampleCount"}) ||
					!reflect.DeepEqual(in.Strings("ExtendedStatistics"), []string{"p90", "p99"}) {
					t.Errorf("handler read StartTime %v EndTime %v Period %d Statistics %v ExtendedStatistics %v",
						in.Time("StartTime"), in.Time("EndTime"), in.Int("Period"), in.Strings("Statistics"), in.Strings("ExtendedStatistics"))
				}
				if aws.ToString(out.Label) != "CPUUtilization" || len(out.Datapoints) != 2 {
					t.Fatalf("output %+v", out)
				}
				d := out.Datapoints[0]
				if !aws.ToTime(d.Timestamp).Equal(t0) || aws.ToFloat64(d.SampleCount) != 60 || aws.ToFloat64(d.Average) != 61.25 ||
					d.Maximum != nil || d.Unit != cwtypes.StandardUnitPercent ||
					!reflect.DeepEqual(d.ExtendedStatistics, map[string]float64{"p90": 87.5, "p99": 99}) {
					t.Errorf("datapoint 0 = %+v", d)
				}
				if d := out.Datapoints[1]; d.Average != nil || d.SampleCount == nil || *d.SampleCount != 0 || !aws.ToTime(d.Timestamp).Equal(t0.Add(time.Minute)) {
					t.Errorf("datapoint 1 = %+v: a nil pointer is absent, a zero is sent", d)
				}
			})

			t.Run("DescribeAlarms", func(t *testing.T) {
				out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"frontend-cpu-high"}, MaxRecords: aws.Int32(10)})
				if err != nil {
					t.Fatal(err)
				}
				in := rec.last(t).Input
				if !reflect.DeepEqual(in.Strings("AlarmNames"), []string{"frontend-cpu-high"}) || in.Int("MaxRecords") != 10 {
					t.Errorf("handler read AlarmNames %v MaxRecords %d", in.Strings("AlarmNames"), in.Int("MaxRecords"))
				}
				if len(out.MetricAlarms) != 1 || len(out.CompositeAlarms) != 0 {
					t.Fatalf("%d metric alarms, %d composite, want 1 and 0", len(out.MetricAlarms), len(out.CompositeAlarms))
				}
				a := out.MetricAlarms[0]
				got := []any{aws.ToString(a.AlarmName), a.StateValue, aws.ToTime(a.StateUpdatedTimestamp).Equal(t0), aws.ToBool(a.ActionsEnabled),
					aws.ToFloat64(a.Threshold), aws.ToInt32(a.EvaluationPeriods), aws.ToInt32(a.DatapointsToAlarm), aws.ToInt32(a.Period),
					aws.ToString(a.ExtendedStatistic), len(a.AlarmActions), a.OKActions,
					aws.ToString(a.Dimensions[1].Name), aws.ToString(a.Dimensions[1].Value)}
				want := []any{"frontend-cpu-high", cwtypes.StateValueAlarm, true, true,
					70.5, int32(3), int32(2), int32(60),
					"p90", 0, []string{"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x"},
					"ServiceName", "frontend"}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("alarm decoded as\n%v\nwant\n%v", got, want)
				}
			})
		})
	}
}

// TestCloudWatchSDKErrors checks that each error comes out of the SDK as
// the typed error AWS's would, in all three protocols. The Query
// protocol's ErrorCode is what the SDK makes of AWS's own Query code: it
// resolves the type through @awsQueryError but reports the structure's
// name.
func TestCloudWatchSDKErrors(t *testing.T) {
	cases := []struct {
		name      string
		err       error
		typed     func(error) bool
		code      string // ErrorCode() in JSON and CBOR
		queryCode string // ErrorCode() in Query
		status    int
		fault     smithy.ErrorFault
	}{
		{"InvalidParameterValue", InvalidParameterValue("The value p101 for parameter ExtendedStatistic is invalid."),
			isA[*cwtypes.InvalidParameterValueException], "InvalidParameterValue", "InvalidParameterValueException", 400, smithy.FaultClient},
		{"InvalidParameterValueByShape", Errorf("InvalidParameterValueException", "by the structure's name"),
			isA[*cwtypes.InvalidParameterValueException], "InvalidParameterValue", "InvalidParameterValueException", 400, smithy.FaultClient},
		{"MissingParameter", MissingParameter("Namespace"),
			isA[*cwtypes.MissingRequiredParameterException], "MissingParameter", "MissingRequiredParameterException", 400, smithy.FaultClient},
		{"ResourceNotFound", ResourceNotFound("Alarm nope does not exist."),
			isA[*cwtypes.ResourceNotFound], "ResourceNotFound", "ResourceNotFound", 404, smithy.FaultClient},
		{"ValidationException", ValidationException("1 validation error detected: Value 'p90' at 'statistic' failed to satisfy constraint"),
			isA[*cwtypes.ValidationException], "ValidationError", "ValidationException", 400, smithy.FaultClient},
		{"LimitExceeded", Errorf("LimitExceeded", "too many alarms"),
			isA[*cwtypes.LimitExceededFault], "LimitExceeded", "LimitExceededFault", 400, smithy.FaultClient},
		{"InternalServiceError", Errorf("InternalServiceError", "boom"),
			isA[*cwtypes.InternalServiceFault], "InternalServiceError", "InternalServiceFault", 500, smithy.FaultServer},
		{"UnknownOperation", UnknownOperation("PutMetricAlarm"),
			isGeneric, "InvalidAction", "InvalidAction", 400, smithy.FaultClient},
		{"PlainError", errors.New("disk on fire"),
			isGeneric, "InternalFailure", "InternalFailure", 500, smithy.FaultServer},
	}
	for _, p := range cloudWatchProtocols {
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				rec := &recorder{}
				url := startServer(t, map[string]Handler{ServiceCloudWatch: failing(rec, c.err)})
				_, err := cloudWatchClient(url, 1, p.protocol).PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{
					AlarmName: aws.String("a"), EvaluationPeriods: aws.Int32(1)})
				var api smithy.APIError
				if !errors.As(err, &api) {
					t.Fatalf("err = %v, want an API error", err)
				}
				code := c.code
				if p.want == ProtocolQuery {
					code = c.queryCode
				}
				if !c.typed(err) || api.ErrorCode() != code || api.ErrorFault() != c.fault && p.want != ProtocolQuery {
					t.Errorf("got %T code %q fault %v, want code %q fault %v", api, api.ErrorCode(), api.ErrorFault(), code, c.fault)
				}
				var re *smithyhttp.ResponseError
				if !errors.As(err, &re) || re.HTTPStatusCode() != c.status {
					t.Errorf("status %d, want %d", re.HTTPStatusCode(), c.status)
				}
				var want *Error
				if errors.As(c.err, &want) && api.ErrorMessage() != want.Message {
					t.Errorf("message %q, want %q", api.ErrorMessage(), want.Message)
				}
			})
		}
	}
}

func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func isGeneric(err error) bool { return isA[*smithy.GenericAPIError](err) }

// TestCloudWatchSDKValidationFromAccessors checks the errors Require and
// the conversions record, as the SDK sees them.
func TestCloudWatchSDKValidationFromAccessors(t *testing.T) {
	for _, p := range cloudWatchProtocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			url := startServer(t, map[string]Handler{ServiceCloudWatch: func(_ context.Context, req *Request) (any, error) {
				// The SDK checks the model's required members itself, so
				// the handler requires an optional one.
				for _, d := range req.Input.List("MetricData") {
					d.Require("Unit")
				}
				return nil, req.Input.Err()
			}})
			_, err := cloudWatchClient(url, 1, p.protocol).PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{
				Namespace: aws.String("N"),
				MetricData: []cwtypes.MetricDatum{
					{MetricName: aws.String("a"), Unit: cwtypes.StandardUnitCount},
					{MetricName: aws.String("b"), Value: aws.Float64(1)},
				},
			})
			var missing *cwtypes.MissingRequiredParameterException
			if !errors.As(err, &missing) || missing.ErrorMessage() != "The parameter MetricData.member.2.Unit is required." {
				t.Errorf("err = %v, want MissingParameter for MetricData.member.2.Unit", err)
			}
		})
	}
}

// TestCloudWatchSDKRetriesThrottling checks that the SDK's retryer takes
// ThrottlingException for a throttle in every protocol.
func TestCloudWatchSDKRetriesThrottling(t *testing.T) {
	for _, p := range cloudWatchProtocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			url := startServer(t, map[string]Handler{ServiceCloudWatch: failing(rec, ThrottlingException("Rate exceeded"))})
			_, err := cloudWatchClient(url, 3, p.protocol).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{})
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != "Throttling" {
				t.Errorf("err = %v, want code Throttling (CloudWatch's Query code)", err)
			}
			if n := rec.count(); n != 3 {
				t.Errorf("%d attempts, want 3: the retryer did not take it for retryable", n)
			}
		})
	}
}

func TestCloudWatchSDKHandlerPanic(t *testing.T) {
	for _, p := range cloudWatchProtocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			url := startServer(t, map[string]Handler{ServiceCloudWatch: func(context.Context, *Request) (any, error) {
				panic("nil map in alarm store")
			}})
			_, err := cloudWatchClient(url, 1, p.protocol).DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{})
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != "InternalFailure" ||
				api.ErrorMessage() != "The DescribeAlarms handler failed: nil map in alarm store" {
				t.Errorf("err = %v, want InternalFailure naming the panic", err)
			}
		})
	}
}

// TestCloudWatchSDKErrorFields checks that extra members of an error
// structure reach the SDK's typed error.
func TestCloudWatchSDKErrorFields(t *testing.T) {
	for _, p := range cloudWatchProtocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			e := &Error{Code: "InvalidParameterInput", Message: "The field DashboardBody must be a valid JSON object",
				Fields: map[string]any{"dashboardValidationMessages": []map[string]string{{"DataPath": "/widgets", "Message": "Should be array"}}}}
			url := startServer(t, map[string]Handler{ServiceCloudWatch: failing(&recorder{}, e)})
			_, err := cloudWatchClient(url, 1, p.protocol).PutDashboard(context.Background(), &cloudwatch.PutDashboardInput{
				DashboardName: aws.String("d"), DashboardBody: aws.String("{")})
			var invalid *cwtypes.DashboardInvalidInputError
			if !errors.As(err, &invalid) {
				t.Fatalf("err = %v, want DashboardInvalidInputError", err)
			}
			got := fmt.Sprintf("%d %s", len(invalid.DashboardValidationMessages), invalid.ErrorMessage())
			if got != "1 "+e.Message || aws.ToString(invalid.DashboardValidationMessages[0].DataPath) != "/widgets" {
				t.Errorf("got %s %+v", got, invalid.DashboardValidationMessages)
			}
		})
	}
}
