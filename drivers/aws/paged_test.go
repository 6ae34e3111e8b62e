package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
)

// pagedEndpoint answers a JSON protocol (Application Auto Scaling's 1.1,
// CloudWatch's 1.0) with the pages of one list, following NextToken, as
// AWS does for a long history; moto serves neither operation. With code
// set it answers that error instead.
type pagedEndpoint struct {
	list  string
	pages []string
	code  string

	mu      sync.Mutex
	targets []string
}

func (e *pagedEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in struct{ NextToken string }
	json.Unmarshal(body, &in)
	e.mu.Lock()
	e.targets = append(e.targets, r.Header.Get("X-Amz-Target"))
	e.mu.Unlock()
	w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
	if e.code != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":%q,"message":"no such thing"}`, e.code)
		return
	}
	page := 0
	fmt.Sscan(in.NextToken, &page)
	next := ""
	if page+1 < len(e.pages) {
		next = fmt.Sprintf(`,"NextToken":"%d"`, page+1)
	}
	fmt.Fprintf(w, `{%q:[%s]%s}`, e.list, e.pages[page], next)
}

// The histories a behavioural suite reads come back whole, every page
// followed, and a failure names the operation and the resource.
func TestHistoriesFollowEveryPage(t *testing.T) {
	activity := func(id string) string {
		return fmt.Sprintf(`{"ActivityId":%q,"ServiceNamespace":"ecs","ResourceId":"service/main-cluster/api-service","ScalableDimension":"ecs:service:DesiredCount","Description":"d","Cause":"c","StartTime":1.7e9,"StatusCode":"Successful"}`, id)
	}
	item := func(summary string) string {
		return fmt.Sprintf(`{"AlarmName":"APILatencyHigh","HistoryItemType":"StateUpdate","HistorySummary":%q,"Timestamp":1.7e9}`, summary)
	}
	tests := []struct {
		name string
		ep   *pagedEndpoint
		// read returns what it read, one string per item.
		read      func(context.Context, *gdaws.Clients) ([]string, error)
		want      []string
		operation string
		resource  string
	}{
		{
			name: "scaling activities",
			ep:   &pagedEndpoint{list: "ScalingActivities", pages: []string{activity("a1") + "," + activity("a2"), activity("a3")}},
			read: func(ctx context.Context, c *gdaws.Clients) ([]string, error) {
				as, err := c.ScalingActivities(ctx, "service/main-cluster/api-service")
				var ids []string
				for _, a := range as {
					ids = append(ids, *a.ActivityId)
				}
				return ids, err
			},
			want: []string{"a1", "a2", "a3"}, operation: "application-autoscaling DescribeScalingActivities", resource: "service/main-cluster/api-service",
		},
		{
			name: "alarm history",
			ep:   &pagedEndpoint{list: "AlarmHistoryItems", pages: []string{item("OK to ALARM"), item("ALARM to OK"), item("created")}},
			read: func(ctx context.Context, c *gdaws.Clients) ([]string, error) {
				items, err := c.AlarmHistory(ctx, "APILatencyHigh")
				var summaries []string
				for _, i := range items {
					summaries = append(summaries, *i.HistorySummary)
				}
				return summaries, err
			},
			want: []string{"OK to ALARM", "ALARM to OK", "created"}, operation: "cloudwatch DescribeAlarmHistory", resource: "APILatencyHigh",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := httptest.NewServer(tt.ep)
			defer srv.Close()
			c, err := gdaws.New(ctx, gdaws.Target{Endpoint: srv.URL, Region: "us-east-1", CloudWatchProtocol: gdaws.ProtocolJSON, Retry: fastRetry})
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.read(ctx, c)
			if err != nil || strings.Join(got, "|") != strings.Join(tt.want, "|") || len(tt.ep.targets) != len(tt.ep.pages) {
				t.Errorf("read %v in %d calls, %v; want %v in %d", got, len(tt.ep.targets), err, tt.want, len(tt.ep.pages))
			}
			tt.ep.code = "ValidationException"
			_, err = tt.read(ctx, c)
			for _, m := range []string{tt.operation, tt.resource, "ValidationException"} {
				if err == nil || !strings.Contains(err.Error(), m) {
					t.Errorf("error %v does not mention %q", err, m)
				}
			}
		})
	}
}

