package spec_test

import (
	"encoding/json"
	"testing"

	"github.com/gameday-sre/gameday/spec"
)

func TestDashboardBodyIsTheRunbooksWidgets(t *testing.T) {
	p, err := spec.Load("../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body, err := p.Dashboard.Body()
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Widgets []struct {
			Type       string
			Width      int
			Properties struct {
				Title   string
				Period  int64
				Metrics [][]string
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	if len(b.Widgets) != len(p.Dashboard.Widgets) {
		t.Fatalf("%d widgets, want %d", len(b.Widgets), len(p.Dashboard.Widgets))
	}
	for i, w := range p.Dashboard.Widgets {
		got := b.Widgets[i]
		if got.Type != "metric" || got.Properties.Title != w.Title || got.Width != w.Position.Width ||
			got.Properties.Period != w.Period.Seconds() || len(got.Properties.Metrics) != len(w.Metrics) {
			t.Errorf("widget %d: %+v, want %q as the spec has it", i, got, w.Title)
		}
		for j, m := range w.Metrics {
			if mm := got.Properties.Metrics[j]; len(mm) != 2+2*len(m.Dimensions) || mm[0] != m.Namespace || mm[1] != m.MetricName {
				t.Errorf("widget %q metric %d: %v, want %s %s with %d dimensions", w.Title, j, mm, m.Namespace, m.MetricName, len(m.Dimensions))
			}
		}
	}
}
