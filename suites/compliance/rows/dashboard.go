package rows

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"

	"github.com/gameday-sre/gameday/spec"
)

// dashboardBody is the part of a CloudWatch dashboard body the runbook
// states.
type dashboardBody struct {
	Widgets []struct {
		Type       string `json:"type"`
		X          int    `json:"x"`
		Y          int    `json:"y"`
		Width      int    `json:"width"`
		Height     int    `json:"height"`
		Properties struct {
			Title   string  `json:"title"`
			Region  string  `json:"region"`
			Period  int64   `json:"period"`
			Stat    string  `json:"stat"`
			Metrics [][]any `json:"metrics"`
		} `json:"properties"`
	} `json:"widgets"`
}

func dashboardRows(d spec.Dashboard) []Row {
	id := "dashboard." + d.Name
	resource := "dashboard " + d.Name
	rows := []Row{{ID: id, Area: Dashboard, Section: d.Source, Needs: profile.CloudWatch, Resource: resource, Expected: "present",
		judge: func(o *Observed) (string, Verdict, string) {
			_, found := o.Dashboards[d.Name]
			return presence(found)
		}}}
	for _, w := range d.Widgets {
		want := widget(w.Position.X, w.Position.Y, w.Position.Width, w.Position.Height, w.Region, w.Period.Seconds(), w.Stat, specMetrics(w.Metrics))
		rows = append(rows, Row{ID: id + "." + slug(w.Title), Area: Dashboard, Section: d.Source, Needs: profile.CloudWatch,
			Resource: resource + " widget " + w.Title, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				body, found := o.Dashboards[d.Name]
				if !found {
					return dependsOn(id, resource)
				}
				var b dashboardBody
				if err := json.Unmarshal([]byte(body), &b); err != nil {
					return "unreadable body: " + err.Error(), Fail, ""
				}
				for _, g := range b.Widgets {
					if g.Properties.Title == w.Title {
						return equal(want, widget(g.X, g.Y, g.Width, g.Height, g.Properties.Region, g.Properties.Period, g.Properties.Stat, bodyMetrics(g.Properties.Metrics)))
					}
				}
				return "no widget titled " + w.Title, Fail, ""
			}})
	}
	return rows
}

func widget(x, y, width, height int, region string, period int64, stat string, metrics []string) string {
	return fmt.Sprintf("%dx%d at (%d,%d), %s, %s %s: %s", width, height, x, y, region, seconds(period), stat, strings.Join(metrics, "; "))
}

func specMetrics(ms []spec.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		parts := []string{m.Namespace, m.MetricName}
		for _, d := range m.Dimensions {
			parts = append(parts, d.Name+"="+d.Value)
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// bodyMetrics reads the body's metric arrays: namespace, name, then
// dimension name and value pairs; a trailing rendering options object is
// not the runbook's concern.
func bodyMetrics(ms [][]any) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		var parts []string
		for j := 0; j < len(m); j++ {
			s, ok := m[j].(string)
			if !ok {
				break
			}
			if j >= 2 && j+1 < len(m) {
				v, _ := m[j+1].(string)
				s += "=" + v
				j++
			}
			parts = append(parts, s)
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// slug makes a widget title a row id part: "Service CPU Utilization" is
// service-cpu-utilization.
func slug(title string) string {
	return strings.ToLower(strings.Join(strings.Fields(title), "-"))
}
