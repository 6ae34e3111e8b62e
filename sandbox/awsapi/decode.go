package awsapi

import (
	"fmt"
	"reflect"
	"strings"
)

var bytesType = reflect.TypeFor[[]byte]()

// Decode reads v into *dst, a struct whose exported fields are the members
// of the input structure, named by an `aws:"Name"` tag or as the field,
// spelled as the service's model spells members (ECS: clusterArn for
// ClusterArn); `aws:"-"` skips one. It is how a handler hands a request to an engine
// whose input types use AWS's member names: the accessors do the reading,
// so each protocol's forms are accepted and a malformed member is recorded
// for Err, with its path, exactly as when reading member by member.
//
// Absent members leave their field as it was; a pointer field is allocated
// only when its member is present, which is how optional members reach an
// engine. Fields may be strings, bools, integers, floats, time.Time, []byte,
// slices, maps with string keys, structs, pointers to any of these, and
// `any` (the raw value). Decode panics on another field type: that is a
// handler bug, not bad input.
func (v Value) Decode(dst any) {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(fmt.Sprintf("awsapi: Decode needs a non-nil pointer, got %T", dst))
	}
	v.decode(rv.Elem())
}

func (v Value) decode(dst reflect.Value) {
	if !v.Exists() {
		return
	}
	t := dst.Type()
	switch {
	case t == timeType:
		dst.Set(reflect.ValueOf(v.AsTime()))
		return
	case t == bytesType:
		dst.SetBytes(v.AsBytes())
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		v.decode(p.Elem())
		dst.Set(p)
	case reflect.Struct:
		v.decodeStruct(dst)
	case reflect.String:
		dst.SetString(v.AsString())
	case reflect.Bool:
		dst.SetBool(v.AsBool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := int64(v.AsInt())
		if dst.OverflowInt(n) {
			v.invalid(fmt.Sprintf("an integer of %d bits", t.Bits()))
			return
		}
		dst.SetInt(n)
	case reflect.Float32, reflect.Float64:
		dst.SetFloat(v.AsFloat())
	case reflect.Slice:
		elems := v.AsList()
		if elems == nil {
			return
		}
		s := reflect.MakeSlice(t, len(elems), len(elems))
		for i, e := range elems {
			e.decode(s.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("awsapi: Decode into %s: map keys must be strings", t))
		}
		entries := v.AsMap()
		if entries == nil {
			return
		}
		m := reflect.MakeMapWithSize(t, len(entries))
		for k, e := range entries {
			ev := reflect.New(t.Elem()).Elem()
			e.decode(ev)
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		dst.Set(m)
	case reflect.Interface:
		dst.Set(reflect.ValueOf(v.Raw()))
	default:
		panic(fmt.Sprintf("awsapi: Decode cannot fill a %s", t))
	}
}

func (v Value) decodeStruct(dst reflect.Value) {
	if _, ok := v.Raw().(map[string]any); !ok {
		v.invalid("a structure")
		return
	}
	t := dst.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("aws"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
			if v.state != nil {
				name = v.state.members.of(name)
			}
		}
		v.Get(name).decode(dst.Field(i))
	}
}
