// Package html renders a run folder as report.html: one self-contained
// page an SRE reads in a minute. A header gives the verdict per area and
// the runbook sections and compliance rows covered; each failure follows
// with its runbook section, what was expected and what happened; then per
// experiment a chart on the platform-time axis (load, p90 latency and
// errors, desired and running tasks, alarm, health-check and DNS state
// lanes, shaded fault windows, and each verdict's expected window against
// the moment observed) above its verdicts; the timings; the compliance
// drift table; the spec lint's findings.
//
// The page needs no network: Apache ECharts (assets/, with its licence)
// is embedded in it, and the charts are drawn with its SVG renderer from
// options written into the page as JSON.
package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/timings"
	"github.com/gameday-sre/gameday/timeline"
)

//go:embed assets/echarts.common.min.js
var echarts string

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"clock":    func(t time.Time) string { return t.UTC().Format("15:04:05") },
	"stamp":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
	"duration": timings.Readable,
	"short":    func(s string) string { return s[:min(len(s), 12)] },
	"upper":    func(s timeline.Status) string { return strings.ToUpper(string(s)) },
	"count":    func(vs []folder.Verdict, s timeline.Status) int { return folder.Counts(vs)[s] },
	"statuses": func() []timeline.Status { return timeline.Statuses },
}).Parse(pageTemplate))

// Render writes the report of a run folder.
func Render(w io.Writer, f *folder.Folder) error {
	d, err := build(f)
	if err != nil {
		return err
	}
	return page.Execute(w, d)
}

// data is what the template shows.
type data struct {
	Run         folder.Manifest
	Result      timeline.Status
	Areas       []folder.Group
	Coverage    []coverage
	Failures    []folder.Verdict
	Experiments []experiment
	Timings     []timings.Timing
	// Compliance is nil without a compliance timeline in the folder.
	Compliance *compliance
	Lint       *folder.Lint
	Echarts    template.JS
}

type experiment struct {
	ID       string
	Status   timeline.Status
	From, To time.Time
	Verdicts []folder.Verdict
	// Chart is the ECharts option, Height the pixels it needs; a chart
	// is drawn only for an experiment that observed something.
	Chart  template.JS
	Height int
}

// coverage is one runbook section: how many compliance rows and
// behavioural specs judged it (skips not counted).
type coverage struct {
	folder.Group
	Rows, Specs int
}

// complianceArea is the compliance suite's area label.
const complianceArea = "compliance"

func compliant(c *compliance) []folder.Verdict {
	if c == nil {
		return nil
	}
	return c.Verdicts
}

type compliance struct {
	Verdicts []folder.Verdict
	Drift    []folder.Verdict
}

func build(f *folder.Folder) (data, error) {
	vs := folder.Verdicts(f.Events)
	d := data{Run: f.Manifest, Areas: folder.GroupBy(vs, folder.ByArea), Timings: timings.Measure(f.Events), Lint: f.Lint, Echarts: template.JS(echarts)}
	d.Result = folder.Result(vs)
	for _, v := range vs {
		if v.Status.Failing() {
			d.Failures = append(d.Failures, v)
		}
	}
	for _, x := range folder.Experiments(f.Events) {
		e := experiment{ID: x.ID, Status: folder.Worst(x.Verdicts), From: x.From, To: x.To, Verdicts: x.Verdicts}
		if len(x.Events) > 0 {
			opt, height, err := chart(x)
			if err != nil {
				return data{}, fmt.Errorf("charting experiment %s: %w", x.ID, err)
			}
			e.Chart, e.Height = template.JS(opt), height
		}
		d.Experiments = append(d.Experiments, e)
	}
	if f.Compliance != nil {
		c := &compliance{Verdicts: folder.Verdicts(f.Compliance)}
		for _, v := range c.Verdicts {
			if v.Status.Failing() {
				c.Drift = append(c.Drift, v)
			}
		}
		d.Compliance = c
		d.Areas = append(d.Areas, folder.Group{Key: "compliance", Status: folder.Worst(c.Verdicts), Verdicts: c.Verdicts})
	}
	// Coverage is by runbook section, whichever judged it: a compliance
	// row reads the section's configuration, a behavioural spec its
	// behaviour.
	for _, g := range folder.GroupBy(append(slices.Clone(vs), compliant(d.Compliance)...), folder.BySection) {
		c := coverage{Group: g}
		for _, v := range g.Verdicts {
			if v.Status == timeline.Skipped {
				continue
			}
			if v.Area() == complianceArea {
				c.Rows++
			} else {
				c.Specs++
			}
		}
		d.Coverage = append(d.Coverage, c)
	}
	return d, nil
}
