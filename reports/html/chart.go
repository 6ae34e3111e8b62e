package html

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/timeline"
)

// obj is an ECharts option object; maps marshal with sorted keys, so the
// same run renders to the same bytes.
type obj = map[string]any

// A chart stacks panels on one platform-time axis: load, latency,
// capacity, state lanes (alarms, health checks, DNS answers) and the
// verdicts' windows against their observed moments. A panel is drawn only
// when the experiment has its data.
type panel struct {
	height int
	yAxes  []obj
	series []obj
}

// Panel sizes, in pixels: the chart's height is their sum.
const (
	plotHeight = 120
	laneHeight = 26
	panelGap   = 34
	chartTop   = 44
	chartFoot  = 60
)

// Colours by meaning, the same in every chart and in the page's CSS.
var (
	statusColour = map[timeline.Status]string{
		timeline.Passed: "#2e7d32", timeline.Failed: "#c62828", timeline.Error: "#6a1b9a",
		timeline.Waived: "#ef6c00", timeline.Skipped: "#757575", timeline.Inconclusive: "#546e7a",
		timeline.Aborted: "#ad1457",
	}
	faultColour = "rgba(120,120,120,0.18)"
)

// stateColour colours a state lane: red for a bad state, green for a
// good one, grey for no data, and a hue per answer for anything else
// (DNS answers).
func stateColour(state string, others []string) string {
	switch strings.ToUpper(state) {
	case "ALARM", "UNHEALTHY", "FAILURE":
		return "rgba(198,40,40,0.45)"
	case "OK", "HEALTHY", "SUCCESS":
		return "rgba(46,125,50,0.35)"
	case "INSUFFICIENT_DATA", "UNKNOWN", "":
		return "rgba(117,117,117,0.30)"
	}
	hues := []string{"rgba(21,101,192,0.35)", "rgba(106,27,154,0.35)", "rgba(0,131,143,0.35)", "rgba(173,20,87,0.35)"}
	return hues[slices.Index(others, state)%len(hues)]
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// chart is the ECharts option of one experiment and the height it needs.
func chart(x folder.Experiment) (json.RawMessage, int, error) {
	from, to := span(x)
	var panels []panel
	for _, p := range []*panel{loadPanel(x.Events), latencyPanel(x.Events), capacityPanel(x.Events), statePanel(x.Events, from, to), verdictPanel(x.Verdicts)} {
		if p != nil {
			panels = append(panels, *p)
		}
	}
	faults := faultAreas(x.Events, to)
	opt := obj{
		"useUTC":    true,
		"animation": false,
		"tooltip":   obj{"trigger": "axis", "axisPointer": obj{"type": "line"}},
		"axisPointer": obj{
			"link": []obj{{"xAxisIndex": "all"}},
		},
		"legend": obj{"top": 0, "type": "scroll"},
	}
	var grids, xAxes, yAxes, series []obj
	var axisIndexes []int
	top := chartTop
	for i, p := range panels {
		grids = append(grids, obj{"top": top, "height": p.height, "left": 90, "right": 80})
		xAxes = append(xAxes, obj{"type": "time", "gridIndex": i, "min": ms(from), "max": ms(to),
			"axisLabel": obj{"show": i == len(panels)-1, "hideOverlap": true}, "splitLine": obj{"show": false}})
		axisIndexes = append(axisIndexes, i)
		first := len(yAxes)
		for _, y := range p.yAxes {
			y["gridIndex"] = i
			yAxes = append(yAxes, y)
		}
		for j, s := range p.series {
			s["xAxisIndex"] = i
			s["yAxisIndex"] = first + s["yAxisIndex"].(int)
			if j == 0 && len(faults) > 0 {
				shade(s, faults, i == 0)
			}
			series = append(series, s)
		}
		top += p.height + panelGap
	}
	opt["grid"], opt["xAxis"], opt["yAxis"], opt["series"] = grids, xAxes, yAxes, series
	opt["dataZoom"] = []obj{{"type": "inside", "xAxisIndex": axisIndexes}, {"type": "slider", "xAxisIndex": axisIndexes, "bottom": 8, "height": 18}}
	data, err := json.Marshal(opt)
	return data, top - panelGap + chartFoot, err
}

// span is the chart's axis: the experiment, widened to every window its
// verdicts drew.
func span(x folder.Experiment) (time.Time, time.Time) {
	from, to := x.From, x.To
	for _, v := range x.Verdicts {
		if !v.WindowStart.IsZero() && v.WindowStart.Before(from) {
			from = v.WindowStart
		}
		if v.WindowEnd.After(to) {
			to = v.WindowEnd
		}
	}
	return from, to
}

// services lists the services the events name, in order of appearance.
func services[T any](events []timeline.Event, name func(T) string) []string {
	var out []string
	for _, e := range events {
		if d, ok := e.Data.(T); ok && !slices.Contains(out, name(d)) {
			out = append(out, name(d))
		}
	}
	return out
}

func line(name string, yAxis int, data [][2]any, style obj) obj {
	s := obj{"name": name, "type": "line", "yAxisIndex": yAxis, "showSymbol": false, "data": data}
	for k, v := range style {
		s[k] = v
	}
	return s
}

// loadWindows calls fn with each load window of a service at its middle:
// a window is recorded at its end, and its rate is over its width.
func loadWindows(events []timeline.Event, service string, fn func(at int64, w timeline.LoadWindow)) {
	for _, e := range events {
		if w, ok := e.Data.(timeline.LoadWindow); ok && loadService(w) == service {
			fn(ms(e.At.Add(-time.Duration(w.Duration)/2)), w)
		}
	}
}

// loadService names the load's series: the service it is aimed at, or
// its URL when the load names no service.
func loadService(w timeline.LoadWindow) string { return cmp.Or(w.Service, w.Target) }

func loadPanel(events []timeline.Event) *panel {
	svcs := services(events, loadService)
	if len(svcs) == 0 {
		return nil
	}
	p := &panel{height: plotHeight, yAxes: []obj{
		{"type": "value", "name": "req/s", "nameGap": 12},
		{"type": "value", "name": "errors %", "min": 0, "max": 100, "position": "right", "splitLine": obj{"show": false}, "nameGap": 12},
	}}
	for _, svc := range svcs {
		var rate, planned, errs [][2]any
		loadWindows(events, svc, func(at int64, w timeline.LoadWindow) {
			rate = append(rate, [2]any{at, round(w.Rate)})
			planned = append(planned, [2]any{at, round(w.Planned)})
			errs = append(errs, [2]any{at, round(100 * (1 - w.Success))})
		})
		p.series = append(p.series,
			line(svc+" load req/s", 0, rate, nil),
			line(svc+" planned req/s", 0, planned, obj{"lineStyle": obj{"type": "dashed"}}),
			line(svc+" errors %", 1, errs, obj{"lineStyle": obj{"color": statusColour[timeline.Failed]}, "itemStyle": obj{"color": statusColour[timeline.Failed]}}))
	}
	return p
}

func latencyPanel(events []timeline.Event) *panel {
	svcs := services(events, loadService)
	if len(svcs) == 0 {
		return nil
	}
	p := &panel{height: plotHeight, yAxes: []obj{{"type": "value", "name": "p90 ms", "nameGap": 12}}}
	for _, svc := range svcs {
		var p90 [][2]any
		loadWindows(events, svc, func(at int64, w timeline.LoadWindow) {
			p90 = append(p90, [2]any{at, round(float64(time.Duration(w.P90)) / float64(time.Millisecond))})
		})
		p.series = append(p.series, line(svc+" p90 ms", 0, p90, nil))
	}
	return p
}

func capacityPanel(events []timeline.Event) *panel {
	svcs := services(events, func(s timeline.CapacitySample) string { return s.Service })
	if len(svcs) == 0 {
		return nil
	}
	p := &panel{height: plotHeight, yAxes: []obj{{"type": "value", "name": "tasks", "minInterval": 1, "nameGap": 12}}}
	for _, svc := range svcs {
		var desired, running [][2]any
		for _, e := range events {
			if s, ok := e.Data.(timeline.CapacitySample); ok && s.Service == svc {
				desired = append(desired, [2]any{ms(e.At), s.Desired})
				running = append(running, [2]any{ms(e.At), s.Running})
			}
		}
		p.series = append(p.series,
			line(svc+" desired", 0, desired, obj{"step": "end"}),
			line(svc+" running", 0, running, obj{"step": "end", "lineStyle": obj{"type": "dotted"}}))
	}
	// The scaling activities mark the moments the desired count was set:
	// the samples are polled, and a suite may stop polling while it
	// waits on the activities alone.
	var acts []any
	for _, e := range events {
		a, ok := e.Data.(timeline.ScalingActivity)
		var n int
		if !ok || a.StatusCode != "Successful" {
			continue
		}
		if _, err := fmt.Sscanf(a.Description, "Setting desired count to %d.", &n); err == nil {
			acts = append(acts, obj{"value": []any{ms(e.At), n}, "name": a.ResourceID + ": " + a.Description})
		}
	}
	if len(acts) > 0 {
		p.series = append(p.series, obj{"name": "scaling activity", "type": "scatter", "yAxisIndex": 0, "symbol": "triangle", "symbolSize": 9, "data": acts})
	}
	return p
}

// transition is a change of state of one subject: an alarm, a health
// check, a DNS name.
type transition struct {
	subject, from, to string
	at                time.Time
}

func transitions(events []timeline.Event) []transition {
	var out []transition
	for _, e := range events {
		switch d := e.Data.(type) {
		case timeline.AlarmTransition:
			out = append(out, transition{"alarm " + d.Alarm, d.From, d.To, e.At})
		case timeline.HealthCheckChange:
			out = append(out, transition{"health check " + d.HealthCheckID, d.From, fmt.Sprintf("%s (%d/%d checkers healthy)", d.To, d.HealthyCheckers, d.Checkers), e.At})
		case timeline.DNSAnswerChange:
			out = append(out, transition{"DNS " + d.Type + " " + d.Name, strings.Join(d.From, ","), strings.Join(d.To, ","), e.At})
		}
	}
	return out
}

// statePanel draws a lane per subject, a band per state it was in: its
// state before its first transition from the chart's start, each state
// after until the next transition or the chart's end.
func statePanel(events []timeline.Event, start, end time.Time) *panel {
	ts := transitions(events)
	if len(ts) == 0 {
		return nil
	}
	var subjects, states []string
	for _, t := range ts {
		if !slices.Contains(subjects, t.subject) {
			subjects = append(subjects, t.subject)
		}
		for _, s := range []string{t.from, t.to} {
			if !slices.Contains(states, stateWord(s)) {
				states = append(states, stateWord(s))
			}
		}
	}
	var bands []any
	var points [][2]any
	for lane, subject := range subjects {
		state, since, first := "", start, true
		for _, t := range ts {
			if t.subject != subject {
				continue
			}
			if first {
				state, first = t.from, false
			}
			bands = append(bands, band(lane, since, t.at, subject+": "+state, stateColour(stateWord(state), states)))
			state, since = t.to, t.at
			points = append(points, [2]any{ms(t.at), lane})
		}
		bands = append(bands, band(lane, since, end, subject+": "+state, stateColour(stateWord(state), states)))
	}
	return &panel{height: laneHeight*len(subjects) + 10, yAxes: []obj{lanes(len(subjects))},
		series: []obj{{"name": "state changes", "type": "scatter", "yAxisIndex": 0, "symbolSize": 7, "data": points,
			"markArea": obj{"silent": true, "label": obj{"position": "insideLeft", "fontSize": 11}, "data": bands}}}}
}

// stateWord is a health check's status without its checker count.
func stateWord(s string) string {
	w, _, _ := strings.Cut(s, " (")
	return w
}

// verdictPanel draws a lane per verdict: its expected window as a band in
// its status's colour and the moment the platform was observed doing
// what was judged as a diamond; a verdict without an observed moment is
// a hollow circle where it was judged.
func verdictPanel(vs []folder.Verdict) *panel {
	var bands, points []any
	for lane, v := range vs {
		name := v.Spec[strings.LastIndexByte(v.Spec, '.')+1:] + " (" + string(v.Status) + ")"
		colour := statusColour[v.Status]
		if !v.WindowStart.IsZero() {
			bands = append(bands, band(lane, v.WindowStart, v.WindowEnd, name, translucent(colour)))
		}
		point := obj{"value": []any{ms(v.ObservedAt), lane}, "name": name, "symbol": "diamond", "itemStyle": obj{"color": colour}}
		if v.ObservedAt.IsZero() {
			point["value"], point["symbol"] = []any{ms(v.At), lane}, "emptyCircle"
		}
		points = append(points, point)
	}
	return &panel{height: laneHeight*len(vs) + 10, yAxes: []obj{lanes(len(vs))}, series: []obj{
		{"name": "verdicts", "type": "scatter", "yAxisIndex": 0, "symbolSize": 11, "data": points,
			"label":    obj{"show": true, "position": "right", "formatter": "{b}", "fontSize": 11},
			"markArea": obj{"silent": true, "label": obj{"show": false}, "data": bands}},
	}}
}

// lanes is the y axis of a panel of lanes: lane i is centred on i.
func lanes(n int) obj {
	return obj{"type": "value", "min": -0.5, "max": float64(n) - 0.5, "inverse": true, "show": false}
}

func band(lane int, from, to time.Time, name, colour string) any {
	return []obj{
		{"name": name, "xAxis": ms(from), "yAxis": float64(lane) - 0.4, "itemStyle": obj{"color": colour}},
		{"xAxis": ms(to), "yAxis": float64(lane) + 0.4},
	}
}

// faultAreas are the fault windows, from injection to revert (or the
// chart's end for a fault not reverted in it).
func faultAreas(events []timeline.Event, end time.Time) [][]obj {
	var out [][]obj
	for i, e := range events {
		f, ok := e.Data.(timeline.FaultInjected)
		if !ok {
			continue
		}
		until := end
		for _, r := range events[i+1:] {
			if rv, ok := r.Data.(timeline.FaultReverted); ok && rv.ID == f.ID {
				until = r.At
				break
			}
		}
		out = append(out, []obj{{"name": "fault " + f.Kind + " " + faultParams(f.Params), "xAxis": ms(e.At)}, {"xAxis": ms(until)}})
	}
	return out
}

// shade adds the fault windows to a series' mark areas, behind its data;
// labelled on the top panel only, where they read once.
func shade(s obj, faults [][]obj, labelled bool) {
	m, ok := s["markArea"].(obj)
	if !ok {
		m = obj{"silent": true}
		s["markArea"] = m
	}
	data, _ := m["data"].([]any)
	for _, f := range faults {
		from := obj{"itemStyle": obj{"color": faultColour}, "label": obj{"show": labelled, "position": "insideTopLeft"}}
		for k, v := range f[0] {
			from[k] = v
		}
		data = append(data, []obj{from, f[1]})
	}
	m["data"] = data
}

func faultParams(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k+"="+p[k])
	}
	slices.Sort(keys)
	return strings.Join(keys, " ")
}

// translucent is a "#rrggbb" colour at a third of its strength, for a
// band that must not hide what is drawn over it.
func translucent(hex string) string {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("rgba(%d,%d,%d,0.33)", r, g, b)
}

// round keeps two decimals: the report's bytes should not carry float
// noise.
func round(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
