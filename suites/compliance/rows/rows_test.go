package rows_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/targets/profile"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	budgetstypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/drivers/mongo"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/suites/compliance/rows"
)

func platform(t *testing.T) *spec.Platform {
	t.Helper()
	p, err := spec.Load("../../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// compliant is a target configured exactly as the spec says, built the way
// AWS would return it (pointers, trailing dots, defaults left unset).
func compliant(p *spec.Platform, n profile.ResourceNames) *rows.Observed {
	o := &rows.Observed{TaskDefinitions: map[string]ecstypes.TaskDefinition{}, Dashboards: map[string]string{}}
	for _, s := range p.Services {
		rid := n.ResourceID(p, s)
		o.ScalableTargets = append(o.ScalableTargets, aastypes.ScalableTarget{ResourceId: sdk.String(rid), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
			MinCapacity: sdk.Int32(int32(s.ScalableTarget.MinCapacity)), MaxCapacity: sdk.Int32(int32(s.ScalableTarget.MaxCapacity))})
		for _, pol := range s.Policies {
			c := &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: sdk.Float64(pol.TargetValue),
				ScaleOutCooldown: sdk.Int32(int32(pol.ScaleOutCooldown.Seconds())), ScaleInCooldown: sdk.Int32(int32(pol.ScaleInCooldown.Seconds()))}
			if pol.PredefinedMetric != "" {
				c.PredefinedMetricSpecification = &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricType(pol.PredefinedMetric)}
			}
			if m := pol.CustomizedMetric; m != nil {
				cm := &aastypes.CustomizedMetricSpecification{MetricName: sdk.String(m.MetricName), Namespace: sdk.String(m.Namespace), Statistic: aastypes.MetricStatistic(m.Statistic), Unit: sdk.String(m.Unit)}
				for _, d := range m.Dimensions {
					cm.Dimensions = append(cm.Dimensions, aastypes.MetricDimension{Name: sdk.String(d.Name), Value: sdk.String(d.Value)})
				}
				c.CustomizedMetricSpecification = cm
			}
			o.ScalingPolicies = append(o.ScalingPolicies, aastypes.ScalingPolicy{ResourceId: sdk.String(rid), PolicyName: sdk.String(pol.Name),
				PolicyType: aastypes.PolicyType(pol.Type), TargetTrackingScalingPolicyConfiguration: c})
		}
		arn := "arn:aws:ecs:us-east-1:123456789012:task-definition/" + s.ECSService + ":1"
		svc := ecstypes.Service{ServiceName: sdk.String(n.ServiceOf(s)), TaskDefinition: sdk.String(arn)}
		for _, tag := range p.CostAllocationTags.Tags {
			svc.Tags = append(svc.Tags, ecstypes.Tag{Key: sdk.String(tag.Key), Value: sdk.String(tag.Value)})
		}
		o.Services = append(o.Services, svc)
		o.TaskDefinitions[arn] = ecstypes.TaskDefinition{Cpu: sdk.String(strconv.Itoa(int(s.Allocation.VCPU * 1024))), Memory: sdk.String(strconv.Itoa(int(s.Allocation.MemoryGiB * 1024)))}
	}
	for _, a := range p.ScheduledActions {
		for _, s := range p.Services {
			if s.ID == a.Service {
				o.ScheduledActions = append(o.ScheduledActions, aastypes.ScheduledAction{ResourceId: sdk.String(n.ResourceID(p, s)), ScheduledActionName: sdk.String(a.Name),
					Schedule: sdk.String(a.Schedule.String()), ScalableTargetAction: &aastypes.ScalableTargetAction{MinCapacity: sdk.Int32(int32(a.MinCapacity)), MaxCapacity: sdk.Int32(int32(a.MaxCapacity))}})
			}
		}
	}
	for _, a := range p.Alarms {
		m := cwtypes.MetricAlarm{AlarmName: sdk.String(a.Name), MetricName: sdk.String(a.MetricName), Namespace: sdk.String(a.Namespace),
			Statistic: cwtypes.Statistic(a.Statistic), Period: sdk.Int32(int32(a.Period.Seconds())), Threshold: sdk.Float64(a.Threshold),
			ComparisonOperator: cwtypes.ComparisonOperator(a.Comparison), EvaluationPeriods: sdk.Int32(int32(a.EvaluationPeriods)), AlarmActions: a.AlarmActions}
		if a.ExtendedStatistic != "" {
			m.ExtendedStatistic = sdk.String(a.ExtendedStatistic)
		}
		for _, d := range slices.Backward(a.Dimensions) {
			m.Dimensions = append(m.Dimensions, cwtypes.Dimension{Name: sdk.String(d.Name), Value: sdk.String(d.Value)})
		}
		o.Alarms = append(o.Alarms, m)
	}
	ids := map[string]string{}
	for _, hc := range p.Route53.HealthChecks {
		ids[hc.ID] = "hc-" + hc.ID
		o.HealthChecks = append(o.HealthChecks, gdaws.HealthCheck{Tags: map[string]string{"Name": hc.ID}, HealthCheck: r53types.HealthCheck{Id: sdk.String(ids[hc.ID]),
			HealthCheckConfig: &r53types.HealthCheckConfig{Type: r53types.HealthCheckType(hc.Type), Port: sdk.Int32(int32(hc.Port)), ResourcePath: sdk.String(hc.ResourcePath),
				FullyQualifiedDomainName: sdk.String(hc.FQDN), RequestInterval: sdk.Int32(int32(hc.RequestInterval.Seconds())), FailureThreshold: sdk.Int32(int32(hc.FailureThreshold))}}})
	}
	for _, r := range p.Route53.FailoverRecords {
		rr := r53types.ResourceRecordSet{Name: sdk.String(r.Name + "."), Type: r53types.RRType(r.Type), SetIdentifier: sdk.String(r.SetIdentifier), Failover: r53types.ResourceRecordSetFailover(r.Failover)}
		if r.HealthCheck != "" {
			rr.HealthCheckId = sdk.String(ids[r.HealthCheck])
		}
		if r.Alias != nil {
			rr.AliasTarget = &r53types.AliasTarget{EvaluateTargetHealth: r.Alias.EvaluateTargetHealth}
		}
		o.RecordSets = append(o.RecordSets, rr)
	}
	o.ReplicationGroup = &ectypes.ReplicationGroup{MemberClusters: make([]string, p.DataTier.Cache.Baseline.MinNodes), ClusterEnabled: sdk.Bool(true),
		GlobalReplicationGroupInfo: &ectypes.GlobalReplicationGroupInfo{GlobalReplicationGroupId: sdk.String("ldgnf-main-cache")}}
	o.ContentReplication = replicatedContent()
	type metric []string
	var widgets []map[string]any
	for _, w := range p.Dashboard.Widgets {
		var ms []metric
		for _, m := range w.Metrics {
			mm := metric{m.Namespace, m.MetricName}
			for _, d := range m.Dimensions {
				mm = append(mm, d.Name, d.Value)
			}
			ms = append(ms, mm)
		}
		widgets = append(widgets, map[string]any{"type": "metric", "x": w.Position.X, "y": w.Position.Y, "width": w.Position.Width, "height": w.Position.Height,
			"properties": map[string]any{"title": w.Title, "region": w.Region, "period": w.Period.Seconds(), "stat": w.Stat, "metrics": ms}})
	}
	body, _ := json.Marshal(map[string]any{"widgets": widgets})
	o.Dashboards[p.Dashboard.Name] = string(body)
	b, bn := p.Budget, p.Budget.Notification
	o.Budget = &gdaws.Budget{
		Budget: budgetstypes.Budget{BudgetName: sdk.String(b.Name), BudgetType: budgetstypes.BudgetType(b.BudgetType), TimeUnit: budgetstypes.TimeUnit(b.TimeUnit),
			BudgetLimit:      &budgetstypes.Spend{Amount: sdk.String(strconv.FormatFloat(b.LimitAmount, 'f', 1, 64)), Unit: sdk.String(b.Unit)},
			FilterExpression: &budgetstypes.Expression{Tags: &budgetstypes.TagValues{Key: sdk.String(b.TagFilter.Key), Values: []string{b.TagFilter.Value}}}},
		Notifications: []budgetstypes.Notification{
			{NotificationType: budgetstypes.NotificationTypeForecasted, ComparisonOperator: budgetstypes.ComparisonOperatorGreaterThan, Threshold: 100, ThresholdType: budgetstypes.ThresholdTypePercentage},
			{NotificationType: budgetstypes.NotificationType(bn.Type), ComparisonOperator: budgetstypes.ComparisonOperator(bn.Comparison), Threshold: bn.Threshold, ThresholdType: budgetstypes.ThresholdType(bn.ThresholdType)},
		},
	}
	o.ReplicaSet = atlasMembers()
	return o
}

