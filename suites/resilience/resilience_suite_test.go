package resilience_test

import (
	"testing"

	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/resilience"
)

// TestResilience runs the suite from go test, given GAMEDAY_TARGET and
// GAMEDAY_LEDGER (it stops tasks); without a target it skips, saying why.
func TestResilience(t *testing.T) { framework.Test(t, resilience.Name, resilience.Declare) }
