package chaos

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/gameday-sre/gameday/internal/motoserver"
)

// motoCapacity is a target whose ECS and Application Auto Scaling are an
// independent emulator's, with one service at desired count 2 whose
// scalable target runs from 2 to 10.
func motoCapacity(t *testing.T) (Target, Capacity) {
	t.Helper()
	endpoint := motoserver.Start(t)
	cfg := aws.Config{Region: "us-east-1"}
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
	})
	c := Capacity{
		ECS: ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = &endpoint }),
		AAS: aas.NewFromConfig(cfg, func(o *aas.Options) { o.BaseEndpoint = &endpoint }),
	}
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("main-cluster")}))
	must(c.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api:1"), Memory: aws.Int32(512)}}}))
	must(c.ECS.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("main-cluster"), ServiceName: aws.String("api-service"), TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(2)}))
	must(c.AAS.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String("service/main-cluster/api-service"), MinCapacity: aws.Int32(2), MaxCapacity: aws.Int32(10)}))
	return Target{Name: "moto", Cluster: "main-cluster", Capacity: c}, c
}

func readCapacity(t *testing.T, c Capacity) (desired, min, max int32) {
	t.Helper()
	ctx := context.Background()
	s, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("main-cluster"), Services: []string{"api-service"}})
	if err != nil || len(s.Services) != 1 {
		t.Fatalf("DescribeServices: %v", err)
	}
	st, err := c.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{"service/main-cluster/api-service"}})
	if err != nil || len(st.ScalableTargets) != 1 {
		t.Fatalf("DescribeScalableTargets: %v", err)
	}
	return s.Services[0].DesiredCount, aws.ToInt32(st.ScalableTargets[0].MinCapacity), aws.ToInt32(st.ScalableTargets[0].MaxCapacity)
}

// The runbook's procedures change capacity through the AWS APIs and are
// put back from the ledger: by the process that made them, and by another
// that finds them outstanding after the first died.
func TestCapacityChangesRevert(t *testing.T) {
	on, c := motoCapacity(t)
	ctx := context.Background()
	desired, err := NewDesiredCount(ctx, on, "api-service", 15, true)
	if err != nil {
		t.Fatal(err)
	}
	bounds, err := NewScalableTargetBounds(ctx, on, "service/main-cluster/api-service", 6, 25)
	if err != nil {
		t.Fatal(err)
	}
	for _, revert := range []string{"by the injecting process", "from the ledger after a crash"} {
		t.Run(revert, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.jsonl")
			l, err := OpenLedger(path)
			if err != nil {
				t.Fatal(err)
			}
			var faults []*Fault
			for _, inj := range []Injector{desired, bounds} {
				f, err := l.Inject(ctx, inj, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				faults = append(faults, f)
			}
			if d, lo, hi := readCapacity(t, c); d != 15 || lo != 6 || hi != 25 {
				t.Fatalf("after the changes: desired %d, bounds %d-%d; want 15, 6-25", d, lo, hi)
			}
			if revert == "by the injecting process" {
				for _, f := range faults {
					if err := f.Revert(ctx); err != nil {
						t.Fatal(err)
					}
				}
			} else {
				l.Close()
				undone, err := RevertOutstanding(ctx, path, Target{Name: "moto", Cluster: "main-cluster", Capacity: c}.Undo, nil)
				if err != nil || len(undone) != 2 {
					t.Fatalf("reverted %d entries, %v; want both", len(undone), err)
				}
			}
			if d, lo, hi := readCapacity(t, c); d != 2 || lo != 2 || hi != 10 {
				t.Errorf("after the revert: desired %d, bounds %d-%d; want 2, 2-10", d, lo, hi)
			}
		})
	}
}

func TestCapacityChangesNeedTheirConstructor(t *testing.T) {
	on, _ := motoCapacity(t)
	for _, inj := range []Checker{DesiredCount{On: on, Service: "api-service", Count: 3}, ScalableTargetBounds{On: on, Resource: "service/main-cluster/api-service", Min: 1, Max: 2}} {
		if err := inj.Supported(); err == nil {
			t.Errorf("%T made without its constructor is supported; want an error, since nothing knows what to put back", inj)
		}
	}
	if _, err := NewDesiredCount(context.Background(), Target{Name: "bare"}, "api-service", 3, false); err == nil {
		t.Error("a target without ECS: want unsupported")
	}
}