// replicaARN is the content bucket's replica in the failover region.
const replicaARN = "arn:aws:s3:::content-replica"

// replicatedContent is the content bucket replicating every object to
// the failover region under Replication Time Control, as
// GetBucketReplication returns it.
func replicatedContent() *gdaws.BucketReplication {
	return &gdaws.BucketReplication{Bucket: "content", DestinationRegions: map[string]string{replicaARN: "us-west-2"},
		Configuration: &s3types.ReplicationConfiguration{Role: sdk.String("arn:aws:iam::123456789012:role/replication"), Rules: []s3types.ReplicationRule{{
			ID: sdk.String("content"), Status: s3types.ReplicationRuleStatusEnabled, Priority: sdk.Int32(1), Filter: &s3types.ReplicationRuleFilter{Prefix: sdk.String("")},
			Destination: &s3types.Destination{Bucket: sdk.String(replicaARN),
				Metrics:         &s3types.Metrics{Status: s3types.MetricsStatusEnabled, EventThreshold: &s3types.ReplicationTimeValue{Minutes: sdk.Int32(15)}},
				ReplicationTime: &s3types.ReplicationTime{Status: s3types.ReplicationTimeStatusEnabled, Time: &s3types.ReplicationTimeValue{Minutes: sdk.Int32(15)}}},
		}}}}
}

