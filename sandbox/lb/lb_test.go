package lb

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/tlscert"
)

func TestRoundRobinOverThreeTargets(t *testing.T) {
	l := startLB(t, nil, nil)
	arn := groupARN(t, l, "tg-frontend")
	var targets []Target
	for _, name := range []string{"a", "b", "c"} {
		_, tg := backend(t, name, nil)
		targets = append(targets, tg)
	}
	if err := l.RegisterTargets(arn, targets...); err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		waitState(t, l, arn, tg, StateHealthy)
	}
	counts := map[string]int{}
	for range 30 {
		code, body := get(t, http.DefaultClient, l.URL(), "/editor/1")
		if code != http.StatusOK {
			t.Fatalf("status %d, body %q", code, body)
		}
		counts[body]++
	}
	for _, name := range []string{"a", "b", "c"} {
		if counts[name] != 10 {
			t.Errorf("target %s got %d of 30 requests, want 10 (all: %v)", name, counts[name], counts)
		}
	}
}

func TestPathRulesAndForwardedHeaders(t *testing.T) {
	l := startLB(t, nil, nil)
	seen := make(chan *http.Request, 1)
	_, api := backend(t, "api", func(w http.ResponseWriter, r *http.Request) {
		seen <- r
		io.WriteString(w, "api")
	})
	_, front := backend(t, "frontend", nil)
	apiARN, frontARN := groupARN(t, l, "tg-api"), groupARN(t, l, "tg-frontend")
	if err := l.RegisterTargets(apiARN, api); err != nil {
		t.Fatal(err)
	}
	if err := l.RegisterTargets(frontARN, front); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, apiARN, api, StateHealthy)
	waitState(t, l, frontARN, front, StateHealthy)

	for path, want := range map[string]string{"/v1/documents/7": "frontend", "/": "frontend", "/v2/x": "frontend"} {
		if path == "/v1/documents/7" {
			want = "api"
		}
		if _, body := get(t, http.DefaultClient, l.URL(), path); body != want {
			t.Errorf("GET %s went to %q, want %q", path, body, want)
		}
	}
	r := <-seen
	if r.Host != l.Addr() {
		t.Errorf("target saw Host %q, want the client's %q", r.Host, l.Addr())
	}
	if r.Header.Get("X-Forwarded-For") != "127.0.0.1" || r.Header.Get("X-Forwarded-Proto") != "http" {
		t.Errorf("X-Forwarded-For %q, X-Forwarded-Proto %q: want 127.0.0.1 and http", r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Proto"))
	}
}

func TestNoTargetsAnswers503(t *testing.T) {
	l := startLB(t, nil, nil)
	code, body := get(t, http.DefaultClient, l.URL(), "/v1/documents/1")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "503 Service Unavailable") {
		t.Errorf("got %d %q, want 503 and ALB's error page", code, body)
	}
}

func TestDeregistrationDrains(t *testing.T) {
	l := startLB(t, nil, nil)
	arn := groupARN(t, l, "tg-frontend")
	release := make(chan struct{})
	got := make(chan string, 1)
	slow := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				got <- name
				<-release
			}
			io.WriteString(w, name)
		}
	}
	_, a := backend(t, "a", slow("a"))
	_, b := backend(t, "b", slow("b"))
	if err := l.RegisterTargets(arn, a, b); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, arn, a, StateHealthy)
	waitState(t, l, arn, b, StateHealthy)

	slowDone := make(chan string, 1)
	go func() {
		resp, err := http.Get(l.URL() + "/slow")
		if err != nil {
			slowDone <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		slowDone <- string(body)
	}()
	busy := <-got
	busyTarget, other := a, "b"
	if busy == "b" {
		busyTarget, other = b, "a"
	}
	drained, err := l.DeregisterTargets(arn, busyTarget)
	if err != nil {
		t.Fatal(err)
	}
	if s := stateOf(t, l, arn, busyTarget); s != StateDraining {
		t.Errorf("state while draining: %q, want draining", s)
	}
	for range 6 {
		if _, body := get(t, http.DefaultClient, l.URL(), "/"); body != other {
			t.Fatalf("a new request went to %q while %s drains, want %q", body, busy, other)
		}
	}
	select {
	case <-drained:
		t.Fatal("drained before its in-flight request finished")
	default:
	}
	close(release)
	if body := <-slowDone; body != busy {
		t.Errorf("in-flight request answered %q, want %q", body, busy)
	}
	select {
	case <-drained:
	case <-time.After(5 * time.Second):
		t.Fatal("not drained 5s after its last request finished")
	}
	if s := stateOf(t, l, arn, busyTarget); s != "" {
		t.Errorf("state after draining: %q, want the target gone", s)
	}
}

