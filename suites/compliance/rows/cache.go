package rows

import (
	"fmt"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"

	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/gameday-sre/gameday/spec"
)

// redisCache is the replication row of "Data Replication Strategy" that
// the cache rows check.
const redisCache = "Redis Cache"

func cacheRows(p *spec.Platform, n profile.ResourceNames) []Row {
	cache := p.DataTier.Cache
	id := "cache.replicationGroup"
	resource := "replication group " + n.ReplicationGroup
	row := func(attr, section string, needs profile.Capability, want string, got func(ectypes.ReplicationGroup) string) Row {
		return Row{ID: "cache." + attr, Area: Replication, Section: section, Needs: needs, Resource: resource, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				if o.ReplicationGroup == nil {
					return dependsOn(id, resource)
				}
				return equal(want, got(*o.ReplicationGroup))
			}}
	}
	rows := []Row{
		{ID: id, Area: Replication, Section: p.Replication.Source, Needs: profile.ElastiCache, Resource: resource, Expected: "present",
			judge: func(o *Observed) (string, Verdict, string) { return presence(o.ReplicationGroup != nil) }},
		{ID: "cache.nodes", Area: Replication, Section: cache.Baseline.Source, Needs: profile.ElastiCache, Resource: resource,
			Expected: fmt.Sprintf("at least %d nodes", cache.Baseline.MinNodes),
			judge: func(o *Observed) (string, Verdict, string) {
				if o.ReplicationGroup == nil {
					return dependsOn(id, resource)
				}
				got := len(o.ReplicationGroup.MemberClusters)
				v := Pass
				if got < cache.Baseline.MinNodes {
					v = Fail
				}
				return fmt.Sprintf("%d nodes", got), v, ""
			}},
	}
	if cache.Limits.ClusterModeAutoScaling {
		rows = append(rows, row("clusterMode", cache.Limits.Source, profile.ClusterMode, "enabled", func(g ectypes.ReplicationGroup) string {
			return enabled(g.ClusterEnabled != nil && *g.ClusterEnabled)
		}))
	}
	for _, rpo := range p.Replication.RPO {
		if rpo.DataType != redisCache || !strings.HasPrefix(rpo.Method, "Cross-region") {
			continue
		}
		// Cross-region Redis replication on ElastiCache is a global
		// datastore; its lag, not its configuration, is what meets the RPO.
		rows = append(rows, row("crossRegion", p.Replication.Source, profile.GlobalDatastore, "member of a global datastore",
			func(g ectypes.ReplicationGroup) string {
				if g.GlobalReplicationGroupInfo == nil || deref(g.GlobalReplicationGroupInfo.GlobalReplicationGroupId) == "" {
					return "no global datastore"
				}
				return "member of a global datastore"
			}))
	}
	return rows
}

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}
