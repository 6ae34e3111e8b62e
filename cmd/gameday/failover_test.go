package main

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/miekg/dns"

	awsdriver "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/sandbox/supervisor"
	"github.com/gameday-sre/gameday/spec"
)

// Taking the primary region's load balancer down makes the primary health
// check unhealthy after about FailureThreshold x RequestInterval, the DNS
// answer for the API name switches to the secondary region, and switches
// back once the region recovers; a larger FailureThreshold takes
// correspondingly longer. Times are platform time at 60x.
func TestRegionFailoverThroughRoute53(t *testing.T) {
	p, err := spec.Load(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	hc, record := p.Route53.HealthChecks[0], p.Route53.FailoverRecords[0]
	interval := hc.RequestInterval.D()
	tests := []struct {
		name      string
		deviation []string
		threshold int
	}{
		{"runbook", nil, hc.FailureThreshold},
		{"failureThreshold=6", []string{"healthcheck." + hc.ID + ".failureThreshold=6"}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := startSandbox(t, tt.deviation...)
			st := status(t, dir)
			primaryIP, secondaryIP := lbHost(t, st, p.Regions.Primary.Name), lbHost(t, st, p.Regions.Failover.Name)
			answer := func() string { return resolve(t, st.Endpoints.DNS, record.Name) }
			waitFor(t, 10*time.Second, "the primary health check healthy", func() bool { return primaryCheck(t, dir).Healthy })
			if got := answer(); got != primaryIP {
				t.Fatalf("%s answers %s before the fault, want the primary region's %s", record.Name, got, primaryIP)
			}

			out, code := gameday(t, "sandbox", "fault", "inject", "region-down", p.Regions.Primary.Name, "--state-dir", dir)
			if code != 0 {
				t.Fatalf("region-down exited %d: %s", code, out)
			}
			down := status(t, dir).Faults[0].At
			limit := time.Duration(tt.threshold+3) * interval / 60
			waitFor(t, limit, "the primary health check unhealthy", func() bool { return !primaryCheck(t, dir).Healthy })
			took := primaryCheck(t, dir).Since.Sub(down)
			want := time.Duration(tt.threshold) * interval
			if took < want-interval || took > want+interval {
				t.Errorf("unhealthy %s after the region went down; want %d x %s = %s, within one interval", took, tt.threshold, interval, want)
			}
			t.Logf("unhealthy %s after the region went down (FailureThreshold %d x RequestInterval %s)", took, tt.threshold, interval)
			waitFor(t, 5*time.Second, record.Name+" answering the secondary region", func() bool { return answer() == secondaryIP })

			id, _, _ := strings.Cut(out, "\t")
			if out, code := gameday(t, "sandbox", "fault", "revert", id, "--state-dir", dir); code != 0 {
				t.Fatalf("revert exited %d: %s", code, out)
			}
			waitFor(t, limit, record.Name+" answering the primary region again", func() bool { return answer() == primaryIP })
		})
	}
}

func lbHost(t *testing.T, st supervisor.Status, region string) string {
	t.Helper()
	url, ok := st.Endpoints.LoadBalancers[region]
	if !ok {
		t.Fatalf("no load balancer for %s in %v", region, st.Endpoints.LoadBalancers)
	}
	host, _, err := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	return host
}

func primaryCheck(t *testing.T, dir string) supervisor.HealthCheckStatus {
	t.Helper()
	st := status(t, dir)
	if len(st.HealthChecks) == 0 {
		t.Fatalf("no health checks in status: %+v", st)
	}
	return st.HealthChecks[0]
}

// resolve asks the sandbox's DNS server for name's A record over UDP, as a
// resolver would, and returns the first address or the response code.
func resolve(t *testing.T, server, name string) string {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	c := dns.Client{Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, server)
	if err != nil {
		t.Fatalf("DNS query %s at %s: %v", name, server, err)
	}
	for _, rr := range r.Answer {
		if a, ok := rr.(*dns.A); ok {
			return a.A.String()
		}
	}
	return dns.RcodeToString[r.Rcode]
}

// With every API task of the primary region stopped and its load balancer
// up, the primary health check (on /health, which the frontend answers)
// stays healthy: only EvaluateTargetHealth on the alias sees that the load
// balancer has a target group with no healthy target. With it the answer
// moves to the secondary region; without it the answer stays, as Route 53
// does.
func TestEvaluateTargetHealthMatters(t *testing.T) {
	p, err := spec.Load(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	record := p.Route53.FailoverRecords[0]
	api := p.Services[slices.IndexFunc(p.Services, func(s spec.Service) bool { return s.ID == "api" })]
	tests := []struct {
		evaluate bool
		moves    bool
	}{
		{true, true},
		{false, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("EvaluateTargetHealth=%v", tt.evaluate), func(t *testing.T) {
			// A Saturday: no scheduled action moves the API's capacity.
			dir := startSandboxAt(t, "Sat 12:00", fmt.Sprintf("failover.Primary.evaluateTargetHealth=%v", tt.evaluate))
			st := status(t, dir)
			primaryIP, secondaryIP := lbHost(t, st, p.Regions.Primary.Name), lbHost(t, st, p.Regions.Failover.Name)
			answer := func() string { return resolve(t, st.Endpoints.DNS, record.Name) }
			waitFor(t, 10*time.Second, "the primary health check healthy", func() bool { return primaryCheck(t, dir).Healthy })
			if got := answer(); got != primaryIP {
				t.Fatalf("%s answers %s before the tasks stop, want the primary region's %s", record.Name, got, primaryIP)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, err := awsdriver.New(ctx, awsdriver.Target{Endpoint: st.Endpoints.AWS, Region: p.Regions.Primary.Name})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(p.Cluster), Service: aws.String(api.ECSService), DesiredCount: aws.Int32(0)}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 30*time.Second, "every API task of the primary region stopped", func() bool {
				for _, s := range status(t, dir).Services {
					if s.Region == p.Regions.Primary.Name && s.Name == api.ECSService {
						return s.Running == 0 && s.Pending == 0
					}
				}
				return false
			})
			if tt.moves {
				waitFor(t, 5*time.Second, record.Name+" answering the secondary region", func() bool { return answer() == secondaryIP })
				return
			}
			// Longer than the health check takes to fail anything it sees.
			until := time.Now().Add(time.Duration(p.Route53.HealthChecks[0].FailureThreshold+2) * p.Route53.HealthChecks[0].RequestInterval.D() / 60)
			for time.Now().Before(until) {
				if got := answer(); got != primaryIP {
					t.Fatalf("%s answers %s with EvaluateTargetHealth false and the primary health check %v; want it to stay %s", record.Name, got, primaryCheck(t, dir).Healthy, primaryIP)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
