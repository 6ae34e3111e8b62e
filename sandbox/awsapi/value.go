package awsapi

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Value is one node of a request's input. Its accessors convert what the
// protocols send (Query sends every scalar as a string, JSON sends
// timestamps as epoch seconds, CBOR as tag 1) into Go values, returning the
// zero value for an absent member. A member that is present but cannot be
// converted, or a member asked for with Require that is absent, is
// recorded as the service's validation error, which Err returns: read
// everything, then check Err once.
//
// The zero Value is an absent member that records nothing.
type Value struct {
	raw   any
	path  *path
	state *state
}

// state is shared by all Values of one request.
type state struct {
	params  paramStyle
	members memberNames
	err     *Error
}

// path is the position of a Value in the input, parent first, for error
// messages.
type path struct {
	parent *path
	key    string // member or map key; "" for a list element
	index  int    // 1-based list index
}

func newInput(raw any, svc *service) Value {
	return Value{raw: raw, state: &state{params: svc.params, members: svc.members}}
}

func (v Value) child(key string, raw any) Value {
	return Value{raw: raw, path: &path{parent: v.path, key: key}, state: v.state}
}

func (v Value) element(i int, raw any) Value {
	return Value{raw: raw, path: &path{parent: v.path, index: i + 1}, state: v.state}
}

// fail records the first error of the request.
func (v Value) fail(e *Error) {
	if v.state != nil && v.state.err == nil {
		v.state.err = e
	}
}

func (v Value) invalid(want string) {
	if v.state != nil {
		v.fail(v.state.params.invalid(v.path, v.raw, want))
	}
}

// Err returns the first error recorded while reading the request's input,
// as the *Error the service returns for it, or nil.
func (v Value) Err() error {
	if v.state == nil || v.state.err == nil {
		return nil
	}
	return v.state.err
}

// Raw returns the decoded value as it is: nil when absent.
func (v Value) Raw() any { return v.raw }

// Exists reports whether the value is present and not null.
func (v Value) Exists() bool { return v.raw != nil }

// Get returns the member key of a structure. It is absent when v is not a
// structure or lacks the member.
func (v Value) Get(key string) Value {
	m, _ := v.raw.(map[string]any)
	return v.child(key, m[key])
}

// Has reports whether the member key is present.
func (v Value) Has(key string) bool { return v.Get(key).Exists() }

// Require returns the member key, recording the service's
// missing-parameter error when it is absent.
func (v Value) Require(key string) Value {
	c := v.Get(key)
	if !c.Exists() && v.state != nil {
		v.fail(v.state.params.missing(c.path))
	}
	return c
}

// String returns the member key as a string.
func (v Value) String(key string) string { return v.Get(key).AsString() }

// Int returns the member key as an int.
func (v Value) Int(key string) int { return v.Get(key).AsInt() }

// Float returns the member key as a float64.
func (v Value) Float(key string) float64 { return v.Get(key).AsFloat() }

// Bool returns the member key as a bool.
func (v Value) Bool(key string) bool { return v.Get(key).AsBool() }

// Time returns the member key as a time, in UTC.
func (v Value) Time(key string) time.Time { return v.Get(key).AsTime() }

// Bytes returns the member key, a blob, as bytes.
func (v Value) Bytes(key string) []byte { return v.Get(key).AsBytes() }

// List returns the elements of the list member key.
func (v Value) List(key string) []Value { return v.Get(key).AsList() }

// Map returns the entries of the map member key.
func (v Value) Map(key string) map[string]Value { return v.Get(key).AsMap() }

// Strings returns the list member key as strings.
func (v Value) Strings(key string) []string {
	return convertList(v.List(key), Value.AsString)
}

// Floats returns the list member key as float64s.
func (v Value) Floats(key string) []float64 {
	return convertList(v.List(key), Value.AsFloat)
}

func convertList[T any](l []Value, conv func(Value) T) []T {
	if l == nil {
		return nil
	}
	out := make([]T, len(l))
	for i, e := range l {
		out[i] = conv(e)
	}
	return out
}

// AsString returns v as a string.
func (v Value) AsString() string {
	switch x := v.raw.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	v.invalid("a string")
	return ""
}

// AsInt returns v as an int; a number with a fraction is invalid.
func (v Value) AsInt() int {
	switch x := v.raw.(type) {
	case nil:
		return 0
	case float64:
		if x == math.Trunc(x) && x >= math.MinInt64 && x < math.MaxInt64 {
			return int(x)
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return int(n)
		}
	}
	v.invalid("an integer")
	return 0
}