// atlasMembers is the runbook's Atlas layout as Atlas tags it: two
// electable members at priority 7 in US_EAST_1, one at 6 in US_WEST_2.
func atlasMembers() []mongo.Member {
	return []mongo.Member{member("a:27017", 7, "US_EAST_1"), member("b:27017", 7, "US_EAST_1"), member("f:27017", 6, "US_WEST_2")}
}

func member(host string, priority float64, region string, tags ...string) mongo.Member {
	m := mongo.Member{Host: host, Priority: priority, Votes: 1, Tags: map[string]string{mongo.RegionTag: region}}
	for i := 0; i+1 < len(tags); i += 2 {
		m.Tags[tags[i]] = tags[i+1]
	}
	return m
}

func judgeAll(p *spec.Platform, n profile.ResourceNames, o *rows.Observed) map[rows.Verdict][]string {
	out := map[rows.Verdict][]string{}
	for _, r := range rows.Rows(p, n) {
		f := r.Judge(o)
		out[f.Verdict] = append(out[f.Verdict], f.Row)
	}
	return out
}

func TestACompliantTargetPasses(t *testing.T) {
	p := platform(t)
	for _, n := range []profile.ResourceNames{{}, {HealthCheckTag: "Name"}} {
		got := judgeAll(p, n, compliant(p, n))
		if len(got[rows.Fail]) > 0 || len(got[rows.Error]) > 0 || len(got[rows.Skip]) > 0 {
			t.Errorf("names %+v: failing rows %v, skipped %v", n, got[rows.Fail], got[rows.Skip])
		}
	}
}

func TestRowIDsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rows.Rows(platform(t), profile.ResourceNames{}) {
		if seen[r.ID] {
			t.Errorf("row id %s twice", r.ID)
		}
		seen[r.ID] = true
		if r.Section == "" || r.Needs == "" || r.Expected == "" {
			t.Errorf("row %s lacks a section, capability or expectation: %+v", r.ID, r)
		}
	}
}

