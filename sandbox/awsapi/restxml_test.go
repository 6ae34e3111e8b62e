package awsapi

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// fakeRoute53 records requests and answers each operation with a fixed
// output, or the error in the input's FailWith member.
func fakeRoute53(rec *recorder) Handler {
	return func(_ context.Context, req *Request) (any, error) {
		rec.add(req)
		switch req.Operation {
		case "CreateHealthCheck":
			return map[string]any{"Location": "https://route53.amazonaws.com/2013-04-01/healthcheck/hc-1",
				"HealthCheck": map[string]any{"Id": "hc-1", "HealthCheckConfig": map[string]any{"Regions": []string{"us-east-1", "eu-west-1", "sa-east-1"}}}}, nil
		case "GetHealthCheckStatus":
			return map[string]any{"HealthCheckObservations": []any{
				map[string]any{"Region": "us-east-1", "StatusReport": map[string]any{"Status": "Success: HTTP Status Code 200, OK", "CheckedTime": t0}},
			}}, nil
		case "GetHostedZone":
			return nil, &Error{Code: "NoSuchHostedZone", Message: "No hosted zone found with ID: " + req.Input.String("Id")}
		}
		return nil, nil
	}
}

func TestRESTXMLRoutes(t *testing.T) {
	tests := []struct {
		method, path, body string
		operation          string
		input              map[string]any
	}{
		{"POST", "/2013-04-01/hostedzone", `<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>example.com</Name><CallerReference>r</CallerReference></CreateHostedZoneRequest>`,
			"CreateHostedZone", map[string]any{"Name": "example.com", "CallerReference": "r"}},
		{"GET", "/2013-04-01/hostedzone?maxitems=5&marker=Z1", "", "ListHostedZones", map[string]any{"MaxItems": "5", "Marker": "Z1"}},
		{"GET", "/2013-04-01/hostedzone/Z1", "", "GetHostedZone", map[string]any{"Id": "Z1"}},
		{"POST", "/2013-04-01/hostedzone/Z1/rrset/", `<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>a.example.com</Name><Type>TXT</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>"a  b"</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`,
			"ChangeResourceRecordSets", map[string]any{"HostedZoneId": "Z1", "ChangeBatch": map[string]any{"Changes": []any{map[string]any{"Action": "CREATE", "ResourceRecordSet": map[string]any{
				"Name": "a.example.com", "Type": "TXT", "TTL": "60", "ResourceRecords": []any{map[string]any{"Value": `"a  b"`}}}}}}}},
		{"GET", "/2013-04-01/hostedzone/Z1/rrset?name=a.example.com&type=A&identifier=Primary&maxitems=1", "", "ListResourceRecordSets",
			map[string]any{"HostedZoneId": "Z1", "StartRecordName": "a.example.com", "StartRecordType": "A", "StartRecordIdentifier": "Primary", "MaxItems": "1"}},
		{"POST", "/2013-04-01/healthcheck/hc-1", `<UpdateHealthCheckRequest><Regions/><Disabled>true</Disabled></UpdateHealthCheckRequest>`,
			"UpdateHealthCheck", map[string]any{"HealthCheckId": "hc-1", "Regions": []any{}, "Disabled": "true"}},
		{"DELETE", "/2013-04-01/healthcheck/hc-1", "", "DeleteHealthCheck", map[string]any{"HealthCheckId": "hc-1"}},
		{"GET", "/2013-04-01/healthcheck/hc-1/status", "", "GetHealthCheckStatus", map[string]any{"HealthCheckId": "hc-1"}},
		{"GET", "/2013-04-01/testdnsanswer?hostedzoneid=Z1&recordname=api.example.com&recordtype=A", "", "TestDNSAnswer",
			map[string]any{"HostedZoneId": "Z1", "RecordName": "api.example.com", "RecordType": "A"}},
	}
	rec := &recorder{}
	url := startServer(t, map[string]Handler{ServiceRoute53: fakeRoute53(rec)})
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := do(t, tt.method, url+tt.path, tt.body)
			req := rec.last(t)
			if req.Operation != tt.operation || req.Protocol != ProtocolRESTXML || req.Service != ServiceRoute53 || !reflect.DeepEqual(req.Input.Raw(), tt.input) {
				t.Errorf("got %s %s in %s with %#v; want route53 %s in restXml with %#v", req.Service, req.Operation, req.Protocol, req.Input.Raw(), tt.operation, tt.input)
			}
			if resp.StatusCode >= 300 && tt.operation != "GetHostedZone" {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
}

func do(t *testing.T, method, url, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestRESTXMLResponses(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceRoute53: fakeRoute53(&recorder{})})
	const ns = `xmlns="https://route53.amazonaws.com/doc/2013-04-01/"`
	tests := []struct {
		name, method, path, body string
		status                   int
		header                   string // Location
		want                     string // in the body
	}{
		{"created, Location as a header", "POST", "/2013-04-01/healthcheck", "<CreateHealthCheckRequest/>", 201,
			"https://route53.amazonaws.com/2013-04-01/healthcheck/hc-1",
			`<CreateHealthCheckResponse ` + ns + `><HealthCheck><HealthCheckConfig><Regions><Region>us-east-1</Region><Region>eu-west-1</Region><Region>sa-east-1</Region></Regions></HealthCheckConfig><Id>hc-1</Id></HealthCheck></CreateHealthCheckResponse>`},
		{"list members and ISO 8601 times", "GET", "/2013-04-01/healthcheck/hc-1/status", "", 200, "",
			`<HealthCheckObservations><HealthCheckObservation><Region>us-east-1</Region><StatusReport><CheckedTime>2026-11-28T15:38:38.123Z</CheckedTime><Status>Success: HTTP Status Code 200, OK</Status></StatusReport></HealthCheckObservation></HealthCheckObservations>`},
		{"empty output", "DELETE", "/2013-04-01/healthcheck/hc-1", "", 200, "", `<DeleteHealthCheckResponse ` + ns + `></DeleteHealthCheckResponse>`},
		{"error", "GET", "/2013-04-01/hostedzone/ZNOPE", "", 404, "",
			`<ErrorResponse ` + ns + `><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: ZNOPE</Message></Error><RequestId>`},
		{"unknown path", "GET", "/2013-04-01/trafficpolicies", "", 400, "", `<Code>UnknownOperationException</Code>`},
		{"malformed body", "POST", "/2013-04-01/hostedzone", "<CreateHostedZoneRequest><Name>", 400, "", `<Code>SerializationException</Code>`},
		{"wrong root element", "POST", "/2013-04-01/hostedzone", "<CreateHealthCheckRequest/>", 400, "", `expected CreateHostedZoneRequest`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, tt.method, url+tt.path, tt.body)
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.header || !strings.Contains(string(b), tt.want) {
				t.Errorf("%d Location %q %s\nwant %d Location %q containing %s", resp.StatusCode, resp.Header.Get("Location"), b, tt.status, tt.header, tt.want)
			}
			if err := xml.Unmarshal(b, new(struct{})); err != nil || resp.Header.Get("Content-Type") != "text/xml" {
				t.Errorf("not an XML document (%v) or Content-Type %q", err, resp.Header.Get("Content-Type"))
			}
		})
	}
}

// TestRESTXMLLeavesOtherProtocols checks that a path outside the REST
// services still reaches the other codecs.
func TestRESTXMLLeavesOtherProtocols(t *testing.T) {
	r, err := http.NewRequest("POST", "http://sandbox/", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
	if _, ok := codecFor(r).(jsonCodec); !ok {
		t.Errorf("codec %T for an AWS JSON request, want jsonCodec", codecFor(r))
	}
	r.URL.Path = "/2013-04-01/hostedzone"
	if _, ok := codecFor(r).(restXMLCodec); !ok {
		t.Errorf("codec %T for a Route 53 path, want restXMLCodec", codecFor(r))
	}
}
