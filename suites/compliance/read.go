package compliance

import (
	"context"
	"fmt"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// reader reads each area of a target once, on first use, so that a run
// makes a handful of calls however many rows it has.
type reader struct {
	c        *gdaws.Clients
	p        *spec.Platform
	t        *profile.Profile
	observed rows.Observed
	done     map[rows.Area]error
}

func newReader(t *targets.Target) *reader {
	return &reader{c: t.AWS, p: t.Spec, t: t.Profile, done: map[rows.Area]error{}}
}

// read fills the observation for an area; the error is kept, so every row
// of an unreadable area reports it.
func (r *reader) read(ctx context.Context, area rows.Area) (*rows.Observed, error) {
	err, ok := r.done[area]
	if !ok {
		err = r.readArea(ctx, area)
		r.done[area] = err
	}
	return &r.observed, err
}

func (r *reader) readArea(ctx context.Context, area rows.Area) error {
	o := &r.observed
	var err error
	switch area {
	case rows.ScalableTargets:
		o.ScalableTargets, err = r.c.ScalableTargets(ctx)
	case rows.ScalingPolicies:
		for _, s := range r.p.Services {
			policies, err := r.c.ScalingPolicies(ctx, r.t.Names.ResourceID(r.p, s))
			if err != nil {
				return err
			}
			o.ScalingPolicies = append(o.ScalingPolicies, policies...)
		}
	case rows.ScheduledActions:
		for _, s := range r.p.Services {
			actions, err := r.c.ScheduledActions(ctx, r.t.Names.ResourceID(r.p, s))
			if err != nil {
				return err
			}
			o.ScheduledActions = append(o.ScheduledActions, actions...)
		}
	case rows.Alarms:
		names := make([]string, len(r.p.Alarms))
		for i, a := range r.p.Alarms {
			names[i] = a.Name
		}
		o.Alarms, err = r.c.Alarms(ctx, names...)
	case rows.Tags:
		o.Services, err = r.services(ctx)
	case rows.TaskDefinitions:
		if o.Services, err = r.services(ctx); err != nil {
			return err
		}
		o.TaskDefinitions = map[string]ecstypes.TaskDefinition{}
		for _, s := range o.Services {
			if s.TaskDefinition == nil {
				continue
			}
			td, err := r.c.TaskDefinition(ctx, *s.TaskDefinition)
			if err != nil {
				return err
			}
			o.TaskDefinitions[*s.TaskDefinition] = *td
		}
	case rows.HealthChecks:
		o.HealthChecks, err = r.c.HealthChecks(ctx)
	case rows.FailoverRecords:
		// The records' health check row needs to know which check is whose.
		if _, err := r.read(ctx, rows.HealthChecks); err != nil {
			return err
		}
		return r.readRecords(ctx)
	case rows.Replication:
		o.ReplicationGroup, err = r.c.ReplicationGroup(ctx, r.t.Names.ReplicationGroup)
	case rows.ContentReplication:
		o.ContentReplication, err = r.c.BucketReplication(ctx, r.t.Names.ContentBucket)
	case rows.ReplicaSet:
		o.ReplicaSet, err = r.replicaSet(ctx)
	case rows.Budget:
		o.Budget, err = r.c.Budget(ctx, r.p.Budget.Name)
	case rows.Dashboard:
		body, found, err := r.c.Dashboard(ctx, r.p.Dashboard.Name)
		if err != nil {
			return err
		}
		o.Dashboards = map[string]string{}
		if found {
			o.Dashboards[r.p.Dashboard.Name] = body
		}
	}
	return err
}

// replicaSet reads the MongoDB members over a connection of its own,
// closed once read: the suite reads the set once.
func (r *reader) replicaSet(ctx context.Context) ([]mongo.Member, error) {
	c, err := mongo.Dial(ctx, mongo.Target{URI: r.t.Endpoints.Mongo})
	if err != nil {
		return nil, err
	}
	defer c.Close(context.WithoutCancel(ctx))
	rs, err := c.ReplicaSet(ctx)
	if err != nil {
		return nil, err
	}
	return rs.Members, nil
}

func (r *reader) services(ctx context.Context) ([]ecstypes.Service, error) {
	if r.observed.Services != nil {
		return r.observed.Services, nil
	}
	names := make([]string, len(r.p.Services))
	for i, s := range r.p.Services {
		names[i] = r.t.Names.ServiceOf(s)
	}
	services, err := r.c.Services(ctx, r.t.Names.ClusterOf(r.p), names...)
	if services == nil && err == nil {
		services = []ecstypes.Service{}
	}
	return services, err
}

func (r *reader) readRecords(ctx context.Context) error {
	zoneName := hostedZone(r.t, r.p)
	zone, err := r.c.HostedZone(ctx, zoneName)
	if err != nil {
		return err
	}
	if zone == nil {
		return fmt.Errorf("route53: no hosted zone %s (the target profile's names.hostedZone)", zoneName)
	}
	seen := map[string]bool{}
	for _, rec := range r.p.Route53.FailoverRecords {
		name := r.t.Names.DNSName(rec.Name)
		if seen[name] {
			continue
		}
		seen[name] = true
		sets, err := r.c.RecordSets(ctx, *zone.Id, name)
		if err != nil {
			return err
		}
		r.observed.RecordSets = append(r.observed.RecordSets, sets...)
	}
	return nil
}
