package compliance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2"

	"github.com/gameday-sre/gameday/suites/compliance"
	"github.com/gameday-sre/gameday/targets"
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
	tgt, err := targets.Open(t.Context(), name, targets.Options{Spec: os.Getenv("GAMEDAY_SPEC")})
	if err != nil {
		t.Fatal(err)
	}
	s, err := compliance.New(tgt)
	if err != nil {
		t.Fatal(err)
	}
	s.RunSpecs(t)
}
