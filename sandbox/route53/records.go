package route53

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// recordTypes are the record types Route 53 accepts in a change.
var recordTypes = []string{"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}

// ChangeResourceRecordSetsInput is the input of ChangeResourceRecordSets.
type ChangeResourceRecordSetsInput struct {
	HostedZoneId string
	Comment      string
	Changes      []Change
}

// ChangeResourceRecordSets applies a batch of changes to a zone, all or
// none, as Route 53 does: a change that fails leaves the zone as it was
// and is reported with InvalidChangeBatch, naming the record set.
func (e *Engine) ChangeResourceRecordSets(in ChangeResourceRecordSetsInput) (ChangeInfo, error) {
	if len(in.Changes) == 0 {
		return ChangeInfo{}, invalidInput("ChangeBatch must hold at least one change.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	z, err := e.zoneLocked(in.HostedZoneId)
	if err != nil {
		return ChangeInfo{}, err
	}
	sets := make(map[setKey]*ResourceRecordSet, len(z.sets)+len(in.Changes))
	for k, s := range z.sets {
		sets[k] = s
	}
	for _, c := range in.Changes {
		s := clone(&c.ResourceRecordSet)
		if err := e.checkSetLocked(z, &s); err != nil {
			return ChangeInfo{}, err
		}
		k := keyOf(&s)
		old, exists := sets[k]
		switch c.Action {
		case ActionCreate:
			if exists {
				return ChangeInfo{}, batchError("Tried to create resource record set %s but it already exists", describeSet(&s))
			}
		case ActionDelete:
			if !exists || !sameSet(old, &s) {
				return ChangeInfo{}, batchError("Tried to delete resource record set %s but it was not found", describeSet(&s))
			}
			if s.Name == z.name && (s.Type == "SOA" || s.Type == "NS") {
				return ChangeInfo{}, batchError("A HostedZone must contain at least one NS record and one SOA record for the zone itself.")
			}
			delete(sets, k)
			continue
		case ActionUpsert:
		default:
			return ChangeInfo{}, invalidInput("Invalid Action %q: expected one of CREATE, DELETE, UPSERT.", c.Action)
		}
		sets[k] = &s
		if err := checkGroup(z, sets, &s); err != nil {
			return ChangeInfo{}, err
		}
	}
	// Alias targets in this zone must exist once the batch is applied, so
	// a batch may create a target and its alias in either order.
	for _, s := range sets {
		a := s.AliasTarget
		if a == nil || bareID(a.HostedZoneId) != z.id {
			continue
		}
		if !hasName(sets, fqdn(a.DNSName), s.Type) {
			return ChangeInfo{}, batchError("Tried to create an alias that targets %s, type %s in zone %s, but that target was not found",
				fqdn(a.DNSName), s.Type, z.id)
		}
	}
	z.sets = sets
	return e.recordChangeLocked(in.Comment), nil
}

func batchError(format string, args ...any) *Error {
	return newError(ErrCodeInvalidChangeBatch, "["+format+"]", args...)
}

func describeSet(s *ResourceRecordSet) string {
	if s.SetIdentifier != "" {
		return fmt.Sprintf("[name='%s', type='%s', set-identifier='%s']", s.Name, s.Type, s.SetIdentifier)
	}
	return fmt.Sprintf("[name='%s', type='%s']", s.Name, s.Type)
}

func hasName(sets map[setKey]*ResourceRecordSet, name, typ string) bool {
	for k := range sets {
		if k.name == name && k.typ == typ {
			return true
		}
	}
	return false
}

// sameSet reports whether a DELETE names the record set as it is: Route 53
// deletes only an exact match.
func sameSet(a, b *ResourceRecordSet) bool {
	return a.Failover == b.Failover && a.HealthCheckId == b.HealthCheckId &&
		cmpTTL(a.TTL, b.TTL) && slices.Equal(a.ResourceRecords, b.ResourceRecords) &&
		(a.AliasTarget == nil) == (b.AliasTarget == nil) && (a.AliasTarget == nil || *a.AliasTarget == *b.AliasTarget)
}

func cmpTTL(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// checkSetLocked validates and normalizes one record set of a change.
func (e *Engine) checkSetLocked(z *zone, s *ResourceRecordSet) *Error {
	if err := checkDomainName(s.Name); err != nil {
		return err
	}
	s.Name = fqdn(s.Name)
	s.Type = strings.ToUpper(s.Type)
	if !slices.Contains(recordTypes, s.Type) {
		return invalidInput("Invalid type %q for resource record set %s.", s.Type, s.Name)
	}
	if !z.contains(s.Name) {
		return batchError("RRSet with DNS name %s is not permitted in zone %s", s.Name, z.name)
	}
	switch {
	case s.AliasTarget != nil && (s.TTL != nil || len(s.ResourceRecords) > 0),
		s.AliasTarget == nil && (s.TTL == nil || len(s.ResourceRecords) == 0):
		return invalidInput("Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]], but found %s in Change with [Name=%s, Type=%s, SetIdentifier=%s]",
			foundMembers(s), s.Name, s.Type, s.SetIdentifier)
	case s.TTL != nil && (*s.TTL < 0 || *s.TTL > 2147483647):
		return invalidInput("TTL %d is outside 0 to 2147483647.", *s.TTL)
	}
	if a := s.AliasTarget; a != nil {
		if a.DNSName == "" || a.HostedZoneId == "" {
			return invalidInput("AliasTarget of %s needs HostedZoneId and DNSName.", s.Name)
		}
		a.HostedZoneId = bareID(a.HostedZoneId)
		a.DNSName = fqdn(a.DNSName)
		if a.HostedZoneId != z.id {
			if _, other := e.zones[a.HostedZoneId]; other {
				return batchError("Tried to create an alias that targets %s in zone %s, which is not the alias's zone %s", a.DNSName, a.HostedZoneId, z.id)
			}
		}
	}
	switch s.Failover {
	case "":
		if s.SetIdentifier != "" {
			return invalidInput("Invalid request: SetIdentifier %s of %s needs a routing policy; the sandbox serves Failover.", s.SetIdentifier, s.Name)
		}
	case FailoverPrimary, FailoverSecondary:
		if s.SetIdentifier == "" {
			return invalidInput("Invalid request: Missing field 'SetIdentifier' in Change with [Name=%s, Type=%s, Failover=%s]", s.Name, s.Type, s.Failover)
		}
	default:
		return invalidInput("Invalid Failover %q: expected PRIMARY or SECONDARY.", s.Failover)
	}
	if s.HealthCheckId != "" {
		if _, ok := e.checks[s.HealthCheckId]; !ok {
			return noSuchHealthCheck(s.HealthCheckId)
		}
	}
	for _, r := range s.ResourceRecords {
		if err := checkValue(s, r.Value); err != nil {
			return err
		}
	}
	if s.Type == "CNAME" && len(s.ResourceRecords) > 1 {
		return batchError("RRSet of type CNAME with DNS name %s has more than one value", s.Name)
	}
	return nil
}

func foundMembers(s *ResourceRecordSet) string {
	var found []string
	if s.AliasTarget != nil {
		found = append(found, "AliasTarget")
	}
	if s.TTL != nil {
		found = append(found, "TTL")
	}
	if len(s.ResourceRecords) > 0 {
		found = append(found, "ResourceRecords")
	}
	if len(found) == 0 {
		return "none"
	}
	return "[" + strings.Join(found, ", ") + "]"
}

// checkValue rejects addresses that are not of the record's family, with
// the wording of Route 53's zone-file parser.
func checkValue(s *ResourceRecordSet, v string) *Error {
	switch s.Type {
	case "A":
		if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
			return batchError("Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '%s''", v)
		}
	case "AAAA":
		if a, err := netip.ParseAddr(v); err != nil || !a.Is6() {
			return batchError("Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '%s''", v)
		}
	}
	if strings.TrimSpace(v) == "" {
		return invalidInput("Empty value in resource record set %s.", s.Name)
	}
	return nil
}

// checkGroup enforces what Route 53 enforces between record sets of one
// name: a CNAME stands alone, and the sets of one name and type are either
// one simple set or a failover pair with one PRIMARY and one SECONDARY.
func checkGroup(z *zone, sets map[setKey]*ResourceRecordSet, s *ResourceRecordSet) *Error {
	var simple, primary, secondary int
	for k, o := range sets {
		if k.name != s.Name {
			continue
		}
		if (k.typ == "CNAME") != (s.Type == "CNAME") {
			return batchError("RRSet of type CNAME with DNS name %s is not permitted as it conflicts with other records with the same DNS name in zone %s", s.Name, z.name)
		}
		if k.typ != s.Type {
			continue
		}
		switch o.Failover {
		case "":
			simple++
		case FailoverPrimary:
			primary++
		case FailoverSecondary:
			secondary++
		}
	}
	switch {
	case simple > 0 && primary+secondary > 0:
		return batchError("RRSet with DNS name %s, type %s cannot be created as other RRSets exist with the same name and type but a different routing policy", s.Name, s.Type)
	case primary > 1 || secondary > 1:
		return batchError("Tried to create resource record set %s with Failover %s, but the name and type already have a %s record set", describeSet(s), s.Failover, s.Failover)
	}
	return nil
}

// ListResourceRecordSetsInput is the input of ListResourceRecordSets.
type ListResourceRecordSetsInput struct {
	HostedZoneId          string
	StartRecordName       string
	StartRecordType       string
	StartRecordIdentifier string
	MaxItems              int
}

// ListResourceRecordSetsOutput is the output of ListResourceRecordSets.
type ListResourceRecordSetsOutput struct {
	ResourceRecordSets   []ResourceRecordSet
	IsTruncated          bool
	NextRecordName       string `aws:",omitempty"`
	NextRecordType       string `aws:",omitempty"`
	NextRecordIdentifier string `aws:",omitempty"`
	MaxItems             string
}

// ListResourceRecordSets lists a zone's record sets in Route 53's order
// (API_ListResourceRecordSets.html): by name with the labels reversed
// (com.example.www.), then by type, then, which AWS leaves unsaid, by set
// identifier; from the first set at or after StartRecordName,
// StartRecordType and StartRecordIdentifier, up to MaxItems (default and
// most 300) a page.
func (e *Engine) ListResourceRecordSets(in ListResourceRecordSetsInput) (ListResourceRecordSetsOutput, error) {
	if in.StartRecordType != "" && in.StartRecordName == "" {
		return ListResourceRecordSetsOutput{}, invalidInput("The input is not valid: StartRecordType requires StartRecordName.")
	}
	if in.StartRecordIdentifier != "" && in.StartRecordType == "" {
		return ListResourceRecordSetsOutput{}, invalidInput("The input is not valid: StartRecordIdentifier requires StartRecordName and StartRecordType.")
	}
	size, err := pageSize(in.MaxItems, 300)
	if err != nil {
		return ListResourceRecordSetsOutput{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	z, zerr := e.zoneLocked(in.HostedZoneId)
	if zerr != nil {
		return ListResourceRecordSetsOutput{}, zerr
	}
	sets := z.sorted()
	start := setKey{name: "", typ: strings.ToUpper(in.StartRecordType), setID: in.StartRecordIdentifier}
	if in.StartRecordName != "" {
		start.name = fqdn(in.StartRecordName)
	}
	i, _ := slices.BinarySearchFunc(sets, start, func(s *ResourceRecordSet, k setKey) int { return compareKeys(keyOf(s), k) })
	out := ListResourceRecordSetsOutput{ResourceRecordSets: []ResourceRecordSet{}, MaxItems: fmt.Sprint(size)}
	for ; i < len(sets); i++ {
		if len(out.ResourceRecordSets) == size {
			out.IsTruncated = true
			out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier = sets[i].Name, sets[i].Type, sets[i].SetIdentifier
			break
		}
		out.ResourceRecordSets = append(out.ResourceRecordSets, clone(sets[i]))
	}
	return out, nil
}

// sorted returns the zone's record sets in ListResourceRecordSets order.
func (z *zone) sorted() []*ResourceRecordSet {
	out := make([]*ResourceRecordSet, 0, len(z.sets))
	for _, s := range z.sets {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *ResourceRecordSet) int { return compareKeys(keyOf(a), keyOf(b)) })
	return out
}

func compareKeys(a, b setKey) int {
	return cmp.Or(cmp.Compare(reversedName(a.name), reversedName(b.name)), cmp.Compare(a.typ, b.typ), cmp.Compare(a.setID, b.setID))
}

// reversedName spells www.example.com. as com.example.www., the key
// Route 53 sorts names by.
func reversedName(name string) string {
	if name == "" {
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".") + "."
}

// clone copies a record set so that callers cannot reach the engine's.
func clone(s *ResourceRecordSet) ResourceRecordSet {
	c := *s
	c.ResourceRecords = slices.Clone(s.ResourceRecords)
	if s.TTL != nil {
		c.TTL = ptr(*s.TTL)
	}
	if s.AliasTarget != nil {
		c.AliasTarget = ptr(*s.AliasTarget)
	}
	return c
}
