package cloudwatch

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

const (
	// listDashboardsPage: "ListDashboards returns up to 1000 results on one
	// page" (API_ListDashboards).
	listDashboardsPage = 1000
	// maxDeleteDashboards: "You can specify up to 100 dashboards to delete"
	// (API_DeleteDashboards).
	maxDeleteDashboards = 100
)

// dashboardNameRE: "A dashboard name can contain only alphanumerics, dash
// (-), and underscore (_)" (API_PutDashboard).
var dashboardNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// widgetTypes are the widget types of the dashboard body structure
// (CloudWatch-Dashboard-Body-Structure.html).
var widgetTypes = []string{"metric", "text", "log", "alarm", "explorer", "custom"}

// DashboardValidationMessage points at a problem in a dashboard body.
type DashboardValidationMessage struct {
	// DataPath is a JSON pointer into the body, e.g. "/widgets/0/type".
	DataPath string
	Message  string
}

// PutDashboardInput creates or replaces a dashboard.
type PutDashboardInput struct {
	DashboardName string
	// DashboardBody is JSON: an object with a "widgets" array.
	DashboardBody string
}

// PutDashboardOutput carries warnings about a body that was accepted; the
// sandbox has none to give.
type PutDashboardOutput struct {
	DashboardValidationMessages []DashboardValidationMessage
}

// DashboardEntry is a dashboard as ListDashboards reports it.
type DashboardEntry struct {
	DashboardName string
	DashboardArn  string
	LastModified  time.Time
	// Size is the size of the body in bytes.
	Size int64
}

// GetDashboardOutput is a dashboard and its body.
type GetDashboardOutput struct {
	DashboardArn  string
	DashboardBody string
	DashboardName string
}

// ListDashboardsInput filters ListDashboards.
type ListDashboardsInput struct {
	DashboardNamePrefix string
	NextToken           string
}

// ListDashboardsOutput is a page of dashboards in name order.
type ListDashboardsOutput struct {
	DashboardEntries []DashboardEntry
	NextToken        string
}

type dashboard struct {
	name, body   string
	lastModified time.Time
}

// Dashboards are global: their ARNs have no region.
func (e *Engine) dashboardArn(name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", e.accountID, name)
}

func checkDashboardName(param, name string) *Error {
	switch {
	case name == "":
		return missing(param)
	case !dashboardNameRE.MatchString(name):
		return newError(ErrCodeInvalidParameterInput,
			"The value for field %s contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_), at most 255 of them.", param)
	}
	return nil
}

// PutDashboard creates or replaces a dashboard. A body that is not a JSON
// object fails with InvalidParameterInput; so does one that breaks the
// body structure, with DashboardValidationMessages in the *Error's Fields saying
// where, as AWS's DashboardInvalidInputError does.
func (e *Engine) PutDashboard(in PutDashboardInput) (PutDashboardOutput, error) {
	var out PutDashboardOutput
	if err := checkDashboardName("DashboardName", in.DashboardName); err != nil {
		return out, err
	}
	if in.DashboardBody == "" {
		return out, missing("DashboardBody")
	}
	var root map[string]any
	if err := json.Unmarshal([]byte(in.DashboardBody), &root); err != nil || root == nil {
		return out, newError(ErrCodeInvalidParameterInput, "The field DashboardBody must be a valid JSON object")
	}
	if msgs := validateDashboardBody(root); len(msgs) > 0 {
		return out, dashboardInvalid(msgs)
	}
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dashboards[in.DashboardName] = &dashboard{name: in.DashboardName, body: in.DashboardBody, lastModified: now}
	return out, nil
}

// dashboardInvalid is AWS's error for a body with validation errors, e.g.
// `The dashboard body is invalid, there are 1 validation errors: [ {
// "dataPath": "/widgets/0", "message": "Should have required property
// 'type'" } ]`.
func dashboardInvalid(msgs []DashboardValidationMessage) *Error {
	type jsonMsg struct {
		DataPath string `json:"dataPath"`
		Message  string `json:"message"`
	}
	list := make([]jsonMsg, len(msgs))
	for i, m := range msgs {
		list[i] = jsonMsg(m)
	}
	err := newError(ErrCodeInvalidParameterInput, "The dashboard body is invalid, there are %d validation errors: %s", len(msgs), mustJSON(list))
	err.Fields = map[string]any{"DashboardValidationMessages": msgs}
	return err
}

