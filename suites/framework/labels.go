package framework

import "github.com/onsi/ginkgo/v2"

// Label is one of the labels a behavioural spec may carry. The set is
// closed: a suite names its labels through these constants, so a typo is a
// compile error, not a spec that a --label-filter silently misses.
type Label string

// Area labels, one per suite, and the labels that say what a spec does to
// the target.
const (
	Compliance Label = "compliance"
	Scaling    Label = "scaling"
	Resilience Label = "resilience"
	Alarms     Label = "alarms"
	Failover   Label = "failover"
	Data       Label = "data"
	// Drill: the spec carries out one of the runbook's procedures through
	// the AWS APIs and judges what the platform does with it.
	Drill Label = "drill"
	// Behaviour: the spec drives load or faults and judges what the
	// platform does, rather than reading its configuration.
	Behaviour Label = "behaviour"
	// Disruptive: the spec injects faults.
	Disruptive Label = "disruptive"
	// Slow: the spec takes platform hours, minutes of real time even on
	// the sandbox.
	Slow Label = "slow"
)

func ginkgoLabels(ls []Label) ginkgo.Labels {
	out := make(ginkgo.Labels, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}

func labelStrings(ls []Label) []string { return []string(ginkgoLabels(ls)) }
