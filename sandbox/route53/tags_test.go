package route53

import (
	"errors"
	"reflect"
	"testing"
)

func TestTags(t *testing.T) {
	e, _ := newEngine(t, 1)
	zone := zoneWith(t, e)
	hc := forcedCheck(t, e, true)
	tests := []struct {
		name   string
		change ChangeTagsForResourceInput
		want   []Tag
		code   ErrorCode
	}{
		{"add", ChangeTagsForResourceInput{ResourceType: TagResourceHealthCheck, ResourceId: hc, AddTags: []Tag{{"gameday", "primary"}, {"Project", "AI-Writing"}}},
			[]Tag{{"Project", "AI-Writing"}, {"gameday", "primary"}}, ""},
		{"replace and remove", ChangeTagsForResourceInput{ResourceType: TagResourceHealthCheck, ResourceId: hc, AddTags: []Tag{{"gameday", "secondary"}}, RemoveTagKeys: []string{"Project"}},
			[]Tag{{"gameday", "secondary"}}, ""},
		{"reserved prefix", ChangeTagsForResourceInput{ResourceType: TagResourceHealthCheck, ResourceId: hc, AddTags: []Tag{{"aws:owner", "x"}}}, nil, ErrCodeInvalidInput},
		{"unknown health check", ChangeTagsForResourceInput{ResourceType: TagResourceHealthCheck, ResourceId: "nope"}, nil, ErrCodeNoSuchHealthCheck},
		{"unknown type", ChangeTagsForResourceInput{ResourceType: "domain", ResourceId: hc}, nil, ErrCodeInvalidInput},
		{"hosted zone", ChangeTagsForResourceInput{ResourceType: TagResourceHostedZone, ResourceId: zone, AddTags: []Tag{{"Environment", "Production"}}},
			[]Tag{{"Environment", "Production"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.ChangeTagsForResource(tt.change)
			var re *Error
			if tt.code != "" {
				if !errors.As(err, &re) || re.Code != tt.code {
					t.Fatalf("got %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sets, err := e.ListTagsForResources(tt.change.ResourceType, []string{tt.change.ResourceId})
			if err != nil || len(sets) != 1 || !reflect.DeepEqual(sets[0].Tags, tt.want) {
				t.Errorf("tags %+v, %v; want %+v", sets, err, tt.want)
			}
		})
	}
	if err := e.DeleteHealthCheck(hc); err != nil {
		t.Fatal(err)
	}
	if len(e.tags) != 1 {
		t.Errorf("a deleted health check's tags are kept: %v", e.tags)
	}
}

func TestListHostedZonesByNameOrdersReversedLabels(t *testing.T) {
	e, _ := newEngine(t, 1)
	for _, name := range []string{"example.com", "api.example.com", "amazon.com", "example.org"} {
		if _, err := e.CreateHostedZone(CreateHostedZoneInput{Name: name, CallerReference: name}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(in ListHostedZonesByNameInput) ([]string, ListHostedZonesByNameOutput) {
		out, err := e.ListHostedZonesByName(in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, z := range out.HostedZones {
			got = append(got, z.Name)
		}
		return got, out
	}
	all, _ := names(ListHostedZonesByNameInput{})
	if want := []string{"amazon.com.", "example.com.", "api.example.com.", "example.org."}; !reflect.DeepEqual(all, want) {
		t.Errorf("order %v, want %v", all, want)
	}
	from, out := names(ListHostedZonesByNameInput{DNSName: "example.com", MaxItems: 1})
	if !reflect.DeepEqual(from, []string{"example.com."}) || !out.IsTruncated || out.NextDNSName != "api.example.com." {
		t.Errorf("from example.com, one a page: %v, next %q truncated %v", from, out.NextDNSName, out.IsTruncated)
	}
}
