package chaos

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	awsdrv "github.com/gameday-sre/gameday/drivers/aws"
)

// CapacityAPI is what the runbook's manual procedures call: ECS
// UpdateService and Application Auto Scaling RegisterScalableTarget, with
// the reads that learn what to put back. drivers/aws Clients has both.
type CapacityAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, opts ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	DescribeScalableTargets(ctx context.Context, in *aas.DescribeScalableTargetsInput, opts ...func(*aas.Options)) (*aas.DescribeScalableTargetsOutput, error)
	RegisterScalableTarget(ctx context.Context, in *aas.RegisterScalableTargetInput, opts ...func(*aas.Options)) (*aas.RegisterScalableTargetOutput, error)
}

// Capacity is the two clients a target offers as one CapacityAPI.
type Capacity struct {
	ECS *ecs.Client
	AAS *aas.Client
}

// DescribeServices implements CapacityAPI.
func (c Capacity) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return c.ECS.DescribeServices(ctx, in, opts...)
}

// UpdateService implements CapacityAPI.
func (c Capacity) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, opts ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return c.ECS.UpdateService(ctx, in, opts...)
}

// DescribeScalableTargets implements CapacityAPI.
func (c Capacity) DescribeScalableTargets(ctx context.Context, in *aas.DescribeScalableTargetsInput, opts ...func(*aas.Options)) (*aas.DescribeScalableTargetsOutput, error) {
	return c.AAS.DescribeScalableTargets(ctx, in, opts...)
}

// RegisterScalableTarget implements CapacityAPI.
func (c Capacity) RegisterScalableTarget(ctx context.Context, in *aas.RegisterScalableTargetInput, opts ...func(*aas.Options)) (*aas.RegisterScalableTargetOutput, error) {
	return c.AAS.RegisterScalableTarget(ctx, in, opts...)
}

// Restore is a capacity setting to put back: a service's desired count,
// or a scalable target's bounds.
type Restore struct {
	Cluster string `json:"cluster,omitempty"`
	Service string `json:"service,omitempty"`
	Desired *int32 `json:"desired,omitempty"`

	Resource string `json:"resource,omitempty"`
	Min      *int32 `json:"min,omitempty"`
	Max      *int32 `json:"max,omitempty"`
}

// put puts the setting back through the API.
func (r Restore) put(ctx context.Context, api CapacityAPI) error {
	if r.Desired != nil {
		_, err := api.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: &r.Cluster, Service: &r.Service, DesiredCount: r.Desired})
		if err != nil {
			return &awsdrv.Error{Operation: "ecs UpdateService", Resource: "service " + r.Cluster + "/" + r.Service, Err: err}
		}
		return nil
	}
	_, err := api.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: &r.Resource, MinCapacity: r.Min, MaxCapacity: r.Max})
	if err != nil {
		return &awsdrv.Error{Operation: "application-autoscaling RegisterScalableTarget", Resource: r.Resource, Err: err}
	}
	return nil
}

// DesiredCount sets a service's desired count through ECS UpdateService,
// as the runbook's manual and emergency procedures do; its revert puts
// back the desired count the service had. NewDesiredCount reads that
// first, so the ledger knows how to revert before anything changes.
type DesiredCount struct {
	On                 Target
	Service            string // the ECS service name
	Count              int32
	ForceNewDeployment bool
	restore            Restore
}

// NewDesiredCount reads the service's desired count and returns the
// change to count.
func NewDesiredCount(ctx context.Context, on Target, service string, count int32, force bool) (DesiredCount, error) {
	d := DesiredCount{On: on, Service: service, Count: count, ForceNewDeployment: force}
	if err := d.supported(); err != nil {
		return d, err
	}
	resource := "service " + on.Cluster + "/" + service
	out, err := on.Capacity.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &on.Cluster, Services: []string{service}})
	if err != nil {
		return d, &awsdrv.Error{Operation: "ecs DescribeServices", Resource: resource, Err: err}
	}
	if len(out.Services) != 1 {
		return d, fmt.Errorf("ecs DescribeServices: no %s", resource)
	}
	d.restore = Restore{Cluster: on.Cluster, Service: service, Desired: aws.Int32(out.Services[0].DesiredCount)}
	return d, nil
}

// Spec implements Injector.
func (d DesiredCount) Spec() Spec {
	p := map[string]string{"service": d.Service, "cluster": d.On.Cluster, "desired": strconv.Itoa(int(d.Count))}
	if d.ForceNewDeployment {
		p["forceNewDeployment"] = "true"
	}
	return Spec{Kind: "desired-count", Target: d.On.Name, Params: p, Undo: Undo{Restore: &d.restore}}
}

