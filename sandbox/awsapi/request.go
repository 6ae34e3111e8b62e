package awsapi

// Protocol names the wire protocol a request arrived in.
type Protocol string

// The protocols the server speaks.
const (
	ProtocolJSON10 Protocol = "awsJson1_0"
	ProtocolJSON11 Protocol = "awsJson1_1"
	ProtocolCBOR   Protocol = "rpcv2Cbor"
	ProtocolQuery  Protocol = "awsQuery"
)

// Request is one decoded API call, the same whatever protocol carried it.
type Request struct {
	Service   string // ServiceECS, ServiceCloudWatch, ServiceRoute53, …
	Operation string // e.g. "PutMetricAlarm"
	Protocol  Protocol
	// Region is the region of the SigV4 credential scope, "" for an
	// unsigned request.
	Region    string
	RequestID string
	// Input is the input structure: a tree of map[string]any, []any,
	// string, float64, bool, time.Time and []byte, read through Value's
	// accessors, which coerce what each protocol sends.
	Input Value
}
