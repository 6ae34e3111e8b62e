package task

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/syncbuf"

	"github.com/gameday-sre/gameday/sandbox/queue"
	"github.com/gameday-sre/gameday/sandbox/taskstats"
)

func queueServer(t *testing.T, opts ...queue.Option) (*queue.Queue, string) {
	t.Helper()
	q := queue.New(opts...)
	srv := httptest.NewServer(q.Handler())
	t.Cleanup(srv.Close)
	return q, srv.URL
}

func TestServices(t *testing.T) {
	t.Parallel()
	_, queueURL := queueServer(t, queue.WithMaxDepth(2))
	// The ai task gets a queue of its own, or it would take the api's work.
	_, emptyQueueURL := queueServer(t)
	type step struct {
		method, path, body string
		wantStatus         int
		wantBody           string
	}
	tests := []struct {
		service string
		args    []string
		steps   []step
		// wantRequests counts the service-route requests among steps.
		wantRequests int64
	}{
		{
			service: ServiceFrontend,
			args:    []string{"--vcpu", "0.5", "--memory-mib", "1024"},
			steps: []step{
				{"GET", "/health", "", 200, "ok"},
				{"GET", "/", "", 200, `href="/editor/welcome"`},
				{"GET", "/editor/doc-42", "", 200, "<h1>doc-42</h1>"},
				{"GET", "/editor/%3Cscript%3E", "", 200, "&lt;script&gt;"},
				{"GET", "/nowhere", "", 404, ""},
				{"POST", "/", "", 405, ""},
			},
			wantRequests: 3,
		},
		{
			service: ServiceAPI,
			args:    []string{"--vcpu", "1", "--memory-mib", "2048", "--queue-url", queueURL},
			steps: []step{
				{"GET", "/health", "", 200, "ok"},
				{"GET", "/v1/documents/doc-1", "", 200, `"id":"doc-1"`},
				{"POST", "/v1/documents/doc-1/enhance", `{"text":"hello"}`, 202, `{"itemId":"item-1","documentId":"doc-1"}`},
				{"POST", "/v1/documents/doc-1/enhance", `{"text":""}`, 400, "text is required"},
				{"POST", "/v1/documents/doc-1/enhance", `{"text":`, 400, "body"},
				{"POST", "/v1/documents/doc-2/enhance", `{"text":"hi"}`, 202, `"item-2"`},
				{"POST", "/v1/documents/doc-3/enhance", `{"text":"hi"}`, 503, "queue full"},
				{"GET", "/", "", 404, ""},
			},
			wantRequests: 6,
		},
		{
			service: ServiceAI,
			args:    []string{"--vcpu", "2", "--memory-mib", "4096", "--queue-url", emptyQueueURL + "/queue"},
			steps: []step{
				{"GET", "/health", "", 200, "ok"},
				{"GET", "/", "", 404, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			before := time.Now()
			url := startTask(t, append([]string{"--service", tt.service, "--task-id", tt.service + "-1"}, tt.args...)...)
			for _, s := range tt.steps {
				r := send(t, s.method, url+s.path, s.body)
				if r.status != s.wantStatus || !strings.Contains(r.body, s.wantBody) {
					t.Errorf("%s %s = %d %q, want %d containing %q", s.method, s.path, r.status, r.body, s.wantStatus, s.wantBody)
				}
			}
			st := fetchStats(t, url)
			if st.TaskID != tt.service+"-1" || st.Service != tt.service || st.VCPU == 0 || st.MemoryMiB == 0 ||
				st.Requests != tt.wantRequests || st.Rejected != 0 || st.InFlight != 0 ||
				st.StartedAt.Before(before) || st.StartedAt.After(time.Now()) {
				t.Errorf("stats = %+v, want %d requests and this task's identity", st, tt.wantRequests)
			}
			if (st.BusySeconds > 0) != (tt.wantRequests > 0) {
				t.Errorf("busySeconds %v after %d requests", st.BusySeconds, tt.wantRequests)
			}
		})
	}
}

// TestCapacityModel offers real HTTP load to in-process tasks at rates
// below and above their capacity, all at once so the test takes a second.
// It asserts orderings and wide tolerances: the machine running it may be
// loaded, which adds latency and makes the offered rates uneven.
func TestCapacityModel(t *testing.T) {
	t.Parallel()
	// One vCPU at 100 requests per vCPU: C = 100/s, s = 10ms.
	const capacity, s = 100.0, 10 * time.Millisecond
	type measured struct {
		before, during, after Stats
		elapsed               time.Duration
		results               []result
	}
	tests := []struct {
		name string
		rho  float64
		got  measured
	}{
		{name: "ρ=0.2", rho: 0.2},
		{name: "ρ=0.8", rho: 0.8},
		{name: "ρ=3", rho: 3},
	}
	var wg sync.WaitGroup
	for i := range tests {
		tt := &tests[i]
		url := startTask(t, "--service", "frontend", "--vcpu", "1", "--memory-mib", "2048",
			"--requests-per-vcpu", "100", "--max-queue-wait", "100ms")
		wg.Go(func() {
			// Not fetchStats: t.Fatal may not be called off the test's
			// goroutine.
			stats := func() Stats {
				st, err := FetchStats(t.Context(), url)
				if err != nil {
					t.Error(err)
				}
				return st
			}
			tt.got.before = stats()
			start := time.Now()
			wait := offer(t, url+"/", tt.rho*capacity, time.Second)
			// Taken when the last request is sent, before the queue
			// drains: the utilisation while under load.
			tt.got.during = stats()
			tt.got.elapsed = time.Since(start)
			tt.got.results = wait()
			tt.got.after = stats()
		})
	}
	wg.Wait()

	latencies := map[float64]time.Duration{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.got
			shed := 0
			for _, r := range m.results {
				switch r.status {
				case http.StatusOK:
				case http.StatusServiceUnavailable:
					shed++
				default:
					t.Fatalf("a request was answered %d %q", r.status, r.body)
				}
			}
			if int64(shed) != m.after.Rejected || m.after.Requests != int64(len(m.results)) {
				t.Errorf("%d of %d requests shed, but stats count %d rejected of %d", shed, len(m.results), m.after.Rejected, m.after.Requests)
			}
			util := Utilization(m.before, m.during, m.elapsed)
			if tt.rho > 1 {
				if util < 0.75 || shed == 0 {
					t.Errorf("at %.0f times capacity: utilisation %.3f and %d of %d shed; want about 1 and some shed", tt.rho, util, shed, len(m.results))
				}
				return
			}
			if shed > 0 {
				t.Errorf("%d requests shed below capacity", shed)
			}
			// Utilisation follows the load the task was actually offered,
			// whatever the pacing achieved.
			if want := float64(len(m.results)) / m.elapsed.Seconds() / capacity; util < 0.6*want || util > 1.4*want {
				t.Errorf("utilisation %.3f, want about %.3f", util, want)
			}
			latencies[tt.rho] = mean(m.results)
			// Below the service time is impossible; above it is the
			// machine's overhead, generously allowed.
			if l := latencies[tt.rho]; tt.rho < 0.5 && (l < s/2 || l > 4*s) {
				t.Errorf("mean latency %s at ρ=%.1f, want about %s", l, tt.rho, s)
			}
		})
	}
	lo, hi := latencies[0.2], latencies[0.8]
	t.Logf("mean latency at ρ=0.2: %s, at ρ=0.8: %s", lo, hi)
	// Queueing theory (D/M/1) puts them 2.7 times apart; with testSeed the
	// model draws a second whose means are about 3 times apart, as a
	// virtual-time run of the model shows. The margin is for the machine's
	// overhead, which adds about the same to both.
	if lo > 0 && hi < lo*13/10 {
		t.Errorf("mean latency %s at ρ=0.8 is not clearly above %s at ρ=0.2", hi, lo)
	}
}

