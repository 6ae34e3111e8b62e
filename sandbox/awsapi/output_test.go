package awsapi

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type stateValue string

type alarmBase struct {
	AlarmName string
	Threshold float64
}

type alarmOut struct {
	alarmBase
	*Extra
	StateValue        stateValue
	Dimensions        []dimensionOut
	OKActions         []string
	AlarmActions      []string
	DatapointsToAlarm *int32
	Unit              string             `aws:",omitempty"`
	Renamed           int                `aws:"EvaluationPeriods"`
	Hidden            string             `aws:"-"`
	Stats             map[string]float64 `aws:"ExtendedStatistics,map"`
	Updated           time.Time
	Ratio             float32
	internal          string
}

type Extra struct{ Note string }

type dimensionOut struct{ Name, Value string }

func TestNormalize(t *testing.T) {
	got, err := normalize(&alarmOut{
		alarmBase:    alarmBase{AlarmName: "a", Threshold: 0},
		Extra:        &Extra{Note: "promoted through a pointer"},
		StateValue:   "OK",
		Dimensions:   []dimensionOut{{"ClusterName", "main"}},
		AlarmActions: []string{},
		Renamed:      3,
		Hidden:       "secret",
		Stats:        map[string]float64{"p90": 1},
		Updated:      t0,
		Ratio:        0.1,
		internal:     "x",
	}, nil)
	want := map[string]any{
		"AlarmName":          "a",
		"Threshold":          0.0,
		"Note":               "promoted through a pointer",
		"StateValue":         "OK",
		"Dimensions":         []any{map[string]any{"Name": "ClusterName", "Value": "main"}},
		"AlarmActions":       []any{},
		"EvaluationPeriods":  int64(3),
		"ExtendedStatistics": mapTree{"p90": 1.0},
		"Updated":            t0,
		"Ratio":              0.1,
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v (%v)\nwant %#v", got, err, want)
	}
}

func TestNormalizeMaps(t *testing.T) {
	got, err := normalize(map[string]any{
		"Structure":  map[string]string{"Name": "n"},
		"AWSMap":     Map[int]{"a": 1},
		"Nested":     []Map[string]{{"k": "v"}},
		"Nil":        nil,
		"NilPointer": (*int)(nil),
		"NilMap":     Map[int](nil),
	}, nil)
	want := map[string]any{
		"Structure": map[string]any{"Name": "n"},
		"AWSMap":    mapTree{"a": int64(1)},
		"Nested":    []any{mapTree{"k": "v"}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v (%v)\nwant %#v", got, err, want)
	}
}

func TestOutputTreeRejects(t *testing.T) {
	cases := []struct {
		name string
		out  any
		err  string
	}{
		{"duration", map[string]any{"Cooldown": time.Minute}, "Cooldown: time.Duration has no AWS wire form"},
		{"channel", struct{ C chan int }{make(chan int)}, "C: chan int has no AWS wire form"},
		{"int keys", map[string]any{"M": map[int]string{1: "a"}}, "M: map[int]string: AWS maps and structures have string keys"},
		{"huge uint", map[string]any{"N": uint64(1 << 63)}, "N: 9223372036854775808 exceeds AWS's 64-bit signed long"},
		{"list at the top", []string{"a"}, "output is []string, not a structure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := outputTree(c.out, nil)
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("err = %v, want %q", err, c.err)
			}
		})
	}
	if tree, err := outputTree(nil, nil); err != nil || len(tree) != 0 {
		t.Errorf("nil output = %v, %v; want an empty structure", tree, err)
	}
}

func TestNumberFormats(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{70, "70"}, {0.75, "0.75"}, {1e6, "1000000"}, {-2.5, "-2.5"}, {1e21, "1e+21"}, {1e-7, "1e-07"},
	}
	for _, c := range cases {
		if got := formatFloat(c.f); got != c.want {
			t.Errorf("formatFloat(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	times := []struct {
		t    time.Time
		want string
	}{
		{t0, "1795880318.123"}, {time.Unix(1700000000, 0), "1700000000"}, {time.UnixMilli(-1500), "-1.5"},
	}
	for _, c := range times {
		if got := epochSecondsString(c.t); got != c.want {
			t.Errorf("epochSecondsString(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}
