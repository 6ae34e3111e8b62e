// Package targets opens a target by name or path: its spec, its AWS
// clients, its platform clock, what it serves and what it calls the
// runbook's resources, after the staging guard has let it through. Every
// command and suite reaches a target through Open, so the sandbox, an
// emulator and staging are reached the same way and refused the same way.
package targets

import (
	"context"
	"fmt"
	"time"

	"github.com/gameday-sre/gameday/clock"
	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Target is an opened target.
type Target struct {
	*profile.Profile
	Spec *spec.Platform
	AWS  *gdaws.Clients
	// Clock is the target's platform time: scaled for the sandbox, real
	// for staging.
	Clock clock.Clock
}

// Options shape Open.
type Options struct {
	// Spec is the spec's path; empty is spec.DefaultPath.
	Spec string
	// RequestsPerSecond paces AWS calls (see drivers/aws.Target).
	RequestsPerSecond float64
}

// Open loads the spec and the profile, refuses a production profile, a
// region or a caller's account the profile does not allow before any
// other call, and makes sure the target answers. Every mutating call of
// the target's clients then passes one gate (see gate), which
// AWS.Calls counts.
func Open(ctx context.Context, nameOrPath string, o Options) (*Target, error) {
	specPath := o.Spec
	if specPath == "" {
		specPath = spec.DefaultPath
	}
	p, err := spec.Load(specPath)
	if err != nil {
		return nil, fmt.Errorf("the spec does not load:\n%w", err)
	}
	prof, err := profile.Load(nameOrPath)
	if err != nil {
		return nil, err
	}
	g := &gate{profile: prof}
	at := AWSTarget(prof, o.RequestsPerSecond)
	at.Gate = g.allow
	clients, err := gdaws.New(ctx, at)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", prof.Name, err)
	}
	if err := prof.Guard(ctx, clients.CallerAccount); err != nil {
		return nil, err
	}
	g.passed.Store(true)
	if err := clients.Ping(ctx); err != nil {
		return nil, fmt.Errorf("target %s: %w", prof.Name, err)
	}
	c, err := Clock(prof)
	if err != nil {
		return nil, err
	}
	return &Target{Profile: prof, Spec: p, AWS: clients, Clock: c}, nil
}

// AWSTarget is where and how the profile's AWS APIs are called.
func AWSTarget(p *profile.Profile, requestsPerSecond float64) gdaws.Target {
	return gdaws.Target{Endpoint: p.Endpoints.AWS, Region: p.Regions.Primary,
		CloudWatchProtocol: p.Protocols["cloudwatch"], RequestsPerSecond: requestsPerSecond}
}

// Clock is the profile's platform clock as of now: real time without a
// clock section, otherwise scaled as the profile says.
func Clock(p *profile.Profile) (clock.Clock, error) {
	if p.Clock == nil {
		return clock.Real(), nil
	}
	c, err := clock.NewScaled(p.Clock.Platform(time.Now()), p.Clock.Scale)
	if err != nil {
		return nil, fmt.Errorf("target %s: clock: %w", p.Name, err)
	}
	return c, nil
}
