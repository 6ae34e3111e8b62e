package dns

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/gameday-sre/gameday/clock"
)

// zone is a real DNS server on loopback answering one name with an
// address and a TTL that a test can change, and counting its queries.
type zone struct {
	addr    string
	mu      sync.Mutex
	ip      string
	ttl     uint32
	rcode   int
	queries atomic.Int64
}

func startZone(t *testing.T, name, ip string, ttl uint32) *zone {
	t.Helper()
	z := &zone{ip: ip, ttl: ttl}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	z.addr = pc.LocalAddr().String()
	srv := &mdns.Server{PacketConn: pc, Handler: mdns.HandlerFunc(func(w mdns.ResponseWriter, r *mdns.Msg) {
		z.queries.Add(1)
		z.mu.Lock()
		defer z.mu.Unlock()
		m := new(mdns.Msg)
		m.SetReply(r)
		m.Rcode = z.rcode
		if z.rcode == mdns.RcodeSuccess && r.Question[0].Name == mdns.Fqdn(name) {
			rr, _ := mdns.NewRR(fmt.Sprintf("%s %d IN A %s", mdns.Fqdn(name), z.ttl, z.ip))
			m.Answer = append(m.Answer, rr)
		}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return z
}

func (z *zone) set(ip string, rcode int) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.ip, z.rcode = ip, rcode
}

func TestLookupA(t *testing.T) {
	z := startZone(t, "api.example.com", "127.0.1.1", 60)
	r := Resolver{Server: z.addr}
	tests := []struct {
		name  string
		rcode int
		want  string
		err   string
	}{
		{"api.example.com", mdns.RcodeSuccess, "127.0.1.1 for 1m0s", ""},
		{"API.example.com.", mdns.RcodeSuccess, "", "has no A record"},
		{"api.example.com", mdns.RcodeNameError, "", "answers NXDOMAIN for api.example.com"},
	}
	for _, tt := range tests {
		z.set("127.0.1.1", tt.rcode)
		a, err := r.LookupA(context.Background(), tt.name)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || fmt.Sprintf("%s for %s", addrsText(a.Addrs), a.TTL) != tt.want {
			t.Errorf("%s: %v %v, want %s", tt.name, a, err, tt.want)
		}
	}
	if _, err := (Resolver{Server: "127.0.0.1:9", Timeout: 200 * time.Millisecond}).LookupA(context.Background(), "api.example.com"); err == nil || !strings.Contains(err.Error(), "127.0.0.1:9") {
		t.Errorf("an unreachable server: %v, want an error naming it", err)
	}
}

// serve answers every request with which server it is.
func serve(t *testing.T, ip string) string {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, ip) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).String()
}

// A client that dials through Dialer keeps the answer for its TTL on the
// platform clock and follows a changed answer once it has run out: what
// a failover looks like from a real client.
func TestDialerFollowsAChangedAnswerAfterItsTTL(t *testing.T) {
	primary := serve(t, "127.0.0.1")
	_, port, _ := net.SplitHostPort(primary)
	// The failover region listens on the same port at another address.
	l, err := net.Listen("tcp", "127.0.0.2:"+port)
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2:%s: %v", port, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "127.0.0.2") })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	z := startZone(t, "api.example.com", "127.0.0.1", 60)
	clk, err := clock.NewScaled(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), 10)
	if err != nil {
		t.Fatal(err)
	}
	var changes atomic.Int64
	d := &Dialer{Resolver: Resolver{Server: z.addr}, Clock: clk, OnResolve: func(string, Answer, time.Time) { changes.Add(1) }}
	client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	get := func() string {
		res, err := client.Get("http://api.example.com:" + port + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	for range 5 {
		if got := get(); got != "127.0.0.1" {
			t.Fatalf("before the change: answered by %s", got)
		}
	}
	if q := z.queries.Load(); q != 1 {
		t.Errorf("%d queries for five connections inside one TTL, want 1", q)
	}
	z.set("127.0.0.2", mdns.RcodeSuccess)
	changed := clk.Now()
	if got := get(); got != "127.0.0.1" {
		t.Errorf("right after the change, inside the TTL: answered by %s, want the cached 127.0.0.1", got)
	}
	for deadline := time.Now().Add(15 * time.Second); get() != "127.0.0.2"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the client never followed the changed answer")
		}
	}
	if after := clk.Since(changed); after > 2*time.Minute {
		t.Errorf("followed %s (platform) after the change; the TTL is 60s", after)
	}
	if changes.Load() != 2 {
		t.Errorf("%d fresh answers, want 2", changes.Load())
	}
}
