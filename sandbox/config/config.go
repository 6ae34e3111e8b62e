// Package config is what a sandbox is started from: the runbook's spec, the
// sandbox's own parameters, and named deviations from both.
package config

import (
	"fmt"
	"time"

	"github.com/gameday-sre/gameday/spec"
)

// DefaultTaskStartDelay is how long a Fargate task takes from launch to
// RUNNING. AWS publishes no figure; 30-90 s is commonly observed (image pull
// on every start, ENI attach), so the sandbox takes the middle.
const DefaultTaskStartDelay = 60 * time.Second

// Sandbox is the configuration of one sandbox run.
type Sandbox struct {
	Platform *spec.Platform
	// TimeScale is platform seconds per real second.
	TimeScale float64
	// StartAt is the platform time at start.
	StartAt time.Time
	// TaskStartDelay is per service id, in platform time.
	TaskStartDelay map[string]time.Duration
	// Absent lists configuration the runbook documents that the sandbox
	// leaves out, by deviation.
	Absent struct {
		Alarms           []string
		ScheduledActions []string
	}
	Deviations []Deviation
	// RedisReplicas is how many replicas the Redis cache has in the
	// failover region: 1, the runbook's cross-region replication.
	RedisReplicas int
	// LinkDelay is a standing delay, in platform time, on the link
	// between the regions.
	LinkDelay time.Duration
	// MinuteLag holds back each platform minute's alarm evaluation and
	// scaling tick, in platform time: the symptom of a host too busy for
	// the time scale, produced on purpose.
	MinuteLag time.Duration
	// NoDraining lists the service ids deployed without connection
	// draining (ecs.Config.NoDraining).
	NoDraining []string
	// StepScaling lists the service ids given a step scaling policy pair
	// from their trigger row (see StepScalable).
	StepScaling []string
}

// New builds the configuration for a compliant sandbox.
func New(p *spec.Platform, timeScale float64, startAt time.Time) (*Sandbox, error) {
	if !(timeScale > 0) || timeScale > 10000 {
		return nil, fmt.Errorf("time scale %v: want a number above 0 and at most 10000 (60 makes a documented minute one real second)", timeScale)
	}
	s := &Sandbox{Platform: p, TimeScale: timeScale, StartAt: startAt, TaskStartDelay: map[string]time.Duration{}, RedisReplicas: 1}
	for _, svc := range p.Services {
		s.TaskStartDelay[svc.ID] = DefaultTaskStartDelay
	}
	return s, nil
}
