package main

import (
	"github.com/gameday-sre/gameday/suites/alarms"
	"github.com/gameday-sre/gameday/suites/data"
	"github.com/gameday-sre/gameday/suites/drills"
	"github.com/gameday-sre/gameday/suites/failover"
	"github.com/gameday-sre/gameday/suites/framework"
	"github.com/gameday-sre/gameday/suites/resilience"
	"github.com/gameday-sre/gameday/suites/scaling"
)

// behaviour is every behavioural suite gameday run knows, in the order it
// runs them.
var behaviour = []behaviourSuite{
	{scaling.Name, scaling.Declare},
	{resilience.Name, resilience.Declare},
	{alarms.Name, alarms.Declare},
	{drills.Name, drills.Declare},
	{failover.Name, failover.Declare},
	{data.Name, data.Declare},
}

type behaviourSuite struct {
	name    string
	declare framework.Declare
}

func suiteNames() []string {
	var names []string
	for _, s := range behaviour {
		names = append(names, s.name)
	}
	return names
}
