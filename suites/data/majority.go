package data

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Votes are a data store's votes by the place they run in: a replica
// set's voting members by region, or a Redis group's sentinels by region.
type Votes map[string]int

func (v Votes) total() int {
	n := 0
	for _, c := range v {
		n += c
	}
	return n
}

func (v Votes) String() string {
	var parts []string
	for _, place := range slices.Sorted(maps.Keys(v)) {
		parts = append(parts, fmt.Sprintf("%s %d", place, v[place]))
	}
	return strings.Join(parts, ", ")
}

// RegionLoss is what is left to elect a new primary once one place is
// lost: the votes that survive, and whether they can.
type RegionLoss struct {
	Lost             string
	Left, Total      int
	Quorum, Majority int
	// Elects says whether the survivors can elect: they reach the quorum
	// and a majority of all the votes.
	Elects bool
}

// LoseRegion is what place's loss leaves of v. A replica set elects with
// a strict majority of its voting members (replica set elections docs);
// Redis Sentinel needs its quorum to agree the primary is down and then a
// majority of all sentinels to authorise the failover (Sentinel docs,
// "Quorum"). quorum is Sentinel's; for a replica set, pass 0.
func (v Votes) LoseRegion(place string, quorum int) RegionLoss {
	total := v.total()
	l := RegionLoss{Lost: place, Total: total, Left: total - v[place], Quorum: quorum, Majority: total/2 + 1}
	l.Elects = total > 0 && l.Left >= cmp.Or(quorum, 1) && l.Left >= l.Majority
	return l
}

func (l RegionLoss) String() string {
	need := fmt.Sprintf("a majority of %d", l.Majority)
	if l.Quorum > 0 {
		need = fmt.Sprintf("the quorum of %d and a majority of %d", l.Quorum, l.Majority)
	}
	verb := "can"
	if !l.Elects {
		verb = "cannot"
	}
	return fmt.Sprintf("without %s, %d of %d votes are left, which %s reach %s", l.Lost, l.Left, l.Total, verb, need)
}