// AsFloat returns v as a float64. Strings are read as Query and JSON send
// them, including "NaN" and "Infinity".
func (v Value) AsFloat() float64 {
	switch x := v.raw.(type) {
	case nil:
		return 0
	case float64:
		return x
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f
		}
	}
	v.invalid("a number")
	return 0
}

// AsBool returns v as a bool.
func (v Value) AsBool() bool {
	switch x := v.raw.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true
		case "false":
			return false
		}
	}
	v.invalid("a boolean")
	return false
}

// AsTime returns v as a time in UTC. It reads epoch seconds (JSON, or a
// numeric string) to the millisecond, which is the resolution of AWS
// timestamps, and ISO 8601 strings (Query).
func (v Value) AsTime() time.Time {
	switch x := v.raw.(type) {
	case nil:
		return time.Time{}
	case time.Time:
		return x.Round(time.Millisecond).UTC()
	case float64:
		if t, ok := epochSeconds(x); ok {
			return t
		}
	case string:
		s := strings.TrimSpace(x)
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC()
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			if t, ok := epochSeconds(f); ok {
				return t
			}
		}
	}
	v.invalid("a timestamp")
	return time.Time{}
}

func epochSeconds(f float64) (time.Time, bool) {
	ms := math.Round(f * 1000)
	if math.IsNaN(ms) || ms < math.MinInt64 || ms >= math.MaxInt64 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(ms)).UTC(), true
}

// AsBytes returns v, a blob, as bytes: CBOR sends them raw, JSON and Query
// in base64.
func (v Value) AsBytes() []byte {
	switch x := v.raw.(type) {
	case nil:
		return nil
	case []byte:
		return x
	case string:
		if b, err := base64.StdEncoding.DecodeString(x); err == nil {
			return b
		}
	}
	v.invalid("base64-encoded bytes")
	return nil
}

// AsList returns the elements of v, a list. The empty string is an empty
// list: that is how Query sends one.
func (v Value) AsList() []Value {
	switch x := v.raw.(type) {
	case nil:
		return nil
	case []any:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = v.element(i, e)
		}
		return out
	case string:
		if x == "" {
			return []Value{}
		}
	}
	v.invalid("a list")
	return nil
}

// AsMap returns the entries of v, a map. The empty string is an empty map,
// as for AsList.
func (v Value) AsMap() map[string]Value {
	switch x := v.raw.(type) {
	case nil:
		return nil
	case map[string]any:
		out := make(map[string]Value, len(x))
		for k, e := range x {
			out[k] = v.child(k, e)
		}
		return out
	case string:
		if x == "" {
			return map[string]Value{}
		}
	}
	v.invalid("a map")
	return nil
}

// paramStyle is how a service words errors about its input parameters.
type paramStyle struct {
	missing func(*path) *Error
	invalid func(p *path, raw any, want string) *Error
}

// queryParams is the style of services that began with the Query protocol
// (CloudWatch): Query parameter names and the Query error codes, kept in
// the JSON and CBOR protocols by @awsQueryCompatible.
var queryParams = paramStyle{
	missing: func(p *path) *Error {
		return MissingParameter(queryPath(p))
	},
	invalid: func(p *path, raw any, _ string) *Error {
		return InvalidParameterValue("The value %s for parameter %s is invalid.", describe(raw), queryPath(p))
	},
}

// coralParams is the style of services born on JSON (ECS, Application Auto
// Scaling): the model validation message of AWS's front end for a missing
// member, and its SerializationException for a member of the wrong type.
var coralParams = paramStyle{
	missing: func(p *path) *Error {
		return ValidationException("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", coralPath(p))
	},
	invalid: func(p *path, raw any, want string) *Error {
		return Errorf(codeSerialization, "Value %s at '%s' cannot be read as %s", describe(raw), coralPath(p), want)
	},
}

// queryPath spells p as a Query parameter: MetricData.member.1.Value.
func queryPath(p *path) string {
	var parts []string
	for ; p != nil; p = p.parent {
		if p.index > 0 {
			parts = append(parts, strconv.Itoa(p.index), "member")
		} else {
			parts = append(parts, p.key)
		}
	}
	return joinReversed(parts)
}

// coralPath spells p as AWS's JSON front end does in validation messages:
// metricData.1.member.value.
func coralPath(p *path) string {
	var parts []string
	for ; p != nil; p = p.parent {
		if p.index > 0 {
			parts = append(parts, "member", strconv.Itoa(p.index))
		} else {
			parts = append(parts, lowerFirst(p.key))
		}
	}
	return joinReversed(parts)
}

func joinReversed(parts []string) string {
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// describe renders a value that failed to convert, for an error message.
func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		return x
	case map[string]any:
		return "(structure)"
	case []any:
		return "(list)"
	case []byte:
		return "(blob)"
	}
	return fmt.Sprint(raw)
}
