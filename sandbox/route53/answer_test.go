package route53

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"testing"
)

func TestFailoverAnswer(t *testing.T) {
	// Each case builds api.example.com's failover pair from health checks
	// forced healthy or unhealthy; "none" is a set without a check.
	tests := []struct {
		name               string
		primary, secondary string
		secondaryTarget    string // health of the secondary's alias target
		want               string
	}{
		{"primary healthy", "healthy", "healthy", "", "192.0.2.1"},
		{"primary unhealthy, secondary healthy", "unhealthy", "healthy", "", "192.0.2.2"},
		{"both unhealthy: the primary", "unhealthy", "unhealthy", "", "192.0.2.1"},
		{"secondary without a check counts as healthy", "unhealthy", "none", "", "192.0.2.2"},
		{"alias secondary follows its target: healthy", "unhealthy", "none", "healthy", "192.0.2.20"},
		{"alias secondary follows its target: unhealthy", "unhealthy", "none", "unhealthy", "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newEngine(t, 1)
			check := func(h string) string {
				if h == "none" {
					return ""
				}
				return forcedCheck(t, e, h == "healthy")
			}
			primary := aRecord("api.example.com", 60, "192.0.2.1")
			primary.Failover, primary.SetIdentifier, primary.HealthCheckId = FailoverPrimary, "Primary", check(tt.primary)
			secondary := aRecord("api.example.com", 60, "192.0.2.2")
			secondary.Failover, secondary.SetIdentifier, secondary.HealthCheckId = FailoverSecondary, "Secondary", check(tt.secondary)
			changes := []Change{create(primary)}
			if tt.secondaryTarget != "" {
				target := aRecord("api-secondary.example.com", 30, "192.0.2.20")
				target.Failover, target.SetIdentifier, target.HealthCheckId = FailoverPrimary, "only", check(tt.secondaryTarget)
				changes = append(changes, create(target))
			}
			id := zoneWith(t, e, changes...)
			if tt.secondaryTarget != "" {
				secondary = ResourceRecordSet{Name: "api.example.com", Type: "A", Failover: FailoverSecondary, SetIdentifier: "Secondary",
					AliasTarget: &AliasTarget{HostedZoneId: id, DNSName: "api-secondary.example.com", EvaluateTargetHealth: true}}
			}
			if _, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: id, Changes: []Change{create(secondary)}}); err != nil {
				t.Fatal(err)
			}
			got := e.Answer(t.Context(), "api.example.com", "A")
			if got.Rcode != RcodeNoError || len(got.Records) != 1 || got.Records[0].Value != tt.want || got.Records[0].Name != "api.example.com." {
				t.Fatalf("answer %+v, want api.example.com. A %s", got, tt.want)
			}
			test, err := e.TestDNSAnswer(t.Context(), TestDNSAnswerInput{HostedZoneId: id, RecordName: "api.example.com", RecordType: "A"})
			if err != nil || !slices.Equal(test.RecordData, []string{tt.want}) || test.ResponseCode != "NOERROR" || test.Protocol != "UDP" {
				t.Errorf("TestDNSAnswer %+v, %v", test, err)
			}
		})
	}
}

func TestAnswer(t *testing.T) {
	ttl := func(n int64) *int64 { return &n }
	resolver := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "lb-primary.elb.example.net." {
			return []netip.Addr{netip.MustParseAddr("127.0.0.7"), netip.MustParseAddr("::1")}, nil
		}
		return nil, nil
	}
	e, _ := newEngine(t, 1, WithResolver(resolver))
	id := zoneWith(t, e,
		create(aRecord("www.example.com", 60, "192.0.2.1", "192.0.2.2")),
		create(ResourceRecordSet{Name: "a.deep.example.com", Type: "TXT", TTL: ttl(300), ResourceRecords: []ResourceRecord{{`"v=spf1 -all"`}}}),
		create(ResourceRecordSet{Name: "docs.example.com", Type: "CNAME", TTL: ttl(120), ResourceRecords: []ResourceRecord{{"www.example.com"}}}),
		create(ResourceRecordSet{Name: "lb.example.com", Type: "A", AliasTarget: &AliasTarget{HostedZoneId: "Z35SXDOTRQ7X7K", DNSName: "lb-primary.elb.example.net"}}),
	)
	if _, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: id, Changes: []Change{
		create(ResourceRecordSet{Name: "apex-alias.example.com", Type: "A", AliasTarget: &AliasTarget{HostedZoneId: id, DNSName: "www.example.com"}}),
	}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, qname, qtype string
		rcode              string
		want               []string
	}{
		{"A", "www.example.com", "A", RcodeNoError, []string{"www.example.com. A 60 192.0.2.1", "www.example.com. A 60 192.0.2.2"}},
		{"TXT", "a.deep.example.com", "TXT", RcodeNoError, []string{`a.deep.example.com. TXT 300 "v=spf1 -all"`}},
		{"CNAME for any type", "docs.example.com", "A", RcodeNoError, []string{"docs.example.com. CNAME 120 www.example.com"}},
		{"alias in the zone takes the target's TTL", "apex-alias.example.com", "A", RcodeNoError, []string{"apex-alias.example.com. A 60 192.0.2.1", "apex-alias.example.com. A 60 192.0.2.2"}},
		{"alias outside the zones", "lb.example.com", "A", RcodeNoError, []string{"lb.example.com. A 60 127.0.0.7"}},
		{"no data", "www.example.com", "AAAA", RcodeNoError, nil},
		{"empty non-terminal", "deep.example.com", "A", RcodeNoError, nil},
		{"no such name", "nope.example.com", "A", RcodeNXDomain, nil},
		{"outside the zones", "example.org", "A", RcodeRefused, nil},
		{"apex SOA", "example.com", "SOA", RcodeNoError, []string{"example.com. SOA 900 ns-2048.awsdns-64.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Answer(t.Context(), tt.qname, tt.qtype)
			var records []string
			for _, r := range got.Records {
				records = append(records, r.Name+" "+r.Type+" "+formatSeconds(r)+" "+r.Value)
			}
			slices.Sort(records)
			if got.Rcode != tt.rcode || !slices.Equal(records, tt.want) {
				t.Errorf("%s %s: %s %q, want %s %q", tt.qname, tt.qtype, got.Rcode, records, tt.rcode, tt.want)
			}
		})
	}
}

func formatSeconds(r Record) string { return strconv.Itoa(int(r.TTL.Seconds())) }
