package cloudwatch

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPutDashboardValidation(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []DashboardValidationMessage
		code ErrorCode
	}{
		{"valid", `{"widgets":[{"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"metrics":[["AWS/ECS","CPUUtilization"]]}},
			{"type":"text","properties":{"markdown":"# Runbook"}}]}`, nil, ""},
		{"no widgets yet", `{"widgets":[]}`, nil, ""},
		{"not JSON", `{"widgets":`, nil, ErrCodeInvalidParameterInput},
		{"not an object", `[1,2]`, nil, ErrCodeInvalidParameterInput},
		{"no widgets", `{"start":"-PT3H"}`, []DashboardValidationMessage{{"", "Should have required property 'widgets'"}}, ErrCodeInvalidParameterInput},
		{"widgets not an array", `{"widgets":{}}`, []DashboardValidationMessage{{"/widgets", "Should be array"}}, ErrCodeInvalidParameterInput},
		{"widget problems", `{"widgets":[
			{"properties":{}},
			{"type":"graph","properties":{}},
			{"type":"text","properties":{},"width":25,"height":0,"x":1.5},
			"metric"]}`,
			[]DashboardValidationMessage{
				{"/widgets/0", "Should have required property 'type'"},
				{"/widgets/1/type", "Should be equal to one of the allowed values: metric, text, log, alarm, explorer, custom"},
				{"/widgets/2/properties", "Should have required property 'markdown'"},
				{"/widgets/2/x", "Should be integer"},
				{"/widgets/2/width", "Should be <= 24"},
				{"/widgets/2/height", "Should be >= 1"},
				{"/widgets/3", "Should be object"},
			}, ErrCodeInvalidParameterInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			out, err := e.PutDashboard(PutDashboardInput{DashboardName: "d", DashboardBody: tc.body})
			if codeOf(err) != tc.code {
				t.Fatalf("PutDashboard = %v, want code %q", err, tc.code)
			}
			var apiErr *Error
			var got []DashboardValidationMessage
			if errors.As(err, &apiErr) {
				got, _ = apiErr.Fields["DashboardValidationMessages"].([]DashboardValidationMessage)
			}
			if !slices.Equal(got, tc.want) || len(out.DashboardValidationMessages) != 0 {
				t.Fatalf("validation messages = %+v (output %+v), want %+v", got, out.DashboardValidationMessages, tc.want)
			}
			if len(tc.want) > 0 && !strings.HasPrefix(err.Error(), "InvalidParameterInput: The dashboard body is invalid, there are ") {
				t.Fatalf("message = %q", err)
			}
		})
	}
}

func TestDashboards(t *testing.T) {
	e, c := newEngine(t)
	body := `{"widgets":[]}`
	for _, name := range []string{"ops-api", "ops-web", "capacity"} {
		if _, err := e.PutDashboard(PutDashboardInput{DashboardName: name, DashboardBody: body}); err != nil {
			t.Fatal(err)
		}
	}
	c.Set(t0.Add(time.Minute))
	newer := `{"widgets":[{"type":"text","properties":{"markdown":"hi"}}]}`
	if _, err := e.PutDashboard(PutDashboardInput{DashboardName: "ops-api", DashboardBody: newer}); err != nil {
		t.Fatal(err)
	}

	got, err := e.GetDashboard("ops-api")
	if err != nil || got.DashboardBody != newer || got.DashboardArn != "arn:aws:cloudwatch::123456789012:dashboard/ops-api" {
		t.Fatalf("GetDashboard = %+v, %v", got, err)
	}
	list, err := e.ListDashboards(ListDashboardsInput{DashboardNamePrefix: "ops-"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.DashboardEntries) != 2 || list.DashboardEntries[0].DashboardName != "ops-api" ||
		list.DashboardEntries[0].Size != int64(len(newer)) || !list.DashboardEntries[0].LastModified.Equal(t0.Add(time.Minute)) ||
		list.DashboardEntries[1].DashboardName != "ops-web" {
		t.Fatalf("ListDashboards = %+v", list)
	}

	if err := e.DeleteDashboards([]string{"ops-web", "nope"}); codeOf(err) != ErrCodeResourceNotFound {
		t.Fatalf("DeleteDashboards with an unknown name = %v", err)
	}
	if _, err := e.GetDashboard("ops-web"); err != nil {
		t.Fatalf("a failed DeleteDashboards deleted ops-web: %v", err)
	}
	if err := e.DeleteDashboards([]string{"ops-web", "capacity"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.ListDashboards(ListDashboardsInput{}); len(list.DashboardEntries) != 1 {
		t.Fatalf("after delete: %+v", list)
	}
	if _, err := e.GetDashboard("ops-web"); codeOf(err) != ErrCodeResourceNotFound {
		t.Fatalf("GetDashboard(deleted) = %v", err)
	}
	if _, err := e.PutDashboard(PutDashboardInput{DashboardName: "bad name!", DashboardBody: body}); codeOf(err) != ErrCodeInvalidParameterInput {
		t.Fatalf("bad name = %v", err)
	}
	if _, err := e.PutDashboard(PutDashboardInput{DashboardName: "d"}); codeOf(err) != ErrCodeMissingParameter {
		t.Fatalf("no body = %v", err)
	}
}
