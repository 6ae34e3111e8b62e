package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/fixtures/targets"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

func runGameday(args ...string) (stdout, stderr string, code int) {
	var out, errs bytes.Buffer
	code = run(args, &out, &errs)
	return out.String(), errs.String(), code
}

// The runbook provisioned into moto, an independent emulator, passes every
// row of the APIs moto serves and skips the rest with the reason; a drift
// made behind gameday's back fails exactly its row.
func TestProvisionThenCheckAgainstMoto(t *testing.T) {
	profile := motoProfile(t, motoserver.Start(t))
	for run := 1; run <= 2; run++ {
		if out, errs, code := runGameday("provision", "--target", profile, "--spec", shippedSpec); code != 0 {
			t.Fatalf("provision run %d exited %d\n%s%s", run, code, out, errs)
		}
	}

	// check runs its suite in a child gameday, so it runs as the built binary.
	junit := filepath.Join(t.TempDir(), "compliance.xml")
	all, out, code := gamedaySplit(t, "check", "--target", profile, "--spec", shippedSpec, "-o", "json", "--junit-report", junit)
	if code != 0 {
		t.Fatalf("check exited %d\n%s", code, all)
	}
	var report struct {
		Summary  summary        `json:"summary"`
		Findings []rows.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("check -o json: %v\n%s", err, out)
	}
	skips := map[string]string{}
	for _, f := range report.Findings {
		if f.Verdict == rows.Skip {
			skips[f.Row] = f.Reason
		}
	}
	wantSkips := map[string]string{
		"cache.crossRegion":         "requires elasticache-global-datastore (target moto does not serve it)",
		"budget.AI-Service-Monthly": "requires budgets (target moto does not serve it)",
	}
	if report.Summary.Failed+report.Summary.Errors != 0 || report.Summary.Passed < 80 || fmt.Sprint(skips) != fmt.Sprint(wantSkips) {
		t.Errorf("summary %+v, skips %v; want every row of moto's APIs passing and %v", report.Summary, skips, wantSkips)
	}
	xml, err := os.ReadFile(junit)
	if err != nil || !bytes.Contains(xml, []byte(`name="[It] scalable-targets frontend.minCapacity [compliance, scalable-targets]"`)) || !bytes.Contains(xml, []byte("<skipped")) {
		t.Errorf("JUnit report: %v\n%.600s", err, xml)
	}

	drift(t, profile)
	all, out, code = gamedaySplit(t, "check", "--target", profile, "--spec", shippedSpec, "--junit-report", junit)
	if code != 1 {
		t.Fatalf("check after drift exited %d, want 1\n%s", code, all)
	}
	for _, want := range []string{"ROW", "EXPECTED", "ACTUAL", "VERDICT", "frontend.maxCapacity", "FAIL ECS Service Auto-scaling Configuration [frontend.maxCapacity]: expected 10, actual 15 (service/main-cluster/frontend-service)", "1 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("drift table lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "\nFAIL ") != 1 {
		t.Errorf("one drift, more than one failure:\n%s", out)
	}
	// The suite's It fails with the same words.
	xml, err = os.ReadFile(junit)
	if err != nil || !bytes.Contains(xml, []byte(`<failure message="ECS Service Auto-scaling Configuration [frontend.maxCapacity]: expected 10, actual 15 (service/main-cluster/frontend-service)"`)) {
		t.Errorf("JUnit report after drift: %v\n%.600s", err, xml)
	}
}

func TestCheckRefuses(t *testing.T) {
	down := motoProfile(t, "http://127.0.0.1:1")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an unreachable target, naming its endpoint", []string{"check", "--target", down, "--spec", shippedSpec}, "endpoint http://127.0.0.1:1 unreachable"},
		{"provision of an unreachable target", []string{"provision", "--target", down, "--spec", shippedSpec}, "endpoint http://127.0.0.1:1 unreachable"},
		{"staging without a verified account", []string{"check", "--target", "staging", "--spec", shippedSpec}, "refusing to run"},
		{"no target", []string{"check"}, `required flag(s) "target" not set`},
		{"an unknown profile", []string{"check", "--target", "prod", "--spec", shippedSpec}, `no target profile "prod"`},
		{"an unknown format", []string{"check", "--target", down, "-o", "xml"}, `--output "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := runGameday(tt.args...)
			if code != 2 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tt.want)
			}
		})
	}
}

// drift changes the frontend's maximum as an engineer might by hand.
func drift(t *testing.T, profile string) {
	t.Helper()
	p, err := targets.Load(profile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := gdaws.New(context.Background(), gdaws.Target{Endpoint: p.Endpoints.AWS, Region: p.Regions.Primary})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AutoScaling.RegisterScalableTarget(context.Background(), &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: sdk.String("service/main-cluster/frontend-service"), MinCapacity: sdk.Int32(2), MaxCapacity: sdk.Int32(15),
	}); err != nil {
		t.Fatal(err)
	}
}

// motoProfile is the shipped moto profile pointed at endpoint.
func motoProfile(t *testing.T, endpoint string) string {
	t.Helper()
	p, err := targets.Load("moto")
	if err != nil {
		t.Fatal(err)
	}
	p.Endpoints.AWS = endpoint
	path := filepath.Join(t.TempDir(), "moto.yaml")
	if err := targets.Write(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}
