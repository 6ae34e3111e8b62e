package route53

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// zone is a hosted zone and its record sets.
type zone struct {
	id        string // bare, without /hostedzone/
	name      string
	callerRef string
	config    HostedZoneConfig
	created   uint64
	sets      map[setKey]*ResourceRecordSet
}

// setKey identifies a record set within a zone.
type setKey struct{ name, typ, setID string }

func keyOf(s *ResourceRecordSet) setKey { return setKey{s.Name, s.Type, s.SetIdentifier} }

func (z *zone) describe() HostedZone {
	return HostedZone{
		Id:                     "/hostedzone/" + z.id,
		Name:                   z.name,
		CallerReference:        z.callerRef,
		Config:                 z.config,
		ResourceRecordSetCount: int64(len(z.sets)),
	}
}

// contains reports whether name (fully qualified) lies in the zone.
func (z *zone) contains(name string) bool {
	return name == z.name || strings.HasSuffix(name, "."+z.name)
}

// bareID strips the /hostedzone/, /change/ or /healthcheck/ prefix that
// AWS puts on IDs and that SDKs strip again before sending one.
func bareID(id string) string {
	id = strings.TrimSpace(id)
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// CreateHostedZoneInput is the input of CreateHostedZone.
type CreateHostedZoneInput struct {
	Name             string
	CallerReference  string
	HostedZoneConfig *HostedZoneConfig
}

// CreateHostedZoneOutput is the output of CreateHostedZone. Location is
// the URL of the new zone, which the wire layer sends as a header.
type CreateHostedZoneOutput struct {
	HostedZone    HostedZone
	ChangeInfo    ChangeInfo
	DelegationSet DelegationSet
	Location      string
}

// CreateHostedZone creates a public hosted zone holding its SOA and NS
// record sets.
func (e *Engine) CreateHostedZone(in CreateHostedZoneInput) (CreateHostedZoneOutput, error) {
	if err := checkDomainName(in.Name); err != nil {
		return CreateHostedZoneOutput{}, err
	}
	if in.CallerReference == "" || len(in.CallerReference) > 128 {
		return CreateHostedZoneOutput{}, invalidInput("CallerReference must have a length between 1 and 128.")
	}
	if in.HostedZoneConfig != nil && in.HostedZoneConfig.PrivateZone {
		return CreateHostedZoneOutput{}, invalidInput("The sandbox serves public hosted zones only: PrivateZone must be false.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, taken := e.zoneRefs[in.CallerReference]; taken {
		return CreateHostedZoneOutput{}, newError(ErrCodeHostedZoneAlreadyExists,
			"A hosted zone has already been created with the specified caller reference.")
	}
	z := &zone{id: newID("Z", 20), name: fqdn(in.Name), callerRef: in.CallerReference, sets: map[setKey]*ResourceRecordSet{}}
	if in.HostedZoneConfig != nil {
		z.config.Comment = in.HostedZoneConfig.Comment
	}
	e.seq++
	z.created = e.seq
	ns := &ResourceRecordSet{Name: z.name, Type: "NS", TTL: ptr(int64(172800))}
	for _, n := range e.nameServers {
		ns.ResourceRecords = append(ns.ResourceRecords, ResourceRecord{Value: n})
	}
	// AWS's SOA: the first name server, its hostmaster mailbox, serial 1,
	// and the refresh, retry, expire and negative-TTL values it uses.
	soa := &ResourceRecordSet{Name: z.name, Type: "SOA", TTL: ptr(int64(900)), ResourceRecords: []ResourceRecord{{
		Value: fmt.Sprintf("%s awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400", e.nameServers[0]),
	}}}
	z.sets[keyOf(ns)] = ns
	z.sets[keyOf(soa)] = soa
	e.zones[z.id] = z
	e.zoneRefs[in.CallerReference] = z.id
	return CreateHostedZoneOutput{
		HostedZone:    z.describe(),
		ChangeInfo:    e.recordChangeLocked(""),
		DelegationSet: DelegationSet{NameServers: e.delegationLocked()},
		Location:      "https://route53.amazonaws.com/2013-04-01/hostedzone/" + z.id,
	}, nil
}

func (e *Engine) delegationLocked() []string {
	out := make([]string, len(e.nameServers))
	for i, n := range e.nameServers {
		out[i] = strings.TrimSuffix(n, ".")
	}
	return out
}

// recordChangeLocked keeps a change for GetChange and describes it.
func (e *Engine) recordChangeLocked(comment string) ChangeInfo {
	c := ChangeInfo{Id: "/change/" + newID("C", 20), Status: "INSYNC", SubmittedAt: e.now(), Comment: comment}
	e.changes[bareID(c.Id)] = c
	return c
}

// GetChange returns a change made by CreateHostedZone or
// ChangeResourceRecordSets.
func (e *Engine) GetChange(id string) (ChangeInfo, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	c, ok := e.changes[bareID(id)]
	if !ok {
		return ChangeInfo{}, newError(ErrCodeNoSuchChange, "A change with the specified change ID does not exist: %s", id)
	}
	return c, nil
}

// GetHostedZoneOutput is the output of GetHostedZone.
type GetHostedZoneOutput struct {
	HostedZone    HostedZone
	DelegationSet DelegationSet
}

// GetHostedZone describes the zone with the given ID (bare or
// /hostedzone/-prefixed).
func (e *Engine) GetHostedZone(id string) (GetHostedZoneOutput, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	z, err := e.zoneLocked(id)
	if err != nil {
		return GetHostedZoneOutput{}, err
	}
	return GetHostedZoneOutput{HostedZone: z.describe(), DelegationSet: DelegationSet{NameServers: e.delegationLocked()}}, nil
}

func (e *Engine) zoneLocked(id string) (*zone, *Error) {
	z, ok := e.zones[bareID(id)]
	if !ok {
		return nil, noSuchHostedZone(bareID(id))
	}
	return z, nil
}

// DeleteHostedZone deletes a zone that holds nothing but its SOA and NS
// record sets.
func (e *Engine) DeleteHostedZone(id string) (ChangeInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	z, err := e.zoneLocked(id)
	if err != nil {
		return ChangeInfo{}, err
	}
	for k := range z.sets {
		if k.name != z.name || (k.typ != "SOA" && k.typ != "NS") {
			return ChangeInfo{}, newError(ErrCodeHostedZoneNotEmpty,
				"The specified hosted zone contains non-required resource record sets and so cannot be deleted.")
		}
	}
	delete(e.zones, z.id)
	delete(e.tags, tagKey(TagResourceHostedZone, z.id))
	return e.recordChangeLocked(""), nil
}

// ListHostedZonesInput is the input of ListHostedZones; Marker is the ID
// of the first zone of the page, from a previous NextMarker.
type ListHostedZonesInput struct {
	Marker   string
	MaxItems int
}

// ListHostedZonesOutput is the output of ListHostedZones.
type ListHostedZonesOutput struct {
	HostedZones []HostedZone
	Marker      string `aws:",omitempty"`
	IsTruncated bool
	NextMarker  string `aws:",omitempty"`
	MaxItems    string
}

// ListHostedZones lists zones in the order they were created, up to
// MaxItems (default and most 100) a page.
func (e *Engine) ListHostedZones(in ListHostedZonesInput) (ListHostedZonesOutput, error) {
	size, err := pageSize(in.MaxItems, 100)
	if err != nil {
		return ListHostedZonesOutput{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	zones := make([]*zone, 0, len(e.zones))
	for _, z := range e.zones {
		zones = append(zones, z)
	}
	slices.SortFunc(zones, func(a, b *zone) int { return cmp.Compare(a.created, b.created) })
	start := 0
	if in.Marker != "" {
		start = slices.IndexFunc(zones, func(z *zone) bool { return z.id == bareID(in.Marker) })
		if start < 0 {
			return ListHostedZonesOutput{}, invalidInput("The marker %s names no hosted zone.", in.Marker)
		}
	}
	out := ListHostedZonesOutput{HostedZones: []HostedZone{}, Marker: in.Marker, MaxItems: fmt.Sprint(size)}
	for i := start; i < len(zones); i++ {
		if len(out.HostedZones) == size {
			out.IsTruncated, out.NextMarker = true, zones[i].id
			break
		}
		out.HostedZones = append(out.HostedZones, zones[i].describe())
	}
	return out, nil
}

// pageSize applies a MaxItems parameter: 0 takes max, more than max is cut
// to max, as Route 53 does.
func pageSize(n, most int) (int, *Error) {
	switch {
	case n < 0:
		return 0, invalidInput("MaxItems must not be negative.")
	case n == 0 || n > most:
		return most, nil
	}
	return n, nil
}

// checkDomainName accepts what Route 53 accepts as a zone or record name:
// up to 255 characters of labels of 1 to 63.
func checkDomainName(name string) *Error {
	n := strings.TrimSuffix(strings.TrimSpace(name), ".")
	if n == "" || len(n) > 254 {
		return newError(ErrCodeInvalidDomainName, "%s is not a valid domain name.", name)
	}
	for l := range strings.SplitSeq(n, ".") {
		if l == "" || len(l) > 63 || strings.ContainsAny(l, " \t\n") {
			return newError(ErrCodeInvalidDomainName, "%s is not a valid domain name.", name)
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// now is the platform time of an API call, at AWS's millisecond
// resolution.
func (e *Engine) now() time.Time { return e.clock.Now().UTC().Truncate(time.Millisecond) }

// ListHostedZonesByNameInput is the input of ListHostedZonesByName.
type ListHostedZonesByNameInput struct {
	DNSName      string
	HostedZoneId string
	MaxItems     int
}

// ListHostedZonesByNameOutput is the output of ListHostedZonesByName.
type ListHostedZonesByNameOutput struct {
	HostedZones      []HostedZone
	DNSName          string `aws:",omitempty"`
	HostedZoneId     string `aws:",omitempty"`
	IsTruncated      bool
	NextDNSName      string `aws:",omitempty"`
	NextHostedZoneId string `aws:",omitempty"`
	MaxItems         string
}

// reversedLabels is the key Route 53 sorts zones by name with: labels
// reversed, so that com.example comes before com.example.api and both
// after com.amazon ("ListHostedZonesByName ... sorted by name with the
// labels reversed", API_ListHostedZonesByName.html).
func reversedLabels(name string) string {
	labels := strings.Split(strings.TrimSuffix(strings.ToLower(name), "."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".")
}

// ListHostedZonesByName lists zones in order of their names with labels
// reversed, from DNSName (and HostedZoneId among zones of that name) on.
func (e *Engine) ListHostedZonesByName(in ListHostedZonesByNameInput) (ListHostedZonesByNameOutput, error) {
	size, err := pageSize(in.MaxItems, 100)
	if err != nil {
		return ListHostedZonesByNameOutput{}, err
	}
	if in.HostedZoneId != "" && in.DNSName == "" {
		return ListHostedZonesByNameOutput{}, invalidInput("HostedZoneId needs DNSName.")
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	zones := make([]*zone, 0, len(e.zones))
	for _, z := range e.zones {
		zones = append(zones, z)
	}
	slices.SortFunc(zones, func(a, b *zone) int {
		return cmp.Or(cmp.Compare(reversedLabels(a.name), reversedLabels(b.name)), cmp.Compare(a.id, b.id))
	})
	out := ListHostedZonesByNameOutput{HostedZones: []HostedZone{}, DNSName: in.DNSName, HostedZoneId: in.HostedZoneId, MaxItems: fmt.Sprint(size)}
	from := reversedLabels(in.DNSName)
	for _, z := range zones {
		key := reversedLabels(z.name)
		if in.DNSName != "" && (key < from || key == from && in.HostedZoneId != "" && z.id < bareID(in.HostedZoneId)) {
			continue
		}
		if len(out.HostedZones) == size {
			out.IsTruncated, out.NextDNSName, out.NextHostedZoneId = true, z.name, z.id
			break
		}
		out.HostedZones = append(out.HostedZones, z.describe())
	}
	return out, nil
}
