package route53

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCreateHealthCheckValidates(t *testing.T) {
	e, _ := newEngine(t, 1)
	tests := []struct {
		name    string
		cfg     HealthCheckConfig
		message string
	}{
		{"interval 20", HealthCheckConfig{Type: TypeHTTP, IPAddress: "127.0.0.1", RequestInterval: 20}, "RequestInterval must be 10 or 30"},
		{"threshold 11", HealthCheckConfig{Type: TypeHTTP, IPAddress: "127.0.0.1", FailureThreshold: 11}, "FailureThreshold must be between 1 and 10"},
		{"no endpoint", HealthCheckConfig{Type: TypeHTTP}, "needs IPAddress or FullyQualifiedDomainName"},
		{"bad address", HealthCheckConfig{Type: TypeHTTP, IPAddress: "300.1.1.1"}, "Invalid IP address"},
		{"TCP without port", HealthCheckConfig{Type: TypeTCP, IPAddress: "127.0.0.1"}, "needs a Port"},
		{"TCP with a path", HealthCheckConfig{Type: TypeTCP, IPAddress: "127.0.0.1", Port: 1, ResourcePath: "/"}, "takes no ResourcePath"},
		{"string match without a string", HealthCheckConfig{Type: TypeHTTPStrMatch, IPAddress: "127.0.0.1"}, "SearchString is required"},
		{"calculated", HealthCheckConfig{Type: "CALCULATED"}, "not served by the sandbox"},
		{"two regions", HealthCheckConfig{Type: TypeHTTP, IPAddress: "127.0.0.1", Regions: []string{"us-east-1", "eu-west-1"}}, "at least 3 Regions"},
		{"unknown region", HealthCheckConfig{Type: TypeHTTP, IPAddress: "127.0.0.1", Regions: []string{"us-east-1", "eu-west-1", "mars-1"}}, "Invalid health checker region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: tt.name, HealthCheckConfig: tt.cfg})
			if !isCode(err, ErrCodeInvalidInput) || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("err = %v, want InvalidInput containing %q", err, tt.message)
			}
		})
	}
}

func TestCreateHealthCheckCallerReference(t *testing.T) {
	e, _ := newEngine(t, 1)
	cfg := HealthCheckConfig{Type: TypeHTTPS, FullyQualifiedDomainName: "api-primary.example.com", ResourcePath: "/health", Disabled: true}
	first, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: "ref", HealthCheckConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	got := first.HealthCheck.HealthCheckConfig
	if got.Port != 443 || got.RequestInterval != 30 || got.FailureThreshold != 3 || first.HealthCheck.HealthCheckVersion != 1 {
		t.Errorf("defaults: %+v", first.HealthCheck)
	}
	again, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: "ref", HealthCheckConfig: cfg})
	if err != nil || again.HealthCheck.Id != first.HealthCheck.Id {
		t.Errorf("same reference and settings: %+v, %v; want the existing check %s", again.HealthCheck, err, first.HealthCheck.Id)
	}
	cfg.FailureThreshold = 5
	if _, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: "ref", HealthCheckConfig: cfg}); !isCode(err, ErrCodeHealthCheckAlreadyExists) {
		t.Errorf("same reference, other settings: err = %v, want HealthCheckAlreadyExists", err)
	}
	if err := e.DeleteHealthCheck(first.HealthCheck.Id); err != nil {
		t.Fatal(err)
	}
	cfg.FailureThreshold = 0
	if _, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: "ref", HealthCheckConfig: cfg}); !isCode(err, ErrCodeHealthCheckAlreadyExists) {
		t.Errorf("reference of a deleted check: err = %v, want HealthCheckAlreadyExists", err)
	}
	if _, err := e.GetHealthCheck(first.HealthCheck.Id); !isCode(err, ErrCodeNoSuchHealthCheck) {
		t.Errorf("deleted check: err = %v, want NoSuchHealthCheck", err)
	}
}

