package dnsserver_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/route53"
)

// realInterval is how long a RequestInterval takes in real time in these
// tests: the clock's scale is chosen to make it so.
const realInterval = 500 * time.Millisecond

// TestFailover takes the primary endpoint down and brings it back, and
// checks that the health check changes within its window and the DNS
// answer follows.
func TestFailover(t *testing.T) {
	tests := []struct {
		interval  int
		threshold int
	}{
		{interval: 30, threshold: 3},
		{interval: 30, threshold: 6},
		{interval: 10, threshold: 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("interval %d threshold %d", tt.interval, tt.threshold), func(t *testing.T) {
			t.Parallel()
			interval := time.Duration(tt.interval) * time.Second
			e, clk := newEngine(t, float64(interval)/float64(realInterval))
			primary := startEndpoint(t, "127.0.0.2")
			changes := make(chan route53.HealthChange, 16)
			e.OnHealthChange(func(c route53.HealthChange) { changes <- c })
			zoneID, hcID := runbookZone(t, e, primary.port(), tt.interval, tt.threshold)
			dnsAddr := startDNS(t, e).Addr()

			if got := answerA(t, dnsAddr, "api.example.com"); !slices.Equal(got, []string{"127.0.0.2"}) {
				t.Fatalf("before the fault api.example.com is %q, want the primary 127.0.0.2", got)
			}
			// Earliest and latest the check may change, from the moment
			// the endpoint changes: AWS's FailureThreshold consecutive
			// probes, give or take one interval for where in its interval
			// each checker was, and the first may have been in flight
			// when the endpoint changed, started up to a probe's
			// timeout before.
			inFlight := route53.DefaultProbeTimeouts.Connect + route53.DefaultProbeTimeouts.Response
			early := time.Duration(tt.threshold-1)*interval - inFlight
			late := time.Duration(tt.threshold+1) * interval
			wait := func(healthy bool, since time.Time) {
				t.Helper()
				select {
				case c := <-changes:
					took := c.At.Sub(since)
					if c.Healthy != healthy || c.HealthCheckId != hcID {
						t.Fatalf("change %+v, want %s healthy=%t", c, hcID, healthy)
					}
					if took < early || took > late {
						t.Errorf("healthy=%t after %s of platform time, want between %s and %s", healthy, took, early, late)
					}
					t.Logf("healthy=%t after %s (window %s to %s), %d of %d checkers healthy", healthy, took, early, late, c.HealthyCheckers, c.Checkers)
				case <-time.After(3 * time.Duration(tt.threshold+1) * realInterval):
					t.Fatalf("no change to healthy=%t within %s real time", healthy, 3*time.Duration(tt.threshold+1)*realInterval)
				}
			}

			primary.down()
			wait(false, clk.Now())
			if got := answerA(t, dnsAddr, "api.example.com"); !slices.Equal(got, []string{"127.0.0.3"}) {
				t.Errorf("with the primary down api.example.com is %q, want the secondary 127.0.0.3", got)
			}
			test, err := e.TestDNSAnswer(t.Context(), route53.TestDNSAnswerInput{HostedZoneId: zoneID, RecordName: "api.example.com", RecordType: "A"})
			if err != nil || !slices.Equal(test.RecordData, []string{"127.0.0.3"}) {
				t.Errorf("TestDNSAnswer %+v, %v; want 127.0.0.3", test, err)
			}

			primary.up()
			wait(true, clk.Now())
			if got := answerA(t, dnsAddr, "api.example.com"); !slices.Equal(got, []string{"127.0.0.2"}) {
				t.Errorf("with the primary back api.example.com is %q, want the primary 127.0.0.2", got)
			}
		})
	}
}

// runbookZone sets up the runbook's failover configuration in
// example.com: a health check of api-primary.example.com, and
// api.example.com failing over between aliases of api-primary and
// api-secondary with EvaluateTargetHealth.
func runbookZone(t *testing.T, e *route53.Engine, port, interval, threshold int) (zoneID, hcID string) {
	t.Helper()
	z, err := e.CreateHostedZone(route53.CreateHostedZoneInput{Name: "example.com", CallerReference: "zone"})
	if err != nil {
		t.Fatal(err)
	}
	zoneID = z.HostedZone.Id
	ttl := int64(60)
	set := func(name, ip string) route53.Change {
		return route53.Change{Action: route53.ActionCreate, ResourceRecordSet: route53.ResourceRecordSet{
			Name: name, Type: "A", TTL: &ttl, ResourceRecords: []route53.ResourceRecord{{Value: ip}}}}
	}
	if _, err := e.ChangeResourceRecordSets(route53.ChangeResourceRecordSetsInput{HostedZoneId: zoneID, Changes: []route53.Change{
		set("api-primary.example.com", "127.0.0.2"), set("api-secondary.example.com", "127.0.0.3"),
	}}); err != nil {
		t.Fatal(err)
	}
	hc, err := e.CreateHealthCheck(route53.CreateHealthCheckInput{CallerReference: "primary", HealthCheckConfig: route53.HealthCheckConfig{
		Type: route53.TypeHTTP, FullyQualifiedDomainName: "api-primary.example.com", Port: port, ResourcePath: "/health",
		RequestInterval: interval, FailureThreshold: threshold,
	}})
	if err != nil {
		t.Fatal(err)
	}
	hcID = hc.HealthCheck.Id
	failover := func(role, target, check string) route53.Change {
		return route53.Change{Action: route53.ActionCreate, ResourceRecordSet: route53.ResourceRecordSet{
			Name: "api.example.com", Type: "A", SetIdentifier: role, Failover: role, HealthCheckId: check,
			AliasTarget: &route53.AliasTarget{HostedZoneId: zoneID, DNSName: target, EvaluateTargetHealth: true},
		}}
	}
	if _, err := e.ChangeResourceRecordSets(route53.ChangeResourceRecordSetsInput{HostedZoneId: zoneID, Changes: []route53.Change{
		failover(route53.FailoverPrimary, "api-primary.example.com", hcID),
		failover(route53.FailoverSecondary, "api-secondary.example.com", ""),
	}}); err != nil {
		t.Fatal(err)
	}
	return zoneID, hcID
}