// Each drift makes exactly its own row fail; rows about a missing resource
// skip rather than fail with it. The ids are the sandbox's deviation keys.
func TestEachDriftFailsExactlyItsRow(t *testing.T) {
	p := platform(t)
	tests := []struct {
		row      string
		drift    func(o *rows.Observed)
		actual   string
		skipped  []string
		resource string
	}{
		{"frontend.minCapacity", func(o *rows.Observed) { o.ScalableTargets[0].MinCapacity = sdk.Int32(1) }, "1", nil, "service/main-cluster/frontend-service"},
		{"ai.maxCapacity", func(o *rows.Observed) { o.ScalableTargets[2].MaxCapacity = sdk.Int32(40) }, "40", nil, "service/main-cluster/ai-service"},
		{"frontend.targetValue", func(o *rows.Observed) {
			o.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue = sdk.Float64(50)
		}, "50", nil, ""},
		{"ai.scaleInCooldown", func(o *rows.Observed) {
			o.ScalingPolicies[1].TargetTrackingScalingPolicyConfiguration.ScaleInCooldown = nil
		}, "300s", nil, ""},
		{"frontend.scaleOutCooldown", func(o *rows.Observed) {
			o.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown = sdk.Int32(60)
		}, "60s", nil, ""},
		{"ai.metric", func(o *rows.Observed) {
			o.ScalingPolicies[1].TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Statistic = aastypes.MetricStatisticMaximum
		}, "AIWritingEnhancement/AIServiceQueueDepth ServiceName=ai-service Maximum Count", nil, ""},
		{"ai.policy", func(o *rows.Observed) { o.ScalingPolicies = o.ScalingPolicies[:1] }, "absent",
			[]string{"ai.metric", "ai.targetValue", "ai.scaleOutCooldown", "ai.scaleInCooldown"}, "service/main-cluster/ai-service policy queue-depth-scaling-policy"},
		{"scheduled.business-hours-scaling.schedule", func(o *rows.Observed) { o.ScheduledActions[0].Schedule = sdk.String("cron(0 9 ? * MON-FRI *)") }, "cron(0 9 ? * MON-FRI *)", nil, ""},
		{"scheduled.night-hours-scaling.timezone", func(o *rows.Observed) { o.ScheduledActions[1].Timezone = sdk.String("Europe/Berlin") }, "Europe/Berlin", nil, ""},
		{"scheduled.night-hours-scaling", func(o *rows.Observed) { o.ScheduledActions = o.ScheduledActions[:1] }, "absent",
			[]string{"scheduled.night-hours-scaling.schedule", "scheduled.night-hours-scaling.timezone", "scheduled.night-hours-scaling.minCapacity", "scheduled.night-hours-scaling.maxCapacity"}, ""},
		{"alarm.APILatencyHigh.statistic", func(o *rows.Observed) {
			o.Alarms[1].ExtendedStatistic = nil
			o.Alarms[1].Statistic = cwtypes.StatisticAverage
		}, "Average", nil, "alarm APILatencyHigh"},
		{"alarm.APILatencyHigh.threshold", func(o *rows.Observed) { o.Alarms[1].Threshold = sdk.Float64(500) }, "500", nil, ""},
		{"alarm.AutoScalingFailure.period", func(o *rows.Observed) { o.Alarms[0].Period = sdk.Int32(60) }, "60s", nil, ""},
		{"alarm.AutoScalingFailure.actions", func(o *rows.Observed) { o.Alarms[0].AlarmActions = nil }, "(no actions)", nil, ""},
		{"alarm.APILatencyHigh.datapointsToAlarm", func(o *rows.Observed) { o.Alarms[1].DatapointsToAlarm = sdk.Int32(2) }, "2", nil, ""},
		{"alarm.APILatencyHigh.dimensions", func(o *rows.Observed) { o.Alarms[1].Dimensions = nil }, "(no dimensions)", nil, ""},
		{"api.cpu", func(o *rows.Observed) {
			td := o.TaskDefinitions[*o.Services[1].TaskDefinition]
			td.Cpu = sdk.String("2048")
			o.TaskDefinitions[*o.Services[1].TaskDefinition] = td
		}, "2048", nil, ""},
		{"ai.tags", func(o *rows.Observed) { o.Services[2].Tags = o.Services[2].Tags[:1] }, "CostCenter=AIProcessing, Feature=(none)", nil, ""},
		{"healthcheck.primary.failureThreshold", func(o *rows.Observed) { o.HealthChecks[0].HealthCheckConfig.FailureThreshold = sdk.Int32(5) }, "5", nil, ""},
		{"healthcheck.primary.requestInterval", func(o *rows.Observed) { o.HealthChecks[0].HealthCheckConfig.RequestInterval = sdk.Int32(10) }, "10s", nil, ""},
		{"failover.Primary.healthCheck", func(o *rows.Observed) { o.RecordSets[0].HealthCheckId = nil }, "no health check", nil, ""},
		{"failover.Secondary.role", func(o *rows.Observed) { o.RecordSets[1].Failover = r53types.ResourceRecordSetFailoverPrimary }, "PRIMARY", nil, "A api.example.com. set Secondary"},
		{"cache.nodes", func(o *rows.Observed) { o.ReplicationGroup.MemberClusters = o.ReplicationGroup.MemberClusters[:1] }, "1 nodes", nil, ""},
		{"cache.crossRegion", func(o *rows.Observed) { o.ReplicationGroup.GlobalReplicationGroupInfo = nil }, "no global datastore", nil, ""},
		{"s3.crossRegion", func(o *rows.Observed) { o.ContentReplication.Configuration.Rules[0].Destination.ReplicationTime = nil },
			"rule content to arn:aws:s3:::content-replica (us-west-2): Replication Time Control not enabled", nil, ""},
		{"budget.AI-Service-Monthly", func(o *rows.Observed) { o.Budget = nil }, "absent", []string{"budget.AI-Service-Monthly.limit",
			"budget.AI-Service-Monthly.timeUnit", "budget.AI-Service-Monthly.budgetType", "budget.AI-Service-Monthly.notification", "budget.AI-Service-Monthly.tagFilter"}, "budget AI-Service-Monthly"},
		{"budget.AI-Service-Monthly.limit", func(o *rows.Observed) { o.Budget.BudgetLimit.Amount = sdk.String("4000.0") }, "4000 USD", nil, ""},
		{"budget.AI-Service-Monthly.timeUnit", func(o *rows.Observed) { o.Budget.TimeUnit = budgetstypes.TimeUnitQuarterly }, "QUARTERLY", nil, ""},
		{"budget.AI-Service-Monthly.notification", func(o *rows.Observed) { o.Budget.Notifications[1].Threshold = 90 },
			"FORECASTED GREATER_THAN 100 PERCENTAGE, ACTUAL GREATER_THAN 90 PERCENTAGE", nil, ""},
		{"budget.AI-Service-Monthly.notification", func(o *rows.Observed) { o.Budget.Notifications = nil }, "(no notifications)", nil, ""},
		{"budget.AI-Service-Monthly.tagFilter", func(o *rows.Observed) { o.Budget.FilterExpression = nil }, "(no tag filters)", nil, ""},
		{"budget.AI-Service-Monthly.tagFilter", func(o *rows.Observed) { o.Budget.FilterExpression.Tags.Values[0] = "Editor" }, "user:Feature$Editor", nil, ""},
		{"mongo.US_WEST_2.priority", func(o *rows.Observed) { o.ReplicaSet[2].Priority = 8 }, "member f:27017 in US_WEST_2: priority 8", nil, "replica set production-cluster"},
		{"dashboard.ScalingActivities.ai-service-queue-depth", func(o *rows.Observed) {
			o.Dashboards["ScalingActivities"] = strings.Replace(o.Dashboards["ScalingActivities"], `"period":60`, `"period":300`, 1)
		}, "12x6 at (0,6), us-east-1, 300s Average: AIWritingEnhancement AIServiceQueueDepth ServiceName=ai-service", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			o := compliant(p, profile.ResourceNames{})
			tt.drift(o)
			var failed, skipped []rows.Finding
			for _, r := range rows.Rows(p, profile.ResourceNames{}) {
				switch f := r.Judge(o); f.Verdict {
				case rows.Fail, rows.Error:
					failed = append(failed, f)
				case rows.Skip:
					skipped = append(skipped, f)
				}
			}
			if len(failed) != 1 || failed[0].Row != tt.row {
				t.Fatalf("failed rows %+v, want exactly %s", failed, tt.row)
			}
			f := failed[0]
			if f.Actual != tt.actual || f.Section == "" || f.Expected == "" || !strings.Contains(f.String(), f.Section) {
				t.Errorf("finding %+v: want actual %q, a section and an expectation", f, tt.actual)
			}
			if tt.resource != "" && f.Resource != tt.resource {
				t.Errorf("resource %q, want %q", f.Resource, tt.resource)
			}
			var skippedIDs []string
			for _, s := range skipped {
				skippedIDs = append(skippedIDs, s.Row)
				if !strings.Contains(s.Reason, "see row "+tt.row) {
					t.Errorf("skip of %s says %q, not which row to see", s.Row, s.Reason)
				}
			}
			if !slices.Equal(skippedIDs, tt.skipped) {
				t.Errorf("skipped %v, want %v", skippedIDs, tt.skipped)
			}
		})
	}
}

