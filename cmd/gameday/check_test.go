package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
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
	wantSkips := map[string]string{"cache.crossRegion": "requires elasticache-global-datastore (target moto does not serve it)",
		"s3.crossRegion": "requires s3 (target moto does not serve it)"}
	for _, f := range report.Findings {
		if f.Area == rows.ReplicaSet {
			wantSkips[f.Row] = "requires mongodb (target moto names no MongoDB endpoint, endpoints.mongo)"
		}
	}
	if report.Summary.Failed+report.Summary.Errors != 0 || report.Summary.Passed < 85 || len(wantSkips) != 11 || fmt.Sprint(skips) != fmt.Sprint(wantSkips) {
		t.Errorf("summary %+v, skips %v; want every row of moto's APIs passing and %v", report.Summary, skips, wantSkips)
	}
	budgetRows := 0
	for _, f := range report.Findings {
		if f.Area == rows.Budget && f.Verdict == rows.Pass {
			budgetRows++
		}
	}
	if budgetRows != 6 {
		t.Errorf("%d budget rows passed, want 6 (present, limit, time unit, type, notification, tag filter)", budgetRows)
	}
	xml, err := os.ReadFile(junit)
	if err != nil || !bytes.Contains(xml, []byte(`name="[It] scalable-targets frontend.minCapacity [compliance, scalable-targets]"`)) || !bytes.Contains(xml, []byte("<skipped")) {
		t.Errorf("JUnit report: %v\n%.600s", err, xml)
	}
	checkTimeline(t, filepath.Join(filepath.Dir(junit), "compliance.timeline.jsonl"), report.Findings, "0 failed")

	drift(t, profile)
	timelineFile := filepath.Join(t.TempDir(), "drift.jsonl")
	all, out, code = gamedaySplit(t, "check", "--target", profile, "--spec", shippedSpec, "--junit-report", junit, "--timeline", timelineFile)
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
	events, err := timeline.ReadFile(timelineFile)
	if err != nil || !slices.ContainsFunc(events, func(e timeline.Event) bool {
		v, ok := e.Data.(timeline.Verdict)
		return ok && v.Spec == "frontend.maxCapacity" && v.RunbookRef == "ECS Service Auto-scaling Configuration" && v.Expected == "10" &&
			v.Observed == "15 (service/main-cluster/frontend-service)" && v.Status == timeline.Failed
	}) {
		t.Errorf("the --timeline file lacks the drift's verdict: %v\n%+v", err, events)
	}
}

// checkTimeline reads the timeline of a check: the compliance phase's
// start, a verdict per row as the findings have it, in the order they
// were judged, and the phase's end with the summary.
func checkTimeline(t *testing.T, path string, findings []rows.Finding, summary string) {
	t.Helper()
	events, err := timeline.ReadFile(path)
	if err != nil || len(events) != len(findings)+2 {
		t.Fatalf("timeline %s: %d events, %v; want %d rows between a start and an end", path, len(events), err, len(findings))
	}
	start, end := events[0].Data, events[len(events)-1].Data
	if start != (timeline.Phase{Name: "compliance", State: timeline.Started, Note: "target moto"}) {
		t.Errorf("first event %+v, want the compliance phase's start", start)
	}
	if p, ok := end.(timeline.Phase); !ok || p.State != timeline.Finished || !strings.Contains(p.Note, summary) {
		t.Errorf("last event %+v, want the compliance phase's end saying %q", end, summary)
	}
	verdicts := map[string]timeline.Verdict{}
	for i, e := range events[1 : len(events)-1] {
		v, ok := e.Data.(timeline.Verdict)
		if !ok || e.At.Before(events[i].At) {
			t.Errorf("event %d = %+v at %v, want a verdict after event %d at %v", e.Seq, e.Data, e.At, events[i].Seq, events[i].At)
		}
		verdicts[v.Spec] = v
	}
	for _, f := range findings {
		v := verdicts[f.Row]
		if v.RunbookRef != f.Section || v.Expected != f.Expected || v.Observed != f.Actual+" ("+f.Resource+")" || v.Message != f.Reason || (v.Status == timeline.Passed) != (f.Verdict == rows.Pass) {
			t.Errorf("verdict %+v, want the finding %+v", v, f)
		}
	}
}

// A profile that lists allowedAccounts runs only as an account on it:
// moto's is 123456789012. A refused run writes nothing.
func TestAllowedAccountsAgainstMoto(t *testing.T) {
	endpoint := motoserver.Start(t)
	refused, allowed := motoProfile(t, endpoint, "999999999999"), motoProfile(t, endpoint, "123456789012")
	const refusal = "target moto: caller account 123456789012 is not in allowedAccounts (999999999999): refusing to run"
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"provision as an unlisted account", []string{"provision", "--target", refused, "--spec", shippedSpec}, 2, refusal},
		{"check as an unlisted account", []string{"check", "--target", refused, "--spec", shippedSpec}, 2, refusal},
		{"provision as a listed account", []string{"provision", "--target", allowed, "--spec", shippedSpec}, 0, "ok    budget AI-Service-Monthly in account 123456789012"},
		{"check as a listed account", []string{"check", "--target", allowed, "--spec", shippedSpec}, 0, "0 failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// check runs its suite in a child gameday, so it runs as the
			// built binary.
			all, _, code := gamedaySplit(t, tt.args...)
			if code != tt.code || !strings.Contains(all, tt.want) {
				t.Errorf("exit %d; want %d and %q\n%s", code, tt.code, tt.want, all)
			}
		})
		if tt.code == 2 && clusters(t, endpoint) != 0 {
			t.Fatalf("%s wrote to moto", tt.name)
		}
	}
}

// clusters counts moto's ECS clusters, the first thing provision writes.
func clusters(t *testing.T, endpoint string) int {
	t.Helper()
	c, err := gdaws.New(context.Background(), gdaws.Target{Endpoint: endpoint, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.ECS.ListClusters(context.Background(), &ecs.ListClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.ClusterArns)
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
func drift(t *testing.T, target string) {
	t.Helper()
	p, err := profile.Load(target)
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

// motoProfile is the shipped moto profile pointed at endpoint, allowing
// only the accounts given, if any.
func motoProfile(t *testing.T, endpoint string, allowedAccounts ...string) string {
	t.Helper()
	p, err := profile.Load("moto")
	if err != nil {
		t.Fatal(err)
	}
	p.Endpoints.AWS = endpoint
	p.AllowedAccounts = allowedAccounts
	path := filepath.Join(t.TempDir(), "moto.yaml")
	if err := profile.Write(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}