func TestAPIToAIDrainsTheQueue(t *testing.T) {
	t.Parallel()
	q, queueURL := queueServer(t)
	api := startTask(t, "--service", "api", "--vcpu", "1", "--memory-mib", "2048", "--queue-url", queueURL, "--requests-per-vcpu", "1000")
	const items = 20
	text := strings.Repeat("word ", 200)
	for i := range items {
		body, _ := json.Marshal(EnhanceRequest{Text: text})
		if r := send(t, "POST", fmt.Sprintf("%s/v1/documents/doc-%d/enhance", api, i), string(body)); r.status != http.StatusAccepted {
			t.Fatalf("enhance = %d %s", r.status, r.body)
		}
	}
	if d := q.Depth(); d != items {
		t.Fatalf("queue depth %d after %d enhancements, want %d", d, items, items)
	}
	// 1000 bytes at 2 vCPU × 25 KB/s: 20ms an item, 0.4s in all.
	statsFile := filepath.Join(t.TempDir(), "ai.stats")
	ai := startTask(t, "--service", "ai", "--vcpu", "2", "--memory-mib", "4096", "--queue-url", queueURL, "--ai-bytes-per-vcpu-second", "25000", "--stats-file", statsFile)
	// The worker acknowledges an item before it counts it done, so the
	// queue may be empty a moment before the task's stats say so.
	var st Stats
	var asked time.Time
	eventually(t, "the AI task to drain the queue", func() bool {
		asked = time.Now()
		st = fetchStats(t, ai)
		return q.Depth() == 0 && q.Leased() == 0 && st.InFlight == 0
	})
	if st.Requests != items || st.BusySeconds < 0.2 || st.BusySeconds > 0.8 {
		t.Errorf("AI stats after draining = %+v, want %d items processed and about 0.4 busy seconds", st, items)
	}
	// What ECS reads from the stats file is the accounting the task
	// reports: the same busy time, or more by at most the time between
	// the two reads, as the booked work is done.
	r, err := taskstats.Open(statsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if busy := rec.Busy(now).Seconds(); busy < st.BusySeconds || busy > st.BusySeconds+now.Sub(asked).Seconds() || !rec.Started.Equal(st.StartedAt) {
		t.Errorf("stats file: busy %.6fs since %s; the task reports %.6fs since %s", busy, rec.Started, st.BusySeconds, st.StartedAt)
	}
}

func TestLatencyHook(t *testing.T) {
	t.Parallel()
	const add = 500 * time.Millisecond
	url := startTask(t, "--service", "frontend", "--vcpu", "0.5", "--memory-mib", "1024")
	if err := SetLatency(t.Context(), url, Latency{Add: add}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/health", "/"} {
		if r := send(t, "GET", url+path, ""); r.status != http.StatusOK || r.latency < add {
			t.Errorf("with %s added, GET %s = %d after %s", add, path, r.status, r.latency)
		}
	}
	start := time.Now()
	st := fetchStats(t, url)
	if took := time.Since(start); took >= add {
		t.Errorf("stats took %s: the hook delayed the sandbox's own instruments", took)
	}
	// The added latency is no CPU: only the one modelled request counts.
	if st.BusySeconds > 0.5 {
		t.Errorf("busySeconds %v after one request of 40ms mean", st.BusySeconds)
	}

	r := send(t, "POST", url+"/_sandbox/latency?add=0", "")
	if r.status != http.StatusOK || !strings.Contains(r.body, `"add":"0s"`) {
		t.Fatalf("removing the hook = %d %s", r.status, r.body)
	}
	if r := send(t, "GET", url+"/health", ""); r.latency >= add {
		t.Errorf("with the hook removed GET /health took %s", r.latency)
	}
	for _, q := range []string{"add=soon", "jitter=-1s"} {
		if r := send(t, "POST", url+"/_sandbox/latency?"+q, ""); r.status != http.StatusBadRequest {
			t.Errorf("POST latency?%s = %d %s, want 400", q, r.status, r.body)
		}
	}
}

// TestMainInProcess runs Main itself, which stops on SIGTERM; the signal
// goes to this process, where Main's handler takes it.
func TestMainInProcess(t *testing.T) {
	pr, pw := io.Pipe()
	logs := &syncbuf.Buffer{}
	code := make(chan int, 1)
	go func() {
		code <- Main([]string{"--service", "frontend", "--vcpu", "0.5", "--memory-mib", "1024"}, pw, logs)
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	url := readListening(t, out)
	go io.Copy(io.Discard, out)
	if r := send(t, "GET", url+"/health", ""); r.status != http.StatusOK || r.body != "ok" {
		t.Errorf("GET /health = %d %q", r.status, r.body)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("Main = %d after SIGTERM, want 0; log:\n%s", c, logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Main did not return within 10s of SIGTERM")
	}
}

// TestSeparateProcess starts a task as the scheduler does, as its own
// process, and stops it with SIGTERM while a request is in flight.
func TestSeparateProcess(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "--service", "frontend", "--vcpu", "0.5", "--memory-mib", "1024", "--task-id", "frontend-proc")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	// An *os.File rather than StdoutPipe, so that Wait may run while the
	// test still reads.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd.Stdout = pw
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	err = cmd.Start()
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("stderr of the task:\n%s", stderr)
		}
	})
	out := bufio.NewReader(pr)
	url := readListening(t, out)

	if r := send(t, "GET", url+"/health", ""); r.status != http.StatusOK || r.body != "ok" {
		t.Errorf("GET /health = %d %q", r.status, r.body)
	}
	if st := fetchStats(t, url); st.TaskID != "frontend-proc" || st.VCPU != 0.5 || st.MemoryMiB != 1024 {
		t.Errorf("stats = %+v", st)
	}
	// Hold a request in flight, then ask the task to stop.
	if err := SetLatency(t.Context(), url, Latency{Add: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	answered := make(chan result, 1)
	go func() {
		r, err := sendErr("GET", url+"/", "")
		if err != nil {
			t.Error(err)
		}
		answered <- r
	}()
	eventually(t, "the request to be in flight", func() bool { return fetchStats(t, url).InFlight == 1 })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if r := <-answered; r.status != http.StatusOK {
		t.Errorf("the request in flight at SIGTERM was answered %d, want 200", r.status)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("task exited with %v after SIGTERM, want exit status 0", waitErr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("task did not exit within 10s of SIGTERM")
	}
	rest, _ := io.ReadAll(out)
	if len(rest) > 0 {
		t.Errorf("stdout after the listening line: %q; want nothing", rest)
	}
}

func TestMainRefusesBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no service", []string{"--vcpu", "1", "--memory-mib", "1"}, "--service is required"},
		{"unknown service", []string{"--service", "db", "--vcpu", "1", "--memory-mib", "1"}, `--service "db"`},
		{"no vcpu", []string{"--service", "frontend", "--memory-mib", "1"}, "--vcpu 0"},
		{"not a Fargate size", []string{"--service", "frontend", "--vcpu", "3", "--memory-mib", "1"}, "Fargate"},
		{"no memory", []string{"--service", "frontend", "--vcpu", "1"}, "--memory-mib 0"},
		{"api without queue", []string{"--service", "api", "--vcpu", "1", "--memory-mib", "1"}, "--queue-url"},
		{"ai with a bad queue", []string{"--service", "ai", "--vcpu", "2", "--memory-mib", "1", "--queue-url", "queue:80"}, "--queue-url"},
		{"zero capacity", []string{"--service", "frontend", "--vcpu", "1", "--memory-mib", "1", "--requests-per-vcpu", "0"}, "--requests-per-vcpu"},
		{"negative wait", []string{"--service", "frontend", "--vcpu", "1", "--memory-mib", "1", "--max-queue-wait", "-1s"}, "--max-queue-wait"},
		{"unknown flag", []string{"--service", "frontend", "--cpu", "1"}, "flag provided but not defined"},
		{"stray argument", []string{"--service", "frontend", "--vcpu", "1", "--memory-mib", "1", "extra"}, `unexpected argument "extra"`},
		{"bad listen address", []string{"--service", "frontend", "--vcpu", "1", "--memory-mib", "1", "--listen", "256.0.0.1:0"}, "listen on"},
	}
	for _, tt := range tests {
		var stdout, stderr strings.Builder
		code := Main(tt.args, &stdout, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), tt.want) || stdout.Len() > 0 {
			t.Errorf("%s: Main = %d, stdout %q, stderr %q; want failure mentioning %q", tt.name, code, stdout.String(), stderr.String(), tt.want)
		}
	}
}

