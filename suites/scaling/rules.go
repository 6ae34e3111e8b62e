package scaling

import (
	"fmt"
	"math"
	"time"

	"github.com/gameday-sre/gameday/suites/platform"
)

// cooldownViolations judges scale-outs by AWS's rule for a scale-out
// cooldown: inside it, another scale-out needs a larger computed capacity,
// computed from the capacity before the scale-out that began the cooldown,
// which a further scale-out extends without moving that base. Utilisation
// cannot exceed 100 %, so inside the cooldown no scale-out may go beyond
// ceil(base x 100 / target).
func cooldownViolations(acts []platform.Activity, cooldown time.Duration, target float64) []string {
	var bad []string
	var start time.Time
	base := 0
	for _, a := range acts {
		if !a.Out() {
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
