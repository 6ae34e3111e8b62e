package awsapi

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// ProtocolRESTXML is AWS's REST-XML protocol (Route 53).
const ProtocolRESTXML Protocol = "restXml"

// restAPI is a service spoken in REST-XML or REST-JSON: the operation is
// in the method and path, the input in path labels, query parameters and
// an XML or JSON body, the output in a body (and, for XML, headers).
type restAPI struct {
	svc *service
	// prefix starts every path of the service; it is how a request is
	// recognised as the service's.
	prefix string
	// roots, when set, are the first path segments after the prefix that
	// belong to the service: a service at "/" shares the prefix with
	// every other protocol's POST /.
	roots []string
	// json says the service speaks REST-JSON rather than REST-XML.
	json   bool
	routes []restRoute
	// lists maps the element of each list shape to the element of its
	// members: XML alone cannot tell a list of one from a structure.
	lists xmlLists
}

// restRoute is the HTTP binding of one operation.
type restRoute struct {
	method string
	// path follows the prefix; a {Label} segment binds the input member
	// Label.
	path      string
	operation string
	// query maps query parameters to input members.
	query map[string]string
	// body is the root element of the input's XML body, "" for none.
	body string
	// created answers 201 rather than 200.
	created bool
	// headers maps output members to the response headers they go in.
	headers map[string]string
}

// restAPIs are the REST services served.
var restAPIs = []*restAPI{route53REST, fisREST}

// restAPIFor returns the REST service whose paths r's path is under, or
// nil.
func restAPIFor(r *http.Request) *restAPI {
	for _, a := range restAPIs {
		rest, ok := strings.CutPrefix(r.URL.Path, a.prefix)
		if !ok {
			continue
		}
		root, _, _ := strings.Cut(rest, "/")
		if a.roots == nil || slices.Contains(a.roots, root) {
			return a
		}
	}
	return nil
}

// restParams is the style of REST services: the service's own
// invalid-input code, with the front end's validation wording.
func restParams(code string) paramStyle {
	return paramStyle{
		missing: func(p *path) *Error {
			return Errorf(code, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", coralPath(p))
		},
		invalid: func(p *path, raw any, want string) *Error {
			return Errorf(code, "Value %s at '%s' cannot be read as %s", describe(raw), coralPath(p), want)
		},
	}
}

// restXMLCodec is AWS REST-XML.
type restXMLCodec struct{ api *restAPI }

func (cd restXMLCodec) decode(r *http.Request, body []byte) (*call, *Error) {
	c := &call{svc: cd.api.svc, protocol: ProtocolRESTXML}
	rt, labels := cd.api.route(r.Method, strings.TrimPrefix(r.URL.Path, cd.api.prefix))
	if rt == nil {
		return c, Errorf(codeUnknownOperation, "%s %s is not an operation of %s served here", r.Method, r.URL.Path, cd.api.svc.name)
	}
	c.operation = rt.operation
	in := map[string]any{}
	if rt.body != "" && len(bytes.TrimSpace(body)) > 0 {
		root, tree, err := decodeXMLBody(body, cd.api.lists)
		if err != nil {
			return c, Errorf(codeSerialization, "Malformed XML request body: %v", err)
		}
		if root != rt.body {
			return c, Errorf(codeSerialization, "The request body's root element is %s, expected %s", root, rt.body)
		}
		if m, ok := tree.(map[string]any); ok {
			in = m
		}
	}
	c.input = rt.bind(in, r, labels)
	return c, nil
}

// bind adds the request's query parameters and path labels to the
// operation's input from its body.
func (rt *restRoute) bind(in map[string]any, r *http.Request, labels map[string]string) map[string]any {
	q := r.URL.Query()
	for param, member := range rt.query {
		if q.Has(param) {
			in[member] = q.Get(param)
		}
	}
	for member, v := range labels {
		in[member] = v
	}
	return in
}

// route finds the operation of method and path (after the prefix) and
// the values of its labels.
func (a *restAPI) route(method, path string) (*restRoute, map[string]string) {
	segs := strings.Split(path, "/")
	for i := range a.routes {
		rt := &a.routes[i]
		if rt.method != method {
			continue
		}
		pattern := strings.Split(rt.path, "/")
		if len(pattern) != len(segs) {
			continue
		}
		labels := map[string]string{}
		for j, p := range pattern {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") && segs[j] != "" {
				labels[p[1:len(p)-1]] = segs[j]
			} else if p != segs[j] {
				labels = nil
				break
			}
		}
		if labels != nil {
			return rt, labels
		}
	}
	return nil, nil
}

func (a *restAPI) routeOf(operation string) *restRoute {
	for i := range a.routes {
		if a.routes[i].operation == operation {
			return &a.routes[i]
		}
	}
	return nil
}

// decodeXMLBody reads an XML document into the input tree: an element
// with child elements is a structure, or a list when lists names it; an
// element without is a string, which Value's accessors convert.
func decodeXMLBody(body []byte, lists map[string]string) (string, any, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("no root element")
			}
			return "", nil, err
		}
		if start, ok := tok.(xml.StartElement); ok {
			v, err := decodeElement(dec, start.Name.Local, lists)
			return start.Name.Local, v, err
		}
	}
}

func decodeElement(dec *xml.Decoder, name string, lists map[string]string) (any, error) {
	var text strings.Builder
	var members map[string]any
	var items []any
	item, isList := lists[name]
	if isList {
		items = []any{}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("element %s: %w", name, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			child := t.Name.Local
			v, err := decodeElement(dec, child, lists)
			if err != nil {
				return nil, err
			}
			switch {
			case isList && child == item:
				items = append(items, v)
			case isList:
				return nil, fmt.Errorf("element %s holds %s, expected %s", name, child, item)
			default:
				if members == nil {
					members = map[string]any{}
				}
				if _, dup := members[child]; dup {
					return nil, fmt.Errorf("element %s holds %s twice", name, child)
				}
				members[child] = v
			}
		case xml.EndElement:
			switch {
			case isList:
				return items, nil
			case members != nil:
				return members, nil
			}
			return text.String(), nil
		}
	}
}

func (cd restXMLCodec) writeOutput(w http.ResponseWriter, c *call, out map[string]any) error {
	status := http.StatusOK
	if rt := cd.api.routeOf(c.operation); rt != nil {
		for member, header := range rt.headers {
			if v, ok := out[member]; ok {
				w.Header().Set(header, queryScalar(v))
				delete(out, member)
			}
		}
		if rt.created {
			status = http.StatusCreated
		}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	openTag(&b, c.operation+"Response", c.svc.xmlNamespace)
	for _, k := range sortedKeys(out) {
		cd.api.lists.write(&b, k, out[k])
	}
	closeTag(&b, c.operation+"Response")
	writeBody(w, status, "text/xml", b.Bytes())
	return nil
}

// writeError writes AWS's REST-XML error document, which SDKs read the
// code and message of.
func (cd restXMLCodec) writeError(w http.ResponseWriter, c *call, e *wireError) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	openTag(&b, "ErrorResponse", cd.api.svc.xmlNamespace)
	b.WriteString("<Error>")
	writeXML(&b, "Type", string(e.fault))
	writeXML(&b, "Code", e.shape)
	writeXML(&b, "Message", e.message)
	for _, k := range sortedKeys(e.fields) {
		cd.api.lists.write(&b, k, e.fields[k])
	}
	b.WriteString("</Error>")
	writeXML(&b, "RequestId", c.requestID)
	closeTag(&b, "ErrorResponse")
	writeBody(w, e.status, "text/xml", b.Bytes())
}
