package supervisor

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gameday-sre/gameday/sandbox/dnsserver"
	"github.com/gameday-sre/gameday/sandbox/route53"
	"github.com/gameday-sre/gameday/sandbox/tlscert"
	"github.com/gameday-sre/gameday/spec"
)

// The runbook's endpoints answer on the standard ports, as an ALB's
// listeners do; the sandbox's load balancers listen on free ports of their
// region's address, and the network between Route 53's checkers and the
// regions (dialRegion) carries these ports there.
const (
	httpPort  = "80"
	httpsPort = "443"
)

// regionHosts are the names the runbook gives each region's endpoint, in
// region order: the primary health check's FQDN and the PRIMARY alias
// target, then the SECONDARY alias target.
func regionHosts(p *spec.Platform) [][]string {
	hosts := make([][]string, 2)
	add := func(region int, name string) {
		if name != "" {
			hosts[region] = append(hosts[region], strings.TrimSuffix(name, "."))
		}
	}
	for _, hc := range p.Route53.HealthChecks {
		if hc.Region == "failover" {
			add(1, hc.FQDN)
		} else {
			add(0, hc.FQDN)
		}
	}
	for _, r := range p.Route53.FailoverRecords {
		if r.Alias == nil {
			continue
		}
		if r.Failover == "SECONDARY" {
			add(1, r.Alias.DNSName)
		} else {
			add(0, r.Alias.DNSName)
		}
	}
	return hosts
}

// hostedZone is the zone of the failover records: the runbook names the
// zone only by an example id, so it is the records' parent domain.
func hostedZone(p *spec.Platform) string {
	for _, r := range p.Route53.FailoverRecords {
		if _, parent, ok := strings.Cut(strings.TrimSuffix(r.Name, "."), "."); ok {
			return parent
		}
	}
	return "example.com"
}

// regionTLS is a region's HTTPS certificate, for its names and address.
func regionTLS(p *spec.Platform, region int, addr string) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	return tlscert.SelfSigned(append(regionHosts(p)[region], host)...)
}