// ecsTasksEndpoint answers ListTasks, a page of pageSize ARNs at a time,
// with running tasks then stopped ones, and DescribeTasks for the ARNs
// asked. moto runs tasks but writes a container's cpu as a number, which
// the SDK refuses, so the driver meets ECS's shapes here instead.
type ecsTasksEndpoint struct {
	running, stopped, pageSize int

	mu        sync.Mutex
	described [][]string
}

func (e *ecsTasksEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Cluster, ServiceName, DesiredStatus, NextToken string
		Tasks                                          []string
	}
	json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if in.Cluster != "main-cluster" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"ClusterNotFoundException","message":"Cluster not found."}`)
		return
	}
	switch op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113."); op {
	case "ListTasks":
		n := e.running
		if in.DesiredStatus == "STOPPED" {
			n = e.stopped
		}
		start := 0
		fmt.Sscan(in.NextToken, &start)
		var arns []string
		for i := start; i < min(start+e.pageSize, n); i++ {
			arns = append(arns, fmt.Sprintf("%q", fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task/main-cluster/%s-%s-%d", in.ServiceName, in.DesiredStatus, i)))
		}
		next := ""
		if start+e.pageSize < n {
			next = fmt.Sprintf(`,"nextToken":"%d"`, start+e.pageSize)
		}
		fmt.Fprintf(w, `{"taskArns":[%s]%s}`, strings.Join(arns, ","), next)
	case "DescribeTasks":
		e.mu.Lock()
		e.described = append(e.described, in.Tasks)
		e.mu.Unlock()
		var tasks []string
		for _, arn := range in.Tasks {
			status := "RUNNING"
			if strings.Contains(arn, "STOPPED") {
				status = "STOPPED"
			}
			tasks = append(tasks, fmt.Sprintf(`{"taskArn":%q,"desiredStatus":%q,"lastStatus":%q}`, arn, status, status))
		}
		fmt.Fprintf(w, `{"tasks":[%s],"failures":[]}`, strings.Join(tasks, ","))
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"InvalidParameterException","message":"unexpected %s"}`, op)
	}
}

// A service's tasks are its running and its recently stopped ones (a
// killed task and its replacement), every page listed and described in
// batches DescribeTasks takes.
func TestTasks(t *testing.T) {
	tests := []struct {
		name                       string
		running, stopped, pageSize int
		batches                    []int
	}{
		{"one page", 3, 1, 100, []int{4}},
		{"more than a page and a batch", 130, 2, 50, []int{100, 32}},
		{"none", 0, 0, 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep := &ecsTasksEndpoint{running: tt.running, stopped: tt.stopped, pageSize: tt.pageSize}
			srv := httptest.NewServer(ep)
			defer srv.Close()
			c := clients(t, srv.URL, fastRetry)
			tasks, err := c.Tasks(context.Background(), "main-cluster", "api-service")
			stopped := 0
			for _, task := range tasks {
				if *task.DesiredStatus == "STOPPED" {
					stopped++
				}
			}
			var batches []int
			for _, b := range ep.described {
				batches = append(batches, len(b))
			}
			if err != nil || len(tasks) != tt.running+tt.stopped || stopped != tt.stopped || fmt.Sprint(batches) != fmt.Sprint(tt.batches) {
				t.Errorf("%d tasks (%d stopped) described in batches %v, %v; want %d (%d stopped) in %v", len(tasks), stopped, batches, err, tt.running+tt.stopped, tt.stopped, tt.batches)
			}
		})
	}
	srv := httptest.NewServer(&ecsTasksEndpoint{pageSize: 1})
	defer srv.Close()
	_, err := clients(t, srv.URL, fastRetry).Tasks(context.Background(), "no-such-cluster", "api-service")
	for _, m := range []string{"ecs ListTasks", "service no-such-cluster/api-service", "ClusterNotFoundException"} {
		if err == nil || !strings.Contains(err.Error(), m) {
			t.Errorf("tasks of a missing cluster: %v does not mention %q", err, m)
		}
	}
}
