package elasticache

import (
	"context"

	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ServeAWS is the engine's awsapi.Handler: register it with
// server.Handle(awsapi.ServiceElastiCache, engine.ServeAWS). It decodes
// each operation's input from the protocol-neutral request and returns the
// engine's output, whose field names are the wire's.
func (e *Engine) ServeAWS(ctx context.Context, req *awsapi.Request) (any, error) {
	in := req.Input
	var (
		out any
		err error
	)
	switch req.Operation {
	case "DescribeReplicationGroups":
		var d DescribeReplicationGroupsInput
		in.Decode(&d)
		if verr := in.Err(); verr != nil {
			return nil, verr
		}
		out, err = e.DescribeReplicationGroups(ctx, req.Region, d)
	case "TestFailover":
		var t TestFailoverInput
		in.Require("ReplicationGroupId")
		in.Require("NodeGroupId")
		in.Decode(&t)
		if verr := in.Err(); verr != nil {
			return nil, verr
		}
		out, err = e.TestFailover(ctx, req.Region, t)
	default:
		return nil, awsapi.UnknownOperation(req.Operation)
	}
	return out, err
}
