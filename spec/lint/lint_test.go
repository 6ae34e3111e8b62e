package lint_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/spec/lint"
)

const shipped = "../../fixtures/spec/platform.yaml"

func shippedText(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func run(t *testing.T, doc string) lint.Report {
	t.Helper()
	p, err := spec.Parse("platform.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("spec does not load:\n%v", err)
	}
	return lint.Run(p)
}

func find(r lint.Report, id string) (lint.Finding, bool) {
	for _, f := range r.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return lint.Finding{}, false
}

// The contradictions the runbook is known to hold, each with the runbook
// sections on both sides and a recorded decision.
func TestShippedSpecFindings(t *testing.T) {
	r := run(t, shippedText(t))
	tests := []struct {
		id       string
		sections []string
		detail   string
	}{
		{"ai-trigger-vs-policy", []string{"Scaling Triggers and Rules", "AI Service Queue-based Scaling"}, "scale out above 20, but the policy tracks 10"},
		{"frontend-trigger-vs-policy", []string{"Scaling Triggers and Rules", "ECS Service Auto-scaling Configuration"}, "scale in below 30, but AWS's low alarm fires below about 63"},
		{"api-thresholds-without-policy", []string{"Scaling Triggers and Rules", "ECS Service Auto-scaling Configuration"}, "above 1000 and scale in below 200"},
		{"ai-max-capacity", []string{"Scaling Limits", "Manual Scaling Procedures", "Pre-scaling for Known Events"}, "caps AI Service at 30"},
		{"unpublished-AWS-ApplicationELB-Latency", []string{"Recommended Monitoring Alerts"}, "TargetResponseTime"},
		{"alarm-APILatencyHigh-statistic", []string{"Recommended Monitoring Alerts"}, "--statistic p90"},
		{"alarm-APILatencyHigh-unit", []string{"Recommended Monitoring Alerts"}, "seconds"},
		{"custom-AIWritingEnhancement-AIServiceQueueDepth", []string{"AI Service Queue-based Scaling", "Monitoring Scaling Events"}, "names no publisher"},
		{"custom-AIWritingEnhancement-FailedScalingActivity", []string{"Recommended Monitoring Alerts"}, "names no publisher"},
		{"unpublished-AWS-ApplicationAutoScaling-DesiredCapacity", []string{"Monitoring Scaling Events"}, "DesiredTaskCount"},
		{"memory-allocation", []string{"Baseline Resource Allocation", "Resource Allocation Policy"}, "Frontend Service 2 GB vs 1 GB"},
		{"mongodb-regional-majority", []string{"MongoDB Atlas Configuration (Example)", "Failover Configuration"}, "2 of 3 electable nodes"},
		{"budget-tag-filter", []string{"Budget Alerts", "Cost Allocation Tags"}, "user:Feature$AIProcessing"},
		{"alias-hosted-zone", []string{"Route 53 Health Check Configuration"}, "Z2FDTNDATAQYW2"},
		{"api-desired-above-night-hours-scaling", []string{"Emergency Manual Scaling", "Scheduled Scaling"}, "sets it back to 10"},
		{"maintenance-vs-business-hours-scaling", []string{"Scheduled Maintenance Windows", "Scheduled Scaling"}, "US East on Tuesday 08:00-10:00 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			f, ok := find(r, tt.id)
			if !ok {
				t.Fatalf("no finding %s", tt.id)
			}
			for _, s := range tt.sections {
				if !slices.Contains(f.Sections, s) {
					t.Errorf("sections %q lack %q", f.Sections, s)
				}
			}
			if len(f.Sections) < 2 {
				t.Errorf("a finding names both sides; got %q", f.Sections)
			}
			if !strings.Contains(f.Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", f.Detail, tt.detail)
			}
			if f.Decision == nil || !strings.Contains(f.Authoritative(), f.Decision.Value) {
				t.Errorf("no authoritative value recorded: %s", f.Authoritative())
			}
			if f.At.Line == 0 || f.At.File != "platform.yaml" {
				t.Errorf("finding is not located in the spec: %+v", f.At)
			}
		})
	}
	if len(r.StaleDecisions) > 0 {
		t.Errorf("stale decisions: %v", r.StaleDecisions)
	}
	for _, f := range r.Findings {
		if f.Decision == nil {
			t.Errorf("finding %s has no decision in the shipped spec", f.ID)
		}
	}
}