// Supported implements Checker.
func (d DesiredCount) Supported() error {
	if err := d.supported(); err != nil {
		return err
	}
	if d.restore.Desired == nil {
		return fmt.Errorf("desired-count on %s: made without NewDesiredCount, so nothing knows what to put back", d.Service)
	}
	return nil
}

func (d DesiredCount) supported() error {
	if d.On.Capacity == nil {
		return unsupported{fmt.Sprintf("target %s does not serve ECS and Application Auto Scaling", d.On.Name)}
	}
	return nil
}

// Inject implements Injector.
func (d DesiredCount) Inject(ctx context.Context) (Injected, error) {
	if err := d.Supported(); err != nil {
		return Injected{}, err
	}
	_, err := d.On.Capacity.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: &d.On.Cluster, Service: &d.Service, DesiredCount: aws.Int32(d.Count), ForceNewDeployment: d.ForceNewDeployment})
	if err != nil {
		return Injected{}, &awsdrv.Error{Operation: "ecs UpdateService", Resource: "service " + d.On.Cluster + "/" + d.Service, Err: err}
	}
	restore := d.restore
	return Injected{
		Revert: func(ctx context.Context) error { return restore.put(ctx, d.On.Capacity) },
		Note:   fmt.Sprintf("desired count of %s from %d to %d", d.Service, aws.ToInt32(restore.Desired), d.Count),
	}, nil
}

// ScalableTargetBounds sets a scalable target's minimum and maximum
// through Application Auto Scaling RegisterScalableTarget, as the
// runbook's pre-scaling and manual procedures do; its revert puts back
// the bounds it had, which NewScalableTargetBounds reads first.
type ScalableTargetBounds struct {
	On       Target
	Resource string // service/CLUSTER/SERVICE
	Min, Max int32
	restore  Restore
}

// NewScalableTargetBounds reads the scalable target's bounds and returns
// the change to min and max.
func NewScalableTargetBounds(ctx context.Context, on Target, resource string, min, max int32) (ScalableTargetBounds, error) {
	b := ScalableTargetBounds{On: on, Resource: resource, Min: min, Max: max}
	if on.Capacity == nil {
		return b, unsupported{fmt.Sprintf("target %s does not serve ECS and Application Auto Scaling", on.Name)}
	}
	out, err := on.Capacity.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceIds: []string{resource}})
	if err != nil {
		return b, &awsdrv.Error{Operation: "application-autoscaling DescribeScalableTargets", Resource: resource, Err: err}
	}
	if len(out.ScalableTargets) != 1 {
		return b, fmt.Errorf("application-autoscaling DescribeScalableTargets: no scalable target %s", resource)
	}
	t := out.ScalableTargets[0]
	b.restore = Restore{Resource: resource, Min: t.MinCapacity, Max: t.MaxCapacity}
	return b, nil
}

// Spec implements Injector.
func (b ScalableTargetBounds) Spec() Spec {
	return Spec{Kind: "scalable-target-bounds", Target: b.On.Name,
		Params: map[string]string{"resource": b.Resource, "min": strconv.Itoa(int(b.Min)), "max": strconv.Itoa(int(b.Max))},
		Undo:   Undo{Restore: &b.restore}}
}

// Supported implements Checker.
func (b ScalableTargetBounds) Supported() error {
	if b.On.Capacity == nil {
		return unsupported{fmt.Sprintf("target %s does not serve ECS and Application Auto Scaling", b.On.Name)}
	}
	if b.restore.Min == nil || b.restore.Max == nil {
		return fmt.Errorf("scalable-target-bounds on %s: made without NewScalableTargetBounds, so nothing knows what to put back", b.Resource)
	}
	return nil
}

// Inject implements Injector.
func (b ScalableTargetBounds) Inject(ctx context.Context) (Injected, error) {
	if err := b.Supported(); err != nil {
		return Injected{}, err
	}
	if err := (Restore{Resource: b.Resource, Min: aws.Int32(b.Min), Max: aws.Int32(b.Max)}).put(ctx, b.On.Capacity); err != nil {
		return Injected{}, err
	}
	restore := b.restore
	return Injected{
		Revert: func(ctx context.Context) error { return restore.put(ctx, b.On.Capacity) },
		Note:   fmt.Sprintf("bounds of %s from %d-%d to %d-%d", b.Resource, aws.ToInt32(restore.Min), aws.ToInt32(restore.Max), b.Min, b.Max),
	}, nil
}
