package alarms_test

import (
	"testing"

	"github.com/gameday-sre/gameday/suites/alarms"
	"github.com/gameday-sre/gameday/suites/framework"
)

// TestAlarms runs the suite from go test, given GAMEDAY_TARGET and
// GAMEDAY_LEDGER (it injects faults); without a target it skips, saying
// why.
func TestAlarms(t *testing.T) { framework.Test(t, alarms.Name, alarms.Declare) }
