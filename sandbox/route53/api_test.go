package route53_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/awscli"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	r53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/awsapi"
	"github.com/gameday-sre/gameday/sandbox/route53"
)

// The SDK and CLI tests run the runbook's Route 53 configuration through
// the sandbox's AWS endpoint: a zone, an HTTPS health check of
// api-primary.example.com, and api.example.com failing over between
// aliases of api-primary and api-secondary.

// sandbox is an engine behind the AWS endpoint, with a TLS endpoint on
// 127.0.0.2 for the health check, on a 60x clock.
type sandbox struct {
	engine *route53.Engine
	url    string
	port   int
}

func startSandbox(t *testing.T) *sandbox {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	clk, err := clock.NewScaled(time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC), 60)
	if err != nil {
		t.Fatal(err)
	}
	e := route53.New(clk, route53.WithLogger(log))
	t.Cleanup(func() { e.Close() })
	srv := awsapi.NewServer(awsapi.WithLogger(log))
	srv.Handle(awsapi.ServiceRoute53, e.ServeAWS)
	api := httptest.NewServer(srv)
	t.Cleanup(api.Close)

	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	health := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	health.Listener.Close()
	health.Listener = l
	health.StartTLS()
	t.Cleanup(health.Close)
	return &sandbox{engine: e, url: api.URL, port: l.Addr().(*net.TCPAddr).Port}
}

