package spec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/spec"
)

// FuzzParse feeds the loader arbitrary bytes: it must never panic, and every
// failure must be located problems, never a bare error.
func FuzzParse(f *testing.F) {
	good := readShipped(f)
	f.Add([]byte(good))
	f.Add([]byte(strings.Replace(good, "cron(0 8 ? * MON-FRI *)", "cron(0 8 ? * 2#6 *)", 1)))
	f.Add([]byte(strings.Replace(good, "180s", "180", 1)))
	f.Add([]byte("services: &a [*a]\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Add([]byte("schemaVersion: 1\nservices:\n  - id: x\n    policies: [{scaleInCooldown: 1e400s}]\n"))
	f.Add([]byte("{\"schemaVersion\": 1, \"cluster\": [1, {}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := spec.Parse("fuzz.yaml", data)
		if err == nil {
			if p == nil {
				t.Fatal("no error and no platform")
			}
			return
		}
		var problems spec.Problems
		if !errors.As(err, &problems) || len(problems) == 0 {
			t.Fatalf("error is not located problems: %T %v", err, err)
		}
		for _, pr := range problems {
			if pr.File != "fuzz.yaml" || pr.Message == "" {
				t.Fatalf("problem without file or message: %+v", pr)
			}
		}
	})
}
