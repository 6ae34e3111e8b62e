package targets

import (
	"context"
	"errors"
	"sync/atomic"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/targets/profile"
)

// gate is the one place every mutating AWS call of an opened target
// passes: nothing changes before the profile's guard has let the caller
// through, and nothing changes on a production profile.
type gate struct {
	profile *profile.Profile
	// passed is set once the profile's guard has checked the environment,
	// the regions and the caller's account.
	passed atomic.Bool
}

// errUnguarded refuses a change asked for before the guard ran.
var errUnguarded = errors.New("the target's guard has not checked the caller yet")

func (g *gate) allow(_ context.Context, _ gdaws.Call) error {
	if err := g.profile.CheckEnvironment(); err != nil {
		return err
	}
	if !g.passed.Load() {
		return errUnguarded
	}
	return nil
}