func TestDeregistrationDelayEndsDrain(t *testing.T) {
	// 60 s of platform time is 100 ms real at testScale.
	l := startLB(t, nil, func(c *Config) { c.TargetGroups[0].DeregistrationDelay = time.Minute })
	arn := groupARN(t, l, "tg-frontend")
	hold, got := make(chan struct{}), make(chan struct{}, 1)
	defer close(hold)
	_, a := backend(t, "a", func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		<-hold
	})
	if err := l.RegisterTargets(arn, a); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, arn, a, StateHealthy)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.URL()+"/stuck", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-got
	start := time.Now()
	drained, err := l.DeregisterTargets(arn, a)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-drained:
		if real := time.Since(start); real < 90*time.Millisecond {
			t.Errorf("drained after %s real, before the 60 s (100 ms real) delay", real)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the deregistration delay did not end the drain")
	}
}

// A target whose process is gone keeps its share of requests, each a 502,
// until its health checks fail it: ALB has no passive health checking.
func TestRefusingTargetGetsRequestsUntilChecksFailIt(t *testing.T) {
	// Checks five platform minutes (500 ms real) apart: two failures take
	// at least that long, far more than the requests below.
	slow := HealthCheck{Interval: 5 * time.Minute, Timeout: time.Second, HealthyThreshold: 2, UnhealthyThreshold: 2}
	l := startLB(t, nil, func(c *Config) { c.TargetGroups[0].HealthCheck = slow })
	arn := groupARN(t, l, "tg-frontend")
	_, b := backend(t, "b", nil)

	// a is served by hand so that it can stop and start on the same port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	a := targetOf(t, addr)
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "a") })
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)

	if err := l.RegisterTargets(arn, a, b); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, arn, a, StateHealthy)
	waitState(t, l, arn, b, StateHealthy)
	failed, err := l.Unhealthy(arn, a)
	if err != nil {
		t.Fatal(err)
	}

	srv.Close()
	counts := map[string]int{}
	for range 4 {
		code, body := get(t, http.DefaultClient, l.URL(), "/")
		if code == http.StatusBadGateway {
			body = "502"
		}
		counts[body]++
	}
	if counts["502"] != 2 || counts["b"] != 2 {
		t.Fatalf("before the checks fail a: %v, want two 502s and two b", counts)
	}
	select {
	case <-failed:
	case <-time.After(5 * time.Second):
		t.Fatal("the health checks never failed the refusing target")
	}
	if s := stateOf(t, l, arn, a); s != StateUnhealthy {
		t.Fatalf("refusing target is %q, want unhealthy", s)
	}
	for range 4 {
		if code, body := get(t, http.DefaultClient, l.URL(), "/"); body != "b" {
			t.Fatalf("after the checks failed a: %d %q, want b", code, body)
		}
	}

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	srv = &http.Server{Handler: handler}
	go srv.Serve(ln)
	defer srv.Close()
	waitState(t, l, arn, a, StateHealthy)
	clear(counts)
	for range 4 {
		_, body := get(t, http.DefaultClient, l.URL(), "/")
		counts[body]++
	}
	if counts["a"] != 2 || counts["b"] != 2 {
		t.Errorf("after recovery: %v, want a and b twice each", counts)
	}
}

func TestFailOpenWhenNoTargetIsHealthy(t *testing.T) {
	l := startLB(t, nil, nil)
	arn := groupARN(t, l, "tg-api")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "sick but serving") })
	srv := newServer(t, mux)
	a := targetOf(t, srv)
	if err := l.RegisterTargets(arn, a); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, arn, a, StateUnhealthy)
	ths, _ := l.DescribeTargetHealth(arn)
	if ths[0].Reason != ReasonResponseCodeMismatch || ths[0].Description != "Health checks failed with these codes: [500]" {
		t.Errorf("reason %q, description %q", ths[0].Reason, ths[0].Description)
	}
	if code, body := get(t, http.DefaultClient, l.URL(), "/v1/x"); code != http.StatusOK || body != "sick but serving" {
		t.Errorf("got %d %q: with only unhealthy targets ALB fails open and routes to them", code, body)
	}
}

