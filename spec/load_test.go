package spec_test

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/spec"
)

const shipped = "../fixtures/spec/platform.yaml"

func loadShipped(t *testing.T) *spec.Platform {
	t.Helper()
	p, err := spec.Load(shipped)
	if err != nil {
		t.Fatalf("the shipped spec does not load:\n%v", err)
	}
	return p
}

func readShipped(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The numbers suites depend on most, checked against the runbook's text so a
// careless edit of the spec is caught here rather than in a game day.
func TestShippedSpecHoldsTheRunbooksNumbers(t *testing.T) {
	p := loadShipped(t)
	fe, api, ai := p.Services[0], p.Services[1], p.Services[2]
	tests := []struct {
		name      string
		got, want any
	}{
		{"cluster", p.Cluster, "main-cluster"},
		{"frontend service", fe.ECSService, "frontend-service"},
		{"frontend min-max", [2]int{fe.ScalableTarget.MinCapacity, fe.ScalableTarget.MaxCapacity}, [2]int{2, 10}},
		{"frontend target", fe.Policies[0].TargetValue, 70.0},
		{"frontend scale-out cooldown", fe.Policies[0].ScaleOutCooldown.D(), 180 * time.Second},
		{"frontend scale-in cooldown", fe.Policies[0].ScaleInCooldown.D(), 600 * time.Second},
		{"frontend trigger duration", fe.Triggers.ScaleOut.For.D(), 3 * time.Minute},
		{"api min-max", [2]int{api.ScalableTarget.MinCapacity, api.ScalableTarget.MaxCapacity}, [2]int{2, 20}},
		{"api thresholds", [2]float64{*api.Triggers.ScaleOut.Above, *api.Triggers.ScaleIn.Below}, [2]float64{1000, 200}},
		{"ai max", ai.ScalableTarget.MaxCapacity, 30},
		{"ai queue metric", ai.Policies[0].CustomizedMetric.MetricName, "AIServiceQueueDepth"},
		{"task vCPU", [3]float64{fe.Allocation.VCPU, api.Allocation.VCPU, ai.Allocation.VCPU}, [3]float64{0.5, 1, 2}},
		{"business hours", p.ScheduledActions[0].Schedule.String(), "cron(0 8 ? * MON-FRI *)"},
		{"business hours capacity", [2]int{p.ScheduledActions[0].MinCapacity, p.ScheduledActions[0].MaxCapacity}, [2]int{4, 20}},
		{"health check", [3]any{p.Route53.HealthChecks[0].RequestInterval.D(), p.Route53.HealthChecks[0].FailureThreshold, p.Route53.HealthChecks[0].Port}, [3]any{30 * time.Second, 3, 443}},
		{"redis RPO", p.Replication.RPO[1].Below.D(), time.Minute},
		{"S3 RPO", p.Replication.RPO[2].Below.D(), 15 * time.Minute},
		{"latency alarm", [3]any{p.Alarms[1].ExtendedStatistic, p.Alarms[1].EvaluationPeriods, p.Alarms[1].Period.D()}, [3]any{"p90", 3, 5 * time.Minute}},
		{"budget", [2]float64{p.Budget.LimitAmount, p.Budget.Notification.Threshold}, [2]float64{5000, 80}},
		{"capacity goal", [2]int{p.CapacityGoal.MinConcurrentUsers, p.CapacityGoal.MaxConcurrentUsers}, [2]int{1000, 10000}},
		{"atlas priorities", [2]int{p.Replication.MongoDBAtlas.Regions[0].Priority, p.Replication.MongoDBAtlas.Regions[1].Priority}, [2]int{7, 6}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: spec has %v, runbook says %v", tt.name, tt.got, tt.want)
		}
	}
}

// Every `source:` must name a heading of the runbook, so a reader can find
// the text a number came from.
func TestSourcesNameRunbookSections(t *testing.T) {
	const runbook = "../../shared/runbook/scaling-strategies-and-operations.md"
	f, err := os.Open(runbook)
	if err != nil {
		t.Skipf("needs the runbook at %s to compare headings with (not found: %v)", runbook, err)
	}
	defer f.Close()
	headings := map[string]bool{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if h, ok := strings.CutPrefix(strings.TrimLeft(sc.Text(), "#"), " "); ok && strings.HasPrefix(sc.Text(), "#") {
			headings[h] = true
		}
	}
	source := regexp.MustCompile(`(?m)\bsource: (.+)$`)
	for i, line := range strings.Split(readShipped(t), "\n") {
		if m := source.FindStringSubmatch(line); m != nil && !headings[m[1]] {
			t.Errorf("platform.yaml:%d: source %q is not a heading of the runbook", i+1, m[1])
		}
	}
}

// Each broken spec is the shipped one with one edit; the problem must name
// the file, the line the edit is on (or, for a missing key, the line of the
// mapping it is missing from) and the key path.
func TestBrokenSpecsNameFileLineAndKeyPath(t *testing.T) {
	good := readShipped(t)
	tests := []struct {
		name     string
		old, new string // first occurrence of old is replaced
		line     string // text on the line the problem must point at
		path     string
		message  string
	}{
		{"syntax error in a mapping", "    name: business-hours-scaling", "    name: business: hours", "name: business: hours", "scheduledActions[0].name", "YAML syntax error: mapping values are not allowed"},
		{"syntax error in a flow list", "    name: business-hours-scaling", "    name: [business-hours-scaling", "name: [business", "scheduledActions[0].name", "YAML syntax error: did not find expected ',' or ']'"},
		{"syntax error in a flow mapping", "{service: ai, minCapacity: 5, maxCapacity: 40}", "{service: ai, minCapacity: 5, maxCapacity: 40]", "maxCapacity: 40]", "manualScaling.scalableTargets[0]", "YAML syntax error"},
		{"unknown key", "      storageGiB: 10\n", "      storageGB: 10\n", "storageGB: 10", "services[0].baseline.storageGB", `unknown key "storageGB"`},
		{"negative cooldown", "scaleInCooldown: 600s", "scaleInCooldown: -600s", "scaleInCooldown: -600s", "services[0].policies[0].scaleInCooldown", "must not be negative"},
		{"min above max", "      minCapacity: 2\n      maxCapacity: 10\n", "      minCapacity: 12\n      maxCapacity: 10\n", "    scalableTarget:", "services[0].scalableTarget", "minimum 12 is above maximum 10"},
		{"malformed cron", "cron(0 8 ? * MON-FRI *)", "cron(0 8 * * MON-FRI *)", "cron(0 8 * * MON-FRI *)", "scheduledActions[0].schedule", "exactly one of day-of-month"},
		{"unix cron", "cron(0 20 ? * MON-FRI *)", "cron(0 20 * * 1-5)", "cron(0 20 * * 1-5)", "scheduledActions[1].schedule", "cron needs 6 fields"},
		{"missing service", "    service: api\n    schedule: cron(0 8", "    service: payments\n    schedule: cron(0 8", "service: payments", "scheduledActions[0].service", `no service "payments"`},
		{"wrong type", "    - {service: ai, minCapacity: 5", "    - {service: ai, minCapacity: five", "minCapacity: five", "manualScaling.scalableTargets[0].minCapacity", `want a whole number, got text "five"`},
		{"duration without unit", "requestInterval: 30s", "requestInterval: 30", "requestInterval: 30", "route53.healthChecks[0].requestInterval", `duration "30" has no unit`},
		{"out of range percent", "reservedPercent: 50", "reservedPercent: 150", "reservedPercent: 150", "services[0].allocation.reservedPercent", "out of range: want 0 to 100"},
		{"out of range failure threshold", "failureThreshold: 3", "failureThreshold: 11", "failureThreshold: 11", "route53.healthChecks[0].failureThreshold", "want 1 to 10"},
		{"unknown enum", "      type: HTTPS\n", "      type: HTTPX\n", "type: HTTPX", "route53.healthChecks[0].type", `"HTTPX" is not one of HTTP, HTTPS`},
		{"missing required key", "      failureThreshold: 3\n", "", "    - id: primary", "route53.healthChecks[0].failureThreshold", `required key "failureThreshold" is missing`},
		{"duplicate key", "      port: 443\n", "      port: 443\n      port: 8443\n", "port: 8443", "route53.healthChecks[0].port", "appears twice"},
		{"dangling health check", "      healthCheck: primary", "      healthCheck: secondary", "healthCheck: secondary", "route53.failoverRecords[0].healthCheck", `no health check "secondary"`},
		{"scale-in above scale-out", "scaleIn: {below: 30, for: 10m}", "scaleIn: {below: 80, for: 10m}", "scaleIn: {below: 80", "services[0].triggers.scaleIn.below", "must be below the scale-out threshold"},
		{"request interval AWS lacks", "requestInterval: 30s", "requestInterval: 20s", "requestInterval: 20s", "route53.healthChecks[0].requestInterval", "every 10s or 30s"},
		{"schema version", "schemaVersion: 1", "schemaVersion: 2", "schemaVersion: 2", "schemaVersion", "schema version 2"},
		{"statistic and percentile", "    extendedStatistic: p90\n", "    extendedStatistic: p90\n    statistic: Average\n", "  - source: Recommended Monitoring Alerts\n    name: APILatencyHigh", "alarms[1]", "exactly one of statistic and extendedStatistic"},
		{"atlas node count", "    numNodes: 3", "    numNodes: 5", "numNodes: 5", "replication.mongodbAtlas.numNodes", "numNodes is 5 but the regions have 3"},
		{"list where a mapping belongs", "    baseline:\n      source: Baseline Resource Allocation\n      vcpu: {min: 0.5, max: 1}", "    baseline:\n      source: Baseline Resource Allocation\n      vcpu: [0.5, 1]", "vcpu: [0.5, 1]", "services[0].baseline.vcpu", "want a mapping of keys, got a list"},
		{"null value", "cluster: main-cluster", "cluster:", "cluster:", "cluster", "has no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("test is stale: the shipped spec no longer contains %q", tt.old)
			}
			broken := strings.Replace(good, tt.old, tt.new, 1)
			_, err := spec.Parse("broken.yaml", []byte(broken))
			if err == nil {
				t.Fatal("loaded without error")
			}
			var problems spec.Problems
			if !errors.As(err, &problems) {
				t.Fatalf("error is %T, want spec.Problems: %v", err, err)
			}
			want := "broken.yaml:" + strconv.Itoa(lineOf(t, broken, tt.line)) + ":"
			for _, p := range problems {
				if strings.HasPrefix(p.Error(), want) && p.Path == tt.path && strings.Contains(p.Message, tt.message) {
					return
				}
			}
			t.Errorf("no problem at %s with path %s saying %q; got:\n%v", want, tt.path, tt.message, err)
		})
	}
}

