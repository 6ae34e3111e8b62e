package awsapi

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Map is an AWS map shape (string keys to values of one type) in handler
// output, such as a datapoint's ExtendedStatistics:
// awsapi.Map[float64]{"p90": 87.5}, or a conversion of an engine's map.
// Every other Go map is a structure, and so is a struct; a struct field
// tagged `aws:",map"` is an AWS map too. JSON and CBOR write maps and
// structures alike, as objects, but Query XML writes a map as
// <entry><key>…</key><value>…</value></entry> elements.
type Map[V any] map[string]V

func (Map[V]) awsMap() {}

// awsMap is implemented by every Map type.
type awsMap interface{ awsMap() }

// mapTree is an AWS map in a normalized tree.
type mapTree map[string]any

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	awsMapType   = reflect.TypeFor[awsMap]()
)

// normalize turns a handler's output into the tree the encoders write:
// map[string]any for a structure, mapTree for an AWS map, []any, string,
// bool, int64, float64, time.Time and []byte; nil is an absent member. See
// Handler for what it accepts.
func normalize(v any, names memberNames) (any, error) {
	return names.normalizeValue(reflect.ValueOf(v), false)
}

// normalizeValue normalizes rv; asMap says a struct tag marked it as an
// AWS map.
func (names memberNames) normalizeValue(rv reflect.Value, asMap bool) (any, error) {
	if !rv.IsValid() {
		return nil, nil
	}
	switch rv.Type() {
	case timeType:
		return rv.Interface().(time.Time), nil
	case durationType:
		return nil, fmt.Errorf("time.Duration has no AWS wire form: send a number of seconds")
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return names.normalizeValue(rv.Elem(), asMap)
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), nil
		}
		return nil, fmt.Errorf("%d exceeds AWS's 64-bit signed long", rv.Uint())
	case reflect.Float32:
		// Widening float32 directly would send 0.1 as 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(rv.Float(), 'g', -1, 32), 64)
		return f, nil
	case reflect.Float64:
		return rv.Float(), nil
	case reflect.Slice:
		if rv.IsNil() {
			return nil, nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return append([]byte(nil), rv.Bytes()...), nil
		}
		return names.normalizeList(rv)
	case reflect.Array:
		return names.normalizeList(rv)
	case reflect.Map:
		return names.normalizeMap(rv, asMap || rv.Type().Implements(awsMapType))
	case reflect.Struct:
		out := map[string]any{}
		if err := names.addFields(out, rv); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s has no AWS wire form", rv.Type())
}

func (names memberNames) normalizeList(rv reflect.Value) (any, error) {
	out := make([]any, rv.Len())
	for i := range out {
		e, err := names.normalizeValue(rv.Index(i), false)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i] = e
	}
	return out, nil
}

func (names memberNames) normalizeMap(rv reflect.Value, asMap bool) (any, error) {
	if rv.IsNil() {
		return nil, nil
	}
	if rv.Type().Key().Kind() != reflect.String {
		return nil, fmt.Errorf("%s: AWS maps and structures have string keys", rv.Type())
	}
	out := make(map[string]any, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		k := it.Key().String()
		e, err := names.normalizeValue(it.Value(), false)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if e != nil {
			out[k] = e
		}
	}
	if asMap {
		return mapTree(out), nil
	}
	return out, nil
}

func (names memberNames) addFields(out map[string]any, rv reflect.Value) error {
	t := rv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("aws"), ",")
		if name == "-" {
			continue
		}
		fv := rv.Field(i)
		// As in encoding/json, an embedded struct's exported fields are
		// promoted even when its type is unexported.
		if f.Anonymous && name == "" {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct && fv.Type() != timeType {
				if err := names.addFields(out, fv); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = names.of(f.Name)
		}
		if hasOption(opts, "omitempty") && fv.IsZero() || absent(fv) {
			continue
		}
		e, err := names.normalizeValue(fv, hasOption(opts, "map"))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if e != nil {
			out[name] = e
		}
	}
	return nil
}

// absent reports a struct field that AWS would leave out: an empty string
// or a zero time, which engines use for "not set" and which no AWS member
// means (AWS has no empty-string tokens or year-1 timestamps). A paginator
// must not see NextToken "" as another page.
func absent(fv reflect.Value) bool {
	return fv.Kind() == reflect.String && fv.Len() == 0 || fv.Type() == timeType && fv.IsZero()
}

func hasOption(opts, name string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == name {
			return true
		}
	}
	return false
}

// epochSecondsString formats t as epoch seconds to the millisecond, the
// resolution of AWS timestamps.
func epochSecondsString(t time.Time) string {
	// The shortest decimal that round-trips the quotient is the
	// millisecond value itself.
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}

// formatFloat writes a double as JSON and XML readers parse it: plain
// digits where encoding/json would use them, an exponent beyond.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
