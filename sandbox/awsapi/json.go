package awsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jsonCodec is AWS JSON 1.0 and 1.1: POST /, X-Amz-Target
// <ServiceShape>.<Operation>, a JSON object in and out, epoch-second
// timestamps, errors as {"__type", "message"} with X-Amzn-ErrorType.
type jsonCodec struct{}

func (jsonCodec) decode(r *http.Request, body []byte) (*call, *Error) {
	c := &call{protocol: ProtocolJSON11, contentType: "application/x-amz-json-1.1"}
	target := r.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	prefix, op := target[:max(i, 0)], target[i+1:]
	c.svc = serviceBy(func(s *service) bool { return s.jsonVersion != "" && s.shapeName == prefix })
	version := ""
	if s := c.svc; s != nil {
		version = s.jsonVersion
	}
	if v, ok := strings.CutPrefix(mediaType(r), "application/x-amz-json-"); ok {
		version = v
	}
	if version == "1.0" {
		c.protocol, c.contentType = ProtocolJSON10, "application/x-amz-json-1.0"
	}
	if c.svc == nil || i < 0 || op == "" {
		return c, Errorf(codeUnknownOperation, "X-Amz-Target %q names no operation of a service served here", target)
	}
	c.operation = op
	in, err := decodeJSON(body)
	if err != nil {
		return c, Errorf(codeSerialization, "Malformed JSON request body: %v", err)
	}
	c.input = in
	return c, nil
}

func decodeJSON(body []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the top-level value")
	}
	switch x := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return x, nil
	}
	return nil, errors.New("the input must be a JSON object")
}

func (jsonCodec) writeOutput(w http.ResponseWriter, c *call, out map[string]any) error {
	b, err := json.Marshal(jsonReady(out))
	if err != nil {
		return err
	}
	writeBody(w, http.StatusOK, c.contentType, b)
	return nil
}

func (jsonCodec) writeError(w http.ResponseWriter, c *call, e *wireError) {
	body := map[string]any{}
	for k, v := range e.fields {
		body[k] = v
	}
	// The JSON 1.0 services AWS moved off Query send the absolute shape ID,
	// the older JSON 1.1 services the bare name; clients strip the
	// namespace either way.
	body["__type"] = e.shape
	if c.protocol == ProtocolJSON10 {
		body["__type"] = e.absoluteShape()
	}
	body[e.messageKey] = e.message
	b, err := json.Marshal(jsonReady(body))
	if err != nil {
		b, _ = json.Marshal(map[string]string{"__type": e.shape, e.messageKey: e.message})
	}
	w.Header().Set("X-Amzn-ErrorType", e.shape)
	if c.svc != nil && c.svc.queryCompatible {
		w.Header().Set("X-Amzn-Query-Error", e.queryErrorHeader())
	}
	writeBody(w, e.status, c.contentType, b)
}

// jsonReady converts a normalized tree into what encoding/json writes as
// AWS JSON: timestamps as epoch seconds, non-finite doubles as the strings
// Smithy uses, blobs (by encoding/json itself) as base64.
func jsonReady(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonReady(e)
		}
		return out
	case mapTree:
		return jsonReady(map[string]any(x))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonReady(e)
		}
		return out
	case time.Time:
		return json.Number(epochSecondsString(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return formatFloat(x)
		}
		return json.Number(formatFloat(x))
	}
	return v
}

func mediaType(r *http.Request) string {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(ct))
}

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
