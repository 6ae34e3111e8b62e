package route53

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestChangeResourceRecordSetsRejects(t *testing.T) {
	e, _ := newEngine(t, 1)
	id := zoneWith(t, e, create(aRecord("www.example.com", 60, "192.0.2.1")))
	hc := forcedCheck(t, e, true)
	alias := func(target string) ResourceRecordSet {
		return ResourceRecordSet{Name: "api.example.com", Type: "A", AliasTarget: &AliasTarget{HostedZoneId: id, DNSName: target}}
	}
	failover := func(f, setID string) ResourceRecordSet {
		s := aRecord("api.example.com", 60, "192.0.2.9")
		s.Failover, s.SetIdentifier, s.HealthCheckId = f, setID, hc
		return s
	}
	tests := []struct {
		name    string
		changes []Change
		code    ErrorCode
		message string
	}{
		{"create existing", []Change{create(aRecord("www.example.com", 60, "192.0.2.2"))}, ErrCodeInvalidChangeBatch, "but it already exists"},
		{"delete missing", []Change{{Action: ActionDelete, ResourceRecordSet: aRecord("nope.example.com", 60, "192.0.2.2")}}, ErrCodeInvalidChangeBatch, "but it was not found"},
		{"delete with other values", []Change{{Action: ActionDelete, ResourceRecordSet: aRecord("www.example.com", 60, "192.0.2.2")}}, ErrCodeInvalidChangeBatch, "but it was not found"},
		{"outside the zone", []Change{create(aRecord("www.example.org", 60, "192.0.2.2"))}, ErrCodeInvalidChangeBatch, "is not permitted in zone example.com."},
		{"not an IPv4 address", []Change{create(aRecord("x.example.com", 60, "2001:db8::1"))}, ErrCodeInvalidChangeBatch, "ARRDATAIllegalIPv4Address"},
		{"no TTL", []Change{create(ResourceRecordSet{Name: "x.example.com", Type: "A", ResourceRecords: []ResourceRecord{{"192.0.2.1"}}})}, ErrCodeInvalidInput, "Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]]"},
		{"alias with TTL", []Change{create(func() ResourceRecordSet { s := alias("www.example.com"); s.TTL = new(int64); return s }())}, ErrCodeInvalidInput, "Expected exactly one of"},
		{"alias to a missing target", []Change{create(alias("nope.example.com"))}, ErrCodeInvalidChangeBatch, "but that target was not found"},
		{"failover without set identifier", []Change{create(failover(FailoverPrimary, ""))}, ErrCodeInvalidInput, "Missing field 'SetIdentifier'"},
		{"two primaries", []Change{create(failover(FailoverPrimary, "a")), create(failover(FailoverPrimary, "b"))}, ErrCodeInvalidChangeBatch, "already have a PRIMARY"},
		{"failover beside simple", []Change{create(aRecord("api.example.com", 60, "192.0.2.1")), create(failover(FailoverSecondary, "b"))}, ErrCodeInvalidChangeBatch, "different routing policy"},
		{"CNAME beside A", []Change{create(ResourceRecordSet{Name: "www.example.com", Type: "CNAME", TTL: new(int64), ResourceRecords: []ResourceRecord{{"example.org"}}})}, ErrCodeInvalidChangeBatch, "conflicts with other records"},
		{"unknown health check", []Change{create(func() ResourceRecordSet { s := failover(FailoverPrimary, "a"); s.HealthCheckId = "nope"; return s }())}, ErrCodeNoSuchHealthCheck, "nope"},
		{"deleting the SOA", []Change{{Action: ActionDelete, ResourceRecordSet: func() ResourceRecordSet {
			out, _ := e.ListResourceRecordSets(ListResourceRecordSetsInput{HostedZoneId: id, StartRecordName: "example.com", StartRecordType: "SOA", MaxItems: 1})
			return out.ResourceRecordSets[0]
		}()}}, ErrCodeInvalidChangeBatch, "at least one NS record and one SOA record"},
		{"bad action", []Change{{Action: "REPLACE", ResourceRecordSet: aRecord("x.example.com", 60, "192.0.2.1")}}, ErrCodeInvalidInput, "Invalid Action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := e.ListResourceRecordSets(ListResourceRecordSetsInput{HostedZoneId: id})
			_, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: id, Changes: tt.changes})
			var re *Error
			if !errors.As(err, &re) || re.Code != tt.code || !strings.Contains(re.Message, tt.message) {
				t.Fatalf("err = %v, want %s containing %q", err, tt.code, tt.message)
			}
			after, _ := e.ListResourceRecordSets(ListResourceRecordSetsInput{HostedZoneId: id})
			if len(after.ResourceRecordSets) != len(before.ResourceRecordSets) {
				t.Errorf("a rejected batch changed the zone: %d record sets, had %d", len(after.ResourceRecordSets), len(before.ResourceRecordSets))
			}
		})
	}
	if _, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: "ZNOPE", Changes: []Change{create(aRecord("a.example.com", 1, "192.0.2.1"))}}); !isCode(err, ErrCodeNoSuchHostedZone) {
		t.Errorf("unknown zone: err = %v, want NoSuchHostedZone", err)
	}
}

