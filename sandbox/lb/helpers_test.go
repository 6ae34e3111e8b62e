package lb

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// testScale runs platform time 600 times faster than real time: a
// platform minute is 100 ms.
const testScale = 600

// fastCheck is a health check that notices changes within a few real
// milliseconds at testScale.
var fastCheck = HealthCheck{Interval: 5 * time.Second, Timeout: time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}

func newClock(t testing.TB) *clock.Scaled {
	t.Helper()
	c, err := clock.NewScaled(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), testScale)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startLB starts a load balancer with target groups tg-frontend (the
// default) and tg-api (/v1/*), both with fastCheck, on 127.0.0.1:0.
func startLB(t testing.TB, sink MetricSink, edit func(*Config)) *LoadBalancer {
	t.Helper()
	cfg := Config{
		Name: "main-alb",
		ID:   "1234567890",
		Addr: "127.0.0.1:0",
		TargetGroups: []TargetGroupConfig{
			{Name: "tg-frontend", ID: "aaaa", HealthCheck: fastCheck},
			{Name: "tg-api", ID: "bbbb", HealthCheck: fastCheck},
		},
		Rules:              []Rule{{PathPattern: "/v1/*", TargetGroup: "tg-api"}},
		DefaultTargetGroup: "tg-frontend",
	}
	if edit != nil {
		edit(&cfg)
	}
	l, err := New(cfg, newClock(t), sink)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func groupARN(t testing.TB, l *LoadBalancer, name string) string {
	t.Helper()
	arn, ok := l.TargetGroupARN(name)
	if !ok {
		t.Fatalf("no target group %s", name)
	}
	return arn
}

// backend is a fake target that answers with its name.
func backend(t testing.TB, name string, h http.HandlerFunc) (*httptest.Server, Target) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if h != nil {
			h(w, r)
			return
		}
		io.WriteString(w, name)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, targetOf(t, srv.Listener.Addr().String())
}

func targetOf(t testing.TB, addr string) Target {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return Target{ID: host, Port: p}
}

// eventually polls cond every few milliseconds until it holds or timeout
// (real time) passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

func waitState(t testing.TB, l *LoadBalancer, arn string, target Target, want TargetState) {
	t.Helper()
	eventually(t, 5*time.Second, fmt.Sprintf("%s to be %s", target, want), func() bool {
		return stateOf(t, l, arn, target) == want
	})
}

func stateOf(t testing.TB, l *LoadBalancer, arn string, target Target) TargetState {
	t.Helper()
	ths, err := l.DescribeTargetHealth(arn)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range ths {
		if th.Target == target {
			return th.State
		}
	}
	return ""
}

// get fetches path through the load balancer and returns status and body.
func get(t *testing.T, client *http.Client, base, path string) (int, string) {
	t.Helper()
	resp, err := client.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// datum is one Publish call.
type datum struct {
	Namespace, Metric string
	Dims              []Dimension
	At                time.Time
	Values            []float64
	Unit              string
}

// recorder is a MetricSink that keeps everything.
type recorder struct {
	mu   sync.Mutex
	data []datum
}

func (r *recorder) Publish(namespace, metric string, dims []Dimension, at time.Time, values []float64, unit string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.data = append(r.data, datum{namespace, metric, dims, at, slices.Clone(values), unit})
}

// find returns the data of metric with exactly dims (in any order).
func (r *recorder) find(metric string, dims ...Dimension) []datum {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []datum
	for _, d := range r.data {
		if d.Metric == metric && sameDims(d.Dims, dims) {
			out = append(out, d)
		}
	}
	return out
}

func sameDims(a, b []Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	for _, d := range b {
		if !slices.Contains(a, d) {
			return false
		}
	}
	return true
}

func sum(ds []datum) float64 {
	var s float64
	for _, d := range ds {
		for _, v := range d.Values {
			s += v
		}
	}
	return s
}
