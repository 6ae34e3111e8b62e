package rows

import (
	"fmt"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"

	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
)

// replicaSetRows are the MongoDB layout of the runbook's Atlas
// configuration, a row per number it states: the data-bearing members,
// and per region the electable, read-only and analytics members and the
// electable members' priority.
//
// Each row is judged from mongo.CheckLayout, the one reading of the
// layout: a departure belongs to the row whose number it names, and one
// that names none (an arbiter, a member whose region tag names no region
// of the layout) to the members row, so that no departure goes unreported.
func replicaSetRows(p *spec.Platform) []Row {
	atlas := p.Replication.MongoDBAtlas
	resource := "replica set " + atlas.Name
	type claim struct {
		row Row
		// owns says whether a departure is this row's; trim is what to
		// cut from the front of the departures it reports.
		owns func(departure string) bool
		trim string
	}
	var regional []claim
	for _, r := range atlas.Regions {
		where := fmt.Sprintf("%s (%s): ", r.Name, r.Region)
		for _, c := range []struct {
			attr, what string
			want       int
		}{
			{"electableNodes", "electable", r.ElectableNodes},
			{"readOnlyNodes", "read-only", r.ReadOnlyNodes},
			{"analyticsNodes", "analytics", r.AnalyticsNodes},
		} {
			regional = append(regional, claim{
				row: Row{ID: "mongo." + r.Name + "." + c.attr, Expected: fmt.Sprintf("%d %s members", c.want, c.what)},
				owns: func(d string) bool {
					return strings.HasPrefix(d, where) && strings.HasSuffix(withoutWant(d), " "+c.what+" members")
				},
				trim: where,
			})
		}
		if r.ElectableNodes > 0 {
			regional = append(regional, claim{
				row: Row{ID: "mongo." + r.Name + ".priority", Expected: fmt.Sprintf("electable members at priority %d", r.Priority)},
				owns: func(d string) bool {
					return strings.HasPrefix(d, "member ") && strings.Contains(d, " in "+r.Name+": priority ")
				},
			})
		}
	}
	members := claim{
		row: Row{ID: "mongo.members", Expected: fmt.Sprintf("%d data-bearing members", atlas.NumNodes)},
		owns: func(d string) bool {
			for _, c := range regional {
				if c.owns(d) {
					return false
				}
			}
			return true
		},
	}
	var rows []Row
	for _, c := range append([]claim{members}, regional...) {
		r := c.row
		r.Area, r.Section, r.Needs, r.Resource = ReplicaSet, atlas.Source, profile.MongoDB, resource
		r.judge = func(o *Observed) (string, Verdict, string) {
			var mine []string
			for _, d := range mongo.CheckLayout(o.ReplicaSet, p) {
				d = strings.TrimPrefix(d, atlas.Source+": ")
				if c.owns(d) {
					mine = append(mine, strings.TrimPrefix(withoutWant(d), c.trim))
				}
			}
			if len(mine) == 0 {
				return r.Expected, Pass, ""
			}
			return strings.Join(mine, "; "), Fail, ""
		}
		rows = append(rows, r)
	}
	return rows
}

// withoutWant cuts CheckLayout's ", want N" from a departure: the row's
// expectation already says it.
func withoutWant(departure string) string {
	before, _, _ := strings.Cut(departure, ", want ")
	return before
}
