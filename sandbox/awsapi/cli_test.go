package awsapi

import (
	"encoding/json"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/awscli"
)

// The aws CLI runs as a subprocess against the server: v1 (botocore 1.43
// here, AWS JSON 1.0 for CloudWatch) from PATH, and Debian's v2.9 (AWS
// Query for CloudWatch) from /usr/bin/aws.

func TestAWSCLI(t *testing.T) {
	awscli.Each(t, func(t *testing.T, cli awscli.CLI) {
		testCLI(t, cli, map[int]Protocol{1: ProtocolJSON10, 2: ProtocolQuery}[cli.Major])
	})
}

func testCLI(t *testing.T, cli awscli.CLI, cloudWatchProtocol Protocol) {
	// run serves the fakes to one CLI invocation and returns its decoded
	// JSON output and the last request the handlers saw.
	run := func(t *testing.T, args ...string) (map[string]any, *Request) {
		t.Helper()
		rec := &recorder{}
		url := startServer(t, map[string]Handler{
			ServiceCloudWatch:             fakeCloudWatch(rec),
			ServiceECS:                    fakeECS(rec),
			ServiceApplicationAutoScaling: fakeAAS(rec),
		})
		stdout, stderr, err := cli.Run(t, url, "us-east-1", args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var out map[string]any
		if strings.TrimSpace(stdout) != "" {
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("output %q: %v", stdout, err)
			}
		}
		return out, rec.last(t)
	}
	// fails runs a CLI invocation that must fail and returns its stderr.
	fails := func(t *testing.T, args ...string) string {
		t.Helper()
		url := startServer(t, map[string]Handler{
			ServiceCloudWatch:             fakeCloudWatch(&recorder{}),
			ServiceECS:                    fakeECS(&recorder{}),
			ServiceApplicationAutoScaling: fakeAAS(&recorder{}),
		})
		_, stderr, err := cli.Run(t, url, "us-east-1", args...)
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("aws %s: err = %v, want a failed exit; stderr %s", strings.Join(args, " "), err, stderr)
		}
		return strings.TrimSpace(stderr)
	}

	t.Run("cloudwatch describe-alarms", func(t *testing.T) {
		t.Parallel()
		out, req := run(t, "cloudwatch", "describe-alarms", "--alarm-names", "frontend-cpu-high")
		if req.Protocol != cloudWatchProtocol || req.Region != "us-east-1" || !reflect.DeepEqual(req.Input.Strings("AlarmNames"), []string{"frontend-cpu-high"}) {
			t.Errorf("request in %s from %q with AlarmNames %v, want %s from us-east-1", req.Protocol, req.Region, req.Input.Strings("AlarmNames"), cloudWatchProtocol)
		}
		alarm := awscli.Walk(t, out, "MetricAlarms", 0).(map[string]any)
		got := []any{alarm["AlarmName"], alarm["StateValue"], alarm["Threshold"], alarm["EvaluationPeriods"], alarm["ActionsEnabled"],
			alarm["AlarmActions"], awscli.Walk(t, alarm, "Dimensions", 1, "Value"), cliTime(t, alarm["StateUpdatedTimestamp"]).Equal(t0), out["CompositeAlarms"]}
		want := []any{"frontend-cpu-high", "ALARM", 70.5, 3.0, true, []any{}, "frontend", true, []any{}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("CLI printed\n%v\nwant\n%v", got, want)
		}
	})

	t.Run("cloudwatch put-metric-data", func(t *testing.T) {
		t.Parallel()
		// botocore sends JSON timestamps in whole seconds.
		_, req := run(t, "cloudwatch", "put-metric-data", "--namespace", "Gameday/Probe", "--metric-data",
			`[{"MetricName":"Latency","Timestamp":"2026-11-28T15:38:38Z","Values":[0.25,1.5],"Counts":[3,1],"Unit":"Seconds",`+
				`"Dimensions":[{"Name":"Service","Value":"api"}]},{"MetricName":"Requests","Value":42,"StorageResolution":1}]`)
		in := req.Input
		d := in.List("MetricData")
		if len(d) != 2 {
			t.Fatalf("%d data", len(d))
		}
		got := []any{in.String("Namespace"), d[0].String("MetricName"), d[0].Time("Timestamp").Equal(t0.Truncate(time.Second)), d[0].Floats("Values"), d[0].Floats("Counts"),
			d[0].List("Dimensions")[0].String("Value"), d[1].Float("Value"), d[1].Int("StorageResolution"), in.Err()}
		want := []any{"Gameday/Probe", "Latency", true, []float64{0.25, 1.5}, []float64{3, 1}, "api", 42.0, 1, nil}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("handler read\n%v\nwant\n%v", got, want)
		}
	})

	t.Run("cloudwatch get-metric-statistics", func(t *testing.T) {
		t.Parallel()
		out, req := run(t, "cloudwatch", "get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization",
			"--start-time", "2026-11-28T14:38:38Z", "--end-time", "2026-11-28T15:38:38Z", "--period", "60",
			"--extended-statistics", "p90", "p99")
		in := req.Input
		start := t0.Truncate(time.Second)
		if !in.Time("StartTime").Equal(start.Add(-time.Hour)) || !in.Time("EndTime").Equal(start) || in.Int("Period") != 60 {
			t.Errorf("handler read StartTime %v EndTime %v Period %d", in.Time("StartTime"), in.Time("EndTime"), in.Int("Period"))
		}
		d := awscli.Walk(t, out, "Datapoints", 0).(map[string]any)
		if !cliTime(t, d["Timestamp"]).Equal(t0) || d["Average"] != 61.25 || !reflect.DeepEqual(d["ExtendedStatistics"], map[string]any{"p90": 87.5, "p99": 99.0}) {
			t.Errorf("datapoint %v", d)
		}
	})

	t.Run("cloudwatch error", func(t *testing.T) {
		t.Parallel()
		got := fails(t, "cloudwatch", "describe-alarms", "--alarm-names", "missing")
		if !failedWith(got, "ResourceNotFound", "DescribeAlarms", "Alarm missing does not exist.") {
			t.Errorf("stderr %q, want ResourceNotFound", got)
		}
	})

	t.Run("ecs describe-services", func(t *testing.T) {
		t.Parallel()
		out, req := run(t, "ecs", "describe-services", "--cluster", "main-cluster", "--services", "frontend")
		if req.Protocol != ProtocolJSON11 || req.Input.String("cluster") != "main-cluster" {
			t.Errorf("request %s cluster %q", req.Protocol, req.Input.String("cluster"))
		}
		s := awscli.Walk(t, out, "services", 0).(map[string]any)
		if s["serviceName"] != "frontend" || s["desiredCount"] != 4.0 || !cliTime(t, awscli.Walk(t, s, "deployments", 0, "createdAt")).Equal(t0) ||
			awscli.Walk(t, s, "events", 1, "message") != "(service frontend) has reached a steady state." {
			t.Errorf("service %v", s)
		}
	})

	t.Run("ecs error", func(t *testing.T) {
		t.Parallel()
		got := fails(t, "ecs", "describe-services", "--cluster", "missing", "--services", "x")
		if !failedWith(got, "ClusterNotFoundException", "DescribeServices", "Cluster not found.") {
			t.Errorf("stderr %q, want ClusterNotFoundException", got)
		}
	})

	t.Run("application-autoscaling describe-scaling-activities", func(t *testing.T) {
		t.Parallel()
		out, req := run(t, "application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs",
			"--resource-id", "service/main-cluster/frontend", "--include-not-scaled-activities")
		if req.Input.String("ResourceId") != "service/main-cluster/frontend" || !req.Input.Bool("IncludeNotScaledActivities") {
			t.Errorf("handler read ResourceId %q IncludeNotScaledActivities %v", req.Input.String("ResourceId"), req.Input.Bool("IncludeNotScaledActivities"))
		}
		a := awscli.Walk(t, out, "ScalingActivities", 1).(map[string]any)
		if !cliTime(t, a["StartTime"]).Equal(t0.Add(time.Minute)) || awscli.Walk(t, a, "NotScaledReasons", 0, "Code") != "AlreadyAtMaxCapacity" {
			t.Errorf("activity %v", a)
		}
	})

	t.Run("application-autoscaling error", func(t *testing.T) {
		t.Parallel()
		got := fails(t, "application-autoscaling", "describe-scaling-activities", "--service-namespace", "ecs",
			"--resource-id", "service/main-cluster/nope")
		if !failedWith(got, "ObjectNotFoundException", "DescribeScalingActivities",
			"No scalable target registered for service namespace: ecs, resource ID: service/main-cluster/nope, scalable dimension: ecs:service:DesiredCount") {
			t.Errorf("stderr %q, want ObjectNotFoundException", got)
		}
	})
}

// cliTime reads a timestamp as the CLI prints it: v2 in ISO 8601, v1
// without a configured cli_timestamp_format as the epoch seconds received.
func cliTime(t *testing.T, v any) time.Time {
	t.Helper()
	if f, ok := v.(float64); ok {
		return time.UnixMilli(int64(f * 1000)).UTC()
	}
	s, _ := v.(string)
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("timestamp %v: %v", v, err)
	}
	return tm
}

// failedWith reports whether the CLI's stderr shows the error as AWS's
// would; v2 adds the retry count after the operation.
func failedWith(stderr, code, operation, message string) bool {
	return strings.Contains(stderr, "An error occurred ("+code+") when calling the "+operation+" operation") &&
		strings.HasSuffix(stderr, ": "+message)
}
