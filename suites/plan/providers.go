package plan

import (
	"fmt"
	"time"

	"github.com/gameday-sre/gameday/chaos"
)

// ProviderLimit is a limit a provider puts on the faults it serves, which
// a run must not exceed: so many uses in a rolling period, or a minimum
// spacing between two.
type ProviderLimit struct {
	// Kind is the ledger kind of the fault the limit counts.
	Kind string `json:"kind"`
	Rule string `json:"rule"`
	// Max uses in any rolling Per; zero when the limit is a spacing.
	Max int           `json:"max,omitempty"`
	Per time.Duration `json:"per,omitempty"`
	// Spacing is the least time between two uses.
	Spacing time.Duration `json:"spacing,omitempty"`
	Source  string        `json:"source"`
	// Used is how many the ledger shows in the period (or since Spacing),
	// Planned how many the run would add; FreeAt when the run could go.
	Used    int       `json:"used"`
	Planned int       `json:"planned"`
	FreeAt  time.Time `json:"freeAt,omitzero"`
}

// Kinds of fault the provider limits count, as the ledger records them.
const (
	// KindElastiCacheTestFailover is one ElastiCache TestFailover call, on
	// one node group.
	KindElastiCacheTestFailover = "elasticache-test-failover"
	// KindAtlasOutageSimulation is one Atlas regional outage simulation.
	KindAtlasOutageSimulation = "atlas-outage-simulation"
)

// ProviderLimits are the limits providers document:
//
//   - ElastiCache TestFailover: "up to 15 shards (called node groups in the
//     ElastiCache API and AWS CLI) in any rolling 24-hour period", and on one
//     cluster-mode group one node replacement after another
//     (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_TestFailover.html).
//   - Atlas regional outage simulation: "When running multiple simulations,
//     we recommend a five minute interval between simulations"
//     (https://www.mongodb.com/docs/atlas/tutorial/test-resilience/simulate-regional-outage/);
//     a primary failover test further needs every member under 10 s of
//     replication lag (https://www.mongodb.com/docs/atlas/tutorial/test-failover/).
var ProviderLimits = []ProviderLimit{
	{Kind: KindElastiCacheTestFailover, Rule: "ElastiCache TestFailover: at most 15 node groups in any rolling 24 hours", Max: 15, Per: 24 * time.Hour,
		Source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_TestFailover.html"},
	{Kind: KindAtlasOutageSimulation, Rule: "Atlas outage simulations: at least 5 minutes apart", Spacing: 5 * time.Minute,
		Source: "https://www.mongodb.com/docs/atlas/tutorial/test-resilience/simulate-regional-outage/"},
}

// providerUse counts each limit's uses in the ledger's history before
// now (platform time) and the run's planned faults, and says when the run
// could go if it would exceed one.
func providerUse(limits []ProviderLimit, history []chaos.Entry, planned map[string]int, now time.Time) []ProviderLimit {
	var out []ProviderLimit
	for _, l := range limits {
		l.Planned = planned[l.Kind]
		var uses []time.Time
		for _, e := range injections(history) {
			if e.Kind == l.Kind {
				uses = append(uses, e.InjectedAt)
			}
		}
		switch {
		case l.Max > 0:
			var recent []time.Time
			for _, u := range uses {
				if now.Sub(u) < l.Per {
					recent = append(recent, u)
				}
			}
			l.Used = len(recent)
			if over := l.Used + l.Planned - l.Max; l.Planned > 0 && over > 0 {
				// The over-th oldest use leaves the window first.
				l.FreeAt = recent[min(over, len(recent))-1].Add(l.Per)
			}
		case l.Spacing > 0:
			for _, u := range uses {
				if now.Sub(u) < l.Spacing {
					l.Used++
					if l.Planned > 0 && u.Add(l.Spacing).After(l.FreeAt) {
						l.FreeAt = u.Add(l.Spacing)
					}
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// injections are the ledger's faults, one entry each (their first line),
// oldest first, leaving out those that failed and left nothing.
func injections(history []chaos.Entry) []chaos.Entry {
	first := map[string]int{}
	failed := map[string]bool{}
	var order []chaos.Entry
	for _, e := range history {
		if _, seen := first[e.ID]; !seen {
			first[e.ID] = len(order)
			order = append(order, e)
		}
		if e.State == chaos.StateFailed {
			failed[e.ID] = true
		}
	}
	var out []chaos.Entry
	for _, e := range order {
		if !failed[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// exceeded says how the run would break the limit, or "".
func (l ProviderLimit) exceeded() string {
	if l.FreeAt.IsZero() {
		return ""
	}
	if l.Max > 0 {
		return fmt.Sprintf("%s: %d used in the last %s and %d planned", l.Rule, l.Used, l.Per, l.Planned)
	}
	return fmt.Sprintf("%s: the last one was under %s ago", l.Rule, l.Spacing)
}
