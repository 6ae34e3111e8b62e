package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The aws CLI runs as a subprocess against the server: v1 (botocore 1.43
// here, AWS JSON 1.0 for CloudWatch) from PATH, and Debian's v2.9 (AWS
// Query for CloudWatch) from /usr/bin/aws.

func TestAWSCLIv1(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("requires the aws CLI v1 on PATH (pip install awscli): no aws found")
	}
	if v := cliVersion(t, bin); !strings.HasPrefix(v, "aws-cli/1.") {
		t.Skipf("requires the aws CLI v1 on PATH: %s is %s", bin, v)
	}
	testCLI(t, bin, ProtocolJSON10)
}

func TestAWSCLIv2(t *testing.T) {
	const bin = "/usr/bin/aws"
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("requires the aws CLI v2 at %s, installed with apt-get install awscli: %v", bin, err)
	}
	if v := cliVersion(t, bin); !strings.HasPrefix(v, "aws-cli/2.") {
		t.Skipf("requires the aws CLI v2 at %s: it is %s", bin, v)
	}
	testCLI(t, bin, ProtocolQuery)
}

func cliVersion(t *testing.T, bin string) string {
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v: %s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}

// runCLI runs the CLI against url with dummy credentials and no
// configuration, returning its stdout, stderr and error.
func runCLI(t *testing.T, bin, url string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"AWS_ACCESS_KEY_ID=AKIDSANDBOX", "AWS_SECRET_ACCESS_KEY=sandbox-secret",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func testCLI(t *testing.T, bin string, cloudWatchProtocol Protocol) {
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
		stdout, stderr, err := runCLI(t, bin, url, args...)
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
		_, stderr, err := runCLI(t, bin, url, args...)
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
		alarm := walk(t, out, "MetricAlarms", 0).(map[string]any)
		got := []any{alarm["AlarmName"], alarm["StateValue"], alarm["Threshold"], alarm["EvaluationPeriods"], alarm["ActionsEnabled"],
			alarm["AlarmActions"], walk(t, alarm, "Dimensions", 1, "Value"), cliTime(t, alarm["StateUpdatedTimestamp"]).Equal(t0), out["CompositeAlarms"]}
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
		d := walk(t, out, "Datapoints", 0).(map[string]any)
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
		s := walk(t, out, "services", 0).(map[string]any)
		if s["serviceName"] != "frontend" || s["desiredCount"] != 4.0 || !cliTime(t, walk(t, s, "deployments", 0, "createdAt")).Equal(t0) ||
			walk(t, s, "events", 1, "message") != "(service frontend) has reached a steady state." {
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
		a := walk(t, out, "ScalingActivities", 1).(map[string]any)
		if !cliTime(t, a["StartTime"]).Equal(t0.Add(time.Minute)) || walk(t, a, "NotScaledReasons", 0, "Code") != "AlreadyAtMaxCapacity" {
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

// walk walks decoded JSON by keys and list indexes.
func walk(t *testing.T, v any, steps ...any) any {
	t.Helper()
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %v is not an object", s, v)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: %v is not a list that long", s, v)
			}
			v = l[k]
		}
	}
	return v
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
