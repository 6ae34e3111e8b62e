package aws_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	budgetstypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
)

// The read models the compliance suite needs beyond scaling, against moto:
// each finds what exists and says "none" (not an error) for what does not.
func TestReadModelsAgainstMoto(t *testing.T) {
	ctx := context.Background()
	c, err := gdaws.New(ctx, gdaws.Target{Endpoint: motoserver.Start(t), Region: "us-east-1", CloudWatchProtocol: gdaws.ProtocolJSON})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping of a running moto: %v", err)
	}

	t.Run("route53", func(t *testing.T) {
		if z, err := c.HostedZone(ctx, "example.com"); z != nil || err != nil {
			t.Fatalf("HostedZone before creation = %+v, %v", z, err)
		}
		zone, err := c.Route53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: sdk.String("example.com"), CallerReference: sdk.String("read-test")})
		if err != nil {
			t.Fatal(err)
		}
		hc, err := c.Route53.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: sdk.String("read-test"), HealthCheckConfig: &r53types.HealthCheckConfig{
			Type: r53types.HealthCheckTypeHttps, Port: sdk.Int32(443), ResourcePath: sdk.String("/health"),
			FullyQualifiedDomainName: sdk.String("api-primary.example.com"), RequestInterval: sdk.Int32(30), FailureThreshold: sdk.Int32(3),
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Route53.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{ResourceType: r53types.TagResourceTypeHealthcheck,
			ResourceId: hc.HealthCheck.Id, AddTags: []r53types.Tag{{Key: sdk.String("Name"), Value: sdk.String("primary")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Route53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id, ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
			Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{Name: sdk.String("api.example.com"), Type: r53types.RRTypeA,
				SetIdentifier: sdk.String("Primary"), Failover: r53types.ResourceRecordSetFailoverPrimary, HealthCheckId: hc.HealthCheck.Id,
				AliasTarget: &r53types.AliasTarget{HostedZoneId: sdk.String("Z2FDTNDATAQYW2"), DNSName: sdk.String("api-primary.example.com"), EvaluateTargetHealth: true}},
		}}}}); err != nil {
			t.Fatal(err)
		}
		z, err := c.HostedZone(ctx, "EXAMPLE.com.")
		if err != nil || z == nil || *z.Id != *zone.HostedZone.Id {
			t.Fatalf("HostedZone = %+v, %v", z, err)
		}
		records, err := c.RecordSets(ctx, *z.Id, "api.example.com")
		if err != nil || len(records) != 1 || *records[0].HealthCheckId != *hc.HealthCheck.Id || records[0].Failover != r53types.ResourceRecordSetFailoverPrimary {
			t.Errorf("RecordSets = %+v, %v", records, err)
		}
		checks, err := c.HealthChecks(ctx)
		if err != nil || len(checks) != 1 || checks[0].Tags["Name"] != "primary" || *checks[0].HealthCheckConfig.FailureThreshold != 3 {
			t.Errorf("HealthChecks = %+v, %v", checks, err)
		}
		status, err := c.HealthCheckStatus(ctx, *hc.HealthCheck.Id)
		if err != nil || len(status) == 0 || status[0].StatusReport == nil || !strings.HasPrefix(*status[0].StatusReport.Status, "Success") {
			t.Errorf("HealthCheckStatus = %+v, %v", status, err)
		}
		_, err = c.HealthCheckStatus(ctx, "no-such-check")
		var e *gdaws.Error
		if !errors.As(err, &e) || e.Operation != "route53 GetHealthCheckStatus" || e.Resource != "healthcheck no-such-check" {
			t.Errorf("status of a missing health check: %v", err)
		}
	})

	t.Run("elasticache", func(t *testing.T) {
		if g, err := c.ReplicationGroup(ctx, "main-cache"); g != nil || err != nil {
			t.Fatalf("ReplicationGroup before creation = %+v, %v", g, err)
		}
		if _, err := c.ElastiCache.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{ReplicationGroupId: sdk.String("main-cache"),
			ReplicationGroupDescription: sdk.String("read test"), Engine: sdk.String("redis"), CacheNodeType: sdk.String("cache.r6g.large"),
			NumNodeGroups: sdk.Int32(1), ReplicasPerNodeGroup: sdk.Int32(1)}); err != nil {
			t.Fatal(err)
		}
		g, err := c.ReplicationGroup(ctx, "main-cache")
		if err != nil || g == nil || len(g.MemberClusters) != 2 {
			t.Errorf("ReplicationGroup = %+v, %v", g, err)
		}
	})

	t.Run("dashboard", func(t *testing.T) {
		if _, found, err := c.Dashboard(ctx, "ScalingActivities"); found || err != nil {
			t.Fatalf("Dashboard before creation: found %v, %v", found, err)
		}
		if _, err := c.CloudWatch.PutDashboard(ctx, &cloudwatch.PutDashboardInput{DashboardName: sdk.String("ScalingActivities"), DashboardBody: sdk.String(`{"widgets":[]}`)}); err != nil {
			t.Fatal(err)
		}
		if body, found, err := c.Dashboard(ctx, "ScalingActivities"); !found || err != nil || body != `{"widgets":[]}` {
			t.Errorf("Dashboard = %q, %v, %v", body, found, err)
		}
	})

	t.Run("ecs tags and task definition", func(t *testing.T) {
		createService(ctx, t, c, "tagged-service")
		services, err := c.Services(ctx, "main-cluster", "tagged-service")
		if err != nil || len(services) != 1 {
			t.Fatalf("Services = %+v, %v", services, err)
		}
		if _, err := c.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: services[0].ServiceArn, Tags: []ecstypes.Tag{{Key: sdk.String("Feature"), Value: sdk.String("DocumentEditor")}}}); err != nil {
			t.Fatal(err)
		}
		services, err = c.Services(ctx, "main-cluster", "tagged-service", "no-such-service")
		if err != nil || len(services) != 1 || len(services[0].Tags) != 1 || *services[0].Tags[0].Value != "DocumentEditor" {
			t.Errorf("Services with tags = %+v, %v", services, err)
		}
		td, err := c.TaskDefinition(ctx, *services[0].TaskDefinition)
		if err != nil || *td.Cpu != "512" || *td.Memory != "1024" {
			t.Errorf("TaskDefinition = %+v, %v", td, err)
		}
		_, err = c.TaskDefinition(ctx, "no-such-family:1")
		var e *gdaws.Error
		if !errors.As(err, &e) || e.Operation != "ecs DescribeTaskDefinition" || e.Resource != "no-such-family:1" {
			t.Errorf("a missing task definition: %v", err)
		}
	})
}

