package aws_test

import (
	"context"
	"errors"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/internal/motoserver"
)

func TestCallMutating(t *testing.T) {
	tests := []struct {
		op       string
		mutating bool
	}{
		{"DescribeServices", false},
		{"ListTasks", false},
		{"GetMetricData", false},
		{"BatchGetTraces", false},
		{"TestDNSAnswer", false},
		{"StopTask", true},
		{"UpdateService", true},
		{"RegisterScalableTarget", true},
		{"PutMetricAlarm", true},
		{"SetAlarmState", true},
		{"TestFailover", true},
		{"StartExperiment", true},
		{"ChangeResourceRecordSets", true},
	}
	for _, tt := range tests {
		if got := (gdaws.Call{Service: "X", Operation: tt.op}).Mutating(); got != tt.mutating {
			t.Errorf("%s: Mutating() = %v, want %v", tt.op, got, tt.mutating)
		}
	}
}

// Against moto, a refused change never reaches the endpoint and the
// caller gets the gate's reason; reads never ask the gate; every
// mutating call is counted, sent or refused.
func TestGateStopsChangesBeforeTheWire(t *testing.T) {
	ctx := context.Background()
	endpoint := motoserver.Start(t)
	stop := errors.New("kill switch engaged")
	var asked []gdaws.Call
	refuse := true
	c, err := gdaws.New(ctx, gdaws.Target{Endpoint: endpoint, Region: "us-east-1", Gate: func(_ context.Context, call gdaws.Call) error {
		asked = append(asked, call)
		if refuse {
			return stop
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: sdk.String("gated")})
	var refused *gdaws.Refused
	if !errors.As(err, &refused) || !errors.Is(err, stop) || refused.Call != (gdaws.Call{Service: "ECS", Operation: "CreateCluster"}) {
		t.Fatalf("CreateCluster through a refusing gate: %v", err)
	}
	out, err := c.ECS.ListClusters(ctx, &ecs.ListClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ClusterArns) != 0 {
		t.Fatalf("a refused CreateCluster reached moto: %v", out.ClusterArns)
	}
	refuse = false
	if _, err := c.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: sdk.String("gated")}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.ECS.ListClusters(ctx, &ecs.ListClustersInput{}); err != nil || len(out.ClusterArns) != 1 {
		t.Fatalf("an allowed CreateCluster did not reach moto: %v %v", out, err)
	}
	if len(asked) != 2 || c.Calls.Sent() != 1 || c.Calls.Refused() != 1 {
		t.Errorf("gate asked %v, sent %d, refused %d; want CreateCluster twice, one sent and one refused", asked, c.Calls.Sent(), c.Calls.Refused())
	}
}
