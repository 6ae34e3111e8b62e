package failover_test

import (
	"testing"

	"github.com/gameday-sre/gameday/suites/failover"
	"github.com/gameday-sre/gameday/suites/framework"
)

// TestFailover runs the suite from go test, given GAMEDAY_TARGET and
// GAMEDAY_LEDGER (it injects faults); without a target it skips, saying
// why.
func TestFailover(t *testing.T) { framework.Test(t, failover.Name, failover.Declare) }
