package awsapi

import (
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// cborCodec is Smithy RPC v2 CBOR
// (smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html): POST
// {prefix}/service/<ServiceShape>/operation/<Operation> with
// Smithy-Protocol: rpc-v2-cbor, a CBOR map in and out, tag-1 timestamps,
// errors as a map with __type (the absolute shape ID) and message.
type cborCodec struct{}

const (
	smithyProtocolHeader = "Smithy-Protocol"
	rpcV2CBOR            = "rpc-v2-cbor"
	cborContentType      = "application/cbor"
)

var (
	cborDecoder = mustDecMode(cbor.DecOptions{
		DefaultMapType: reflect.TypeFor[map[string]any](),
		TimeTagToAny:   cbor.TimeTagToTime,
	})
	// The spec asks for millisecond epoch seconds and no half-precision
	// floats, which the library's defaults would use for NaN and Inf.
	cborEncoder = mustEncMode(cbor.EncOptions{
		Time:       cbor.TimeUnixDynamic,
		TimeTag:    cbor.EncTagRequired,
		NaNConvert: cbor.NaNConvertNone,
		InfConvert: cbor.InfConvertNone,
	})
)

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func (cborCodec) decode(r *http.Request, body []byte) (*call, *Error) {
	c := &call{protocol: ProtocolCBOR}
	// Only the last four segments route; a prefix is allowed.
	seg := strings.Split(strings.TrimRight(r.URL.Path, "/"), "/")
	if n := len(seg); n < 4 || seg[n-4] != "service" || seg[n-2] != "operation" || seg[n-1] == "" {
		return c, Errorf(codeUnknownOperation, "path %q is not /service/<service>/operation/<operation>", r.URL.Path)
	}
	name, op := seg[len(seg)-3], seg[len(seg)-1]
	c.svc = serviceBy(func(s *service) bool {
		return s.cbor && (name == s.shapeName || name == s.namespace+"."+s.shapeName)
	})
	if c.svc == nil {
		return c, Errorf(codeUnknownOperation, "service %q is not served here in rpcv2Cbor", name)
	}
	c.operation = op
	// The spec has servers reject these for security: a proxy may route
	// on them.
	if r.Header.Get("X-Amz-Target") != "" || r.Header.Get("X-Amzn-Target") != "" {
		return c, Errorf(codeSerialization, "an rpcv2Cbor request must not carry X-Amz-Target")
	}
	in, err := decodeCBOR(body)
	if err != nil {
		return c, Errorf(codeSerialization, "Malformed CBOR request body: %v", err)
	}
	c.input = in
	return c, nil
}

func decodeCBOR(body []byte) (map[string]any, error) {
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	var v any
	if err := cborDecoder.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the input must be a CBOR map, not %T", v)
	}
	if err := inputTree(m); err != nil {
		return nil, err
	}
	return m, nil
}

// inputTree converts, in place, the integers the CBOR library decodes into
// the float64 numbers of the input tree, and rejects what no Smithy shape
// decodes from (unknown tags, bignums, simple values).
func inputTree(v any) error {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			n, err := inputScalar(e)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			x[k] = n
		}
	case []any:
		for i, e := range x {
			n, err := inputScalar(e)
			if err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
			x[i] = n
		}
	}
	return nil
}

func inputScalar(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any, []any:
		return x, inputTree(x)
	case nil, string, bool, float64, []byte, time.Time:
		return x, nil
	case uint64:
		return float64(x), nil
	case int64:
		return float64(x), nil
	}
	return nil, fmt.Errorf("unsupported CBOR item %T", v)
}

func (cborCodec) writeOutput(w http.ResponseWriter, _ *call, out map[string]any) error {
	b, err := cborEncoder.Marshal(cborReady(out))
	if err != nil {
		return err
	}
	w.Header().Set(smithyProtocolHeader, rpcV2CBOR)
	writeBody(w, http.StatusOK, cborContentType, b)
	return nil
}

func (cborCodec) writeError(w http.ResponseWriter, c *call, e *wireError) {
	body := map[string]any{}
	for k, v := range e.fields {
		body[k] = v
	}
	body["__type"] = e.absoluteShape()
	body[e.messageKey] = e.message
	b, err := cborEncoder.Marshal(cborReady(body))
	if err != nil {
		b, _ = cborEncoder.Marshal(map[string]string{"__type": e.absoluteShape(), e.messageKey: e.message})
	}
	w.Header().Set(smithyProtocolHeader, rpcV2CBOR)
	if c.svc != nil && c.svc.queryCompatible {
		w.Header().Set("X-Amzn-Query-Error", e.queryErrorHeader())
	}
	writeBody(w, e.status, cborContentType, b)
}

// cborReady converts a normalized tree for the CBOR encoder: integral
// doubles as integers, which the spec allows and SDKs need for integer
// members, and timestamps cut to the millisecond.
func cborReady(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cborReady(e)
		}
		return out
	case mapTree:
		return cborReady(map[string]any(x))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cborReady(e)
		}
		return out
	case time.Time:
		return x.Truncate(time.Millisecond)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 && !(x == 0 && math.Signbit(x)) {
			return int64(x)
		}
	}
	return v
}