func TestTargetNames(t *testing.T) {
	p := platform(t)
	n := profile.ResourceNames{Cluster: "prod", Services: map[string]string{"api": "api-v2"}, DNS: map[string]string{"api.example.com": "api.corp.test", "api-primary.example.com": "api-east.corp.test"}}
	o := compliant(p, n)
	for i := range o.RecordSets {
		o.RecordSets[i].Name = sdk.String("API.corp.test")
	}
	o.HealthChecks[0].HealthCheckConfig.FullyQualifiedDomainName = sdk.String("api-east.corp.test")
	got := judgeAll(p, n, o)
	if len(got[rows.Fail]) > 0 {
		t.Errorf("renamed resources fail: %v", got[rows.Fail])
	}
	for _, r := range rows.Rows(p, n) {
		if r.ID == "api.minCapacity" && r.Resource != "service/prod/api-v2" {
			t.Errorf("api resource %q", r.Resource)
		}
	}
}

// Every row needs a capability a profile can have, so none is skipped
// for a name no target could serve.
func TestRowsNeedKnownCapabilities(t *testing.T) {
	all := &profile.Profile{Name: "all", Serves: []profile.Capability{profile.ECS, profile.AutoScaling, profile.CloudWatch, profile.Route53,
		profile.ElastiCache, profile.GlobalDatastore, profile.ClusterMode, profile.Budgets, profile.S3}, Endpoints: profile.Endpoints{Mongo: "mongodb://127.0.0.1"}}
	for _, r := range rows.Rows(platform(t), profile.ResourceNames{}) {
		if reason := all.Lacks(r.Needs); reason != "" {
			t.Errorf("row %s: %s", r.ID, reason)
		}
	}
}

