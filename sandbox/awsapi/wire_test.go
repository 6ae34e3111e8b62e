package awsapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// These tests speak the protocols by hand, to pin down the bytes and
// headers that the SDK tests only see through the clients' parsers.

const (
	ecsTarget = "AmazonEC2ContainerServiceV20141113."
	aasTarget = "AnyScaleFrontendService."
	cwTarget  = "GraniteServiceVersion20100801."
	cwCBOR    = "/service/GraniteServiceVersion20100801/operation/"
	// A SigV4 Authorization header as the CLI sends it; nothing checks the
	// signature.
	monitoringAuth = "AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20261128/eu-west-1/monitoring/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
)

type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, method, url string, header map[string]string, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{resp.StatusCode, resp.Header, b}
}

func jsonHeaders(version, target string) map[string]string {
	return map[string]string{"Content-Type": "application/x-amz-json-" + version, "X-Amz-Target": target}
}

var cborHeaders = map[string]string{"Smithy-Protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor"}

var formHeaders = map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// wireOutput has one of each kind of member, for the exact encodings.
func wireOutput(_ context.Context, req *Request) (any, error) {
	if req.Operation == "Fail" {
		return nil, InvalidParameterValue("The value %s for parameter Period is invalid.", req.Input.String("Period"))
	}
	return map[string]any{
		"Count":              3,
		"Ratio":              0.5,
		"Enabled":            true,
		"When":               t0,
		"Dimensions":         []map[string]string{{"Name": "a", "Value": "b<&>"}},
		"ExtendedStatistics": Map[float64]{"p90": 1.5},
		"Empty":              []string{},
		"Absent":             (*string)(nil),
	}, nil
}

