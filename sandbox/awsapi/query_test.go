package awsapi

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

func TestParseQuery(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  map[string]any
		err   string
	}{
		{name: "scalars", query: "AlarmName=a%20b&Threshold=70.5&ActionsEnabled=true",
			want: map[string]any{"AlarmName": "a b", "Threshold": "70.5", "ActionsEnabled": "true"}},
		{name: "list of structures",
			query: "Dimensions.member.1.Name=ClusterName&Dimensions.member.1.Value=main&Dimensions.member.2.Name=ServiceName&Dimensions.member.2.Value=api",
			want: map[string]any{"Dimensions": []any{
				map[string]any{"Name": "ClusterName", "Value": "main"},
				map[string]any{"Name": "ServiceName", "Value": "api"},
			}}},
		{name: "nested lists in index order",
			query: "MetricData.member.2.Values.member.2=2.5&MetricData.member.1.MetricName=a&MetricData.member.2.Values.member.1=1&MetricData.member.2.MetricName=b&MetricData.member.10.MetricName=c",
			want: map[string]any{"MetricData": []any{
				map[string]any{"MetricName": "a"},
				map[string]any{"MetricName": "b", "Values": []any{"1", "2.5"}},
				map[string]any{"MetricName": "c"},
			}}},
		{name: "map", query: "Entries.entry.1.key=k1&Entries.entry.1.value=v1&Entries.entry.2.key=k2&Entries.entry.2.value=v2",
			want: map[string]any{"Entries": map[string]any{"k1": "v1", "k2": "v2"}}},
		{name: "map of structures", query: "Attributes.entry.1.key=a&Attributes.entry.1.value.Name=n&Attributes.entry.1.value.Size=3",
			want: map[string]any{"Attributes": map[string]any{"a": map[string]any{"Name": "n", "Size": "3"}}}},
		{name: "map entry without value", query: "Tags.entry.1.key=k",
			want: map[string]any{"Tags": map[string]any{"k": nil}}},
		{name: "flattened list", query: "AttributeName.2=b&AttributeName.1=a",
			want: map[string]any{"AttributeName": []any{"a", "b"}}},
		{name: "empty list", query: "AlarmNames=",
			want: map[string]any{"AlarmNames": ""}},
		{name: "structure", query: "SuspendedState.DynamicScalingInSuspended=true&SuspendedState.ScheduledScalingSuspended=false",
			want: map[string]any{"SuspendedState": map[string]any{"DynamicScalingInSuspended": "true", "ScheduledScalingSuspended": "false"}}},
		{name: "member not followed by numbers is a member", query: "X.member.Name=a",
			want: map[string]any{"X": map[string]any{"member": map[string]any{"Name": "a"}}}},
		{name: "entry without key is a list", query: "M.entry.1.value=v",
			want: map[string]any{"M": map[string]any{"entry": []any{map[string]any{"value": "v"}}}}},
		{name: "custom member name reads as a structure", query: "CacheNodeIdsToReboot.CacheNodeId.1=0001",
			want: map[string]any{"CacheNodeIdsToReboot": map[string]any{"CacheNodeId": []any{"0001"}}}},
		{name: "value and members", query: "A=1&A.B=2", err: "parameter A has both a value and members"},
		{name: "nested value and members", query: "L.member.1=x&L.member.1.Name=y", err: "parameter L.member.1 has both a value and members"},
		{name: "empty segment", query: "A..B=1", err: `parameter name "A..B" has an empty segment`},
		{name: "repeated", query: "A=1&A=2", err: "parameter A is given 2 times"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseQuery(form)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v (%v)\nwant %#v", got, err, c.want)
			}
		})
	}
}

func TestCredentialScope(t *testing.T) {
	cases := []struct{ auth, rawQuery, region, service string }{
		{"AWS4-HMAC-SHA256 Credential=AKID/20261128/us-west-2/monitoring/aws4_request, SignedHeaders=host, Signature=0", "", "us-west-2", "monitoring"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261128/eu-west-1/ecs/aws4_request,SignedHeaders=host,Signature=0", "", "eu-west-1", "ecs"},
		{"", "X-Amz-Credential=AKID%2F20261128%2Fap-southeast-1%2Fmonitoring%2Faws4_request", "ap-southeast-1", "monitoring"},
		{"Bearer x", "", "", ""},
		{"AWS4-HMAC-SHA256 Credential=AKID/short", "", "", ""},
	}
	for _, c := range cases {
		r := &http.Request{Header: http.Header{}, URL: &url.URL{RawQuery: c.rawQuery}}
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		if region, service := credentialScope(r); region != c.region || service != c.service {
			t.Errorf("%q %q: got %q %q, want %q %q", c.auth, c.rawQuery, region, service, c.region, c.service)
		}
	}
}
