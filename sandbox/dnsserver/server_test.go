package dnsserver_test

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/gameday-sre/gameday/sandbox/dnsserver"
	"github.com/gameday-sre/gameday/sandbox/route53"
)

// recordsZone holds a record of each type the server serves.
func recordsZone(t *testing.T, e *route53.Engine) {
	t.Helper()
	z, err := e.CreateHostedZone(route53.CreateHostedZoneInput{Name: "example.com", CallerReference: "zone"})
	if err != nil {
		t.Fatal(err)
	}
	set := func(name, typ string, ttl int64, values ...string) route53.Change {
		s := route53.ResourceRecordSet{Name: name, Type: typ, TTL: &ttl}
		for _, v := range values {
			s.ResourceRecords = append(s.ResourceRecords, route53.ResourceRecord{Value: v})
		}
		return route53.Change{Action: route53.ActionCreate, ResourceRecordSet: s}
	}
	if _, err := e.ChangeResourceRecordSets(route53.ChangeResourceRecordSetsInput{HostedZoneId: z.HostedZone.Id, Changes: []route53.Change{
		set("www.example.com", "A", 60, "192.0.2.1", "192.0.2.2"),
		set("www.example.com", "AAAA", 60, "2001:db8::1"),
		set("docs.example.com", "CNAME", 300, "www.example.com"),
		set("example.com", "TXT", 300, `"v=spf1 -all"`, `"two words"`),
		{Action: route53.ActionCreate, ResourceRecordSet: route53.ResourceRecordSet{Name: "example.com", Type: "A",
			AliasTarget: &route53.AliasTarget{HostedZoneId: z.HostedZone.Id, DNSName: "www.example.com"}}},
	}}); err != nil {
		t.Fatal(err)
	}
}

func TestQueries(t *testing.T) {
	e, _ := newEngine(t, 1)
	recordsZone(t, e)
	addr := startDNS(t, e).Addr()
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
		ns     string // type of the authority section's record
	}{
		{"A", "www.example.com", dns.TypeA, dns.RcodeSuccess, []string{"www.example.com.\t60\tIN\tA\t192.0.2.1", "www.example.com.\t60\tIN\tA\t192.0.2.2"}, ""},
		{"AAAA", "WWW.Example.com", dns.TypeAAAA, dns.RcodeSuccess, []string{"www.example.com.\t60\tIN\tAAAA\t2001:db8::1"}, ""},
		{"CNAME", "docs.example.com", dns.TypeA, dns.RcodeSuccess, []string{"docs.example.com.\t300\tIN\tCNAME\twww.example.com."}, ""},
		{"TXT", "example.com", dns.TypeTXT, dns.RcodeSuccess, []string{"example.com.\t300\tIN\tTXT\t\"two words\"", "example.com.\t300\tIN\tTXT\t\"v=spf1 -all\""}, ""},
		{"alias at the apex", "example.com", dns.TypeA, dns.RcodeSuccess, []string{"example.com.\t60\tIN\tA\t192.0.2.1", "example.com.\t60\tIN\tA\t192.0.2.2"}, ""},
		{"NS at the apex", "example.com", dns.TypeNS, dns.RcodeSuccess, []string{
			"example.com.\t172800\tIN\tNS\tns-2048.awsdns-64.com.", "example.com.\t172800\tIN\tNS\tns-2049.awsdns-65.net.",
			"example.com.\t172800\tIN\tNS\tns-2050.awsdns-66.org.", "example.com.\t172800\tIN\tNS\tns-2051.awsdns-67.co.uk."}, ""},
		{"SOA at the apex", "example.com", dns.TypeSOA, dns.RcodeSuccess, []string{
			"example.com.\t900\tIN\tSOA\tns-2048.awsdns-64.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}, ""},
		{"no data", "docs.example.com", dns.TypeCNAME, dns.RcodeSuccess, []string{"docs.example.com.\t300\tIN\tCNAME\twww.example.com."}, ""},
		{"no such type", "www.example.com", dns.TypeMX, dns.RcodeSuccess, nil, "SOA"},
		{"no such name", "nope.example.com", dns.TypeA, dns.RcodeNameError, nil, "SOA"},
		{"outside the zones", "example.org", dns.TypeA, dns.RcodeRefused, nil, ""},
		{"ANY", "example.com", dns.TypeANY, dns.RcodeNotImplemented, nil, ""},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tt := range tests {
			t.Run(network+" "+tt.name, func(t *testing.T) {
				r := query(t, addr, network, tt.qname, tt.qtype)
				var got []string
				for _, rr := range r.Answer {
					got = append(got, rr.String())
				}
				slices.Sort(got)
				if r.Rcode != tt.rcode || !slices.Equal(got, tt.answer) {
					t.Errorf("%s %s: %s %q, want %s %q", tt.qname, dns.TypeToString[tt.qtype], dns.RcodeToString[r.Rcode], got, dns.RcodeToString[tt.rcode], tt.answer)
				}
				if tt.ns != "" && (len(r.Ns) != 1 || dns.TypeToString[r.Ns[0].Header().Rrtype] != tt.ns) {
					t.Errorf("authority %v, want one %s", r.Ns, tt.ns)
				}
				if authoritative := tt.rcode == dns.RcodeSuccess || tt.rcode == dns.RcodeNameError; r.Authoritative != authoritative {
					t.Errorf("AA = %t, want %t", r.Authoritative, authoritative)
				}
			})
		}
	}
}

func TestStartFailsOnTakenPort(t *testing.T) {
	e, _ := newEngine(t, 1)
	first := startDNS(t, e)
	if s, err := dnsserver.Start(t.Context(), first.Addr(), e); err == nil {
		s.Close()
		t.Fatalf("a second server on %s started", first.Addr())
	}
}

func TestDig(t *testing.T) {
	dig, err := exec.LookPath("dig")
	if err != nil {
		t.Skip("requires dig on PATH (apt-get install dnsutils): not found")
	}
	e, _ := newEngine(t, 1)
	recordsZone(t, e)
	addr := startDNS(t, e).Addr()
	host, port := addr[:strings.LastIndexByte(addr, ':')], addr[strings.LastIndexByte(addr, ':')+1:]
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"www.example.com", "A", "+short"}, "192.0.2.1\n192.0.2.2"},
		{[]string{"www.example.com", "A", "+short", "+tcp"}, "192.0.2.1\n192.0.2.2"},
		{[]string{"example.com", "TXT", "+short"}, "\"two words\"\n\"v=spf1 -all\""},
		{[]string{"docs.example.com", "CNAME", "+short"}, "www.example.com."},
		{[]string{"nope.example.com", "A", "+noall", "+comments"}, "status: NXDOMAIN"},
		{[]string{"example.org", "A", "+noall", "+comments"}, "status: REFUSED"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, dig, append([]string{"@" + host, "-p", port, "+time=2", "+tries=1"}, tt.args...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("dig: %v: %s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			slices.Sort(lines)
			if got := strings.Join(lines, "\n"); !strings.Contains(got, tt.want) {
				t.Errorf("dig %s: %q, want %q", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
}
