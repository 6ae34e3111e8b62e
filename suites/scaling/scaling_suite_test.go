package scaling_test

import (
	"testing"

	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/scaling"
)

// TestScaling runs the suite from go test or the ginkgo CLI, as gameday
// run runs it in its own process:
//
//	GAMEDAY_TARGET=local go test ./suites/scaling
//
// Without GAMEDAY_TARGET it skips, saying why. Its timing is judged on the
// target's clock, so run it without the race detector, which slows the
// load generator below its plan (such a run ends inconclusive).
func TestScaling(t *testing.T) { framework.Test(t, scaling.Name, scaling.Declare) }
