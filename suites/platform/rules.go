package platform

import (
	"fmt"
	"time"
)

// How Application Auto Scaling's target tracking behaves where the runbook
// relies on it (../shared/aws-semantics.md): the policy creates an
// AlarmHigh of 3 one-minute datapoints above the target and an AlarmLow of
// 15 below 90 % of it. These are AWS's numbers, not the runbook's: the
// runbook's trigger table (70 % for 3 minutes, 30 % for 10) is read as the
// decision frontend-trigger-vs-policy says.
const (
	Period         = time.Minute
	HighDatapoints = 3
	LowDatapoints  = 15
	LowRatio       = 0.9
	// Reaction is how long after its last datapoint an alarm's action can
	// take to show as a scaling activity: the datapoint is published
	// within a minute of its period, the alarm evaluates once a minute,
	// and Application Auto Scaling acts on the next evaluation.
	Reaction = 3 * time.Minute
	// Publication is how long a minute's datapoint may take to appear.
	Publication = 2 * time.Minute
)

// AlarmWindow is when a target-tracking alarm of n datapoints first acts
// on a metric that crossed its threshold at start. Periods are aligned to
// the minute, so the minute start falls in may already count: the action
// can come no earlier than n periods from that minute's beginning, and no
// later than that plus the reaction.
func AlarmWindow(start time.Time, n int) (earliest, latest time.Time) {
	first := start.Truncate(Period)
	earliest = first.Add(time.Duration(n) * Period)
	return earliest, earliest.Add(Reaction)
}

// Activity is a successful change of a service's desired count.
type Activity struct {
	At      time.Time
	From    int
	To      int
	Cause   string
	Message string
}

// Out says whether the change added capacity.
func (a Activity) Out() bool { return a.To > a.From }

func (a Activity) String() string {
	return fmt.Sprintf("%d -> %d at %s", a.From, a.To, a.At.Format(time.RFC3339))
}

// DirectionChanges counts how often a series of changes turns from adding
// capacity to removing it or back: the measure of oscillation.
func DirectionChanges(acts []Activity) int {
	n := 0
	for i := 1; i < len(acts); i++ {
		if acts[i].Out() != acts[i-1].Out() {
			n++
		}
	}
	return n
}
