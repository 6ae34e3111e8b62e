package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// queryCodec is the AWS Query protocol: Action, Version and the input as
// form parameters (lists as Name.member.N, maps as Name.entry.N.key and
// .value), XML out. The service comes from the SigV4 credential scope,
// else from Version: Query requests of all services share one path.
type queryCodec struct{}

const (
	codeMissingAction  = "MissingAction"
	codeMalformedQuery = "MalformedQueryString"
)

func isQuery(r *http.Request) bool {
	return mediaType(r) == "application/x-www-form-urlencoded" || r.URL.Query().Has("Action")
}

func (queryCodec) decode(r *http.Request, body []byte) (*call, *Error) {
	c := &call{protocol: ProtocolQuery}
	form := r.URL.Query()
	var formErr error
	if mediaType(r) == "application/x-www-form-urlencoded" {
		// ParseQuery keeps the parameters it could read, which may still
		// name the service for the error.
		var f url.Values
		f, formErr = url.ParseQuery(string(body))
		for k, vs := range f {
			form[k] = append(form[k], vs...)
		}
	}
	version := form.Get("Version")
	_, scope := credentialScope(r)
	c.svc = serviceBy(func(s *service) bool { return s.queryVersion != "" && s.signingName == scope })
	if c.svc == nil {
		c.svc = serviceBy(func(s *service) bool { return s.queryVersion != "" && s.queryVersion == version })
	}
	c.operation = form.Get("Action")
	switch {
	case formErr != nil:
		return c, Errorf(codeMalformedQuery, "Malformed form body: %v", formErr)
	case c.svc == nil:
		return c, Errorf(codeUnknownOperation, "No service served here speaks the Query protocol for credential scope service %q, Version %q", scope, version)
	case c.operation == "":
		return c, Errorf(codeMissingAction, "The request must contain the parameter Action.")
	}
	delete(form, "Action")
	delete(form, "Version")
	in, err := parseQuery(form)
	if err != nil {
		return c, Errorf(codeMalformedQuery, "%v", err)
	}
	c.input = in
	return c, nil
}

// qnode is a parameter name segment while the flat Query parameters are
// assembled into a tree.
type qnode struct {
	value *string
	kids  map[string]*qnode
}