// dialRegion connects to a region's standard ports where its load
// balancer really listens; other addresses are dialled as they are.
func (s *sandbox) dialRegion(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err == nil {
		for _, r := range s.regions {
			lbHost, _, _ := net.SplitHostPort(r.balancer.Addr())
			switch {
			case host != lbHost:
			case port == httpPort:
				address = r.balancer.Addr()
			case port == httpsPort && r.balancer.HTTPSAddr() != "":
				address = r.balancer.HTTPSAddr()
			}
		}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// balancerOf is the region whose load balancer an alias DNS name of the
// failover records stands for: in the sandbox those names are the
// regions' load balancers.
func (s *sandbox) balancerOf(name string) (*region, bool) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	for _, r := range s.cfg.Platform.Route53.FailoverRecords {
		if r.Alias == nil || strings.TrimSuffix(strings.ToLower(r.Alias.DNSName), ".") != name {
			continue
		}
		i := 0
		if r.Failover == "SECONDARY" {
			i = 1
		}
		if i < len(s.regions) && s.regions[i].balancer != nil {
			return s.regions[i], true
		}
	}
	return nil, false
}

// resolveBalancer resolves an alias target's name to its load balancer,
// as public DNS resolves an ELB's name, so that Route 53 treats it as a
// resource outside the hosted zones whose health EvaluateTargetHealth
// asks of the load balancer.
func (s *sandbox) resolveBalancer(_ context.Context, host string) ([]netip.Addr, error) {
	r, ok := s.balancerOf(host)
	if !ok {
		return nil, nil
	}
	ip, _, err := net.SplitHostPort(r.balancer.Addr())
	if err != nil {
		return nil, err
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, err
	}
	return []netip.Addr{addr}, nil
}

// balancerHealth is a load balancer's health for EvaluateTargetHealth.
func (s *sandbox) balancerHealth(_ context.Context, dnsName string) bool {
	r, ok := s.balancerOf(dnsName)
	return ok && r.balancer.HealthyForDNS()
}

// newRoute53 makes the sandbox's Route 53, which checks the regions over
// dialRegion.
func (s *sandbox) newRoute53() *route53.Engine {
	e := route53.New(s.clock, route53.WithLogger(s.log.With("service", "route53")), route53.WithDialer(s.dialRegion),
		route53.WithResolver(s.resolveBalancer), route53.WithTargetHealth(s.balancerHealth))
	e.OnHealthChange(func(c route53.HealthChange) {
		s.mu.Lock()
		s.healthSince[c.HealthCheckId] = c.At
		s.mu.Unlock()
		s.log.Info("health check changed", "id", c.HealthCheckId, "healthy", c.Healthy, "checkers", fmt.Sprintf("%d/%d", c.HealthyCheckers, c.Checkers), "reason", c.Reason)
	})
	return e
}

// startRoute53 configures Route 53 as the runbook's Route 53 Health Check
// Configuration says, less deviations, and starts its name server. It runs
// once the regions serve, so that the health checks begin healthy.
func (s *sandbox) startRoute53(ctx context.Context) error {
	if err := s.configureRoute53(); err != nil {
		return fmt.Errorf("route 53: %w", err)
	}
	dns, err := dnsserver.Start(ctx, "127.0.0.1:0", s.route53, dnsserver.WithLogger(s.log.With("service", "dns")))
	if err != nil {
		return fmt.Errorf("DNS server: %w", err)
	}
	s.dns = dns
	s.endpoints.DNS = dns.Addr()
	return nil
}

func (s *sandbox) configureRoute53() error {
	p := s.cfg.Platform
	zone, err := s.route53.CreateHostedZone(route53.CreateHostedZoneInput{Name: hostedZone(p), CallerReference: "gameday-sandbox-zone"})
	if err != nil {
		return err
	}
	zoneID := zone.HostedZone.Id
	// The regions' endpoint names first, so that a health check's first
	// probes resolve.
	var plain []route53.Change
	for i, hosts := range regionHosts(p) {
		ip, _, _ := net.SplitHostPort(s.regions[i].balancer.Addr())
		for _, h := range hosts {
			ttl := int64(60)
			plain = append(plain, route53.Change{Action: "UPSERT", ResourceRecordSet: route53.ResourceRecordSet{
				Name: h, Type: "A", TTL: &ttl, ResourceRecords: []route53.ResourceRecord{{Value: ip}},
			}})
		}
	}
	if _, err := s.route53.ChangeResourceRecordSets(route53.ChangeResourceRecordSetsInput{HostedZoneId: zoneID, Comment: "region endpoints", Changes: plain}); err != nil {
		return fmt.Errorf("region endpoint records: %w", err)
	}
	checks := map[string]string{}
	for _, hc := range p.Route53.HealthChecks {
		out, err := s.route53.CreateHealthCheck(route53.CreateHealthCheckInput{
			CallerReference: "gameday-sandbox-" + hc.ID,
			HealthCheckConfig: route53.HealthCheckConfig{
				Type: hc.Type, Port: hc.Port, ResourcePath: hc.ResourcePath, FullyQualifiedDomainName: hc.FQDN,
				RequestInterval: int(hc.RequestInterval.Seconds()), FailureThreshold: hc.FailureThreshold,
			},
		})
		if err != nil {
			return fmt.Errorf("health check %s: %w", hc.ID, err)
		}
		checks[hc.ID] = out.HealthCheck.Id
	}
	var failover []route53.Change
	for _, r := range p.Route53.FailoverRecords {
		rrs := route53.ResourceRecordSet{Name: r.Name, Type: r.Type, SetIdentifier: r.SetIdentifier, Failover: r.Failover, HealthCheckId: checks[r.HealthCheck]}
		if r.Alias != nil {
			rrs.AliasTarget = &route53.AliasTarget{HostedZoneId: r.Alias.HostedZoneID, DNSName: r.Alias.DNSName, EvaluateTargetHealth: r.Alias.EvaluateTargetHealth}
		}
		failover = append(failover, route53.Change{Action: "UPSERT", ResourceRecordSet: rrs})
	}
	if _, err := s.route53.ChangeResourceRecordSets(route53.ChangeResourceRecordSetsInput{HostedZoneId: zoneID, Comment: "failover records", Changes: failover}); err != nil {
		return fmt.Errorf("failover records: %w", err)
	}
	return nil
}

// route53Status adds the health checks and the failover answers to st.
func (s *sandbox) route53Status(ctx context.Context, st *Status) {
	out, err := s.route53.ListHealthChecks(route53.ListHealthChecksInput{})
	if err != nil {
		return
	}
	for _, hc := range out.HealthChecks {
		healthy, _ := s.route53.Healthy(hc.Id)
		s.mu.Lock()
		since := s.healthSince[hc.Id]
		s.mu.Unlock()
		obs, _ := s.route53.GetHealthCheckStatus(hc.Id)
		up := 0
		for _, o := range obs {
			if strings.HasPrefix(o.StatusReport.Status, "Success") {
				up++
			}
		}
		st.HealthChecks = append(st.HealthChecks, HealthCheckStatus{
			ID: hc.Id, Endpoint: fmt.Sprintf("%s %s:%d%s", hc.HealthCheckConfig.Type, hc.HealthCheckConfig.FullyQualifiedDomainName, hc.HealthCheckConfig.Port, hc.HealthCheckConfig.ResourcePath),
			Healthy: healthy, Since: since, HealthyCheckers: up, Checkers: len(obs),
		})
	}
	seen := map[string]bool{}
	for _, r := range s.cfg.Platform.Route53.FailoverRecords {
		if seen[r.Name+r.Type] {
			continue
		}
		seen[r.Name+r.Type] = true
		a := s.route53.Answer(ctx, r.Name, r.Type)
		ans := DNSAnswer{Name: r.Name, Type: r.Type, Rcode: a.Rcode}
		for _, rec := range a.Records {
			ans.Values = append(ans.Values, rec.Value)
		}
		st.DNS = append(st.DNS, ans)
	}
}