func TestSDK(t *testing.T) {
	sb := startSandbox(t)
	ctx := t.Context()
	c := r53.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "sandbox-secret", ""),
		BaseEndpoint: aws.String(sb.url),
	})

	zone, err := c.CreateHostedZone(ctx, &r53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String("zone-1"),
		HostedZoneConfig: &types.HostedZoneConfig{Comment: aws.String("runbook")}})
	if err != nil {
		t.Fatal(err)
	}
	zoneID := aws.ToString(zone.HostedZone.Id)
	if !strings.HasPrefix(zoneID, "/hostedzone/Z") || !strings.HasSuffix(aws.ToString(zone.Location), strings.TrimPrefix(zoneID, "/hostedzone/")) ||
		len(zone.DelegationSet.NameServers) != 4 || zone.ChangeInfo.Status != types.ChangeStatusInsync || aws.ToInt64(zone.HostedZone.ResourceRecordSetCount) != 2 {
		t.Errorf("CreateHostedZone: zone %+v, location %q, delegation %v, change %+v", zone.HostedZone, aws.ToString(zone.Location), zone.DelegationSet.NameServers, zone.ChangeInfo)
	}

	alias := func(role, target, check string) types.Change {
		s := &types.ResourceRecordSet{Name: aws.String("api.example.com"), Type: types.RRTypeA, SetIdentifier: aws.String(role),
			Failover:    types.ResourceRecordSetFailover(strings.ToUpper(role)),
			AliasTarget: &types.AliasTarget{HostedZoneId: aws.String("Z2FDTNDATAQYW2"), DNSName: aws.String("api-" + target + ".example.com"), EvaluateTargetHealth: true}}
		if check != "" {
			s.HealthCheckId = aws.String(check)
		}
		return types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: s}
	}
	simple := func(name, ip string) types.Change {
		return types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: &types.ResourceRecordSet{Name: aws.String(name), Type: types.RRTypeA,
			TTL: aws.Int64(60), ResourceRecords: []types.ResourceRecord{{Value: aws.String(ip)}}}}
	}
	// The records first, so that the check's first probes resolve.
	if _, err := c.ChangeResourceRecordSets(ctx, &r53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), ChangeBatch: &types.ChangeBatch{
		Changes: []types.Change{simple("api-primary.example.com", "127.0.0.2"), simple("api-secondary.example.com", "127.0.0.3")},
	}}); err != nil {
		t.Fatal(err)
	}
	hcIn := &r53.CreateHealthCheckInput{CallerReference: aws.String("hc-1"), HealthCheckConfig: &types.HealthCheckConfig{
		Type: types.HealthCheckTypeHttps, Port: aws.Int32(int32(sb.port)), ResourcePath: aws.String("/health"),
		FullyQualifiedDomainName: aws.String("api-primary.example.com"), RequestInterval: aws.Int32(30), FailureThreshold: aws.Int32(3),
	}}
	hc, err := c.CreateHealthCheck(ctx, hcIn)
	if err != nil {
		t.Fatal(err)
	}
	hcID := aws.ToString(hc.HealthCheck.Id)
	again, err := c.CreateHealthCheck(ctx, hcIn)
	if err != nil || aws.ToString(again.HealthCheck.Id) != hcID {
		t.Errorf("CreateHealthCheck with the same reference: %v, %v; want %s", again, err, hcID)
	}

	if _, err := c.ChangeResourceRecordSets(ctx, &r53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), ChangeBatch: &types.ChangeBatch{
		Changes: []types.Change{alias("Primary", "primary", hcID), alias("Secondary", "secondary", "")},
	}}); err != nil {
		t.Fatal(err)
	}

	var listed []string
	in := &r53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), MaxItems: aws.Int32(2)}
	for {
		page, err := c.ListResourceRecordSets(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.ResourceRecordSets {
			listed = append(listed, strings.TrimSpace(aws.ToString(s.Name)+" "+string(s.Type)+" "+aws.ToString(s.SetIdentifier)+" "+aws.ToString(s.HealthCheckId)))
		}
		if !page.IsTruncated {
			break
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier
	}
	// api-primary sorts before api: '-' comes before '.', as AWS warns.
	want := []string{"example.com. NS", "example.com. SOA", "api-primary.example.com. A", "api-secondary.example.com. A",
		"api.example.com. A Primary " + hcID, "api.example.com. A Secondary"}
	if !slices.Equal(listed, want) {
		t.Errorf("ListResourceRecordSets pages: %q, want %q", listed, want)
	}

	obs := waitStatus(t, func() ([]types.HealthCheckObservation, error) {
		out, err := c.GetHealthCheckStatus(ctx, &r53.GetHealthCheckStatusInput{HealthCheckId: aws.String(hcID)})
		if err != nil {
			return nil, err
		}
		return out.HealthCheckObservations, nil
	})
	for _, o := range obs {
		if !strings.HasPrefix(aws.ToString(o.StatusReport.Status), "Success: HTTP Status Code 200") || aws.ToString(o.IPAddress) != "127.0.0.2" || o.StatusReport.CheckedTime.Year() != 2026 {
			t.Errorf("observation %s: %s from %s at %s", o.Region, aws.ToString(o.StatusReport.Status), aws.ToString(o.IPAddress), o.StatusReport.CheckedTime)
		}
	}

	answer, err := c.TestDNSAnswer(ctx, &r53.TestDNSAnswerInput{HostedZoneId: aws.String(zoneID), RecordName: aws.String("api.example.com"), RecordType: types.RRTypeA})
	if err != nil || !slices.Equal(answer.RecordData, []string{"127.0.0.2"}) || aws.ToString(answer.ResponseCode) != "NOERROR" || aws.ToString(answer.Protocol) != "UDP" {
		t.Errorf("TestDNSAnswer: %+v, %v", answer, err)
	}

	// Forcing the check unhealthy fails api.example.com over.
	upd, err := c.UpdateHealthCheck(ctx, &r53.UpdateHealthCheckInput{HealthCheckId: aws.String(hcID), HealthCheckVersion: aws.Int64(1), Disabled: aws.Bool(true), Inverted: aws.Bool(true)})
	if err != nil || aws.ToInt64(upd.HealthCheck.HealthCheckVersion) != 2 || !aws.ToBool(upd.HealthCheck.HealthCheckConfig.Inverted) {
		t.Errorf("UpdateHealthCheck: %+v, %v", upd, err)
	}
	answer, err = c.TestDNSAnswer(ctx, &r53.TestDNSAnswerInput{HostedZoneId: aws.String(zoneID), RecordName: aws.String("api.example.com"), RecordType: types.RRTypeA})
	if err != nil || !slices.Equal(answer.RecordData, []string{"127.0.0.3"}) {
		t.Errorf("TestDNSAnswer after forcing the check unhealthy: %+v, %v", answer, err)
	}

	got, err := c.GetHostedZone(ctx, &r53.GetHostedZoneInput{Id: aws.String(zoneID)})
	if err != nil || aws.ToString(got.HostedZone.Name) != "example.com." || aws.ToInt64(got.HostedZone.ResourceRecordSetCount) != 6 || aws.ToString(got.HostedZone.Config.Comment) != "runbook" {
		t.Errorf("GetHostedZone: %+v, %v", got, err)
	}
	zones, err := c.ListHostedZones(ctx, &r53.ListHostedZonesInput{})
	if err != nil || len(zones.HostedZones) != 1 || aws.ToString(zones.HostedZones[0].Id) != zoneID {
		t.Errorf("ListHostedZones: %+v, %v", zones, err)
	}
	checks, err := c.ListHealthChecks(ctx, &r53.ListHealthChecksInput{})
	if err != nil || len(checks.HealthChecks) != 1 || aws.ToInt32(checks.HealthChecks[0].HealthCheckConfig.Port) != int32(sb.port) {
		t.Errorf("ListHealthChecks: %+v, %v", checks, err)
	}

	tests := []struct {
		name string
		call func() error
		want any
	}{
		{"no such zone", func() error {
			_, err := c.GetHostedZone(ctx, &r53.GetHostedZoneInput{Id: aws.String("ZNOPE")})
			return err
		}, new(*types.NoSuchHostedZone)},
		{"no such health check", func() error {
			_, err := c.GetHealthCheck(ctx, &r53.GetHealthCheckInput{HealthCheckId: aws.String("nope")})
			return err
		}, new(*types.NoSuchHealthCheck)},
		{"duplicate record", func() error {
			_, err := c.ChangeResourceRecordSets(ctx, &r53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zoneID), ChangeBatch: &types.ChangeBatch{
				Changes: []types.Change{simple("api-primary.example.com", "127.0.0.9")}}})
			return err
		}, new(*types.InvalidChangeBatch)},
		{"interval 20", func() error {
			_, err := c.CreateHealthCheck(ctx, &r53.CreateHealthCheckInput{CallerReference: aws.String("hc-2"), HealthCheckConfig: &types.HealthCheckConfig{
				Type: types.HealthCheckTypeHttp, IPAddress: aws.String("127.0.0.1"), RequestInterval: aws.Int32(20)}})
			return err
		}, new(*types.InvalidInput)},
		{"reference reused with other settings", func() error {
			in := *hcIn
			in.HealthCheckConfig = &types.HealthCheckConfig{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("127.0.0.1"), Port: aws.Int32(1)}
			_, err := c.CreateHealthCheck(ctx, &in)
			return err
		}, new(*types.HealthCheckAlreadyExists)},
		{"zone reference reused", func() error {
			_, err := c.CreateHostedZone(ctx, &r53.CreateHostedZoneInput{Name: aws.String("example.org"), CallerReference: aws.String("zone-1")})
			return err
		}, new(*types.HostedZoneAlreadyExists)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.As(err, tt.want) {
				t.Errorf("err = %v (%T), want %T", err, err, tt.want)
			}
		})
	}

	if _, err := c.DeleteHealthCheck(ctx, &r53.DeleteHealthCheckInput{HealthCheckId: aws.String(hcID)}); err != nil {
		t.Errorf("DeleteHealthCheck: %v", err)
	}
}