// parseQuery assembles Query parameters into the input tree. A segment
// followed by numbered segments is a list: "member" (Dimensions.member.1)
// wraps one, and bare numbers are a flattened list (Names.1); "entry"
// followed by numbered key/value pairs is a map. Custom list member names
// (@xmlName) have no marker here and read as a structure holding a
// flattened list.
func parseQuery(form url.Values) (map[string]any, error) {
	root := &qnode{}
	for name, vs := range form {
		if len(vs) != 1 {
			return nil, fmt.Errorf("parameter %s is given %d times", name, len(vs))
		}
		n := root
		for seg := range strings.SplitSeq(name, ".") {
			if seg == "" {
				return nil, fmt.Errorf("parameter name %q has an empty segment", name)
			}
			if n.kids == nil {
				n.kids = map[string]*qnode{}
			}
			k := n.kids[seg]
			if k == nil {
				k = &qnode{}
				n.kids[seg] = k
			}
			n = k
		}
		n.value = &vs[0]
	}
	out := make(map[string]any, len(root.kids))
	for k, kid := range root.kids {
		v, err := kid.tree(k)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (n *qnode) tree(name string) (any, error) {
	if n.value != nil {
		if len(n.kids) > 0 {
			return nil, fmt.Errorf("parameter %s has both a value and members", name)
		}
		return *n.value, nil
	}
	if items, ok := n.numbered(); ok {
		return listOf(name, items)
	}
	if len(n.kids) == 1 {
		if m := n.kids["member"]; m != nil {
			if items, ok := m.numbered(); ok {
				return listOf(name+".member", items)
			}
		}
		if e := n.kids["entry"]; e != nil {
			if items, ok := e.numbered(); ok && isEntries(items) {
				return mapOf(name+".entry", items)
			}
		}
	}
	out := make(map[string]any, len(n.kids))
	for k, kid := range n.kids {
		v, err := kid.tree(joinName(name, k))
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

type numberedNode struct {
	index int
	node  *qnode
}

// numbered returns n's children in index order if all are positive
// integers.
func (n *qnode) numbered() ([]numberedNode, bool) {
	if len(n.kids) == 0 || n.value != nil {
		return nil, false
	}
	items := make([]numberedNode, 0, len(n.kids))
	for k, kid := range n.kids {
		i, err := strconv.Atoi(k)
		if err != nil || i < 1 {
			return nil, false
		}
		items = append(items, numberedNode{i, kid})
	}
	slices.SortFunc(items, func(a, b numberedNode) int { return a.index - b.index })
	return items, true
}

func isEntries(items []numberedNode) bool {
	for _, it := range items {
		if it.node.kids["key"] == nil || len(it.node.kids) > 2 || (len(it.node.kids) == 2 && it.node.kids["value"] == nil) {
			return false
		}
	}
	return true
}

func listOf(name string, items []numberedNode) ([]any, error) {
	out := make([]any, len(items))
	for i, it := range items {
		v, err := it.node.tree(joinName(name, strconv.Itoa(it.index)))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func mapOf(name string, items []numberedNode) (map[string]any, error) {
	out := make(map[string]any, len(items))
	for _, it := range items {
		prefix := joinName(name, strconv.Itoa(it.index))
		key := it.node.kids["key"]
		if key.value == nil {
			return nil, fmt.Errorf("parameter %s.key must be a string", prefix)
		}
		var v any
		if val := it.node.kids["value"]; val != nil {
			var err error
			if v, err = val.tree(prefix + ".value"); err != nil {
				return nil, err
			}
		}
		out[*key.value] = v
	}
	return out, nil
}

func joinName(prefix, seg string) string {
	if prefix == "" {
		return seg
	}
	return prefix + "." + seg
}

func (queryCodec) writeOutput(w http.ResponseWriter, c *call, out map[string]any) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	openTag(&b, c.operation+"Response", c.svc.xmlNamespace)
	// Always written, if empty: the Go SDK fails on a missing result
	// element of an operation whose output has no members.
	queryLists[c.svc.name].write(&b, c.operation+"Result", out)
	b.WriteString("<ResponseMetadata>")
	writeXML(&b, "RequestId", c.requestID)
	b.WriteString("</ResponseMetadata>")
	closeTag(&b, c.operation+"Response")
	writeBody(w, http.StatusOK, "text/xml", b.Bytes())
	return nil
}

func (queryCodec) writeError(w http.ResponseWriter, c *call, e *wireError) {
	ns := ""
	if c.svc != nil {
		ns = c.svc.xmlNamespace
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	openTag(&b, "ErrorResponse", ns)
	b.WriteString("<Error>")
	writeXML(&b, "Type", string(e.fault))
	writeXML(&b, "Code", e.queryCode)
	writeXML(&b, "Message", e.message)
	for _, k := range sortedKeys(e.fields) {
		writeXML(&b, k, e.fields[k])
	}
	b.WriteString("</Error>")
	writeXML(&b, "RequestId", c.requestID)
	closeTag(&b, "ErrorResponse")
	writeBody(w, e.status, "text/xml", b.Bytes())
}

func openTag(b *bytes.Buffer, name, ns string) {
	b.WriteString("<" + name)
	if ns != "" {
		b.WriteString(` xmlns="`)
		xml.EscapeText(b, []byte(ns))
		b.WriteString(`"`)
	}
	b.WriteString(">")
}

func closeTag(b *bytes.Buffer, name string) { b.WriteString("</" + name + ">") }

// xmlLists maps the list members of a service's Query output whose items
// the model names (@xmlName) to that name.
type xmlLists map[string]string

// queryLists holds the xmlLists of the Query services that have any.
var queryLists = map[string]xmlLists{ServiceElastiCache: elastiCacheLists}

// writeXML writes a normalized value as the Query protocol's XML: members
// as elements, list items as <member>, map entries as <entry> with <key>
// and <value>, timestamps in ISO 8601. REST-XML writes the same way.
func writeXML(b *bytes.Buffer, name string, v any) { xmlLists(nil).write(b, name, v) }

// write is writeXML with the items of the lists l names under their names,
// as the model's list shapes name them (ElastiCache's Query, Route 53's
// REST-XML).
func (l xmlLists) write(b *bytes.Buffer, name string, v any) {
	openTag(b, name, "")
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			l.write(b, k, x[k])
		}
	case mapTree:
		for _, k := range sortedKeys(x) {
			b.WriteString("<entry>")
			l.write(b, "key", k)
			l.write(b, "value", x[k])
			b.WriteString("</entry>")
		}
	case []any:
		item := l[name]
		if item == "" {
			item = "member"
		}
		for _, e := range x {
			l.write(b, item, e)
		}
	case nil:
	default:
		xml.EscapeText(b, []byte(queryScalar(x)))
	}
	closeTag(b, name)
}

func queryScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	}
	return fmt.Sprint(v)
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
