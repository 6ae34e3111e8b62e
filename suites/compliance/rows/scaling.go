package rows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"

	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/gameday-sre/gameday/spec"
)

// defaultCooldown is what Application Auto Scaling uses for an ECS policy
// that sets no cooldown.
const defaultCooldown = 300

func scalableTargetRows(p *spec.Platform, n profile.ResourceNames, s spec.Service) []Row {
	rid := n.ResourceID(p, s)
	find := func(o *Observed) *aastypes.ScalableTarget {
		for i, t := range o.ScalableTargets {
			if deref(t.ResourceId) == rid && t.ScalableDimension == aastypes.ScalableDimensionECSServiceDesiredCount {
				return &o.ScalableTargets[i]
			}
		}
		return nil
	}
	row := func(attr string, want int, got func(aastypes.ScalableTarget) *int32) Row {
		return Row{ID: s.ID + "." + attr, Area: ScalableTargets, Section: s.ScalableTarget.Source, Needs: profile.AutoScaling,
			Resource: rid, Expected: strconv.Itoa(want),
			judge: func(o *Observed) (string, Verdict, string) {
				t := find(o)
				if t == nil {
					return "no scalable target", Fail, ""
				}
				return equal(strconv.Itoa(want), int32s(got(*t)))
			}}
	}
	return []Row{
		row("minCapacity", s.ScalableTarget.MinCapacity, func(t aastypes.ScalableTarget) *int32 { return t.MinCapacity }),
		row("maxCapacity", s.ScalableTarget.MaxCapacity, func(t aastypes.ScalableTarget) *int32 { return t.MaxCapacity }),
	}
}

func policyRows(p *spec.Platform, n profile.ResourceNames, s spec.Service, pol spec.Policy) []Row {
	rid := n.ResourceID(p, s)
	prefix := s.ID
	if len(s.Policies) > 1 {
		prefix += "." + pol.Name
	}
	presenceID := prefix + ".policy"
	find := func(o *Observed) *aastypes.ScalingPolicy {
		for i, sp := range o.ScalingPolicies {
			if deref(sp.ResourceId) == rid && deref(sp.PolicyName) == pol.Name {
				return &o.ScalingPolicies[i]
			}
		}
		return nil
	}
	row := func(attr, want string, got func(aastypes.TargetTrackingScalingPolicyConfiguration) string) Row {
		return Row{ID: prefix + "." + attr, Area: ScalingPolicies, Section: pol.Source, Needs: profile.AutoScaling,
			Resource: rid + " policy " + pol.Name, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				sp := find(o)
				if sp == nil || sp.TargetTrackingScalingPolicyConfiguration == nil {
					return dependsOn(presenceID, "target-tracking policy "+pol.Name)
				}
				return equal(want, got(*sp.TargetTrackingScalingPolicyConfiguration))
			}}
	}
	return []Row{
		{ID: presenceID, Area: ScalingPolicies, Section: pol.Source, Needs: profile.AutoScaling,
			Resource: rid + " policy " + pol.Name, Expected: pol.Type,
			judge: func(o *Observed) (string, Verdict, string) {
				sp := find(o)
				if sp == nil {
					return "absent", Fail, ""
				}
				return equal(pol.Type, string(sp.PolicyType))
			}},
		row("metric", expectedMetric(pol), observedMetric),
		row("targetValue", float(pol.TargetValue), func(c aastypes.TargetTrackingScalingPolicyConfiguration) string {
			return floats(c.TargetValue)
		}),
		row("scaleOutCooldown", seconds(pol.ScaleOutCooldown.Seconds()), func(c aastypes.TargetTrackingScalingPolicyConfiguration) string {
			return cooldown(c.ScaleOutCooldown)
		}),
		row("scaleInCooldown", seconds(pol.ScaleInCooldown.Seconds()), func(c aastypes.TargetTrackingScalingPolicyConfiguration) string {
			return cooldown(c.ScaleInCooldown)
		}),
	}
}

func expectedMetric(pol spec.Policy) string {
	if m := pol.CustomizedMetric; m != nil {
		dims := make([]string, len(m.Dimensions))
		for i, d := range m.Dimensions {
			dims[i] = d.Name + "=" + d.Value
		}
		return customMetric(m.Namespace, m.MetricName, dims, m.Statistic, m.Unit)
	}
	return pol.PredefinedMetric
}

func observedMetric(c aastypes.TargetTrackingScalingPolicyConfiguration) string {
	if m := c.CustomizedMetricSpecification; m != nil {
		dims := make([]string, len(m.Dimensions))
		for i, d := range m.Dimensions {
			dims[i] = deref(d.Name) + "=" + deref(d.Value)
		}
		return customMetric(deref(m.Namespace), deref(m.MetricName), dims, string(m.Statistic), deref(m.Unit))
	}
	if m := c.PredefinedMetricSpecification; m != nil {
		return string(m.PredefinedMetricType)
	}
	return "none"
}

func customMetric(namespace, name string, dims []string, statistic, unit string) string {
	s := namespace + "/" + name + " " + dimensionList(dims) + " " + statistic
	if unit != "" {
		s += " " + unit
	}
	return s
}