// Budgets are read from the account the credentials reach, which moto,
// like AWS, says through STS.
func TestBudgetAgainstMoto(t *testing.T) {
	ctx := context.Background()
	c, err := gdaws.New(ctx, gdaws.Target{Endpoint: motoserver.Start(t), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	account, err := c.CallerAccount(ctx)
	if err != nil || account != motoAccount {
		t.Fatalf("CallerAccount = %q, %v; want moto's %s", account, err, motoAccount)
	}
	if b, err := c.Budget(ctx, "AI-Service-Monthly"); b != nil || err != nil {
		t.Fatalf("Budget before creation = %+v, %v", b, err)
	}
	notification := func(threshold float64) budgetstypes.NotificationWithSubscribers {
		return budgetstypes.NotificationWithSubscribers{
			Notification: &budgetstypes.Notification{NotificationType: budgetstypes.NotificationTypeActual, ComparisonOperator: budgetstypes.ComparisonOperatorGreaterThan,
				Threshold: threshold, ThresholdType: budgetstypes.ThresholdTypePercentage},
			Subscribers: []budgetstypes.Subscriber{{SubscriptionType: budgetstypes.SubscriptionTypeEmail, Address: sdk.String("operations@example.com")}},
		}
	}
	if _, err := c.Budgets.CreateBudget(ctx, &budgets.CreateBudgetInput{AccountId: &account, Budget: &budgetstypes.Budget{
		BudgetName: sdk.String("AI-Service-Monthly"), BudgetType: budgetstypes.BudgetTypeCost, TimeUnit: budgetstypes.TimeUnitMonthly,
		BudgetLimit: &budgetstypes.Spend{Amount: sdk.String("5000"), Unit: sdk.String("USD")},
	}, NotificationsWithSubscribers: []budgetstypes.NotificationWithSubscribers{notification(80), notification(100)}}); err != nil {
		t.Fatal(err)
	}
	b, err := c.Budget(ctx, "AI-Service-Monthly")
	if err != nil || b == nil || *b.BudgetLimit.Amount != "5000" || b.TimeUnit != budgetstypes.TimeUnitMonthly || len(b.Notifications) != 2 || b.Notifications[0].Threshold != 80 {
		t.Errorf("Budget = %+v, %v", b, err)
	}
}

// motoAccount is the account moto gives any credentials.
const motoAccount = "123456789012"

func TestPingNamesTheEndpoint(t *testing.T) {
	c, err := gdaws.New(context.Background(), gdaws.Target{Endpoint: "http://127.0.0.1:1", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Ping(context.Background())
	var down *gdaws.Unreachable
	if !errors.As(err, &down) || down.Endpoint != "http://127.0.0.1:1" {
		t.Fatalf("Ping of a closed port = %v, want *Unreachable naming the endpoint", err)
	}
}

// A budget's tag filters read the same whichever way the budget holds
// them.
func TestBudgetTagFilters(t *testing.T) {
	tags := func(key string, values ...string) *budgetstypes.Expression {
		return &budgetstypes.Expression{Tags: &budgetstypes.TagValues{Key: sdk.String(key), Values: values}}
	}
	tests := []struct {
		name   string
		budget budgetstypes.Budget
		want   []string
	}{
		{"none", budgetstypes.Budget{}, nil},
		//lint:ignore SA1019 the runbook's create-budget writes CostFilters
		{"cost filters, as the runbook writes them", budgetstypes.Budget{CostFilters: map[string][]string{"TagKeyValue": {"user:Feature$AIProcessing"}, "Service": {"Amazon ECS"}}},
			[]string{"user:Feature$AIProcessing"}},
		{"a filter expression's tags", budgetstypes.Budget{FilterExpression: tags("Feature", "AIProcessing", "DocumentEditor")},
			[]string{"user:Feature$AIProcessing", "user:Feature$DocumentEditor"}},
		{"a filter expression's tags named as Cost Explorer names them", budgetstypes.Budget{FilterExpression: tags("user:Feature", "AIProcessing")},
			[]string{"user:Feature$AIProcessing"}},
		{"an expression of dimensions has no tags", budgetstypes.Budget{FilterExpression: &budgetstypes.Expression{Dimensions: &budgetstypes.ExpressionDimensionValues{Key: budgetstypes.DimensionService}}}, nil},
	}
	for _, tt := range tests {
		if got := (gdaws.Budget{Budget: tt.budget}).TagFilters(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: TagFilters = %v, want %v", tt.name, got, tt.want)
		}
	}
}