// lineOf is the 1-based line on which text starts (its last line, if text
// spans lines and begins with a newline-terminated context).
func lineOf(t *testing.T, doc, text string) int {
	t.Helper()
	i := strings.Index(doc, text)
	if i < 0 {
		t.Fatalf("%q is not in the document", text)
	}
	return strings.Count(doc[:i+len(strings.TrimRight(text, "\n"))], "\n") + 1 - strings.Count(strings.TrimRight(text, "\n"), "\n")
}

func TestWholeDocumentProblems(t *testing.T) {
	tests := []struct {
		name, doc, message string
		line               int
	}{
		{"empty", "", "the spec is empty", 1},
		{"only a comment", "# nothing\n", "the spec is empty", 1},
		{"two documents", readShipped(t) + "---\nextra: 1\n", "a second YAML document", strings.Count(readShipped(t), "\n") + 1},
		{"a list, not a mapping", "- 1\n- 2\n", "want a mapping of keys, got a list", 1},
		{"aliases expanding too far", bomb(), "expands (through aliases) too far", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spec.Parse("x.yaml", []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("want an error saying %q, got %v", tt.message, err)
			}
			if tt.line > 0 && !strings.Contains(err.Error(), "x.yaml:"+strconv.Itoa(tt.line)+":") {
				t.Errorf("want line %d in %v", tt.line, err)
			}
		})
	}
}

// bomb is a small document whose aliases, nested the way the model nests
// lists, would expand to millions of nodes.
func bomb() string {
	fan := func(alias string) string { return "[" + strings.Repeat(alias+", ", 199) + alias + "]" }
	return "d: &d {name: n, value: v}\n" +
		"p: &p {source: s, name: n, type: TargetTrackingScaling, targetValue: 1, scaleOutCooldown: 1s, scaleInCooldown: 1s, customizedMetric: {metricName: m, namespace: n, statistic: Sum, dimensions: " + fan("*d") + "}}\n" +
		"s: &s {id: x, policies: " + fan("*p") + "}\n" +
		"services: " + fan("*s") + "\n"
}

func TestProblemsAreAllReported(t *testing.T) {
	broken := strings.Replace(readShipped(t), "reservedPercent: 50", "reservedPercent: 150", 1)
	broken = strings.Replace(broken, "failureThreshold: 3", "failureThreshold: 0", 1)
	_, err := spec.Parse("b.yaml", []byte(broken))
	var problems spec.Problems
	if !errors.As(err, &problems) || len(problems) != 2 {
		t.Fatalf("want both problems reported at once, got %v", err)
	}
}

func TestLoadNamesAMissingFile(t *testing.T) {
	_, err := spec.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}
