package chaos

import (
	"github.com/gameday-sre/gameday/drivers/faulthooks"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// TargetOf is what injectors can break on an opened target: its ECS API
// where it serves ECS, its FIS where it serves FIS, its Route 53 where it
// serves Route 53, the sandbox's fault hooks where it has them.
func TargetOf(t *targets.Target) Target {
	ct := Target{Name: t.Name, Region: t.Regions.Primary}
	if t.Has(profile.ECS) {
		ct.ECS, ct.Cluster = t.AWS.ECS, t.Names.ClusterOf(t.Spec)
		if t.Has(profile.AutoScaling) {
			ct.Capacity = Capacity{t.AWS.ECS, t.AWS.AutoScaling}
		}
	}
	if t.Has(profile.FIS) {
		ct.FIS, ct.FISRole = t.AWS.FIS, t.FISRoleArn
		ct.ViaFIS = t.Faults == profile.FaultsFIS
	}
	if t.Has(profile.Route53) {
		ct.Route53 = t.AWS.Route53
	}
	if t.Endpoints.Faults != "" {
		ct.Hooks = faulthooks.Client{Control: t.Endpoints.Faults}
	}
	return ct
}
