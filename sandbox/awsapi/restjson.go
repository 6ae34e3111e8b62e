package awsapi

import (
	"encoding/json"
	"net/http"
	"strings"
)

// ProtocolRESTJSON is AWS's REST-JSON protocol (AWS FIS).
const ProtocolRESTJSON Protocol = "restJson1"

// restJSONCodec is AWS REST-JSON: the operation is in the method and path,
// the input in path labels, query parameters and a JSON body, the output
// in a JSON body; errors carry their shape in X-Amzn-ErrorType and the
// message in the body.
type restJSONCodec struct{ api *restAPI }

func (cd restJSONCodec) decode(r *http.Request, body []byte) (*call, *Error) {
	c := &call{svc: cd.api.svc, protocol: ProtocolRESTJSON, contentType: "application/json"}
	rt, labels := cd.api.route(r.Method, strings.TrimPrefix(r.URL.Path, cd.api.prefix))
	if rt == nil {
		return c, Errorf(codeUnknownOperation, "%s %s is not an operation of %s served here", r.Method, r.URL.Path, cd.api.svc.name)
	}
	c.operation = rt.operation
	in, err := decodeJSON(body)
	if err != nil {
		return c, Errorf(codeSerialization, "Malformed JSON request body: %v", err)
	}
	c.input = rt.bind(in, r, labels)
	return c, nil
}

func (cd restJSONCodec) writeOutput(w http.ResponseWriter, c *call, out map[string]any) error {
	b, err := json.Marshal(jsonReady(out))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rt := cd.api.routeOf(c.operation); rt != nil && rt.created {
		status = http.StatusCreated
	}
	writeBody(w, status, c.contentType, b)
	return nil
}

// writeError writes the error as REST-JSON clients read it: the shape in
// X-Amzn-ErrorType, which they prefer, and again in the body's code.
func (cd restJSONCodec) writeError(w http.ResponseWriter, c *call, e *wireError) {
	body := map[string]any{}
	for k, v := range e.fields {
		body[k] = v
	}
	body[e.messageKey] = e.message
	b, err := json.Marshal(jsonReady(body))
	if err != nil {
		b, _ = json.Marshal(map[string]string{e.messageKey: e.message})
	}
	w.Header().Set("X-Amzn-ErrorType", e.shape)
	writeBody(w, e.status, "application/json", b)
}
