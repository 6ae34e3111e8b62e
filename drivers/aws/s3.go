package aws

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// BucketReplication is an S3 bucket's replication: its configuration and
// where the buckets it replicates to are.
type BucketReplication struct {
	Bucket string
	// Configuration is nil when the bucket has no replication
	// configuration.
	Configuration *s3types.ReplicationConfiguration
	// DestinationRegions is the region of each destination bucket, by the
	// ARN its rules name; "" for a bucket that does not exist.
	DestinationRegions map[string]string
}

// BucketReplication reads a bucket's replication configuration and the
// region of every bucket it replicates to; nil when there is no such
// bucket.
func (c *Clients) BucketReplication(ctx context.Context, bucket string) (*BucketReplication, error) {
	out, err := c.S3.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: &bucket})
	switch code(err) {
	case "NoSuchBucket":
		return nil, nil
	case "ReplicationConfigurationNotFoundError":
		return &BucketReplication{Bucket: bucket}, nil
	}
	if err != nil {
		return nil, fail("s3 GetBucketReplication", "bucket "+bucket, err)
	}
	r := &BucketReplication{Bucket: bucket, Configuration: out.ReplicationConfiguration, DestinationRegions: map[string]string{}}
	if out.ReplicationConfiguration == nil {
		return r, nil
	}
	for _, rule := range out.ReplicationConfiguration.Rules {
		if rule.Destination == nil || rule.Destination.Bucket == nil {
			continue
		}
		arn := *rule.Destination.Bucket
		if _, seen := r.DestinationRegions[arn]; seen {
			continue
		}
		region, err := c.bucketRegion(ctx, strings.TrimPrefix(arn, "arn:aws:s3:::"))
		if err != nil {
			return nil, err
		}
		r.DestinationRegions[arn] = region
	}
	return r, nil
}

// bucketRegion is a bucket's region; "" when there is no such bucket.
// GetBucketLocation answers no constraint for us-east-1 and the legacy
// "EU" for eu-west-1 (API_GetBucketLocation.html).
func (c *Clients) bucketRegion(ctx context.Context, bucket string) (string, error) {
	out, err := c.S3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &bucket})
	if code(err) == "NoSuchBucket" {
		return "", nil
	}
	if err != nil {
		return "", fail("s3 GetBucketLocation", "bucket "+bucket, err)
	}
	switch out.LocationConstraint {
	case "":
		return "us-east-1", nil
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1", nil
	}
	return string(out.LocationConstraint), nil
}

// code is the AWS error code of err, "" when it has none.
func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
