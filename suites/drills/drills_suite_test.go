package drills_test

import (
	"testing"

	"github.com/gameday-sre/gameday/suites/drills"
	"github.com/gameday-sre/gameday/suites/framework"
)

// TestDrills runs the suite from go test, given GAMEDAY_TARGET and
// GAMEDAY_LEDGER (it changes capacity); without a target it skips, saying
// why.
func TestDrills(t *testing.T) { framework.Test(t, drills.Name, drills.Declare) }
