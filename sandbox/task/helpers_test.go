package task

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/syncbuf"
)

// childEnv makes the test binary run Main instead of the tests, so a test
// can start a task as a separate process, as the scheduler does.
const childEnv = "GAMEDAY_TASK_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// testSeed fixes the service-time variation, so that what a test measures
// depends on the machine's timing only, not on the luck of a short draw.
const testSeed = 11

// startTask runs a task in this process until the test ends, and returns
// its base URL, read from its listening line.
func startTask(t *testing.T, args ...string) string {
	t.Helper()
	cfg, err := parseArgs(args, io.Discard)
	if err != nil {
		t.Fatalf("parseArgs(%q): %v", args, err)
	}
	cfg.seed = testSeed
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncbuf.Buffer{}
	stopped := make(chan error, 1)
	go func() {
		err := run(ctx, cfg, pw, logs)
		pw.Close()
		stopped <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-stopped:
			if err != nil {
				t.Errorf("task %s: run: %v", cfg.service, err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("task %s did not stop within 10s of its context ending", cfg.service)
		}
		if t.Failed() {
			t.Logf("log of task %s:\n%s", cfg.service, logs)
		}
	})
	out := bufio.NewReader(pr)
	url := readListening(t, out)
	// More on stdout would break the contract, but must not block the task.
	go io.Copy(io.Discard, out)
	return url
}

// readListening reads the first line of a task's stdout and parses it.
func readListening(t *testing.T, out *bufio.Reader) string {
	t.Helper()
	lines := make(chan string, 1)
	go func() {
		line, _ := out.ReadString('\n')
		lines <- line
	}()
	select {
	case line := <-lines:
		url, ok := ParseListening(line)
		if !ok || !strings.HasSuffix(line, "\n") {
			t.Fatalf("first line on stdout %q is not a listening line", line)
		}
		return url
	case <-time.After(10 * time.Second):
		t.Fatal("no listening line within 10s")
	}
	return ""
}

// client keeps enough connections open for the load the tests offer.
var client = &http.Client{
	Transport: &http.Transport{MaxIdleConnsPerHost: 256},
	Timeout:   30 * time.Second,
}

type result struct {
	status  int
	body    string
	latency time.Duration
}

func send(t *testing.T, method, url, body string) result {
	t.Helper()
	r, err := sendErr(method, url, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

func sendErr(method, url, body string) (result, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return result{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), latency: time.Since(start)}, err
}

// offer sends GET url at rate per second for d, each request on its own
// goroutine so that a slow answer does not slow the offered load: an open
// loop, as vegeta drives. It returns when the last request is sent; wait
// returns every result once all are answered.
func offer(t *testing.T, url string, rate float64, d time.Duration) (wait func() []result) {
	t.Helper()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results []result
	)
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	end := time.Now().Add(d)
	for now := time.Now(); now.Before(end); now = <-tick.C {
		wg.Go(func() {
			r, err := sendErr(http.MethodGet, url, "")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		})
	}
	return func() []result {
		wg.Wait()
		return results
	}
}

func mean(rs []result) time.Duration {
	var total time.Duration
	for _, r := range rs {
		total += r.latency
	}
	return total / time.Duration(max(1, len(rs)))
}

func fetchStats(t *testing.T, url string) Stats {
	t.Helper()
	st, err := FetchStats(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// eventually polls cond every 10ms for up to 10s; what says what was awaited.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after 10s waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
