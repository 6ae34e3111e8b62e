package data_test

import (
	"testing"

	"github.com/gameday-sre/gameday/suites/data"
	"github.com/gameday-sre/gameday/suites/framework"
)

// TestData runs the suite from go test, given GAMEDAY_TARGET and
// GAMEDAY_LEDGER (it kills data-store nodes); without a target it skips,
// saying why.
func TestData(t *testing.T) { framework.Test(t, data.Name, data.Declare) }