func TestWireSuccessEncodings(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceCloudWatch: wireOutput})

	t.Run("JSON", func(t *testing.T) {
		r := send(t, "POST", url+"/", jsonHeaders("1.0", cwTarget+"Op"), []byte(`{}`))
		want := `{"Count":3,"Dimensions":[{"Name":"a","Value":"b<&>"}],"Empty":[],"Enabled":true,"ExtendedStatistics":{"p90":1.5},"Ratio":0.5,"When":1795880318.123}`
		if r.status != 200 || r.header.Get("Content-Type") != "application/x-amz-json-1.0" || !uuidRE.MatchString(r.header.Get("X-Amzn-RequestId")) {
			t.Errorf("status %d headers %v", r.status, r.header)
		}
		if got := strings.ReplaceAll(string(r.body), `\u003c\u0026\u003e`, "<&>"); got != want {
			t.Errorf("body\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("CBOR", func(t *testing.T) {
		r := send(t, "POST", url+cwCBOR+"Op", cborHeaders, nil)
		if r.status != 200 || r.header.Get("Smithy-Protocol") != "rpc-v2-cbor" || r.header.Get("Content-Type") != "application/cbor" {
			t.Fatalf("status %d headers %v", r.status, r.header)
		}
		var body map[string]cbor.RawMessage
		if err := cbor.Unmarshal(r.body, &body); err != nil {
			t.Fatal(err)
		}
		// Major type in the top three bits: 0 unsigned, 7 float/simple,
		// 6 tag (0xc1 is tag 1), 4 array.
		checks := []struct {
			key  string
			want []byte
		}{
			{"Count", []byte{0x03}},
			{"Enabled", []byte{0xf5}},
			{"Ratio", []byte{0xfb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0}},
			{"Empty", []byte{0x80}},
		}
		for _, c := range checks {
			if !bytes.Equal(body[c.key], c.want) {
				t.Errorf("%s encoded as % x, want % x", c.key, []byte(body[c.key]), c.want)
			}
		}
		when := body["When"]
		var tm time.Time
		if len(when) == 0 || when[0] != 0xc1 || cbor.Unmarshal(when, &tm) != nil || !tm.Round(time.Millisecond).Equal(t0) {
			t.Errorf("When encoded as % x (%v), want tag 1 holding %v", []byte(when), tm, t0)
		}
		if _, ok := body["Absent"]; ok {
			t.Error("a nil member was sent")
		}
	})

	t.Run("Query", func(t *testing.T) {
		r := send(t, "POST", url+"/", formHeaders, []byte("Action=Op&Version=2010-08-01"))
		id := r.header.Get("X-Amzn-RequestId")
		want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<OpResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><OpResult>` +
			`<Count>3</Count><Dimensions><member><Name>a</Name><Value>b&lt;&amp;&gt;</Value></member></Dimensions>` +
			`<Empty></Empty><Enabled>true</Enabled><ExtendedStatistics><entry><key>p90</key><value>1.5</value></entry></ExtendedStatistics>` +
			`<Ratio>0.5</Ratio><When>2026-11-28T15:38:38.123Z</When></OpResult>` +
			`<ResponseMetadata><RequestId>` + id + `</RequestId></ResponseMetadata></OpResponse>`
		if r.status != 200 || string(r.body) != want || r.header.Get("Content-Type") != "text/xml" {
			t.Errorf("status %d body\n%s\nwant\n%s", r.status, r.body, want)
		}
	})
}

// errorBody is what the JSON and CBOR tests read back.
type errorBody struct {
	Type         string `json:"__type" cbor:"__type"`
	LowerMessage string `json:"message" cbor:"message"`
	Message      string `json:"Message" cbor:"Message"`
}

func TestWireErrorShapes(t *testing.T) {
	url := startServer(t, map[string]Handler{
		ServiceCloudWatch:             wireOutput,
		ServiceECS:                    fakeECS(&recorder{}),
		ServiceApplicationAutoScaling: failing(&recorder{}, ObjectNotFoundException("No scalable target registered")),
	})
	cases := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		body       string
		status     int
		errType    string // X-Amzn-ErrorType
		queryError string // X-Amzn-Query-Error
		wantType   string // __type, or Code for Query
		wantMsg    string
	}{
		{name: "JSON 1.1 modeled error", path: "/", header: jsonHeaders("1.1", ecsTarget+"DescribeServices"),
			body: `{"cluster":"missing","services":["x"]}`, status: 400,
			errType: "ClusterNotFoundException", wantType: "ClusterNotFoundException", wantMsg: "Cluster not found."},
		{name: "JSON 1.1 Message member", path: "/", header: jsonHeaders("1.1", aasTarget+"DescribeScalingActivities"),
			body: `{}`, status: 400,
			errType: "ObjectNotFoundException", wantType: "ObjectNotFoundException", wantMsg: "No scalable target registered"},
		{name: "JSON 1.1 missing member", path: "/", header: jsonHeaders("1.1", ecsTarget+"DescribeServices"),
			body: `{"cluster":"c"}`, status: 400, errType: "ValidationException", wantType: "ValidationException",
			wantMsg: "1 validation error detected: Value null at 'services' failed to satisfy constraint: Member must not be null"},
		{name: "JSON 1.1 wrong type", path: "/", header: jsonHeaders("1.1", ecsTarget+"DescribeServices"),
			body: `{"services":"frontend"}`, status: 400, errType: "SerializationException", wantType: "SerializationException",
			wantMsg: "Value frontend at 'services' cannot be read as a list"},
		{name: "JSON 1.1 unknown operation", path: "/", header: jsonHeaders("1.1", ecsTarget+"LaunchRockets"),
			body: `{}`, status: 400, errType: "UnknownOperationException", wantType: "UnknownOperationException",
			wantMsg: "Operation LaunchRockets is not supported by this endpoint."},
		{name: "JSON unknown service", path: "/", header: jsonHeaders("1.1", "DynamoDB_20120810.PutItem"),
			body: `{}`, status: 400, errType: "UnknownOperationException", wantType: "UnknownOperationException",
			wantMsg: `X-Amz-Target "DynamoDB_20120810.PutItem" names no operation of a service served here`},
		{name: "JSON malformed", path: "/", header: jsonHeaders("1.1", ecsTarget+"DescribeServices"),
			body: `{"cluster":`, status: 400, errType: "SerializationException", wantType: "SerializationException",
			wantMsg: "Malformed JSON request body: unexpected EOF"},
		{name: "JSON not an object", path: "/", header: jsonHeaders("1.1", ecsTarget+"DescribeServices"),
			body: `["cluster"]`, status: 400, errType: "SerializationException", wantType: "SerializationException",
			wantMsg: "Malformed JSON request body: the input must be a JSON object"},
		{name: "JSON 1.0 query-compatible", path: "/", header: jsonHeaders("1.0", cwTarget+"Fail"),
			body: `{"Period":"7"}`, status: 400, errType: "InvalidParameterValueException", queryError: "InvalidParameterValue;Sender",
			wantType: "com.amazonaws.cloudwatch#InvalidParameterValueException", wantMsg: "The value 7 for parameter Period is invalid."},
		{name: "CBOR query-compatible", path: cwCBOR + "Fail", header: cborHeaders,
			body: "\xa1\x66Period\x61\x37", status: 400, queryError: "InvalidParameterValue;Sender",
			wantType: "com.amazonaws.cloudwatch#InvalidParameterValueException", wantMsg: "The value 7 for parameter Period is invalid."},
		{name: "CBOR malformed", path: cwCBOR + "Op", header: cborHeaders, body: "\xa1\x66Per", status: 400,
			queryError: "SerializationException;Sender", wantType: "com.amazon.coral.service#SerializationException",
			wantMsg: "Malformed CBOR request body: unexpected EOF"},
		{name: "CBOR unknown service", path: "/service/AmazonDynamoDBv2/operation/PutItem", header: cborHeaders, status: 400,
			wantType: "com.amazon.coral.service#UnknownOperationException", wantMsg: `service "AmazonDynamoDBv2" is not served here in rpcv2Cbor`},
		{name: "CBOR bad path", path: "/", header: cborHeaders, status: 400,
			wantType: "com.amazon.coral.service#UnknownOperationException", wantMsg: `path "/" is not /service/<service>/operation/<operation>`},
		{name: "CBOR with X-Amz-Target", path: cwCBOR + "Op",
			header: map[string]string{"Smithy-Protocol": "rpc-v2-cbor", "X-Amz-Target": cwTarget + "Op"}, status: 400,
			queryError: "SerializationException;Sender", wantType: "com.amazon.coral.service#SerializationException",
			wantMsg: "an rpcv2Cbor request must not carry X-Amz-Target"},
		{name: "CBOR absolute service ID", path: "/prefix/service/com.amazonaws.cloudwatch.GraniteServiceVersion20100801/operation/Fail",
			header: cborHeaders, status: 400, queryError: "InvalidParameterValue;Sender",
			wantType: "com.amazonaws.cloudwatch#InvalidParameterValueException", wantMsg: "The value  for parameter Period is invalid."},
		{name: "Query error", path: "/", header: formHeaders, body: "Action=Fail&Version=2010-08-01&Period=7", status: 400,
			wantType: "InvalidParameterValue", wantMsg: "The value 7 for parameter Period is invalid."},
		{name: "Query service from credential scope", path: "/",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": monitoringAuth},
			body:   "Action=Fail&Version=1999-01-01&Period=7", status: 400,
			wantType: "InvalidParameterValue", wantMsg: "The value 7 for parameter Period is invalid."},
		{name: "Query on the URL", method: "GET", path: "/?Action=Fail&Version=2010-08-01&Period=8", status: 400,
			wantType: "InvalidParameterValue", wantMsg: "The value 8 for parameter Period is invalid."},
		{name: "Query missing Action", path: "/", header: formHeaders, body: "Version=2010-08-01", status: 400,
			wantType: "MissingAction", wantMsg: "The request must contain the parameter Action."},
		{name: "Query unknown service", path: "/", header: formHeaders, body: "Action=DescribeDBInstances&Version=2014-10-31", status: 400,
			wantType: "InvalidAction", wantMsg: `No service served here speaks the Query protocol for credential scope service "", Version "2014-10-31"`},
		{name: "Query malformed", path: "/", header: formHeaders, body: "Action=Op&Version=2010-08-01&Period=%zz", status: 400,
			wantType: "MalformedQueryString", wantMsg: `Malformed form body: invalid URL escape "%zz"`},
		{name: "Query conflicting names", path: "/", header: formHeaders, body: "Action=Op&Version=2010-08-01&A=1&A.B=2", status: 400,
			wantType: "MalformedQueryString", wantMsg: "parameter A has both a value and members"},
		{name: "no protocol", method: "GET", path: "/", status: 400, errType: "UnknownOperationException",
			wantType: "UnknownOperationException",
			wantMsg:  "GET / speaks no protocol served here: expected X-Amz-Target (AWS JSON), Smithy-Protocol: rpc-v2-cbor, or an Action parameter (AWS Query)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = "POST"
			}
			r := send(t, method, url+c.path, c.header, []byte(c.body))
			if r.status != c.status || r.header.Get("X-Amzn-ErrorType") != c.errType || r.header.Get("X-Amzn-Query-Error") != c.queryError {
				t.Errorf("status %d, X-Amzn-ErrorType %q, X-Amzn-Query-Error %q; want %d, %q, %q",
					r.status, r.header.Get("X-Amzn-ErrorType"), r.header.Get("X-Amzn-Query-Error"), c.status, c.errType, c.queryError)
			}
			id := r.header.Get("X-Amzn-RequestId")
			if !uuidRE.MatchString(id) {
				t.Errorf("X-Amzn-RequestId %q", id)
			}
			var typ, msg string
			switch ct := r.header.Get("Content-Type"); ct {
			case "application/cbor":
				var b errorBody
				if err := cbor.Unmarshal(r.body, &b); err != nil || r.header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
					t.Fatalf("CBOR error body % x: %v; Smithy-Protocol %q", r.body, err, r.header.Get("Smithy-Protocol"))
				}
				typ, msg = b.Type, b.LowerMessage+b.Message
			case "text/xml":
				var b struct {
					XMLName   xml.Name
					Error     struct{ Type, Code, Message string }
					RequestID string `xml:"RequestId"`
				}
				if err := xml.Unmarshal(r.body, &b); err != nil {
					t.Fatalf("XML error body %s: %v", r.body, err)
				}
				// Without a service there is no namespace to give.
				ns := "http://monitoring.amazonaws.com/doc/2010-08-01/"
				if c.wantType == "InvalidAction" {
					ns = ""
				}
				if b.XMLName != (xml.Name{Space: ns, Local: "ErrorResponse"}) || b.Error.Type != "Sender" || b.RequestID != id {
					t.Errorf("root %v, Type %q, RequestId %q (header %q)", b.XMLName, b.Error.Type, b.RequestID, id)
				}
				typ, msg = b.Error.Code, b.Error.Message
			default:
				var b errorBody
				if err := json.Unmarshal(r.body, &b); err != nil || !strings.HasPrefix(ct, "application/x-amz-json-1.") {
					t.Fatalf("JSON error body %s (%s): %v", r.body, ct, err)
				}
				if (b.Message == "") == (b.LowerMessage == "") {
					t.Errorf("body %s has not exactly one of message and Message", r.body)
				}
				typ, msg = b.Type, b.LowerMessage+b.Message
			}
			if typ != c.wantType || msg != c.wantMsg {
				t.Errorf("error %q %q, want %q %q", typ, msg, c.wantType, c.wantMsg)
			}
		})
	}
}

func TestWireNoHandler(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceCloudWatch: wireOutput})
	r := send(t, "POST", url+"/", jsonHeaders("1.1", ecsTarget+"ListClusters"), []byte("{}"))
	var b errorBody
	if err := json.Unmarshal(r.body, &b); err != nil || r.status != 400 || b.Type != "UnknownOperationException" ||
		b.LowerMessage != "Service ecs is not served by this endpoint." {
		t.Errorf("status %d body %s", r.status, r.body)
	}
}

func TestWireQueryInternalFailure(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceCloudWatch: failing(&recorder{}, errors.New("store closed"))})
	r := send(t, "POST", url+"/", formHeaders, []byte("Action=DescribeAlarms&Version=2010-08-01"))
	if r.status != 500 || !bytes.Contains(r.body, []byte("<Type>Receiver</Type><Code>InternalFailure</Code><Message>store closed</Message>")) {
		t.Errorf("status %d body %s", r.status, r.body)
	}
}

func TestWireGzipBody(t *testing.T) {
	rec := &recorder{}
	url := startServer(t, map[string]Handler{ServiceCloudWatch: fakeCloudWatch(rec)})
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(`{"Namespace":"N","MetricData":[{"MetricName":"m","Value":1}]}`))
	zw.Close()
	header := jsonHeaders("1.0", cwTarget+"PutMetricData")
	header["Content-Encoding"] = "gzip"
	if r := send(t, "POST", url+"/", header, z.Bytes()); r.status != 200 || rec.last(t).Input.List("MetricData")[0].String("MetricName") != "m" {
		t.Errorf("gzip body: status %d body %s", r.status, r.body)
	}
	r := send(t, "POST", url+"/", header, []byte(`{"not":"gzip"}`))
	var b errorBody
	if err := json.Unmarshal(r.body, &b); err != nil || r.status != 400 || b.LowerMessage != "Reading the request body: gzip body: gzip: invalid header" {
		t.Errorf("bad gzip: status %d body %s", r.status, r.body)
	}
}

func TestNilErrorPointer(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceECS: func(context.Context, *Request) (any, error) {
		var e *Error
		return nil, e
	}})
	r := send(t, "POST", url+"/", jsonHeaders("1.1", ecsTarget+"ListClusters"), []byte("{}"))
	if r.status != 500 || !bytes.Contains(r.body, []byte(`"__type":"InternalFailure"`)) {
		t.Errorf("status %d body %s", r.status, r.body)
	}
}

func TestHandleUnknownServicePanics(t *testing.T) {
	defer func() {
		if p := recover(); p != `awsapi: unknown service "sqs"` {
			t.Errorf("recovered %v", p)
		}
	}()
	NewServer().Handle("sqs", wireOutput)
}