// waitStatus polls until all eight checkers have reported.
func waitStatus[O any](t *testing.T, get func() ([]O, error)) []O {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		obs, err := get()
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) == len(route53.CheckerRegions) {
			return obs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d checkers reported after 10 s", len(obs), len(route53.CheckerRegions))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAWSCLI(t *testing.T) { awscli.Each(t, testCLI) }

func testCLI(t *testing.T, cli awscli.CLI) {
	sb := startSandbox(t)
	run := func(args ...string) map[string]any {
		t.Helper()
		stdout, stderr, err := cli.Run(t, sb.url, "us-east-1", args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var out map[string]any
		if strings.TrimSpace(stdout) != "" {
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("output %q: %v", stdout, err)
			}
		}
		return out
	}

	zone := run("route53", "create-hosted-zone", "--name", "example.com", "--caller-reference", "zone-1")
	zoneID := awscli.Walk(t, zone, "HostedZone", "Id").(string)
	run("route53", "change-resource-record-sets", "--hosted-zone-id", zoneID, "--change-batch", `{"Changes": [
	  {"Action": "CREATE", "ResourceRecordSet": {"Name": "api-primary.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "127.0.0.2"}]}},
	  {"Action": "CREATE", "ResourceRecordSet": {"Name": "api-secondary.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "127.0.0.3"}]}}]}`)
	hc := run("route53", "create-health-check", "--caller-reference", "hc-1", "--health-check-config",
		`{"Port": `+strconv.Itoa(sb.port)+`, "Type": "HTTPS", "ResourcePath": "/health", "FullyQualifiedDomainName": "api-primary.example.com", "RequestInterval": 30, "FailureThreshold": 3}`)
	hcID := awscli.Walk(t, hc, "HealthCheck", "Id").(string)
	if awscli.Walk(t, hc, "HealthCheck", "HealthCheckConfig", "FailureThreshold") != 3.0 || awscli.Walk(t, hc, "Location") == nil {
		t.Errorf("create-health-check: %v", hc)
	}
	batch := `{"Changes": [
	  {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.example.com", "Type": "A", "SetIdentifier": "Primary", "Failover": "PRIMARY", "HealthCheckId": "` + hcID + `",
	    "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "api-primary.example.com", "EvaluateTargetHealth": true}}},
	  {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.example.com", "Type": "A", "SetIdentifier": "Secondary", "Failover": "SECONDARY",
	    "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "api-secondary.example.com", "EvaluateTargetHealth": true}}}]}`
	change := run("route53", "change-resource-record-sets", "--hosted-zone-id", zoneID, "--change-batch", batch)
	if awscli.Walk(t, change, "ChangeInfo", "Status") != "INSYNC" {
		t.Errorf("change-resource-record-sets: %v", change)
	}
	// The CLI pages through with --page-size, and merges the pages.
	sets := run("route53", "list-resource-record-sets", "--hosted-zone-id", zoneID, "--page-size", "2")
	var listed []string
	for _, s := range awscli.Walk(t, sets, "ResourceRecordSets").([]any) {
		m := s.(map[string]any)
		id, _ := m["SetIdentifier"].(string)
		listed = append(listed, strings.TrimSpace(m["Name"].(string)+" "+m["Type"].(string)+" "+id))
	}
	want := []string{"example.com. NS", "example.com. SOA", "api-primary.example.com. A", "api-secondary.example.com. A", "api.example.com. A Primary", "api.example.com. A Secondary"}
	if !slices.Equal(listed, want) {
		t.Errorf("list-resource-record-sets: %q, want %q", listed, want)
	}
	if alias := awscli.Walk(t, sets, "ResourceRecordSets", 4, "AliasTarget").(map[string]any); alias["EvaluateTargetHealth"] != true || alias["DNSName"] != "api-primary.example.com." {
		t.Errorf("primary's alias target: %v", alias)
	}
	waitStatus(t, func() ([]any, error) {
		obs, _ := run("route53", "get-health-check-status", "--health-check-id", hcID)["HealthCheckObservations"].([]any)
		return obs, nil
	})
	answer := run("route53", "test-dns-answer", "--hosted-zone-id", zoneID, "--record-name", "api.example.com", "--record-type", "A")
	if data, _ := answer["RecordData"].([]any); len(data) != 1 || data[0] != "127.0.0.2" || answer["ResponseCode"] != "NOERROR" {
		t.Errorf("test-dns-answer: %v", answer)
	}
	if checks := awscli.Walk(t, run("route53", "list-health-checks"), "HealthChecks").([]any); len(checks) != 1 {
		t.Errorf("list-health-checks: %v", checks)
	}
	if got := awscli.Walk(t, run("route53", "get-hosted-zone", "--id", zoneID), "HostedZone", "Name"); got != "example.com." {
		t.Errorf("get-hosted-zone: name %v", got)
	}
	_, stderr, err := cli.Run(t, sb.url, "us-east-1", "route53", "get-hosted-zone", "--id", "ZNOPE")
	if err == nil || !strings.Contains(stderr, "NoSuchHostedZone") {
		t.Errorf("get-hosted-zone ZNOPE: err %v, stderr %q; want NoSuchHostedZone", err, stderr)
	}
}
