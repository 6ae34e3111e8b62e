package awsapi

import (
	"reflect"
	"testing"
	"time"
)

type decodeTarget struct {
	Name        string
	Min         *int32
	Enabled     bool
	Threshold   float64
	At          time.Time
	Tags        []string
	Stats       map[string]float64
	Inner       *decodeInner
	Renamed     string `aws:"OtherName"`
	Skipped     string `aws:"-"`
	ClusterArn  string
	Unspecified any
}

type decodeInner struct{ Value int }

func TestDecode(t *testing.T) {
	two := int32(2)
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		svc  *service
		raw  map[string]any
		want decodeTarget
		err  string
	}{
		{
			name: "JSON members",
			svc:  services[ServiceApplicationAutoScaling],
			raw: map[string]any{
				"Name": "cpu", "Min": 2.0, "Enabled": true, "Threshold": 0.5, "At": float64(at.Unix()),
				"Tags": []any{"a", "b"}, "Stats": map[string]any{"p90": 1.5}, "Inner": map[string]any{"Value": 3.0},
				"OtherName": "x", "Skipped": "y", "ClusterArn": "arn", "Unspecified": "raw",
			},
			want: decodeTarget{
				Name: "cpu", Min: &two, Enabled: true, Threshold: 0.5, At: at, Tags: []string{"a", "b"},
				Stats: map[string]float64{"p90": 1.5}, Inner: &decodeInner{Value: 3}, Renamed: "x", ClusterArn: "arn", Unspecified: "raw",
			},
		},
		{
			name: "Query strings",
			svc:  services[ServiceCloudWatch],
			raw:  map[string]any{"Min": "2", "Enabled": "true", "At": "2026-03-02T08:00:00Z", "Tags": ""},
			want: decodeTarget{Min: &two, Enabled: true, At: at, Tags: []string{}},
		},
		{
			name: "ECS spells members in lowerCamelCase",
			svc:  services[ServiceECS],
			raw:  map[string]any{"clusterArn": "arn", "ClusterArn": "ignored", "name": "n"},
			want: decodeTarget{ClusterArn: "arn", Name: "n"},
		},
		{
			name: "absent optional member stays nil",
			svc:  services[ServiceApplicationAutoScaling],
			raw:  map[string]any{"Name": "n"},
			want: decodeTarget{Name: "n"},
		},
		{
			name: "int32 overflow",
			svc:  services[ServiceApplicationAutoScaling],
			raw:  map[string]any{"Min": 3e9},
			want: decodeTarget{Min: new(int32)},
			err:  "SerializationException: Value 3e+09 at 'min' cannot be read as an integer of 32 bits",
		},
		{
			name: "malformed nested member names its path",
			svc:  services[ServiceCloudWatch],
			raw:  map[string]any{"Inner": map[string]any{"Value": "three"}},
			want: decodeTarget{Inner: &decodeInner{}},
			err:  "InvalidParameterValue: The value three for parameter Inner.Value is invalid.",
		},
		{
			name: "structure expected",
			svc:  services[ServiceApplicationAutoScaling],
			raw:  map[string]any{"Inner": "flat"},
			want: decodeTarget{Inner: &decodeInner{}},
			err:  "SerializationException: Value flat at 'inner' cannot be read as a structure",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := newInput(c.raw, c.svc)
			var got decodeTarget
			in.Decode(&got)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			var msg string
			if err := in.Err(); err != nil {
				msg = err.Error()
			}
			if msg != c.err {
				t.Errorf("Err() = %q, want %q", msg, c.err)
			}
		})
	}
}