func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestRegisterErrors(t *testing.T) {
	l := startLB(t, nil, nil)
	var e *Error
	if err := l.RegisterTargets("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/1", Target{ID: "127.0.0.1", Port: 1}); !errors.As(err, &e) || e.Code != ErrCodeTargetGroupNotFound {
		t.Errorf("unknown group: %v", err)
	}
	arn := groupARN(t, l, "tg-api")
	if err := l.RegisterTargets(arn, Target{ID: "localhost", Port: 80}); !errors.As(err, &e) || e.Code != ErrCodeInvalidTarget {
		t.Errorf("bad target: %v", err)
	}
	if _, err := l.DeregisterTargets(arn, Target{ID: "127.0.0.1", Port: 9}); !errors.As(err, &e) || e.Code != ErrCodeInvalidTarget {
		t.Errorf("deregistering an unregistered target: %v", err)
	}
	if l.Dimension() != "app/main-alb/1234567890" || arn != "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-api/bbbb" {
		t.Errorf("names: %s, %s", l.Dimension(), arn)
	}
	if s := l.String(); !strings.Contains(s, "/v1/* -> tg-api; default -> tg-frontend") || !strings.Contains(s, "health check /health every 5s") {
		t.Errorf("String() = %q", s)
	}
}

func TestSetDownRefuseBlackholeAndUp(t *testing.T) {
	l := startLB(t, nil, nil)
	arn := groupARN(t, l, "tg-frontend")
	_, a := backend(t, "a", nil)
	if err := l.RegisterTargets(arn, a); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, arn, a, StateHealthy)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	if code, _ := get(t, client, l.URL(), "/"); code != http.StatusOK {
		t.Fatalf("up: %d", code)
	}

	if err := l.SetDown(Refuse); err != nil {
		t.Fatal(err)
	}
	// The client's idle keep-alive connection was cut too: the request
	// dials again and is refused.
	if _, err := client.Get(l.URL() + "/"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("refuse: got %v, want connection refused", err)
	}

	if err := l.SetDown(Blackhole); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatalf("blackhole must accept connections: %v", err)
	}
	conn.Close()
	var wg sync.WaitGroup
	held := make(chan error, 1)
	wg.Go(func() {
		// Without a client timeout: the request is let go only when the
		// blackhole ends.
		resp, err := http.Get(l.URL() + "/")
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	})
	if _, err := client.Get(l.URL() + "/"); err == nil || !strings.Contains(err.Error(), "Client.Timeout") {
		t.Errorf("blackhole: got %v, want a client timeout", err)
	}

	if err := l.SetDown(Up); err != nil {
		t.Fatal(err)
	}
	if err := <-held; err == nil {
		t.Error("a request held by the blackhole was answered when it ended; want its connection closed")
	}
	wg.Wait()
	if code, body := get(t, client, l.URL(), "/"); code != http.StatusOK || body != "a" {
		t.Errorf("back up: %d %q", code, body)
	}
	if l.Mode() != Up {
		t.Errorf("mode %s", l.Mode())
	}
	if _, err := ParseDownMode("sideways"); err == nil {
		t.Error("ParseDownMode accepted sideways")
	}
}

