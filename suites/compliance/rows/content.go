package rows

import (
	"fmt"
	"strings"
	"time"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets/profile"
)

// s3Content is the replication row of "Data Replication Strategy" that
// the content row checks.
const s3Content = "S3 Content"

// rtcMinutes is the time S3 Replication Time Control commits to: "S3 RTC
// replicates most objects that you upload to Amazon S3 in seconds, and
// 99.99 percent of those objects within 15 minutes"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html);
// 15 is the only value ReplicationTime's Time.Minutes takes
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTimeValue.html).
// Plain replication has no time S3 commits to, so only RTC meets an RPO.
const rtcMinutes = 15

// contentRows is the S3 content's RPO as a configuration: the bucket
// replicates to the failover region under S3 Replication Time Control.
func contentRows(p *spec.Platform, n profile.ResourceNames) []Row {
	var rows []Row
	for _, rpo := range p.Replication.RPO {
		if rpo.DataType != s3Content || !strings.HasPrefix(rpo.Method, "Cross-region") {
			continue
		}
		failover := p.Regions.Failover.Name
		rows = append(rows, Row{ID: "s3.crossRegion", Area: ContentReplication, Section: p.Replication.Source, Needs: profile.S3,
			Resource: "bucket " + n.ContentBucket,
			Expected: fmt.Sprintf("an enabled rule replicating every object to a bucket in %s under Replication Time Control (%d minutes, for an RPO below %s)", failover, rtcMinutes, rpo.Below),
			judge: func(o *Observed) (string, Verdict, string) {
				return judgeContent(o.ContentReplication, failover, rpo.Below.D())
			}})
	}
	return rows
}

// judgeContent passes a bucket with a rule that meets the RPO, and
// otherwise says, rule by rule, what each lacks.
func judgeContent(r *gdaws.BucketReplication, failover string, rpo time.Duration) (string, Verdict, string) {
	if rpo < rtcMinutes*time.Minute {
		return "not judged", Fail, fmt.Sprintf("S3 commits to no replication time below %d minutes (Replication Time Control), so no configuration meets an RPO below %s", rtcMinutes, rpo)
	}
	switch {
	case r == nil:
		return "bucket absent", Fail, ""
	case r.Configuration == nil || len(r.Configuration.Rules) == 0:
		return "no replication configuration", Fail, ""
	}
	var lacks []string
	for i, rule := range r.Configuration.Rules {
		missing := ruleLacks(rule, r.DestinationRegions, failover)
		if len(missing) == 0 {
			return describeRule(i, rule, r.DestinationRegions), Pass, ""
		}
		lacks = append(lacks, describeRule(i, rule, r.DestinationRegions)+": "+strings.Join(missing, ", "))
	}
	return strings.Join(lacks, "; "), Fail, ""
}

// ruleLacks is what keeps a rule from meeting the RPO.
func ruleLacks(rule s3types.ReplicationRule, regions map[string]string, failover string) []string {
	var lacks []string
	if rule.Status != s3types.ReplicationRuleStatusEnabled {
		lacks = append(lacks, "rule not enabled")
	}
	if !wholeBucket(rule) {
		lacks = append(lacks, "replicates only part of the bucket")
	}
	d := rule.Destination
	if d == nil || d.Bucket == nil {
		return append(lacks, "no destination")
	}
	switch region := regions[*d.Bucket]; region {
	case failover:
	case "":
		lacks = append(lacks, "destination bucket absent")
	default:
		lacks = append(lacks, "destination in "+region+", not "+failover)
	}
	switch rtc := d.ReplicationTime; {
	case rtc == nil || rtc.Status != s3types.ReplicationTimeStatusEnabled:
		lacks = append(lacks, "Replication Time Control not enabled")
	case rtc.Time == nil || deref(rtc.Time.Minutes) != rtcMinutes:
		lacks = append(lacks, fmt.Sprintf("Replication Time Control not at %d minutes", rtcMinutes))
	}
	return lacks
}

// wholeBucket says whether a rule's filter takes every object: no filter,
// or an empty prefix and no tags.
func wholeBucket(rule s3types.ReplicationRule) bool {
	// A configuration written in S3's first schema has a prefix on the
	// rule rather than a filter, and GetBucketReplication returns it so.
	//lint:ignore SA1019 the member is deprecated for writing, not reading
	if deref(rule.Prefix) != "" {
		return false
	}
	f := rule.Filter
	return f == nil || (deref(f.Prefix) == "" && f.Tag == nil && (f.And == nil || (deref(f.And.Prefix) == "" && len(f.And.Tags) == 0)))
}

func describeRule(i int, rule s3types.ReplicationRule, regions map[string]string) string {
	name := deref(rule.ID)
	if name == "" {
		name = fmt.Sprintf("#%d", i+1)
	}
	if rule.Destination == nil || rule.Destination.Bucket == nil {
		return "rule " + name
	}
	dest := *rule.Destination.Bucket
	if region := regions[dest]; region != "" {
		return fmt.Sprintf("rule %s to %s (%s)", name, dest, region)
	}
	return fmt.Sprintf("rule %s to %s", name, dest)
}