func TestUpdateHealthCheck(t *testing.T) {
	e, _ := newEngine(t, 1)
	var changes []HealthChange
	e.OnHealthChange(func(c HealthChange) { changes = append(changes, c) })
	out, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: "u", HealthCheckConfig: HealthCheckConfig{
		Type: TypeHTTP, FullyQualifiedDomainName: "api.example.com", ResourcePath: "/health", Disabled: true, RequestInterval: 10,
	}})
	if err != nil {
		t.Fatal(err)
	}
	id := out.HealthCheck.Id
	if _, err := e.UpdateHealthCheck(UpdateHealthCheckInput{HealthCheckId: id, HealthCheckVersion: ptr(int64(7))}); !isCode(err, ErrCodeHealthCheckVersionMismatch) {
		t.Errorf("stale version: err = %v, want HealthCheckVersionMismatch", err)
	}
	h, err := e.UpdateHealthCheck(UpdateHealthCheckInput{
		HealthCheckId: id, HealthCheckVersion: ptr(int64(1)), FailureThreshold: ptr(6), Inverted: ptr(true),
		IPAddress: ptr("127.0.0.1"), ResetElements: []string{"ResourcePath"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := h.HealthCheckConfig
	if h.HealthCheckVersion != 2 || c.FailureThreshold != 6 || !c.Inverted || c.ResourcePath != "" || c.RequestInterval != 10 || c.IPAddress != "127.0.0.1" {
		t.Errorf("after update: %+v", h)
	}
	// Disabled and Inverted: forced unhealthy, reported as a change.
	if healthy, _ := e.Healthy(id); healthy || len(changes) != 1 || changes[0].Healthy || changes[0].Reason != "UpdateHealthCheck" {
		t.Errorf("healthy %t, changes %+v; want one change to unhealthy", healthy, changes)
	}
	if _, err := e.UpdateHealthCheck(UpdateHealthCheckInput{HealthCheckId: id, FailureThreshold: ptr(0)}); !isCode(err, ErrCodeInvalidInput) {
		t.Errorf("threshold 0: err = %v, want InvalidInput", err)
	}
}

func TestProbeVerdicts(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tcp.Close() })
	go func() {
		for {
			c, err := tcp.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	tests := []struct {
		name    string
		handler http.Handler
		cfg     func(port int) HealthCheckConfig
		healthy bool
		status  string
	}{
		{"200", status(200, "ok"), httpCheck(TypeHTTP, ""), true, "Success: HTTP Status Code 200, OK"},
		{"302 is not followed", http.RedirectHandler("/elsewhere", http.StatusFound), httpCheck(TypeHTTP, ""), true, "Success: HTTP Status Code 302, Found"},
		{"503", status(503, ""), httpCheck(TypeHTTP, ""), false, "Failure: HTTP Status Code 503, Service Unavailable"},
		{"string found", status(200, "status: green"), httpCheck(TypeHTTPStrMatch, "green"), true, "Success: HTTP Status Code 200, OK"},
		{"string missing", status(200, "status: red"), httpCheck(TypeHTTPStrMatch, "green"), false, `The search string "green" was not found`},
		{"connection refused", nil, func(int) HealthCheckConfig {
			return HealthCheckConfig{Type: TypeHTTP, IPAddress: "127.0.0.1", Port: closedPort}
		}, false, "Failure: Connection to the endpoint failed"},
		{"TCP", nil, func(int) HealthCheckConfig {
			return HealthCheckConfig{Type: TypeTCP, IPAddress: "127.0.0.1", Port: tcp.Addr().(*net.TCPAddr).Port}
		}, true, "Success: TCP connection established"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// 10 s platform in 50 ms.
			e, _ := newEngine(t, 200)
			port := 0
			if tt.handler != nil {
				port = startEndpoint(t, "127.0.0.1", tt.handler).port(t)
			}
			cfg := tt.cfg(port)
			cfg.RequestInterval, cfg.FailureThreshold = 10, 1
			out, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: tt.name, HealthCheckConfig: cfg})
			if err != nil {
				t.Fatal(err)
			}
			obs := waitObservations(t, e, out.HealthCheck.Id, len(CheckerRegions))
			var regions []string
			for _, o := range obs {
				regions = append(regions, o.Region)
				if !strings.Contains(o.StatusReport.Status, tt.status) || o.IPAddress != "127.0.0.1" || o.StatusReport.CheckedTime.Before(t0) {
					t.Errorf("observation %+v, want status containing %q from 127.0.0.1", o, tt.status)
				}
			}
			if !slices.Equal(regions, CheckerRegions) {
				t.Errorf("observations from %q, want %q", regions, CheckerRegions)
			}
			// Another interval, so that every checker has seen a verdict
			// it had to pass FailureThreshold 1 with.
			deadline := time.Now().Add(5 * time.Second)
			for {
				healthy, _ := e.Healthy(out.HealthCheck.Id)
				if healthy == tt.healthy {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("healthy = %t after 5 s, want %t", healthy, tt.healthy)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// httpCheck probes 127.0.0.1:port as host api-primary.example.com.
func httpCheck(typ, search string) func(port int) HealthCheckConfig {
	return func(port int) HealthCheckConfig {
		return HealthCheckConfig{Type: typ, IPAddress: "127.0.0.1", Port: port, ResourcePath: "/health",
			FullyQualifiedDomainName: "api-primary.example.com", SearchString: search}
	}
}

// waitObservations waits until n checkers have reported, in real time.
func waitObservations(t *testing.T, e *Engine, id string, n int) []HealthCheckObservation {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		obs, err := e.GetHealthCheckStatus(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) == n {
			return obs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d checkers reported after 5 s", len(obs), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHostHeaderAndResolver(t *testing.T) {
	hosts := make(chan string, 64)
	ep := startEndpoint(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hosts <- r.Host + " " + r.URL.Path:
		default:
		}
	}))
	e, _ := newEngine(t, 200)
	// The check names api-primary.example.com, which the zone resolves
	// to the endpoint's address.
	zoneWith(t, e, create(aRecord("api-primary.example.com", 60, "127.0.0.2")))
	out, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: "host", HealthCheckConfig: HealthCheckConfig{
		Type: TypeHTTP, FullyQualifiedDomainName: "api-primary.example.com", Port: ep.port(t), ResourcePath: "health", RequestInterval: 10,
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := net.JoinHostPort("api-primary.example.com", ep.addr[strings.LastIndexByte(ep.addr, ':')+1:]) + " /health"
	if got := <-hosts; got != want {
		t.Errorf("request for %q, want %q", got, want)
	}
	obs := waitObservations(t, e, out.HealthCheck.Id, len(CheckerRegions))
	if obs[0].IPAddress != "127.0.0.2" {
		t.Errorf("probed %s, want 127.0.0.2", obs[0].IPAddress)
	}
}
