package html_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/reports/html"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
)

// The page names nothing it would have to fetch: no script, style, image
// or font from a URL. The browser test shows none is fetched; this one
// says where a regression is.
func TestPageIsSelfContained(t *testing.T) {
	for name, dir := range map[string]string{"recorded": runtest.Recorded(), "synthetic": runtest.Synthetic(t)} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := html.Render(&b, runtest.Read(t, dir)); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			remote := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?(https?:)?//`)
			if m := remote.FindString(page); m != "" {
				t.Errorf("the page refers to a remote resource: %q", m)
			}
			if !strings.Contains(page, "Apache ECharts") || strings.Count(page, "<script>") != 2 {
				t.Error("the page does not embed the chart library and its drawing script")
			}
		})
	}
}

// The synthetic run's chart holds each thing the page promises: load,
// p90 latency and errors, desired and running tasks, a lane per alarm,
// health check and DNS name with a band per state, the fault's window,
// and each verdict's window against its observed moment.
func TestChartOfEveryKind(t *testing.T) {
	var b bytes.Buffer
	if err := html.Render(&b, runtest.Read(t, runtest.Synthetic(t))); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	start := strings.Index(page, `<script type="application/json" id="option-0">`)
	if start < 0 {
		t.Fatal("no chart for the failover experiment")
	}
	option := page[start : start+strings.Index(page[start:], "</script>")]
	for _, want := range []string{
		`"name":"api load req/s"`, `"name":"api planned req/s"`, `"name":"api errors %"`, `"name":"api p90 ms"`,
		`"name":"api desired"`, `"name":"api running"`,
		`"name":"health check primary: Healthy"`, `"name":"health check primary: Unhealthy (1/8 checkers healthy)"`,
		`"name":"alarm HealthCheckFailed: OK"`, `"name":"alarm HealthCheckFailed: ALARM"`,
		`"name":"DNS A api.example.com: 127.0.1.1"`, `"name":"DNS A api.example.com: 127.0.2.1"`,
		`"name":"fault region-down region=us-east-1"`,
		`"name":"detection (passed)"`, `"name":"client-recovery (failed)"`,
		`"symbol":"diamond"`, `"useUTC":true`,
	} {
		if !strings.Contains(option, want) {
			t.Errorf("the chart's option lacks %s", want)
		}
	}
	// Five panels (load, latency, capacity, states, verdicts), the fault
	// shading each.
	if n := strings.Count(option, `"name":"fault region-down region=us-east-1"`); n != 5 {
		t.Errorf("the fault shades %d panels, want 5", n)
	}
	if !strings.Contains(page, "<h3>data.mongo ") {
		t.Error("the skipped experiment is missing from the page")
	}
}
