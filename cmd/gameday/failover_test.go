package main

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

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