func isCode(err error, code ErrorCode) bool {
	var re *Error
	return errors.As(err, &re) && re.Code == code
}

func TestChangeResourceRecordSetsUpsertAndDelete(t *testing.T) {
	e, _ := newEngine(t, 1)
	id := zoneWith(t, e, create(aRecord("www.example.com", 60, "192.0.2.1")))
	for _, c := range []Change{
		{Action: ActionUpsert, ResourceRecordSet: aRecord("www.example.com", 300, "192.0.2.7")},
		{Action: ActionUpsert, ResourceRecordSet: aRecord("new.example.com", 300, "192.0.2.8")},
	} {
		if _, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: id, Changes: []Change{c}}); err != nil {
			t.Fatal(err)
		}
	}
	got := e.Answer(t.Context(), "WWW.example.com.", "a")
	if len(got.Records) != 1 || got.Records[0].Value != "192.0.2.7" || got.Records[0].TTL.Seconds() != 300 {
		t.Errorf("after UPSERT: %+v", got)
	}
	if _, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: id, Changes: []Change{
		{Action: ActionDelete, ResourceRecordSet: aRecord("new.example.com", 300, "192.0.2.8")},
	}}); err != nil {
		t.Fatal(err)
	}
	if got := e.Answer(t.Context(), "new.example.com", "A"); got.Rcode != RcodeNXDomain {
		t.Errorf("after DELETE: %+v, want NXDOMAIN", got)
	}
}

func TestListResourceRecordSetsPages(t *testing.T) {
	e, _ := newEngine(t, 1)
	hc := forcedCheck(t, e, true)
	primary := aRecord("api.example.com", 60, "192.0.2.1")
	primary.Failover, primary.SetIdentifier, primary.HealthCheckId = FailoverPrimary, "Primary", hc
	secondary := aRecord("api.example.com", 60, "192.0.2.2")
	secondary.Failover, secondary.SetIdentifier = FailoverSecondary, "Secondary"
	id := zoneWith(t, e,
		create(aRecord("b.example.com", 60, "192.0.2.3")),
		create(aRecord("a.b.example.com", 60, "192.0.2.4")),
		create(primary), create(secondary),
		create(ResourceRecordSet{Name: "b.example.com", Type: "AAAA", TTL: ptr(int64(60)), ResourceRecords: []ResourceRecord{{"2001:db8::1"}}}),
	)
	// By name with the labels reversed, then type, then set identifier.
	want := []string{"example.com. NS", "example.com. SOA", "api.example.com. A Primary", "api.example.com. A Secondary",
		"b.example.com. A", "b.example.com. AAAA", "a.b.example.com. A"}
	tests := []struct {
		name      string
		maxItems  int
		startName string
		startType string
		startID   string
		want      []string
	}{
		{"all at once", 0, "", "", "", want},
		{"from a name", 0, "api.example.com", "", "", want[2:]},
		{"from a name and type", 0, "b.example.com", "AAAA", "", want[5:]},
		{"from a set identifier", 0, "api.example.com", "A", "Secondary", want[3:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.ListResourceRecordSets(ListResourceRecordSetsInput{HostedZoneId: id, StartRecordName: tt.startName, StartRecordType: tt.startType, StartRecordIdentifier: tt.startID, MaxItems: tt.maxItems})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out.ResourceRecordSets); !slices.Equal(got, tt.want) || out.IsTruncated {
				t.Errorf("got %q (truncated %t), want %q", got, out.IsTruncated, tt.want)
			}
		})
	}
	t.Run("page by page", func(t *testing.T) {
		var got []string
		in := ListResourceRecordSetsInput{HostedZoneId: id, MaxItems: 2}
		for pages := 1; ; pages++ {
			out, err := e.ListResourceRecordSets(in)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, names(out.ResourceRecordSets)...)
			if !out.IsTruncated {
				if pages != 4 {
					t.Errorf("%d pages, want 4", pages)
				}
				break
			}
			in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
		}
		if !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	if _, err := e.ListResourceRecordSets(ListResourceRecordSetsInput{HostedZoneId: id, StartRecordType: "A"}); !isCode(err, ErrCodeInvalidInput) {
		t.Errorf("type without name: err = %v, want InvalidInput", err)
	}
}

func names(sets []ResourceRecordSet) []string {
	out := make([]string, len(sets))
	for i, s := range sets {
		out[i] = strings.TrimSpace(s.Name + " " + s.Type + " " + s.SetIdentifier)
	}
	return out
}
