package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Unreachable is a target whose endpoint did not answer at all, as opposed
// to one that answered with an error.
type Unreachable struct {
	Endpoint string
	Err      error
}

func (e *Unreachable) Error() string {
	return fmt.Sprintf("endpoint %s unreachable: %v", e.Endpoint, e.Err)
}

func (e *Unreachable) Unwrap() error { return e.Err }

// Ping makes one cheap call, without retries, to tell a target that is down
// from one that answers. Any answer, an AWS error included, counts as
// reachable: what the answer means is for the caller's real calls to say.
func (c *Clients) Ping(ctx context.Context) error {
	_, err := c.ECS.ListClusters(ctx, &ecs.ListClustersInput{MaxResults: new(int32(1))}, func(o *ecs.Options) { o.RetryMaxAttempts = 1 })
	if err == nil {
		return nil
	}
	return c.unreachable(err, "ECS", nil)
}
