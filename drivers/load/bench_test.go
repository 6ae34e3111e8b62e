package load

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// BenchmarkMaxRateAgainstWrk measures, in one run, the load driver's maximum
// sustained rate next to wrk's against the same trivial server, and reports
// both and their ratio.
//
// The setup, on a machine with few cores, is meant to be fair rather than
// flattering: the server, wrk and the driver are each a process of their
// own, so neither client shares a Go runtime (scheduler, GC) with the
// server. With taskset, the server is pinned to one CPU and each client in
// turn to another, so both clients get the same single core (the driver's Go
// runtime sizes GOMAXPROCS to it; wrk runs one thread) and the server the
// same other one. Both keep benchConns keep-alive connections busy: wrk
// with -c, the driver with that many workers and connections, which is how
// `vegeta attack -rate=0 -max-workers` is run. Each client runs
// benchRounds times, alternating, and its best run counts, so that a burst
// of other work on a shared machine does not decide the ratio.
//
// What it showed on a shared 2-core VM: when the server's core is the
// bottleneck both clients reach the same rate; when the client's is, the
// driver reaches 0.6 to 0.85 of wrk, because it spends about 1.7 times wrk's
// CPU per request (about 30µs against 18µs). vegeta's own Attacker, drained
// bare, costs within 5% of the driver in the same setup, so the gap is
// net/http's and vegeta's per-request work (goroutine hand-offs, a request
// and a result allocated per hit), not the driver's windows. The CPU lines
// printed say which case a run was in.
// targetRatio is the share of wrk's rate the driver is to reach.
const targetRatio = 0.9

func BenchmarkMaxRateAgainstWrk(b *testing.B) {
	if _, err := exec.LookPath("wrk"); err != nil {
		b.Skip("requires wrk (apt-get install wrk)")
	}
	srv := startBenchServer(b)
	var wrk, driver run
	for b.Loop() {
		for range benchRounds {
			wrk = wrk.best(srv.measure(b, runWrk))
			driver = driver.best(srv.measure(b, runDriver))
		}
	}
	b.ReportMetric(wrk.rate, "req/s-wrk")
	b.ReportMetric(driver.rate, "req/s-gameday")
	b.ReportMetric(driver.rate/wrk.rate, "ratio")
	verdict := "met"
	if driver.rate/wrk.rate < targetRatio {
		verdict = "NOT met"
	}
	fmt.Printf("load driver: %.0f req/s, wrk: %.0f req/s, ratio %.2f, target %.1f %s (%d connections, best of %d × %v, pinned %t)\n",
		driver.rate, wrk.rate, driver.rate/wrk.rate, targetRatio, verdict, benchConns, benchRounds, benchDuration, pinned())
	fmt.Printf("  CPU per request: driver %v, wrk %v; server %v serving the driver, %v serving wrk\n",
		driver.perRequest(driver.clientCPU), wrk.perRequest(wrk.clientCPU), driver.perRequest(driver.serverCPU), wrk.perRequest(wrk.serverCPU))
}

// run is one client's run: its rate of responses, and the CPU time it and
// the server spent, which tells a slow client from a server it loaded more.
type run struct {
	rate                 float64
	requests             float64
	clientCPU, serverCPU time.Duration
}

func (r run) best(o run) run {
	if o.rate > r.rate {
		return o
	}
	return r
}

func (r run) perRequest(d time.Duration) time.Duration {
	if r.requests == 0 {
		return 0
	}
	return time.Duration(float64(d) / r.requests).Round(10 * time.Nanosecond)
}

const (
	// benchConns is vegeta's default number of workers.
	benchConns    = int(DefaultWorkers)
	benchDuration = time.Second
	benchRounds   = 5
	// benchRole makes the test binary, run again, the benchmark's server or
	// its driver instead of running tests.
	benchRole = "GAMEDAY_LOAD_BENCH_ROLE"
	benchURL  = "GAMEDAY_LOAD_BENCH_URL"
)

func TestMain(m *testing.M) {
	switch os.Getenv(benchRole) {
	case "server":
		benchServe()
	case "driver":
		benchDrive()
	default:
		os.Exit(m.Run())
	}
}

