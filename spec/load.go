package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultPath is where the shipped spec lives, relative to the repository.
const DefaultPath = "fixtures/spec/platform.yaml"

// Position is a place in the spec file (1-based).
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Problem is one thing wrong with a spec, located by file, line and the key
// path within the document (services[0].scalableTarget.minCapacity).
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) Error() string {
	path := p.Path
	if path == "" {
		path = "(document)"
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Column, path, p.Message)
}

// Problems is every problem found in one spec; it is the error Load returns.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads, decodes and validates the spec at path.
func Load(path string) (*Platform, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading spec: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a spec; name is used in problem locations.
func Parse(name string, data []byte) (*Platform, error) {
	root, err := parseDocument(name, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: name, positions: map[string]Position{}}
	p := &Platform{file: name, positions: d.positions}
	d.decode(root, reflect.ValueOf(p).Elem(), "", "", 0)
	if len(d.problems) > 0 {
		return nil, d.problems
	}
	if problems := p.validate(); len(problems) > 0 {
		return nil, problems
	}
	return p, nil
}

// File is the path the spec was loaded from.
func (p *Platform) File() string { return p.file }

// At locates a key path in the spec file, falling back to the nearest
// enclosing key that was written, so a problem about an absent key still
// points at its parent.
func (p *Platform) At(path, format string, args ...any) Problem {
	q := path
	pos, ok := p.positions[q]
	for !ok && q != "" {
		q = parentPath(q)
		pos, ok = p.positions[q]
	}
	return Problem{File: p.file, Line: pos.Line, Column: pos.Column, Path: path, Message: fmt.Sprintf(format, args...)}
}

func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

var (
	yamlLine       = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	parserProblems = regexp.MustCompile(`^did not find expected (<document start>|key|'-' indicator|',' or '[]}]'|node content)$`)
)

func parseDocument(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{File: name, Line: 1, Column: 1, Message: "the spec is empty"}}
		}
		return nil, syntaxProblem(name, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxProblem(name, data, err)
		}
		return nil, Problems{{File: name, Line: extra.Line, Column: extra.Column, Message: "a second YAML document starts here; the spec is one document"}}
	}
	return root.Content[0], nil
}

