package aws

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

// ReplicationGroup describes one ElastiCache replication group; nil when
// there is none.
func (c *Clients) ReplicationGroup(ctx context.Context, id string) (*ectypes.ReplicationGroup, error) {
	out, err := c.ElastiCache.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: &id})
	var missing *ectypes.ReplicationGroupNotFoundFault
	if errors.As(err, &missing) {
		return nil, nil
	}
	if err != nil {
		return nil, fail("elasticache DescribeReplicationGroups", id, err)
	}
	if len(out.ReplicationGroups) == 0 {
		return nil, nil
	}
	return &out.ReplicationGroups[0], nil
}
