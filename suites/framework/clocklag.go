package framework

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/drivers/lag"
	"github.com/gameday-sre/gameday/timeline"
)

// lagBound is how late a platform minute's work may complete before the
// verdicts of the specs that ran through it are no evidence: the
// framework's own polling interval, the resolution every window is
// already read at. Later than that, an alarm or a scaling activity could
// have come a poll later than the platform meant it to.
const lagBound = poll

// lagReadTimeout bounds the read of the sandbox's lag after each spec.
const lagReadTimeout = 10 * time.Second

// clockLag checks, for a behaviour spec on a target whose platform clock
// is a sandbox's, that every platform minute from the spec's start to now
// completed its work within lagBound. When one did not, it records the
// minute on the timeline and says why the spec is inconclusive; ""
// otherwise. A spec that only reads configuration judges nothing in time,
// and a target without a sandbox runs on the real clock, which cannot run
// ahead of its platform.
func (f *Framework) clockLag(v *Verdict) string {
	if f.lag == nil || !slices.Contains(v.Labels, Behaviour) {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), lagReadTimeout)
	defer cancel()
	minutes, err := f.lag.Minutes(ctx)
	if err != nil {
		return fmt.Sprintf("the sandbox's platform clock could not be vouched for: %v", err)
	}
	worst, ok := lag.Worst(minutes, v.started, f.Now())
	if !ok || worst.Late() <= lagBound {
		return ""
	}
	if _, err := f.Timeline.Append(f.Now(), timeline.ClockLag{Spec: v.ID, Minute: worst.Minute, Late: timeline.Duration(worst.Late()), Bound: timeline.Duration(lagBound)}); err != nil {
		ginkgo.GinkgoWriter.Printf("recording the clock lag of %s: %v\n", v.ID, err)
	}
	return fmt.Sprintf("the sandbox's platform clock ran ahead of its platform: the work of the minute of %s completed %s late (platform time), more than the %s a verdict tolerates; a run at a lower --time-scale, or on a quieter host, judges the platform it means to",
		worst.Minute.Format(time.TimeOnly), worst.Late().Round(100*time.Millisecond), lagBound)
}