// The replica set's rows are CheckLayout's reading, a departure to the row
// whose number it names and the rest to mongo.members: no departure is
// lost and none fails two rows.
func TestReplicaSetRows(t *testing.T) {
	p := platform(t)
	atlas := atlasMembers()
	tests := []struct {
		name    string
		members []mongo.Member
		// failed is each failing row with its actual.
		failed map[string]string
	}{
		{"the runbook's layout", atlas, nil},
		{"tagged by the spec's role", []mongo.Member{member("a", 7, "primary"), member("b", 7, "primary"), member("f", 6, "failover")}, nil},
		{"a member short in the failover region", atlas[:2], map[string]string{
			"mongo.members": "2 data-bearing members", "mongo.US_WEST_2.electableNodes": "0 electable members"}},
		{"the failover member outranks the primary region", []mongo.Member{atlas[0], atlas[1], member("f:27017", 8, "US_WEST_2")}, map[string]string{
			"mongo.US_WEST_2.priority": "member f:27017 in US_WEST_2: priority 8"}},
		{"both primary members at the wrong priority", []mongo.Member{member("a:27017", 5, "US_EAST_1"), member("b:27017", 6, "US_EAST_1"), atlas[2]}, map[string]string{
			"mongo.US_EAST_1.priority": "member a:27017 in US_EAST_1: priority 5; member b:27017 in US_EAST_1: priority 6"}},
		{"an electable member moved to the failover region", []mongo.Member{atlas[0], member("b:27017", 7, "US_WEST_2"), atlas[2]}, map[string]string{
			"mongo.US_EAST_1.electableNodes": "1 electable members", "mongo.US_WEST_2.electableNodes": "2 electable members", "mongo.US_WEST_2.priority": "member b:27017 in US_WEST_2: priority 7"}},
		{"a read-only member instead of an electable one", []mongo.Member{atlas[0], member("b:27017", 0, "US_EAST_1"), atlas[2]}, map[string]string{
			"mongo.US_EAST_1.electableNodes": "1 electable members", "mongo.US_EAST_1.readOnlyNodes": "1 read-only members"}},
		{"an analytics member added", append(slices.Clone(atlas), member("x:27017", 0, "US_WEST_2", "nodeType", "ANALYTICS")), map[string]string{
			"mongo.members": "4 data-bearing members", "mongo.US_WEST_2.analyticsNodes": "1 analytics members"}},
		{"an arbiter added", append(slices.Clone(atlas), mongo.Member{Host: "arb:27017", ArbiterOnly: true}), map[string]string{
			"mongo.members": "member arb:27017 is an arbiter; the layout has none"}},
		{"a member tagged with no region of the layout", []mongo.Member{atlas[0], atlas[1], member("f:27017", 6, "EU_WEST_1")}, map[string]string{
			"mongo.members":                  `member f:27017: region tag "EU_WEST_1" names no region of the layout (US_EAST_1 or primary; US_WEST_2 or failover)`,
			"mongo.US_WEST_2.electableNodes": "0 electable members"}},
		{"no members", nil, map[string]string{
			"mongo.members": "0 data-bearing members", "mongo.US_EAST_1.electableNodes": "0 electable members", "mongo.US_WEST_2.electableNodes": "0 electable members"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &rows.Observed{ReplicaSet: tt.members}
			got := map[string]string{}
			judged := 0
			for _, r := range rows.Rows(p, profile.ResourceNames{}) {
				if r.Area != rows.ReplicaSet {
					continue
				}
				judged++
				f := r.Judge(o)
				switch {
				case f.Verdict == rows.Fail:
					got[f.Row] = f.Actual
				case f.Verdict != rows.Pass || f.Actual != f.Expected:
					t.Errorf("%s: %+v, want a pass that reads as expected", f.Row, f)
				}
			}
			if judged != 9 {
				t.Errorf("%d replica set rows, want 9 (members, and per region electable, read-only, analytics and priority)", judged)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.failed) {
				t.Errorf("failed rows\n %v\nwant\n %v", got, tt.failed)
			}
		})
	}
}

