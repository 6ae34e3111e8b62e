package data

import (
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
)

// The verdict a region's loss gets, for the runbook's MongoDB layout and
// the 2-2-1 layout Atlas recommends, and for Sentinel placements.
func TestLoseRegion(t *testing.T) {
	tests := []struct {
		name   string
		votes  Votes
		lost   string
		quorum int
		elects bool
		says   string
	}{
		{"runbook MongoDB layout, primary region lost", Votes{"primary": 2, "failover": 1}, "primary", 0, false, "without primary, 1 of 3 votes are left, which cannot reach a majority of 2"},
		{"runbook MongoDB layout, failover region lost", Votes{"primary": 2, "failover": 1}, "failover", 0, true, "2 of 3 votes are left, which can reach a majority of 2"},
		{"2-2-1 over three regions, primary region lost", Votes{"primary": 2, "failover": 2, "third": 1}, "primary", 0, true, "3 of 5 votes are left, which can reach a majority of 3"},
		{"2-2-1 over three regions, failover region lost", Votes{"primary": 2, "failover": 2, "third": 1}, "failover", 0, true, "3 of 5"},
		{"2-2 over two regions, either lost", Votes{"primary": 2, "failover": 2}, "primary", 0, false, "2 of 4 votes are left, which cannot reach a majority of 3"},
		{"sentinels one per region and a witness", Votes{"primary": 1, "failover": 1, "witness": 1}, "primary", 2, true, "the quorum of 2 and a majority of 2"},
		{"two sentinels in the primary region", Votes{"primary": 2, "failover": 1}, "primary", 2, false, "1 of 3 votes are left, which cannot reach the quorum of 2"},
		{"quorum above the survivors' majority", Votes{"primary": 1, "failover": 2, "witness": 2}, "primary", 5, false, "4 of 5"},
		{"no votes", Votes{}, "primary", 0, false, "0 of 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.votes.LoseRegion(tt.lost, tt.quorum)
			if l.Elects != tt.elects {
				t.Errorf("%v: elects %v, want %v (%s)", tt.votes, l.Elects, tt.elects, l)
			}
			if !strings.Contains(l.String(), tt.says) {
				t.Errorf("%v: says %q, want it to contain %q", tt.votes, l, tt.says)
			}
		})
	}
}

// The MongoDB region-outage verdict from a replica set's own members: the
// runbook's layout (2 electable in the primary region, 1 in the failover
// region) cannot elect without its primary region; Atlas's 2-2-1 over
// three regions can. Tags may name the Atlas region or the spec's role.
func TestMongoRegionOutageVerdict(t *testing.T) {
	runbook := spec.MongoDBAtlas{Regions: []spec.AtlasRegion{
		{Name: "US_EAST_1", Region: "primary", ElectableNodes: 2, Priority: 7},
		{Name: "US_WEST_2", Region: "failover", ElectableNodes: 1, Priority: 6},
	}}
	member := func(region string, votes int) mongo.Member {
		return mongo.Member{Votes: votes, Tags: map[string]string{mongo.RegionTag: region}}
	}
	tests := []struct {
		name    string
		members []mongo.Member
		elects  bool
	}{
		{"runbook layout, Atlas tags", []mongo.Member{member("US_EAST_1", 1), member("US_EAST_1", 1), member("US_WEST_2", 1)}, false},
		{"runbook layout, role tags", []mongo.Member{member("primary", 1), member("primary", 1), member("failover", 1)}, false},
		{"2-2-1 over three regions", []mongo.Member{member("US_EAST_1", 1), member("US_EAST_1", 1), member("US_WEST_2", 1), member("US_WEST_2", 1), member("EU_WEST_1", 1)}, true},
		{"runbook layout with a non-voting member in the failover region", []mongo.Member{member("US_EAST_1", 1), member("US_EAST_1", 1), member("US_WEST_2", 1), member("US_WEST_2", 0)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := memberVotes(tt.members, runbook)
			if l := v.LoseRegion("primary", 0); l.Elects != tt.elects {
				t.Errorf("votes %s: elects %v, want %v (%s)", v, l.Elects, tt.elects, l)
			}
		})
	}
}
