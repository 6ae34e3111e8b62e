package compliance

import (
	"context"
	"path/filepath"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// The S3 content row against moto, an independent emulator: a content
// bucket in the primary region replicating to a versioned bucket in the
// failover region passes with Replication Time Control at 15 minutes and
// fails, naming it, without; a profile that serves s3 must name the
// bucket.
func TestContentReplicationAgainstMoto(t *testing.T) {
	ctx := context.Background()
	endpoint := motoserver.Start(t)
	p, err := spec.Load(filepath.Join("..", "..", "fixtures", "spec", "platform.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := gdaws.New(ctx, gdaws.Target{Endpoint: endpoint, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	west, err := gdaws.New(ctx, gdaws.Target{Endpoint: endpoint, Region: "us-west-2"})
	if err != nil {
		t.Fatal(err)
	}
	versioned := func(c *gdaws.Clients, bucket string, in *s3.CreateBucketInput) {
		t.Helper()
		in.Bucket = &bucket
		if _, err := c.S3.CreateBucket(ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := c.S3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
			t.Fatal(err)
		}
	}
	versioned(c, "content", &s3.CreateBucketInput{})
	versioned(west, "content-replica", &s3.CreateBucketInput{CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintUsWest2}})

	prof := &profile.Profile{Name: "moto", Serves: []profile.Capability{profile.S3}, Names: profile.ResourceNames{ContentBucket: "content"}}
	if err := check(&profile.Profile{Name: "moto", Serves: []profile.Capability{profile.S3}}); err == nil {
		t.Error("a profile serving s3 without names.contentBucket is accepted; want it refused")
	}
	if err := check(prof); err != nil {
		t.Fatal(err)
	}
	var row rows.Row
	for _, r := range rows.Rows(p, prof.Names) {
		if r.Area == rows.ContentReplication {
			row = r
		}
	}
	// Before any replication, and for a bucket that does not exist, the
	// row fails rather than errs: both are drift.
	for bucket, want := range map[string]string{"content": "no replication configuration", "no-such-bucket": "bucket absent"} {
		named := *prof
		named.Names.ContentBucket = bucket
		o, err := newReader(&targets.Target{Profile: &named, Spec: p, AWS: c}).read(ctx, rows.ContentReplication)
		if f := row.Judge(o); err != nil || f.Verdict != rows.Fail || f.Actual != want {
			t.Errorf("bucket %s: finding %+v, %v; want a failure reading %q", bucket, f, err, want)
		}
	}
	tests := []struct {
		name    string
		rtc     *s3types.ReplicationTime
		verdict rows.Verdict
		actual  string
	}{
		{"with Replication Time Control", &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled, Time: &s3types.ReplicationTimeValue{Minutes: sdk.Int32(15)}},
			rows.Pass, "rule content to arn:aws:s3:::content-replica (us-west-2)"},
		{"without", nil, rows.Fail, "rule content to arn:aws:s3:::content-replica (us-west-2): Replication Time Control not enabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := &s3types.Destination{Bucket: sdk.String("arn:aws:s3:::content-replica"), ReplicationTime: tt.rtc}
			if tt.rtc != nil {
				// S3 takes RTC only with its metrics (API_Destination.html).
				dest.Metrics = &s3types.Metrics{Status: s3types.MetricsStatusEnabled, EventThreshold: &s3types.ReplicationTimeValue{Minutes: sdk.Int32(15)}}
			}
			if _, err := c.S3.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: sdk.String("content"), ReplicationConfiguration: &s3types.ReplicationConfiguration{
				Role: sdk.String("arn:aws:iam::123456789012:role/replication"), Rules: []s3types.ReplicationRule{{ID: sdk.String("content"), Priority: sdk.Int32(1),
					Status: s3types.ReplicationRuleStatusEnabled, Filter: &s3types.ReplicationRuleFilter{Prefix: sdk.String("")},
					DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled}, Destination: dest}}}}); err != nil {
				t.Fatal(err)
			}
			r := newReader(&targets.Target{Profile: prof, Spec: p, AWS: c})
			o, err := r.read(ctx, rows.ContentReplication)
			if err != nil {
				t.Fatal(err)
			}
			if f := row.Judge(o); f.Verdict != tt.verdict || f.Actual != tt.actual {
				t.Errorf("finding %+v; want %s, actual %q", f, tt.verdict, tt.actual)
			}
		})
	}
}