func TestParseListening(t *testing.T) {
	tests := []struct {
		line string
		want string
		ok   bool
	}{
		{"gameday-task listening on http://127.0.0.1:4321\n", "http://127.0.0.1:4321", true},
		{"gameday-task listening on http://[::1]:80", "http://[::1]:80", true},
		{"gameday-task listening on http://127.0.0.1", "", false},
		{"gameday-task listening on 127.0.0.1:4321", "", false},
		{"listening on http://127.0.0.1:4321", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := ParseListening(tt.line); got != tt.want || ok != tt.ok {
			t.Errorf("ParseListening(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUtilization(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur float64
		elapsed   time.Duration
		want      float64
	}{
		{"half busy", 1, 1.5, time.Second, 0.5},
		{"idle", 2, 2, time.Second, 0},
		{"rounding above 1", 0, 1.0001, time.Second, 1},
		{"restarted task", 5, 1, time.Second, 0},
		{"no time passed", 0, 1, 0, 0},
	}
	for _, tt := range tests {
		if got := Utilization(Stats{BusySeconds: tt.prev}, Stats{BusySeconds: tt.cur}, tt.elapsed); got != tt.want {
			t.Errorf("%s: Utilization = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFetchStatsFromNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := FetchStats(ctx, srv.URL); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("FetchStats from a server that is no task = %v, want a 404 error", err)
	}
}

func TestItemCost(t *testing.T) {
	// 2 vCPU at 1000 bytes per vCPU-second; one request is 1/(2×50) = 10ms.
	tk := newTask(config{service: ServiceAI, vcpu: 2, requestsPerVCPU: 50, aiBytesPerVCPUSecond: 1000}, nil)
	tests := []struct {
		name    string
		payload string
		want    time.Duration
	}{
		{"a KB of text", `{"text":"` + strings.Repeat("x", 1000) + `"}`, 500 * time.Millisecond},
		{"twice the text, twice the time", `{"text":"` + strings.Repeat("x", 2000) + `"}`, time.Second},
		{"a little text costs a request", `{"text":"x"}`, 10 * time.Millisecond},
		{"malformed payload costs a request", `[1,2]`, 10 * time.Millisecond},
		{"no payload costs a request", ``, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := tk.itemMean(queue.Item{Payload: json.RawMessage(tt.payload)}); got != tt.want {
			t.Errorf("%s: mean CPU time %s, want %s", tt.name, got, tt.want)
		}
	}
}
