package mongo

import (
	"fmt"
	"strings"

	"github.com/gameday-sre/gameday/spec"
)

// nodeTypeTag and analytics are Atlas's pre-defined tag for an analytics
// node (Atlas docs, "Query using Pre-Defined Replica Set Tags").
const (
	nodeTypeTag = "nodeType"
	analytics   = "ANALYTICS"
)

// CheckLayout says where members depart from the runbook's Atlas layout
// (p.Replication.MongoDBAtlas): the number of data-bearing members, and
// per region the electable, read-only and analytics members and the
// electable members' priority. A member's region is its RegionTag, which
// may name the Atlas region (US_EAST_1, as Atlas tags it) or the spec's
// role for it (primary, as a self-managed set may). Nil means the set
// matches.
//
// Atlas's node types map onto the configuration thus (Atlas docs,
// "Replica Set Tags" and "Node types"): electable members have a priority
// above 0, the only members that can become primary (replica set
// elections docs); read-only and analytics members have priority 0, and
// analytics members carry nodeType: ANALYTICS.
func CheckLayout(members []Member, p *spec.Platform) []string {
	atlas := p.Replication.MongoDBAtlas
	var out []string
	fail := func(format string, args ...any) {
		out = append(out, atlas.Source+": "+fmt.Sprintf(format, args...))
	}

	type count struct{ electable, readOnly, analytics int }
	counts := make([]count, len(atlas.Regions))
	dataBearing := 0
	for _, m := range members {
		if m.ArbiterOnly {
			fail("member %s is an arbiter; the layout has none", m.Host)
			continue
		}
		dataBearing++
		tag := m.Tags[RegionTag]
		i := regionIndex(atlas.Regions, tag)
		if i < 0 {
			fail("member %s: region tag %q names no region of the layout (%s)", m.Host, tag, regionNames(atlas.Regions))
			continue
		}
		r, n := atlas.Regions[i], &counts[i]
		switch {
		case m.Tags[nodeTypeTag] == analytics:
			n.analytics++
		case m.Priority > 0:
			n.electable++
			if m.Priority != float64(r.Priority) {
				fail("member %s in %s: priority %g, want %d", m.Host, r.Name, m.Priority, r.Priority)
			}
		default:
			n.readOnly++
		}
	}
	if dataBearing != atlas.NumNodes {
		fail("%d data-bearing members, want numNodes %d", dataBearing, atlas.NumNodes)
	}
	for i, r := range atlas.Regions {
		n := counts[i]
		for _, c := range []struct {
			what      string
			got, want int
		}{
			{"electable", n.electable, r.ElectableNodes},
			{"read-only", n.readOnly, r.ReadOnlyNodes},
			{"analytics", n.analytics, r.AnalyticsNodes},
		} {
			if c.got != c.want {
				fail("%s (%s): %d %s members, want %d", r.Name, r.Region, c.got, c.what, c.want)
			}
		}
	}
	return out
}

func regionIndex(rs []spec.AtlasRegion, tag string) int {
	for i, r := range rs {
		if tag != "" && (tag == r.Name || tag == r.Region) {
			return i
		}
	}
	return -1
}

func regionNames(rs []spec.AtlasRegion) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name + " or " + r.Region
	}
	return strings.Join(names, "; ")
}
