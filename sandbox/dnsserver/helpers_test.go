package dnsserver_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/dnsserver"
	"github.com/gameday-sre/gameday/sandbox/route53"
)

var t0 = time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)

func logger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// newEngine returns an engine on a clock running scale times real time,
// closed with the test.
func newEngine(t *testing.T, scale float64) (*route53.Engine, *clock.Scaled) {
	t.Helper()
	clk, err := clock.NewScaled(t0, scale)
	if err != nil {
		t.Fatal(err)
	}
	e := route53.New(clk, route53.WithLogger(logger(t)))
	t.Cleanup(func() { e.Close() })
	return e, clk
}

// startDNS serves the engine on 127.0.0.1 for the test's lifetime.
func startDNS(t *testing.T, src dnsserver.Source) *dnsserver.Server {
	t.Helper()
	s, err := dnsserver.Start(t.Context(), "127.0.0.1:0", src, dnsserver.WithLogger(logger(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// query asks the server one question over net ("udp" or "tcp").
func query(t *testing.T, addr, network, name string, qtype uint16) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s over %s: %v", name, dns.TypeToString[qtype], network, err)
	}
	return r
}

// answerA returns the addresses of an A answer, sorted.
func answerA(t *testing.T, addr, name string) []string {
	t.Helper()
	var out []string
	for _, rr := range query(t, addr, "udp", name, dns.TypeA).Answer {
		if a, ok := rr.(*dns.A); ok {
			out = append(out, a.A.String())
		}
	}
	slices.Sort(out)
	return out
}

// endpoint is an HTTP server on a fixed loopback address that can be
// taken down and brought back.
type endpoint struct {
	t    *testing.T
	addr string
	mu   sync.Mutex
	srv  *httptest.Server
}

func startEndpoint(t *testing.T, host string) *endpoint {
	t.Helper()
	ep := &endpoint{t: t, addr: net.JoinHostPort(host, "0")}
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
	ep.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
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

func (ep *endpoint) port() int { return ep.srv.Listener.Addr().(*net.TCPAddr).Port }