func TestMatchPath(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/v1/*", "/v1/documents/1/enhance", true},
		{"/v1/*", "/v1", false},
		{"/v1*", "/v1", true},
		{"/img/?.png", "/img/a.png", true},
		{"/img/?.png", "/img/ab.png", false},
		{"*", "/anything", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/axxbyy", false},
		{"/V1/*", "/v1/x", false},
	} {
		if got := matchPath(c.pattern, c.path); got != c.want {
			t.Errorf("matchPath(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

// An HTTPS listener serves the same routes with TLS and goes down and up
// with the HTTP one, keeping its address.
func TestHTTPSListenerFollowsTheFaultHook(t *testing.T) {
	cfg, err := tlscert.SelfSigned("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	l := startLB(t, nil, func(c *Config) { c.HTTPSAddr, c.TLS = "127.0.0.1:0", cfg })
	arn := groupARN(t, l, "tg-frontend")
	_, a := backend(t, "a", nil)
	if err := l.RegisterTargets(arn, a); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, arn, a, StateHealthy)
	client := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	url := "https://" + l.HTTPSAddr()
	if code, body := get(t, client, url, "/"); code != http.StatusOK || body != "a" {
		t.Fatalf("https up: %d %q", code, body)
	}
	addr := l.HTTPSAddr()
	if err := l.SetDown(Refuse); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get(url + "/"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("https with the load balancer down: %v, want connection refused", err)
	}
	if err := l.SetDown(Up); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, client, url, "/"); code != http.StatusOK || l.HTTPSAddr() != addr {
		t.Errorf("https back up: %d on %s, want 200 on %s", code, l.HTTPSAddr(), addr)
	}
	if _, err := New(Config{Name: "half", Addr: "127.0.0.1:0", HTTPSAddr: "127.0.0.1:0"}, nil, nil); err == nil {
		t.Error("an HTTPS address without a TLS configuration was accepted")
	}
}

// While Config.Unchanged says a healthy target's process is as it was,
// its health checks pass without an exchange; once the channel closes,
// the checks are real again and fail the target after UnhealthyThreshold
// rounds, whether its process is gone or answers otherwise.
func TestQuietPassesUntilTheProcessChanges(t *testing.T) {
	for _, tc := range []struct {
		name       string
		change     func(srv *http.Server, failing *atomic.Bool)
		wantReason string
	}{
		{"process exited", func(srv *http.Server, _ *atomic.Bool) { srv.Close() }, ReasonFailedHealthChecks},
		{"answers otherwise", func(_ *http.Server, failing *atomic.Bool) { failing.Store(true) }, ReasonResponseCodeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var checks atomic.Int64
			var failing atomic.Bool
			mux := http.NewServeMux()
			mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
				checks.Add(1)
				if failing.Load() {
					w.WriteHeader(http.StatusServiceUnavailable)
				}
			})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: mux}
			go srv.Serve(ln)
			t.Cleanup(func() { srv.Close() })
			target := targetOf(t, ln.Addr().String())

			changed := make(chan struct{})
			l := startLB(t, nil, func(c *Config) {
				c.Unchanged = func(got Target) <-chan struct{} {
					if got != target {
						t.Errorf("Unchanged asked for %v, want %v", got, target)
					}
					return changed
				}
			})
			arn := groupARN(t, l, "tg-frontend")
			if err := l.RegisterTargets(arn, target); err != nil {
				t.Fatal(err)
			}
			waitState(t, l, arn, target, StateHealthy)
			failed, err := l.Unhealthy(arn, target)
			if err != nil {
				t.Fatal(err)
			}

			// Twenty intervals of fastCheck at testScale: twenty
			// exchanges without the shortcut.
			time.Sleep(20 * fastCheck.Interval / testScale)
			if n := checks.Load(); n != 1 {
				t.Fatalf("%d health check requests while the process was unchanged, want only the first", n)
			}
			if s := stateOf(t, l, arn, target); s != StateHealthy {
				t.Fatalf("unchanged target is %q, want healthy", s)
			}

			tc.change(srv, &failing)
			close(changed)
			select {
			case <-failed:
			case <-time.After(5 * time.Second):
				t.Fatal("the health checks never failed the changed target")
			}
			ths, err := l.DescribeTargetHealth(arn)
			if err != nil {
				t.Fatal(err)
			}
			if len(ths) != 1 || ths[0].Reason != tc.wantReason {
				t.Errorf("target health %+v, want reason %s", ths, tc.wantReason)
			}
			if tc.wantReason == ReasonResponseCodeMismatch {
				if n := checks.Load() - 1; n < int64(fastCheck.UnhealthyThreshold) {
					t.Errorf("failed after %d real checks, want at least UnhealthyThreshold (%d)", n, fastCheck.UnhealthyThreshold)
				}
			}
		})
	}
}
