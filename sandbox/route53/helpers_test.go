package route53

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

var t0 = time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)

// newEngine returns an engine on a clock scaled so that interval platform
// seconds pass in realInterval, closed with the test.
func newEngine(t *testing.T, scale float64, opts ...Option) (*Engine, *clock.Scaled) {
	t.Helper()
	clk, err := clock.NewScaled(t0, scale)
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo})))}, opts...)
	e := New(clk, opts...)
	t.Cleanup(func() { e.Close() })
	return e, clk
}

// zoneWith creates example.com and applies changes to it.
func zoneWith(t *testing.T, e *Engine, changes ...Change) string {
	t.Helper()
	out, err := e.CreateHostedZone(CreateHostedZoneInput{Name: "example.com", CallerReference: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	id := bareID(out.HostedZone.Id)
	if len(changes) > 0 {
		if _, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{HostedZoneId: id, Changes: changes}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func create(s ResourceRecordSet) Change { return Change{Action: ActionCreate, ResourceRecordSet: s} }

func aRecord(name string, ttl int64, values ...string) ResourceRecordSet {
	s := ResourceRecordSet{Name: name, Type: "A", TTL: &ttl}
	for _, v := range values {
		s.ResourceRecords = append(s.ResourceRecords, ResourceRecord{Value: v})
	}
	return s
}

// forcedCheck creates a disabled health check that is healthy, or, also
// inverted, unhealthy, without probing anything.
func forcedCheck(t *testing.T, e *Engine, healthy bool) string {
	t.Helper()
	out, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: newUUID(), HealthCheckConfig: HealthCheckConfig{
		Type: TypeTCP, IPAddress: "127.0.0.1", Port: 9, Disabled: true, Inverted: !healthy,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return out.HealthCheck.Id
}

// endpoint is an HTTP server on a fixed loopback address that can be
// taken down and brought back.
type endpoint struct {
	t       *testing.T
	addr    string
	handler http.Handler
	mu      sync.Mutex
	srv     *httptest.Server
}

func startEndpoint(t *testing.T, host string, h http.Handler) *endpoint {
	t.Helper()
	ep := &endpoint{t: t, addr: net.JoinHostPort(host, "0"), handler: h}
	ep.up()
	ep.addr = ep.srv.Listener.Addr().String()
	t.Cleanup(ep.down)
	return ep
}

func (ep *endpoint) up() {
	ep.t.Helper()
	ep.mu.Lock()
	defer ep.mu.Unlock()
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", ep.addr)
	if err != nil {
		ep.t.Fatalf("bring endpoint %s back: %v", ep.addr, err)
	}
	ep.srv = httptest.NewUnstartedServer(ep.handler)
	ep.srv.Listener.Close()
	ep.srv.Listener = l
	ep.srv.Start()
}

func (ep *endpoint) down() {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.srv != nil {
		ep.srv.Close()
		ep.srv = nil
	}
}

func (ep *endpoint) port(t *testing.T) int {
	_, p, _ := net.SplitHostPort(ep.addr)
	n, err := net.LookupPort("tcp", p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func status(code int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		w.Write([]byte(body))
	})
}
