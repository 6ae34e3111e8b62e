package spec

import (
	"encoding/json"
	"fmt"
)

// Body is the dashboard body the runbook's put-dashboard command sends:
// one metric widget per Widget, each metric as CloudWatch's array form
// (namespace, name, then dimension name and value pairs).
func (d Dashboard) Body() (string, error) {
	type properties struct {
		Metrics [][]string `json:"metrics"`
		View    string     `json:"view"`
		Stacked bool       `json:"stacked"`
		Region  string     `json:"region"`
		Period  int64      `json:"period"`
		Stat    string     `json:"stat"`
		Title   string     `json:"title"`
	}
	type widget struct {
		Type       string     `json:"type"`
		X          int        `json:"x"`
		Y          int        `json:"y"`
		Width      int        `json:"width"`
		Height     int        `json:"height"`
		Properties properties `json:"properties"`
	}
	var body struct {
		Widgets []widget `json:"widgets"`
	}
	for _, w := range d.Widgets {
		props := properties{View: "timeSeries", Region: w.Region, Period: w.Period.Seconds(), Stat: w.Stat, Title: w.Title}
		for _, m := range w.Metrics {
			metric := []string{m.Namespace, m.MetricName}
			for _, dim := range m.Dimensions {
				metric = append(metric, dim.Name, dim.Value)
			}
			props.Metrics = append(props.Metrics, metric)
		}
		body.Widgets = append(body.Widgets, widget{Type: "metric", X: w.Position.X, Y: w.Position.Y, Width: w.Position.Width, Height: w.Position.Height, Properties: props})
	}
	data, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("dashboard %s body: %w", d.Name, err)
	}
	return string(data), nil
}
