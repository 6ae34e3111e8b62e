package route53

import (
	"context"
	"strings"
	"time"
)

// The DNS response codes an Answer carries, by their names in RFC 1035 and
// in TestDNSAnswer's ResponseCode.
const (
	RcodeNoError  = "NOERROR"
	RcodeNXDomain = "NXDOMAIN"
	RcodeRefused  = "REFUSED"
	RcodeServFail = "SERVFAIL"
)

// AliasTTL is the TTL of an answer from an alias to a resource outside the
// hosted zones: the 60 s AWS gives load balancer aliases.
const AliasTTL = 60 * time.Second

// maxAliasDepth bounds chains of aliases, which AWS does not let loop.
const maxAliasDepth = 8

// Record is one resource record of an answer, its Value in zone-file
// syntax.
type Record struct {
	Name  string
	Type  string
	TTL   time.Duration
	Value string
}

// Answer is what the name servers of the hosted zones answer for a
// question.
type Answer struct {
	// Zone and ZoneID name the hosted zone that answered; both are empty
	// when no zone holds the name, and Rcode is REFUSED.
	Zone    string
	ZoneID  string
	Rcode   string
	Records []Record
}

// Answer answers a DNS question (name, record type) as Route 53's name
// servers do: from the most specific hosted zone holding the name, a
// CNAME in place of any other type, failover sets by the health of their
// members (API_ResourceRecordSet.html, Failover): the primary when it is
// healthy, else the secondary when it is healthy, else the primary; a set
// is healthy when its health check is (a set without one counts as
// healthy) and, for an alias with EvaluateTargetHealth, its target is. An
// alias answers with its target's records under its own name and with the
// target's TTL.
func (e *Engine) Answer(ctx context.Context, name, rrType string) Answer {
	name, rrType = fqdn(name), strings.ToUpper(rrType)
	e.mu.RLock()
	defer e.mu.RUnlock()
	z := e.zoneForLocked(name)
	if z == nil {
		return Answer{Rcode: RcodeRefused}
	}
	records, rcode := e.answerLocked(ctx, z, name, rrType, 0)
	return Answer{Zone: z.name, ZoneID: z.id, Rcode: rcode, Records: records}
}

// zoneForLocked returns the most specific zone holding name, or nil.
func (e *Engine) zoneForLocked(name string) *zone {
	var best *zone
	for _, z := range e.zones {
		if z.contains(name) && (best == nil || len(z.name) > len(best.name)) {
			best = z
		}
	}
	return best
}

func (e *Engine) answerLocked(ctx context.Context, z *zone, name, rrType string, depth int) ([]Record, string) {
	if depth > maxAliasDepth {
		return nil, RcodeServFail
	}
	var group, cname []*ResourceRecordSet
	exists := false
	for k, s := range z.sets {
		switch {
		case k.name == name:
			exists = true
			if k.typ == rrType {
				group = append(group, s)
			} else if k.typ == "CNAME" {
				cname = append(cname, s)
			}
		case strings.HasSuffix(k.name, "."+name):
			// An empty non-terminal exists, with no records.
			exists = true
		}
	}
	switch {
	case !exists:
		return nil, RcodeNXDomain
	case len(group) == 0 && len(cname) > 0:
		group = cname
	case len(group) == 0:
		return nil, RcodeNoError
	}
	s := e.selectLocked(ctx, z, group, depth)
	return e.recordsLocked(ctx, z, s, name, depth)
}

// selectLocked picks the set of a group that answers: the only one, or
// the failover choice.
func (e *Engine) selectLocked(ctx context.Context, z *zone, group []*ResourceRecordSet, depth int) *ResourceRecordSet {
	var primary, secondary *ResourceRecordSet
	for _, s := range group {
		switch s.Failover {
		case FailoverPrimary:
			primary = s
		case FailoverSecondary:
			secondary = s
		default:
			return s
		}
	}
	switch {
	case primary != nil && e.setHealthyLocked(ctx, z, primary, depth):
		return primary
	case secondary != nil && e.setHealthyLocked(ctx, z, secondary, depth):
		return secondary
	case primary != nil:
		return primary
	}
	return secondary
}

// setHealthyLocked is the health of one record set.
func (e *Engine) setHealthyLocked(ctx context.Context, z *zone, s *ResourceRecordSet, depth int) bool {
	if h, ok := e.checks[s.HealthCheckId]; ok && !h.healthy {
		return false
	}
	if a := s.AliasTarget; a != nil && a.EvaluateTargetHealth {
		return e.targetHealthyLocked(ctx, z, a, s.Type, depth+1)
	}
	return true
}