// The S3 content's RPO of 15 minutes is met by configuration only: S3
// commits to a replication time only under Replication Time Control, at
// 15 minutes. Any rule that meets it passes; otherwise the finding says
// what each rule lacks.
func TestContentReplication(t *testing.T) {
	rule := func(change func(r *s3types.ReplicationRule)) *gdaws.BucketReplication {
		b := replicatedContent()
		change(&b.Configuration.Rules[0])
		return b
	}
	tests := []struct {
		name    string
		bucket  *gdaws.BucketReplication
		rpo     string
		verdict rows.Verdict
		actual  string
	}{
		{"replicated under RTC to the failover region", replicatedContent(), "", rows.Pass, "rule content to " + replicaARN + " (us-west-2)"},
		{"no bucket", nil, "", rows.Fail, "bucket absent"},
		{"no replication configuration", &gdaws.BucketReplication{Bucket: "content"}, "", rows.Fail, "no replication configuration"},
		{"the rule disabled", rule(func(r *s3types.ReplicationRule) { r.Status = s3types.ReplicationRuleStatusDisabled }), "", rows.Fail,
			"rule content to " + replicaARN + " (us-west-2): rule not enabled"},
		{"a prefix only", rule(func(r *s3types.ReplicationRule) { r.Filter.Prefix = sdk.String("images/") }), "", rows.Fail,
			"rule content to " + replicaARN + " (us-west-2): replicates only part of the bucket"},
		{"tagged objects only", rule(func(r *s3types.ReplicationRule) {
			r.Filter = &s3types.ReplicationRuleFilter{Tag: &s3types.Tag{Key: sdk.String("tier"), Value: sdk.String("gold")}}
		}), "", rows.Fail, "rule content to " + replicaARN + " (us-west-2): replicates only part of the bucket"},
		{"no filter at all", rule(func(r *s3types.ReplicationRule) { r.Filter = nil }), "", rows.Pass, "rule content to " + replicaARN + " (us-west-2)"},
		{"a replica that does not exist", rule(func(r *s3types.ReplicationRule) { r.Destination.Bucket = sdk.String("arn:aws:s3:::gone") }), "", rows.Fail,
			"rule content to arn:aws:s3:::gone: destination bucket absent"},
		{"a replica in the primary region", func() *gdaws.BucketReplication {
			b := replicatedContent()
			b.DestinationRegions[replicaARN] = "us-east-1"
			return b
		}(), "", rows.Fail, "rule content to " + replicaARN + " (us-east-1): destination in us-east-1, not us-west-2"},
		{"a second rule meets it", func() *gdaws.BucketReplication {
			b := replicatedContent()
			partial := b.Configuration.Rules[0]
			partial.ID, partial.Filter = sdk.String("images"), &s3types.ReplicationRuleFilter{Prefix: sdk.String("images/")}
			b.Configuration.Rules = append([]s3types.ReplicationRule{partial}, b.Configuration.Rules...)
			return b
		}(), "", rows.Pass, "rule content to " + replicaARN + " (us-west-2)"},
		{"several rules, none meets it", func() *gdaws.BucketReplication {
			b := replicatedContent()
			b.Configuration.Rules[0].Destination.ReplicationTime = nil
			other := b.Configuration.Rules[0]
			other.ID, other.Status = nil, s3types.ReplicationRuleStatusDisabled
			b.Configuration.Rules = append(b.Configuration.Rules, other)
			return b
		}(), "", rows.Fail, "rule content to " + replicaARN + " (us-west-2): Replication Time Control not enabled; rule #2 to " + replicaARN +
			" (us-west-2): rule not enabled, Replication Time Control not enabled"},
		{"plain replication, no RTC", rule(func(r *s3types.ReplicationRule) {
			r.Destination.ReplicationTime.Status = s3types.ReplicationTimeStatusDisabled
		}), "", rows.Fail, "rule content to " + replicaARN + " (us-west-2): Replication Time Control not enabled"},
		{"RTC without its time", rule(func(r *s3types.ReplicationRule) { r.Destination.ReplicationTime.Time = nil }), "", rows.Fail,
			"rule content to " + replicaARN + " (us-west-2): Replication Time Control not at 15 minutes"},
		{"an RPO no S3 configuration meets", replicatedContent(), "5m", rows.Fail, "not judged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := platform(t)
			if tt.rpo != "" {
				for i, r := range p.Replication.RPO {
					if r.DataType == "S3 Content" {
						d, err := time.ParseDuration(tt.rpo)
						if err != nil {
							t.Fatal(err)
						}
						p.Replication.RPO[i].Below = spec.Duration(d)
					}
				}
			}
			var got []rows.Finding
			for _, r := range rows.Rows(p, profile.ResourceNames{ContentBucket: "content"}) {
				if r.Area == rows.ContentReplication {
					got = append(got, r.Judge(&rows.Observed{ContentReplication: tt.bucket}))
				}
			}
			if len(got) != 1 {
				t.Fatalf("%d S3 content rows, want 1", len(got))
			}
			f := got[0]
			if f.Row != "s3.crossRegion" || f.Verdict != tt.verdict || f.Actual != tt.actual || f.Resource != "bucket content" || f.Section != "Data Replication Strategy" {
				t.Errorf("finding %+v; want %s, actual %q", f, tt.verdict, tt.actual)
			}
			if tt.rpo != "" && !strings.Contains(f.Reason, "no replication time below 15 minutes") {
				t.Errorf("reason %q; want why no configuration meets the RPO", f.Reason)
			}
		})
	}
}