// benchServe answers "ok" to everything on a loopback port it prints.
func benchServe() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("http://" + ln.Addr().String() + "/")
	ok := []byte("ok")
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(ok) }))
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// benchDrive runs the load driver flat out and prints vegeta's metrics.
func benchDrive() {
	a, err := NewAttacker(clock.Real(), Workers(DefaultWorkers), MaxWorkers(DefaultWorkers), Connections(benchConns), MaxConnections(benchConns))
	if err == nil {
		var s *Summary
		if s, err = a.Run(context.Background(), Target{URL: os.Getenv(benchURL)}, Max(benchDuration)); err == nil {
			err = json.NewEncoder(os.Stdout).Encode(s.Metrics)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// pinned reports whether processes can be pinned to CPUs: taskset exists
// and there are two CPUs to pin to.
func pinned() bool {
	_, err := exec.LookPath("taskset")
	return err == nil && len(cpus()) >= 2
}

// cpus lists the CPUs this process may run on, from /proc.
func cpus() []string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	m := regexp.MustCompile(`(?m)^Cpus_allowed_list:\s*(\S+)$`).FindSubmatch(b)
	if m == nil {
		return nil
	}
	var out []string
	for _, r := range strings.Split(string(m[1]), ",") {
		lo, hi, _ := strings.Cut(r, "-")
		a, _ := strconv.Atoi(lo)
		z := a
		if hi != "" {
			z, _ = strconv.Atoi(hi)
		}
		for c := a; c <= z; c++ {
			out = append(out, strconv.Itoa(c))
		}
	}
	return out
}

// command runs name on cpu (an index into cpus) when processes can be
// pinned, else anywhere.
func command(cpu int, name string, args ...string) *exec.Cmd {
	if pinned() {
		return exec.Command("taskset", append([]string{"-c", cpus()[cpu], name}, args...)...)
	}
	return exec.Command(name, args...)
}

// benchServer is the server process.
type benchServer struct {
	url string
	pid int
}

func startBenchServer(b *testing.B) benchServer {
	b.Helper()
	cmd := command(0, os.Args[0])
	cmd.Env = append(os.Environ(), benchRole+"=server")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start server: %v", err)
	}
	b.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("server address: %v", err)
	}
	// taskset execs the server in place, so the pid is the server's.
	return benchServer{url: strings.TrimSpace(line), pid: cmd.Process.Pid}
}

// measure runs a client against the server and adds the server's CPU time
// over the run.
func (s benchServer) measure(b *testing.B, client func(*testing.B, string) run) run {
	before := s.cpu(b)
	r := client(b, s.url)
	r.serverCPU = s.cpu(b) - before
	return r
}

// cpu reads the server's user and system time from /proc; 0 where there is
// no /proc.
func (s benchServer) cpu(b *testing.B) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks of (nearly always) 100 Hz.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func cpuOf(cmd *exec.Cmd) time.Duration {
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

var (
	wrkRate     = regexp.MustCompile(`Requests/sec:\s*([0-9.]+)`)
	wrkRequests = regexp.MustCompile(`([0-9]+) requests in`)
)

func runWrk(b *testing.B, url string) run {
	b.Helper()
	cmd := command(1, "wrk", "-t1", "-c"+strconv.Itoa(benchConns), "-d"+strconv.Itoa(int(benchDuration/time.Second))+"s", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	rate, n := wrkRate.FindSubmatch(out), wrkRequests.FindSubmatch(out)
	if rate == nil || n == nil || strings.Contains(string(out), "Non-2xx") || strings.Contains(string(out), "Socket errors") {
		b.Fatalf("wrk failed or saw errors:\n%s", out)
	}
	r := run{clientCPU: cpuOf(cmd)}
	r.rate, _ = strconv.ParseFloat(string(rate[1]), 64)
	r.requests, _ = strconv.ParseFloat(string(n[1]), 64)
	return r
}

// runDriver runs the driver in its own process. Its rate is of responses,
// as wrk's Requests/sec is: successes over the time to the last response.
func runDriver(b *testing.B, url string) run {
	b.Helper()
	cmd := command(1, os.Args[0])
	cmd.Env = append(os.Environ(), benchRole+"=driver", benchURL+"="+url)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("driver: %v", err)
	}
	var m struct {
		Requests   uint64
		Success    float64
		Throughput float64
	}
	if err := json.Unmarshal(out, &m); err != nil {
		b.Fatalf("driver output %q: %v", out, err)
	}
	if m.Success != 1 {
		b.Fatalf("driver: %d requests, success %v", m.Requests, m.Success)
	}
	return run{rate: m.Throughput, requests: float64(m.Requests), clientCPU: cpuOf(cmd)}
}
