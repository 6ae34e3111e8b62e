// Package endpoint is the sandbox's AWS-compatible endpoint: the wire
// layer of package awsapi in front of each region's engines (ECS,
// Application Auto Scaling, CloudWatch, FIS). It only routes: every decision an
// operation makes is the engine's, so that what a client sees through the
// endpoint is what the sandbox does.
package endpoint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gameday-sre/gameday/sandbox/autoscaling"
	"github.com/gameday-sre/gameday/sandbox/awsapi"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/ecs"
	"github.com/gameday-sre/gameday/sandbox/elasticache"
	"github.com/gameday-sre/gameday/sandbox/fis"
	"github.com/gameday-sre/gameday/sandbox/route53"
)

// Region is the engines of one region.
type Region struct {
	ECS         *ecs.ControlPlane
	AutoScaling *autoscaling.Engine
	CloudWatch  *cloudwatch.Engine
	// FIS is the region's Fault Injection Service; nil serves none.
	FIS *fis.Engine
}

// Global is the engines the sandbox runs once rather than per region:
// Route 53, global in AWS, which answers whatever region a request is
// signed for, and the ElastiCache of the one Redis group.
type Global struct {
	Route53 *route53.Engine
	// ElastiCache is regional in AWS; the engine answers for its home
	// region and sees no groups from others.
	ElastiCache *elasticache.Engine
}

// New returns the endpoint for the regions, keyed by region name, and the
// global services. A request to a regional service is served by the region
// of its SigV4 credential scope, as each AWS region is its own endpoint;
// an unsigned request by defaultRegion.
func New(regions map[string]Region, global Global, defaultRegion string, log *slog.Logger) (http.Handler, error) {
	if _, ok := regions[defaultRegion]; !ok {
		return nil, fmt.Errorf("default region %q is not among the regions served", defaultRegion)
	}
	r := router{regions: regions, defaultRegion: defaultRegion}
	srv := awsapi.NewServer(awsapi.WithLogger(log))
	srv.Handle(awsapi.ServiceECS, r.handler(ecsOperations))
	srv.Handle(awsapi.ServiceApplicationAutoScaling, r.handler(autoScalingOperations))
	srv.Handle(awsapi.ServiceCloudWatch, r.handler(cloudWatchOperations))
	srv.Handle(awsapi.ServiceFIS, r.fis)
	if global.Route53 != nil {
		srv.Handle(awsapi.ServiceRoute53, global.Route53.ServeAWS)
	}
	if global.ElastiCache != nil {
		srv.Handle(awsapi.ServiceElastiCache, global.ElastiCache.ServeAWS)
	}
	return srv, nil
}

// fis hands a FIS request to the FIS of its region: experiments, like
// AWS's, are seen only in the region that runs them.
func (r router) fis(ctx context.Context, req *awsapi.Request) (any, error) {
	return r.handler(map[string]operation{req.Operation: func(ctx context.Context, reg Region, _ awsapi.Value) (any, error) {
		if reg.FIS == nil {
			return nil, awsapi.UnknownOperation(req.Operation)
		}
		return reg.FIS.ServeAWS(ctx, req)
	}})(ctx, req)
}

// operation serves one API operation against one region's engines.
type operation func(ctx context.Context, reg Region, in awsapi.Value) (any, error)

type router struct {
	regions       map[string]Region
	defaultRegion string
}

func (r router) handler(ops map[string]operation) awsapi.Handler {
	return func(ctx context.Context, req *awsapi.Request) (any, error) {
		op, ok := ops[req.Operation]
		if !ok {
			return nil, awsapi.UnknownOperation(req.Operation)
		}
		name := req.Region
		if name == "" {
			name = r.defaultRegion
		}
		reg, ok := r.regions[name]
		if !ok {
			// What AWS says to a request signed for another region's
			// endpoint, with the regions that are served here.
			return nil, &awsapi.Error{
				Code:       "InvalidSignatureException",
				HTTPStatus: http.StatusForbidden,
				Message: fmt.Sprintf("Credential should be scoped to a valid region, not '%s'; this sandbox serves %s",
					name, strings.Join(slices.Sorted(maps.Keys(r.regions)), ", ")),
			}
		}
		out, err := op(ctx, reg, req.Input)
		return out, apiError(err)
	}
}

// call adapts an engine method taking an input structure into an
// operation: the request is decoded into In by AWS member name.
func call[In, Out any](method func(Region) func(In) (Out, error)) operation {
	return func(_ context.Context, reg Region, v awsapi.Value) (any, error) {
		var in In
		v.Decode(&in)
		if err := v.Err(); err != nil {
			return nil, err
		}
		return method(reg)(in)
	}
}

// exec is call for an engine method with no output.
func exec[In any](method func(Region) func(In) error) operation {
	return call(func(reg Region) func(In) (struct{}, error) {
		return func(in In) (struct{}, error) { return struct{}{}, method(reg)(in) }
	})
}

// wrap puts an engine's result under the member name its operation's
// output gives it (ECS's CreateService returns {"service": …}).
func wrap[In, Out any](member string, method func(Region) func(In) (Out, error)) operation {
	return call(func(reg Region) func(In) (map[string]any, error) {
		return func(in In) (map[string]any, error) {
			out, err := method(reg)(in)
			if err != nil {
				return nil, err
			}
			return map[string]any{member: out}, nil
		}
	})
}

// apiError passes an engine's *awsapi.Error on as it is; anything else is
// the sandbox's own failure, which AWS would report as an internal one.
func apiError(err error) error {
	var ae *awsapi.Error
	if err == nil || errors.As(err, &ae) {
		return err
	}
	return awsapi.InternalFailure("%v", err)
}
