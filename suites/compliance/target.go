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
	"slices"
	"strings"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

// Target is what the suite needs to know of a target, taken from its
// profile by the caller: suites do not read fixtures.
type Target struct {
	Name   string
	Serves []string
	Names  rows.Names
	// HostedZone is the DNS name of the zone with the failover records;
	// empty means the parent domain of the first failover record.
	HostedZone string
	// Mongo is the MongoDB replica set's connection string; empty skips
	// the replica set's rows.
	Mongo string
}

func (t Target) serves(capability string) bool {
	if capability == rows.CapMongoDB {
		return t.Mongo != ""
	}
	return slices.Contains(t.Serves, capability)
}

// check refuses a target the suite could only half read, before any spec
// runs: a misspelt capability would otherwise skip rows silently.
func (t Target) check() error {
	if err := rows.CheckCapabilities(t.Serves); err != nil {
		return fmt.Errorf("target %s: %w", t.Name, err)
	}
	if t.serves(rows.CapElastiCache) && t.Names.ReplicationGroup == "" {
		return fmt.Errorf("target %s serves elasticache but its profile names no replication group (names.replicationGroup)", t.Name)
	}
	return nil
}

func (t Target) hostedZone(p *spec.Platform) string {
	if t.HostedZone != "" {
		return t.HostedZone
	}
	if len(p.Route53.FailoverRecords) == 0 {
		return ""
	}
	name := t.Names.DNSName(p.Route53.FailoverRecords[0].Name)
	_, parent, _ := strings.Cut(name, ".")
	return parent
}
