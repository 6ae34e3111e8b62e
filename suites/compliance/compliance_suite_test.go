package compliance_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/fixtures/targets"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

// TestCompliance runs the suite from go test or the ginkgo CLI, as
// `gameday check` runs it from its own process:
//
//	GAMEDAY_TARGET=moto go test ./suites/compliance
//	GAMEDAY_TARGET=moto go tool ginkgo --label-filter=compliance ./suites/compliance
//
// GAMEDAY_TARGET is what `gameday check --target` takes, a profile name in
// fixtures/targets or a path; GAMEDAY_SPEC is the spec, the shipped one by
// default. Without a target every spec would be unjudged, so the suite
// skips, saying why.
func TestCompliance(t *testing.T) {
	// Paths resolve from the repository root, as gameday's do, and so does
	// the local profile's state dir.
	t.Chdir(filepath.Join("..", ".."))
	name := os.Getenv("GAMEDAY_TARGET")
	if name == "" {
		const reason = "requires a target: GAMEDAY_TARGET is not set (a profile name in fixtures/targets or a path, e.g. GAMEDAY_TARGET=moto)"
		ginkgo.It("reads a target", ginkgo.Label(compliance.Label), func() { ginkgo.Skip(reason) })
		ginkgo.RunSpecs(t, "compliance", ginkgo.Label(compliance.Label))
		t.Skip(reason)
	}
	s, err := suite(t.Context(), name, cmp.Or(os.Getenv("GAMEDAY_SPEC"), spec.DefaultPath))
	if err != nil {
		t.Fatal(err)
	}
	s.RunSpecs(t)
}

// suite opens the target as `gameday check` does: the same refusals, the
// same names.
func suite(ctx context.Context, name, specPath string) (*compliance.Suite, error) {
	p, err := spec.Load(specPath)
	if err != nil {
		return nil, fmt.Errorf("loading the spec %s: %w", specPath, err)
	}
	profile, err := targets.Load(name)
	if err != nil {
		return nil, err
	}
	clients, err := gdaws.New(ctx, gdaws.Target{Endpoint: profile.Endpoints.AWS, Region: profile.Regions.Primary, CloudWatchProtocol: profile.Protocols["cloudwatch"]})
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", profile.Name, err)
	}
	if err := profile.Guard(ctx, clients.CallerAccount); err != nil {
		return nil, err
	}
	if err := clients.Ping(ctx); err != nil {
		return nil, fmt.Errorf("target %s: %w", profile.Name, err)
	}
	n := profile.Names
	return compliance.New(clients, p, compliance.Target{
		Name: profile.Name, Serves: profile.Serves, HostedZone: n.HostedZone, Mongo: profile.Endpoints.Mongo,
		Names: rows.Names{Cluster: n.Cluster, Services: n.Services, DNS: n.DNS, HealthCheckTag: n.HealthCheckTag, ReplicationGroup: n.ReplicationGroup},
	})
}