// Each rule reacts to the spec, not to a list of expected ids: changing the
// runbook's side of a contradiction makes its finding appear or go away (and
// the decision left behind is then reported as stale).
func TestFindingsFollowTheSpec(t *testing.T) {
	type edit struct{ old, new string }
	tests := []struct {
		name   string
		edits  []edit
		appear string
		vanish string
		check  func(t *testing.T, r lint.Report)
	}{
		{name: "ALB metric fixed", edits: []edit{{"      metricName: Latency\n", "      metricName: TargetResponseTime\n"}}, vanish: "unpublished-AWS-ApplicationELB-Latency"},
		{name: "percentile moved out of --statistic", edits: []edit{{"      statistic: p90\n", "      statistic: Average\n"}}, vanish: "alarm-APILatencyHigh-statistic"},
		{name: "threshold in seconds", edits: []edit{{"      threshold: 500\n", "      threshold: 0.5\n"}}, vanish: "alarm-APILatencyHigh-unit"},
		{name: "task size Fargate refuses", edits: []edit{{"      vcpu: 0.5\n      memoryGiB: 1\n", "      vcpu: 0.5\n      memoryGiB: 8\n"}}, appear: "frontend-fargate-size"},
		{name: "failover region holds a majority", edits: []edit{{"electableNodes: 1, readOnlyNodes: 0, analyticsNodes: 0, priority: 6", "electableNodes: 3, readOnlyNodes: 0, analyticsNodes: 0, priority: 6"}, {"    numNodes: 3", "    numNodes: 5"}}, vanish: "mongodb-regional-majority"},
		{name: "budget filters on a tag that is set", edits: []edit{{"tagFilter: {key: Feature, value: AIProcessing}", "tagFilter: {key: Feature, value: DocumentEditor}"}}, vanish: "budget-tag-filter"},
		{name: "publisher named", edits: []edit{{"    source: AI Service Queue-based Scaling\n    publisher: \"\"", "    source: AI Service Queue-based Scaling\n    publisher: queue-depth-exporter"}}, vanish: "custom-AIWritingEnhancement-AIServiceQueueDepth"},
		{name: "pre-scaling within limits", edits: []edit{{"{service: frontend, minCapacity: 5, maxCapacity: 15}", "{service: frontend, minCapacity: 5, maxCapacity: 10}"}}, vanish: "frontend-max-capacity"},
		{name: "emergency within the night maximum", edits: []edit{{"desiredCount: 15,", "desiredCount: 10,"}}, vanish: "api-desired-above-night-hours-scaling"},
		{name: "business hours in a time zone", edits: []edit{{"    schedule: cron(0 8 ? * MON-FRI *)\n", "    schedule: cron(0 8 ? * MON-FRI *)\n    timezone: America/New_York\n"}}, vanish: "maintenance-vs-business-hours-scaling"},
		{name: "business hours after maintenance", edits: []edit{{"cron(0 8 ? * MON-FRI *)", "cron(0 11 ? * MON-FRI *)"}}, vanish: "maintenance-vs-business-hours-scaling"},
		{name: "undeclared custom metric", edits: []edit{{"metricName: AIServiceQueueDepth, dimensions", "metricName: AIQueueAge, dimensions"}}, appear: "custom-AIWritingEnhancement-AIQueueAge"},
		{name: "ECS metric AWS does not publish", edits: []edit{{"{namespace: AWS/ECS, metricName: CPUUtilization, dimensions: [{name: ServiceName, value: ai-service}", "{namespace: AWS/ECS, metricName: QueueDepth, dimensions: [{name: ServiceName, value: ai-service}"}}, appear: "unpublished-AWS-ECS-QueueDepth"},
		{name: "AI scale-in as AWS does it", edits: []edit{{"scaleIn: {below: 5, for: 10m}", "scaleIn: {below: 9, for: 15m}"}}, check: func(t *testing.T, r lint.Report) {
			f, _ := find(r, "ai-trigger-vs-policy")
			if strings.Contains(f.Detail, "scale in") {
				t.Errorf("AI scale-in still reported as contradicting AWS: %s", f.Detail)
			}
		}},
		{name: "one target group in ARN form", edits: []edit{{"value: tg-frontend}", "value: targetgroup/tg-frontend/73e2d6bc24d8a067}"}}, check: func(t *testing.T, r lint.Report) {
			f, _ := find(r, "dimension-TargetGroup")
			if strings.Contains(f.Detail, "tg-frontend") || !strings.Contains(f.Detail, "tg-api") {
				t.Errorf("want only tg-api reported, got %s", f.Detail)
			}
		}},
	}
	good := shippedText(t)
	before := run(t, good)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := good
			for _, e := range tt.edits {
				if !strings.Contains(doc, e.old) {
					t.Fatalf("test is stale: the spec no longer contains %q", e.old)
				}
				doc = strings.Replace(doc, e.old, e.new, 1)
			}
			r := run(t, doc)
			if tt.appear != "" {
				if _, ok := find(before, tt.appear); ok {
					t.Fatalf("%s is already reported before the change", tt.appear)
				}
				if _, ok := find(r, tt.appear); !ok {
					t.Errorf("%s does not appear", tt.appear)
				}
			}
			if tt.vanish != "" {
				if _, ok := find(r, tt.vanish); ok {
					t.Errorf("%s is still reported", tt.vanish)
				}
				if !staleFor(r, tt.vanish) {
					t.Errorf("the decision for %s is not reported stale", tt.vanish)
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func staleFor(r lint.Report, id string) bool {
	for _, p := range r.StaleDecisions {
		if p.Path == "decisions."+id {
			return true
		}
	}
	return false
}

func TestUndecidedFindingSaysWhatToAdd(t *testing.T) {
	doc := shippedText(t)
	i := strings.Index(doc, "  budget-tag-filter:\n")
	j := strings.Index(doc, "  cost-tags-on-ec2:\n")
	r := run(t, doc[:i]+doc[j:])
	f, ok := find(r, "budget-tag-filter")
	if !ok || f.Decision != nil {
		t.Fatalf("want an undecided budget-tag-filter finding, got %+v", f)
	}
	if !strings.Contains(f.Authoritative(), "UNDECIDED: add decisions.budget-tag-filter") {
		t.Errorf("authoritative says %q", f.Authoritative())
	}
}
