package awsapi

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestValueConversions(t *testing.T) {
	epoch := float64(t0.UnixMilli()) / 1000
	cases := []struct {
		name string
		raw  any
		get  func(Value) any
		want any
		bad  bool // the conversion records an invalid-parameter error
	}{
		{"string", "x", as(Value.AsString), "x", false},
		{"string from number", 3.0, as(Value.AsString), "", true},
		{"int from JSON number", 3.0, as(Value.AsInt), 3, false},
		{"int from Query string", "60", as(Value.AsInt), 60, false},
		{"int with fraction", 2.5, as(Value.AsInt), 0, true},
		{"int from words", "sixty", as(Value.AsInt), 0, true},
		{"float from JSON number", 70.5, as(Value.AsFloat), 70.5, false},
		{"float from Query string", "0.75", as(Value.AsFloat), 0.75, false},
		{"float from Query exponent", "1e-3", as(Value.AsFloat), 0.001, false},
		{"float infinity", "Infinity", as(Value.AsFloat), math.Inf(1), false},
		{"float from bool", true, as(Value.AsFloat), 0.0, true},
		{"bool", true, as(Value.AsBool), true, false},
		{"bool from Query string", "false", as(Value.AsBool), false, false},
		{"bool from botocore's capitals", "True", as(Value.AsBool), true, false},
		{"bool from yes", "yes", as(Value.AsBool), false, true},
		{"time from CBOR", t0.Add(300 * time.Microsecond), as(Value.AsTime), t0, false},
		{"time from JSON epoch seconds", epoch, as(Value.AsTime), t0, false},
		{"time from Query ISO 8601", "2026-11-28T15:38:38.123Z", as(Value.AsTime), t0, false},
		{"time from Query ISO 8601 with offset", "2026-11-28T16:38:38.123+01:00", as(Value.AsTime), t0, false},
		{"time from epoch string", "1795880318.123", as(Value.AsTime), t0, false},
		{"time from words", "yesterday", as(Value.AsTime), time.Time{}, true},
		{"bytes from CBOR", []byte{1, 2}, as(Value.AsBytes), []byte{1, 2}, false},
		{"bytes from base64", "AQI=", as(Value.AsBytes), []byte{1, 2}, false},
		{"bytes from bad base64", "!!", as(Value.AsBytes), []byte(nil), true},
		{"list", []any{"a"}, func(v Value) any { return len(v.AsList()) }, 1, false},
		{"empty Query list", "", func(v Value) any { return v.AsList() != nil && len(v.AsList()) == 0 }, true, false},
		{"list from string", "a", func(v Value) any { return len(v.AsList()) }, 0, true},
		{"map", map[string]any{"k": "v"}, func(v Value) any { return v.AsMap()["k"].AsString() }, "v", false},
		{"map from number", 1.0, func(v Value) any { return len(v.AsMap()) }, 0, true},
		{"absent", nil, as(Value.AsInt), 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := newInput(map[string]any{"P": c.raw}, &service{params: queryParams})
			got := c.get(in.Get("P"))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
			if bad := in.Err() != nil; bad != c.bad {
				t.Errorf("Err() = %v, want an error: %v", in.Err(), c.bad)
			}
		})
	}
}

func as[T any](f func(Value) T) func(Value) any {
	return func(v Value) any { return f(v) }
}

func TestValueErrors(t *testing.T) {
	raw := map[string]any{
		"MetricData": []any{
			map[string]any{"MetricName": "a", "Value": 1.0},
			map[string]any{"MetricName": "b", "Value": "abc"},
		},
		"SuspendedState": map[string]any{},
	}
	cases := []struct {
		name   string
		params paramStyle
		read   func(Value)
		code   string
		msg    string
	}{
		{"Query invalid", queryParams, func(in Value) {
			for _, d := range in.List("MetricData") {
				d.Float("Value")
			}
		}, "InvalidParameterValue", "The value abc for parameter MetricData.member.2.Value is invalid."},
		{"Query missing", queryParams, func(in Value) { in.Get("SuspendedState").Require("DynamicScalingInSuspended") },
			"MissingParameter", "The parameter SuspendedState.DynamicScalingInSuspended is required."},
		{"Coral invalid", coralParams, func(in Value) {
			for _, d := range in.List("MetricData") {
				d.Float("Value")
			}
		}, "SerializationException", "Value abc at 'metricData.2.member.value' cannot be read as a number"},
		{"Coral missing", coralParams, func(in Value) { in.Get("SuspendedState").Require("DynamicScalingInSuspended") },
			"ValidationException", "1 validation error detected: Value null at 'suspendedState.dynamicScalingInSuspended' failed to satisfy constraint: Member must not be null"},
		{"first error wins", queryParams, func(in Value) {
			in.Require("Namespace")
			in.Require("MetricName")
		}, "MissingParameter", "The parameter Namespace is required."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := newInput(raw, &service{params: c.params})
			c.read(in)
			var e *Error
			if !errors.As(in.Err(), &e) || e.Code != c.code || e.Message != c.msg {
				t.Errorf("Err() = %v, want %s: %s", in.Err(), c.code, c.msg)
			}
		})
	}
}

func TestZeroValue(t *testing.T) {
	var v Value
	if v.Int("x") != 0 || v.Require("x").Exists() || v.List("x") != nil || v.Has("x") || v.Err() != nil || v.Raw() != nil {
		t.Error("the zero Value is not an absent member that records nothing")
	}
}
