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
	return insideCooldown(acts, cooldown, func(base int, _ time.Time, _ platform.Activity) (int, string) {
		return int(math.Ceil(float64(base) * 100 / target)), fmt.Sprintf("computable from its base of %d", base)
	})
}

// insideCooldown walks the scale-outs, and for each inside the cooldown of
// an earlier one asks limit for the most it may reach from the cooldown's
// base and began, and how to say so; it returns those beyond.
func insideCooldown(acts []platform.Activity, cooldown time.Duration, limit func(base int, began time.Time, a platform.Activity) (int, string)) []string {
	var bad []string
	var start time.Time
	base := 0
	for _, a := range acts {
		if !a.Out() {
			continue
		}
		if !start.IsZero() && a.At.Sub(start) < cooldown {
			if most, why := limit(base, start, a); a.To > most {
				bad = append(bad, fmt.Sprintf("%s, %s after the cooldown began, beyond the %d %s", a, a.At.Sub(start).Round(time.Second), most, why))
			}
		} else {
			base = a.From
		}
		start = a.At
	}
	return bad
}