// targetHealthyLocked is the health of an alias target: of a record set
// group in the zones, healthy when any of its sets is (the rule AWS
// documents for alias targets that are groups); of a resource outside
// them, what TargetHealth says, by default whether it resolves.
func (e *Engine) targetHealthyLocked(ctx context.Context, z *zone, a *AliasTarget, rrType string, depth int) bool {
	if depth > maxAliasDepth {
		return false
	}
	tz := e.targetZoneLocked(ctx, z, a)
	if tz == nil {
		if e.targetHealth != nil {
			return e.targetHealth(ctx, a.DNSName)
		}
		return e.resolve(ctx, a.DNSName, rrType) != nil
	}
	for k, s := range tz.sets {
		if k.name == a.DNSName && k.typ == rrType && e.setHealthyLocked(ctx, tz, s, depth) {
			return true
		}
	}
	return false
}

// targetZoneLocked is the hosted zone an alias target lies in: the alias's
// own zone when HostedZoneId names it; for another HostedZoneId (a load
// balancer's or CloudFront's), nil when the Resolver knows the name, else
// the zone holding the name, as public DNS would find it.
func (e *Engine) targetZoneLocked(ctx context.Context, z *zone, a *AliasTarget) *zone {
	if a.HostedZoneId == z.id {
		return z
	}
	if e.resolver != nil {
		if addrs, err := e.resolver(ctx, a.DNSName); err == nil && len(addrs) > 0 {
			return nil
		}
	}
	return e.zoneForLocked(a.DNSName)
}

// resolve returns the Resolver's records for a name outside the zones.
func (e *Engine) resolve(ctx context.Context, name, rrType string) []Record {
	if e.resolver == nil {
		return nil
	}
	addrs, err := e.resolver(ctx, name)
	if err != nil {
		return nil
	}
	var out []Record
	for _, a := range addrs {
		if (rrType == "A" && a.Is4()) || (rrType == "AAAA" && a.Is6()) {
			out = append(out, Record{Name: name, Type: rrType, TTL: AliasTTL, Value: a.String()})
		}
	}
	return out
}

// recordsLocked turns the chosen set into the records answered for name.
func (e *Engine) recordsLocked(ctx context.Context, z *zone, s *ResourceRecordSet, name string, depth int) ([]Record, string) {
	a := s.AliasTarget
	if a == nil {
		out := make([]Record, len(s.ResourceRecords))
		for i, r := range s.ResourceRecords {
			out[i] = Record{Name: name, Type: s.Type, TTL: time.Duration(*s.TTL) * time.Second, Value: r.Value}
		}
		return out, RcodeNoError
	}
	var records []Record
	rcode := RcodeNoError
	if tz := e.targetZoneLocked(ctx, z, a); tz != nil {
		records, rcode = e.answerLocked(ctx, tz, a.DNSName, s.Type, depth+1)
	} else {
		records = e.resolve(ctx, a.DNSName, s.Type)
	}
	for i := range records {
		records[i].Name = name
	}
	if rcode == RcodeNXDomain {
		// The alias's own name exists; only its target does not.
		rcode = RcodeNoError
	}
	return records, rcode
}

// TestDNSAnswerInput is the input of TestDNSAnswer.
type TestDNSAnswerInput struct {
	HostedZoneId string
	RecordName   string
	RecordType   string
}

// TestDNSAnswerOutput is the output of TestDNSAnswer.
type TestDNSAnswerOutput struct {
	Nameserver   string
	RecordName   string
	RecordType   string
	RecordData   []string
	ResponseCode string
	Protocol     string
}

// TestDNSAnswer answers as a name server of the given zone would, over
// UDP, for a name in that zone.
func (e *Engine) TestDNSAnswer(ctx context.Context, in TestDNSAnswerInput) (TestDNSAnswerOutput, error) {
	switch {
	case in.HostedZoneId == "":
		return TestDNSAnswerOutput{}, invalidInput("HostedZoneId is required.")
	case in.RecordName == "":
		return TestDNSAnswerOutput{}, invalidInput("RecordName is required.")
	case in.RecordType == "":
		return TestDNSAnswerOutput{}, invalidInput("RecordType is required.")
	}
	name, rrType := fqdn(in.RecordName), strings.ToUpper(in.RecordType)
	e.mu.RLock()
	defer e.mu.RUnlock()
	z, err := e.zoneLocked(in.HostedZoneId)
	if err != nil {
		return TestDNSAnswerOutput{}, err
	}
	out := TestDNSAnswerOutput{
		Nameserver: strings.TrimSuffix(e.nameServers[0], "."),
		RecordName: name, RecordType: rrType, RecordData: []string{}, Protocol: "UDP",
	}
	if !z.contains(name) {
		out.ResponseCode = RcodeRefused
		return out, nil
	}
	records, rcode := e.answerLocked(ctx, z, name, rrType, 0)
	out.ResponseCode = rcode
	for _, r := range records {
		out.RecordData = append(out.RecordData, r.Value)
	}
	return out, nil
}
