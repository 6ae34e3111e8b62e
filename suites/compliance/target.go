// Package compliance is the compliance suite: one Ginkgo spec per runbook
// row (package rows), judged against what the target's AWS APIs return.
// It reads, never writes, and runs against the sandbox, an emulator or
// staging alike; a target that does not serve an API skips that API's rows
// with the reason.
//
// gameday check runs it (in a child process of its own), and so do go test
// and the ginkgo CLI given GAMEDAY_TARGET (compliance_suite_test.go).
package compliance

import (
	"fmt"
	"strings"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets/profile"
)

// check refuses a target the suite could only half read, before any spec
// runs.
func check(t *profile.Profile) error {
	if t.Has(profile.ElastiCache) && t.Names.ReplicationGroup == "" {
		return fmt.Errorf("target %s serves elasticache but its profile names no replication group (names.replicationGroup)", t.Name)
	}
	if t.Has(profile.S3) && t.Names.ContentBucket == "" {
		return fmt.Errorf("target %s serves s3 but its profile names no content bucket (names.contentBucket)", t.Name)
	}
	return nil
}

func hostedZone(t *profile.Profile, p *spec.Platform) string {
	if t.Names.HostedZone != "" {
		return t.Names.HostedZone
	}
	if len(p.Route53.FailoverRecords) == 0 {
		return ""
	}
	name := t.Names.DNSName(p.Route53.FailoverRecords[0].Name)
	_, parent, _ := strings.Cut(name, ".")
	return parent
}