func scheduledRows(p *spec.Platform, n profile.ResourceNames, a spec.ScheduledAction) []Row {
	rid := n.ResourceID(p, serviceByID(p, a.Service))
	id := "scheduled." + a.Name
	find := func(o *Observed) *aastypes.ScheduledAction {
		for i, sa := range o.ScheduledActions {
			if deref(sa.ResourceId) == rid && deref(sa.ScheduledActionName) == a.Name {
				return &o.ScheduledActions[i]
			}
		}
		return nil
	}
	resource := rid + " scheduled action " + a.Name
	row := func(attr, want string, got func(aastypes.ScheduledAction) string) Row {
		return Row{ID: id + "." + attr, Area: ScheduledActions, Section: a.Source, Needs: profile.AutoScaling, Resource: resource, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				sa := find(o)
				if sa == nil {
					return dependsOn(id, "scheduled action "+a.Name)
				}
				return equal(want, got(*sa))
			}}
	}
	zone := a.Timezone
	if zone == "" {
		zone = "UTC"
	}
	capacity := func(get func(aastypes.ScalableTargetAction) *int32) func(aastypes.ScheduledAction) string {
		return func(sa aastypes.ScheduledAction) string {
			if sa.ScalableTargetAction == nil {
				return "none"
			}
			return int32s(get(*sa.ScalableTargetAction))
		}
	}
	return []Row{
		{ID: id, Area: ScheduledActions, Section: a.Source, Needs: profile.AutoScaling, Resource: resource, Expected: "present",
			judge: func(o *Observed) (string, Verdict, string) { return presence(find(o) != nil) }},
		row("schedule", a.Schedule.String(), func(sa aastypes.ScheduledAction) string { return deref(sa.Schedule) }),
		row("timezone", zone, func(sa aastypes.ScheduledAction) string {
			// No time zone is UTC, as AWS reads it.
			if tz := deref(sa.Timezone); tz != "" {
				return tz
			}
			return "UTC"
		}),
		row("minCapacity", strconv.Itoa(a.MinCapacity), capacity(func(t aastypes.ScalableTargetAction) *int32 { return t.MinCapacity })),
		row("maxCapacity", strconv.Itoa(a.MaxCapacity), capacity(func(t aastypes.ScalableTargetAction) *int32 { return t.MaxCapacity })),
	}
}

// allocationRows check the task definition each service runs against
// "Resource Allocation Policy", which the task definitions carry (see the
// spec's decision memory-allocation).
func allocationRows(p *spec.Platform, n profile.ResourceNames, s spec.Service) []Row {
	name := n.ServiceOf(s)
	cluster := n.ClusterOf(p)
	row := func(attr, want string, got func(ecstypes.TaskDefinition) string) Row {
		return Row{ID: s.ID + "." + attr, Area: TaskDefinitions, Section: s.Allocation.Source, Needs: profile.ECS,
			Resource: "ecs service " + cluster + "/" + name, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				svc := findService(o, name)
				if svc == nil {
					return "no ECS service", Fail, ""
				}
				td, ok := o.TaskDefinitions[deref(svc.TaskDefinition)]
				if !ok {
					return "no task definition " + deref(svc.TaskDefinition), Fail, ""
				}
				return equal(want, got(td))
			}}
	}
	return []Row{
		// Task definitions give CPU in units of 1/1024 vCPU, memory in MiB.
		row("cpu", strconv.Itoa(int(s.Allocation.VCPU*1024)), func(td ecstypes.TaskDefinition) string { return deref(td.Cpu) }),
		row("memory", strconv.Itoa(int(s.Allocation.MemoryGiB*1024)), func(td ecstypes.TaskDefinition) string { return deref(td.Memory) }),
	}
}

// tagRows check the cost allocation tags on each ECS service (the spec's
// decision cost-tags-on-ec2: on Fargate the services carry them). Other tags
// may be there too.
func tagRows(p *spec.Platform, n profile.ResourceNames, s spec.Service) Row {
	name := n.ServiceOf(s)
	want := make([]string, len(p.CostAllocationTags.Tags))
	for i, t := range p.CostAllocationTags.Tags {
		want[i] = t.Key + "=" + t.Value
	}
	expected := strings.Join(want, ", ")
	return Row{ID: s.ID + ".tags", Area: Tags, Section: p.CostAllocationTags.Source, Needs: profile.ECS,
		Resource: "ecs service " + n.ClusterOf(p) + "/" + name, Expected: expected,
		judge: func(o *Observed) (string, Verdict, string) {
			svc := findService(o, name)
			if svc == nil {
				return "no ECS service", Fail, ""
			}
			got := make([]string, len(p.CostAllocationTags.Tags))
			for i, t := range p.CostAllocationTags.Tags {
				got[i] = t.Key + "=" + tagValue(svc.Tags, t.Key)
			}
			return equal(expected, strings.Join(got, ", "))
		}}
}

func tagValue(tags []ecstypes.Tag, key string) string {
	for _, t := range tags {
		if deref(t.Key) == key {
			return deref(t.Value)
		}
	}
	return "(none)"
}

func findService(o *Observed, name string) *ecstypes.Service {
	for i, s := range o.Services {
		if deref(s.ServiceName) == name {
			return &o.Services[i]
		}
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func int32s(v *int32) string {
	if v == nil {
		return "unset"
	}
	return strconv.Itoa(int(*v))
}

func float(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func floats(v *float64) string {
	if v == nil {
		return "unset"
	}
	return float(*v)
}

func seconds(s int64) string { return fmt.Sprintf("%ds", s) }

func cooldown(v *int32) string {
	if v == nil {
		return seconds(defaultCooldown)
	}
	return seconds(int64(*v))
}

// dimensionList writes dimensions in one order, since CloudWatch does not
// care about theirs.
func dimensionList(dims []string) string {
	if len(dims) == 0 {
		return "(no dimensions)"
	}
	dims = slices.Clone(dims)
	slices.Sort(dims)
	return strings.Join(dims, ", ")
}