func syntaxProblem(name string, data []byte, err error) error {
	msg, line := err.Error(), 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		// yaml.v3 reports its parser's (not its scanner's) errors at the
		// 0-based line of the enclosing construct, one line too early.
		if parserProblems.MatchString(msg) {
			line++
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return Problems{{File: name, Line: line, Column: 1, Path: pathNear(data, line), Message: "YAML syntax error: " + msg}}
}

// pathNear reconstructs, from indentation alone, the key path in force at a
// line that the YAML parser could not read, so even a syntax error says
// where in the model it is.
func pathNear(src []byte, line int) string {
	type frame struct {
		indent int
		elem   string
		items  int
	}
	var stack []frame
	push := func(indent int, elem string) { stack = append(stack, frame{indent: indent, elem: elem}) }
	pop := func(indent int) {
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
	}
	key := regexp.MustCompile(`^([A-Za-z0-9_.-]+)\s*:`)
	for i, text := range strings.Split(string(src), "\n") {
		if i >= line {
			break
		}
		trimmed := strings.TrimLeft(text, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(text) - len(trimmed)
		if rest, ok := strings.CutPrefix(trimmed, "- "); ok {
			pop(indent)
			index := 0
			if len(stack) > 0 {
				index = stack[len(stack)-1].items
				stack[len(stack)-1].items++
			}
			push(indent, fmt.Sprintf("[%d]", index))
			rest2 := strings.TrimLeft(rest, " ")
			indent += 2 + len(rest) - len(rest2)
			trimmed = rest2
		}
		if m := key.FindStringSubmatch(trimmed); m != nil {
			pop(indent)
			push(indent, "."+m[1])
		}
	}
	var b strings.Builder
	for _, f := range stack {
		b.WriteString(f.elem)
	}
	return strings.TrimPrefix(b.String(), ".")
}

// maxNodes bounds how many nodes aliases may expand to, so a small file
// cannot make the loader do unbounded work.
const (
	maxNodes = 100_000
	maxDepth = 64
)

type decoder struct {
	file      string
	problems  Problems
	positions map[string]Position
	visited   int
}

// maxProblems keeps a badly broken file from burying its first, most useful
// problems.
const maxProblems = 50

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	switch {
	case len(d.problems) < maxProblems:
		d.problems = append(d.problems, Problem{File: d.file, Line: n.Line, Column: n.Column, Path: path, Message: fmt.Sprintf(format, args...)})
	case len(d.problems) == maxProblems:
		d.problems = append(d.problems, Problem{File: d.file, Line: n.Line, Column: n.Column, Path: path, Message: "more problems follow; fix these first"})
	}
}

var scalarType = reflect.TypeFor[scalar]()

// decode fills v from n. tag is the struct tag of the field v belongs to, for
// its range and enum rules.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, tag reflect.StructTag, depth int) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.visited++
	if d.visited > maxNodes || depth > maxDepth {
		if d.visited == maxNodes+1 || depth == maxDepth+1 {
			d.fail(n, path, "the document nests or expands (through aliases) too far to be a spec")
		}
		return
	}
	if _, keyed := d.positions[path]; !keyed {
		d.positions[path] = Position{Line: n.Line, Column: n.Column}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		d.fail(n, path, "has no value")
		return
	}
	if reflect.PointerTo(v.Type()).Implements(scalarType) {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want a single value, got %s", describe(n))
			return
		}
		if err := v.Addr().Interface().(scalar).setScalar(n.Value); err != nil {
			d.fail(n, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		d.decode(n, v.Elem(), path, tag, depth+1)
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list, got %s", describe(n))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
		for i, item := range n.Content {
			d.decode(item, v.Index(i), fmt.Sprintf("%s[%d]", path, i), "", depth+1)
		}
	case reflect.Map:
		d.decodeMap(n, v, path, depth)
	default:
		d.decodeScalar(n, v, path, tag)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping of keys, got %s", describe(n))
		return
	}
	fields := structFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		keyPath := joinPath(path, k.Value)
		f, ok := fields[k.Value]
		switch {
		case !ok:
			d.fail(k, keyPath, "unknown key %q; valid keys here: %s", k.Value, strings.Join(fieldNames(fields), ", "))
			continue
		case seen[k.Value]:
			d.fail(k, keyPath, "key %q appears twice", k.Value)
			continue
		}
		seen[k.Value] = true
		// Problems about a whole mapping or list point at its key's line.
		d.positions[keyPath] = Position{Line: k.Line, Column: k.Column}
		d.decode(val, v.Field(f.index), keyPath, f.tag, depth+1)
	}
	for _, name := range fieldNames(fields) {
		if f := fields[name]; f.required && !seen[name] {
			d.fail(n, joinPath(path, name), "required key %q is missing", name)
		}
	}
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", describe(n))
		return
	}
	v.Set(reflect.MakeMapWithSize(v.Type(), len(n.Content)/2))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		keyPath := joinPath(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			d.fail(k, keyPath, "want a plain key, got %s", describe(k))
			continue
		}
		if v.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
			d.fail(k, keyPath, "key %q appears twice", k.Value)
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, keyPath, "", depth+1)
		v.SetMapIndex(reflect.ValueOf(k.Value), elem)
	}
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string, tag reflect.StructTag) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "want a single value, got %s", describe(n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if n.Tag != "!!str" {
			d.fail(n, path, "want text, got %s (quote it if it is meant as text)", describe(n))
			return
		}
		if allowed := tag.Get("enum"); allowed != "" && !slices.Contains(strings.Split(allowed, "|"), n.Value) {
			d.fail(n, path, "%q is not one of %s", n.Value, strings.ReplaceAll(allowed, "|", ", "))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		var i int
		if n.Tag != "!!int" || n.Decode(&i) != nil {
			d.fail(n, path, "want a whole number, got %s", describe(n))
			return
		}
		if d.checkRange(n, path, tag, float64(i)) {
			v.SetInt(int64(i))
		}
	case reflect.Float64:
		var f float64
		if (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n, path, "want a number, got %s", describe(n))
			return
		}
		if d.checkRange(n, path, tag, f) {
			v.SetFloat(f)
		}
	case reflect.Bool:
		var b bool
		if n.Tag != "!!bool" || n.Decode(&b) != nil {
			d.fail(n, path, "want true or false, got %s", describe(n))
			return
		}
		v.SetBool(b)
	default:
		d.fail(n, path, "the model has no way to read a %s here", v.Type())
	}
}

func (d *decoder) checkRange(n *yaml.Node, path string, tag reflect.StructTag, x float64) bool {
	r := tag.Get("range")
	if r == "" {
		return true
	}
	lo, hi, _ := strings.Cut(r, ",")
	if lo != "" {
		if min, _ := strconv.ParseFloat(lo, 64); x < min {
			d.fail(n, path, "%v is out of range: %s", n.Value, describeRange(lo, hi))
			return false
		}
	}
	if hi != "" {
		if max, _ := strconv.ParseFloat(hi, 64); x > max {
			d.fail(n, path, "%v is out of range: %s", n.Value, describeRange(lo, hi))
			return false
		}
	}
	return true
}

func describeRange(lo, hi string) string {
	switch {
	case hi == "":
		return "want at least " + lo
	case lo == hi:
		return "want " + lo
	case lo == "":
		return "want at most " + hi
	}
	return "want " + lo + " to " + hi
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	kind := map[string]string{"!!str": "text", "!!int": "whole number", "!!float": "number", "!!bool": "boolean", "!!timestamp": "timestamp", "!!null": "null"}[n.Tag]
	if kind == "" {
		kind = n.Tag
	}
	return fmt.Sprintf("%s %q", kind, n.Value)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

type fieldInfo struct {
	index    int
	tag      reflect.StructTag
	required bool
}

func structFields(t reflect.Type) map[string]fieldInfo {
	fields := map[string]fieldInfo{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		fields[name] = fieldInfo{index: i, tag: f.Tag, required: opts != "omitempty"}
	}
	return fields
}

func fieldNames(fields map[string]fieldInfo) []string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