// validateDashboardBody checks the parts of the body structure that every
// dashboard shares (CloudWatch-Dashboard-Body-Structure.html): a widgets
// array of objects, each with a known type and a properties object, a text
// widget with markdown, and the grid: width 1-24, height 1-1000, x 0-23,
// y >= 0, all integers. The messages use the wording of AWS's schema
// validator. Type-specific properties beyond markdown are not checked.
func validateDashboardBody(root map[string]any) []DashboardValidationMessage {
	var msgs []DashboardValidationMessage
	add := func(path, format string, args ...any) {
		msgs = append(msgs, DashboardValidationMessage{DataPath: path, Message: fmt.Sprintf(format, args...)})
	}
	raw, ok := root["widgets"]
	if !ok {
		add("", "Should have required property 'widgets'")
		return msgs
	}
	widgets, ok := raw.([]any)
	if !ok {
		add("/widgets", "Should be array")
		return msgs
	}
	for i, w := range widgets {
		path := fmt.Sprintf("/widgets/%d", i)
		widget, ok := w.(map[string]any)
		if !ok {
			add(path, "Should be object")
			continue
		}
		typ, hasType := widget["type"]
		switch t, isString := typ.(string); {
		case !hasType:
			add(path, "Should have required property 'type'")
		case !isString || !slices.Contains(widgetTypes, t):
			add(path+"/type", "Should be equal to one of the allowed values: %s", strings.Join(widgetTypes, ", "))
		}
		props, hasProps := widget["properties"]
		switch p, isObject := props.(map[string]any); {
		case !hasProps:
			add(path, "Should have required property 'properties'")
		case !isObject:
			add(path+"/properties", "Should be object")
		case typ == "text":
			if _, ok := p["markdown"]; !ok {
				add(path+"/properties", "Should have required property 'markdown'")
			}
		}
		for _, g := range []struct {
			field    string
			min, max float64
		}{{"x", 0, 23}, {"y", 0, math.Inf(1)}, {"width", 1, 24}, {"height", 1, 1000}} {
			v, present := widget[g.field]
			if !present {
				continue
			}
			f, isNumber := v.(float64)
			switch {
			case !isNumber || f != math.Trunc(f):
				add(path+"/"+g.field, "Should be integer")
			case f < g.min:
				add(path+"/"+g.field, "Should be >= %v", g.min)
			case f > g.max:
				add(path+"/"+g.field, "Should be <= %v", g.max)
			}
		}
	}
	return msgs
}

// GetDashboard returns a dashboard; ResourceNotFound when there is none of
// that name.
func (e *Engine) GetDashboard(name string) (GetDashboardOutput, error) {
	var out GetDashboardOutput
	if name == "" {
		return out, missing("DashboardName")
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	d := e.dashboards[name]
	if d == nil {
		return out, newError(ErrCodeResourceNotFound, "Dashboard %s does not exist", name)
	}
	return GetDashboardOutput{DashboardArn: e.dashboardArn(name), DashboardBody: d.body, DashboardName: name}, nil
}

// ListDashboards lists dashboards whose names start with the prefix.
func (e *Engine) ListDashboards(in ListDashboardsInput) (ListDashboardsOutput, error) {
	var out ListDashboardsOutput
	if in.DashboardNamePrefix != "" {
		if err := checkDashboardName("DashboardNamePrefix", in.DashboardNamePrefix); err != nil {
			return out, err
		}
	}
	after, err := decodeToken("dashboards", in.NextToken)
	if err != nil {
		return out, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	var names []string
	for name := range e.dashboards {
		if strings.HasPrefix(name, in.DashboardNamePrefix) && (after == "" || name > after) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) > listDashboardsPage {
		names = names[:listDashboardsPage]
		out.NextToken = encodeToken("dashboards", names[len(names)-1])
	}
	for _, name := range names {
		d := e.dashboards[name]
		out.DashboardEntries = append(out.DashboardEntries, DashboardEntry{
			DashboardName: name,
			DashboardArn:  e.dashboardArn(name),
			LastModified:  d.lastModified,
			Size:          int64(len(d.body)),
		})
	}
	return out, nil
}

// DeleteDashboards deletes dashboards, all or none: "If there is an error
// during this call, no dashboards are deleted" (API_DeleteDashboards).
func (e *Engine) DeleteDashboards(names []string) error {
	switch {
	case len(names) == 0:
		return missing("DashboardNames")
	case len(names) > maxDeleteDashboards:
		return lengthError("dashboardNames", maxDeleteDashboards)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, name := range names {
		if e.dashboards[name] == nil {
			return newError(ErrCodeResourceNotFound, "Dashboard %s does not exist", name)
		}
	}
	for _, name := range names {
		delete(e.dashboards, name)
	}
	return nil
}
