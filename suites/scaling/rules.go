package scaling

import (
	"fmt"
	"math"
	"time"
)

// How Application Auto Scaling's target tracking behaves where the runbook
// relies on it (../shared/aws-semantics.md): the policy creates an
// AlarmHigh of 3 one-minute datapoints above the target and an AlarmLow of
// 15 below 90 % of it. These are AWS's numbers, not the runbook's: the
// runbook's trigger table (70 % for 3 minutes, 30 % for 10) is read as the
// decision frontend-trigger-vs-policy says.
const (
	period         = time.Minute
	highDatapoints = 3
	lowDatapoints  = 15
	lowRatio       = 0.9
	// reaction is how long after its last datapoint an alarm's action can
	// take to show as a scaling activity: the datapoint is published
	// within a minute of its period, the alarm evaluates once a minute,
	// and Application Auto Scaling acts on the next evaluation.
	reaction = 3 * time.Minute
	// publication is how long a minute's datapoint may take to appear.
	publication = 2 * time.Minute
)

// alarmWindow is when a target-tracking alarm of n datapoints first acts
// on a metric that crossed its threshold at start. Periods are aligned to
// the minute, so the minute start falls in may already count: the action
// can come no earlier than n periods from that minute's beginning, and no
// later than that plus the reaction.
func alarmWindow(start time.Time, n int) (earliest, latest time.Time) {
	first := start.Truncate(period)
	earliest = first.Add(time.Duration(n) * period)
	return earliest, earliest.Add(reaction)
}

// activity is a successful change of a service's desired count.
type activity struct {
	At      time.Time
	From    int
	To      int
	Cause   string
	Message string
}

func (a activity) out() bool { return a.To > a.From }

func (a activity) String() string {
	return fmt.Sprintf("%d -> %d at %s", a.From, a.To, a.At.Format(time.RFC3339))
}

// cooldownViolations judges scale-outs by AWS's rule for a scale-out
// cooldown: inside it, another scale-out needs a larger computed capacity,
// computed from the capacity before the scale-out that began the cooldown,
// which a further scale-out extends without moving that base. Utilisation
// cannot exceed 100 %, so inside the cooldown no scale-out may go beyond
// ceil(base x 100 / target).
func cooldownViolations(acts []activity, cooldown time.Duration, target float64) []string {
	var bad []string
	var start time.Time
	base := 0
	for _, a := range acts {
		if !a.out() {
			continue
		}
		if !start.IsZero() && a.At.Sub(start) < cooldown {
			if limit := int(math.Ceil(float64(base) * 100 / target)); a.To > limit {
				bad = append(bad, fmt.Sprintf("%s, %s after the cooldown began, beyond the %d computable from its base of %d", a, a.At.Sub(start).Round(time.Second), limit, base))
			}
		} else {
			base = a.From
		}
		start = a.At
	}
	return bad
}
