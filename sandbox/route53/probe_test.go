package route53

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A probe's timeouts are AWS's in platform time, never shorter in real
// time than MinProbeTimeout.
func TestProbeTimeoutsInPlatformTime(t *testing.T) {
	for _, tt := range []struct {
		scale float64
		want  ProbeTimeouts
	}{
		{1, DefaultProbeTimeouts},
		{2, ProbeTimeouts{Connect: 2 * time.Second, Response: time.Second, TCP: 5 * time.Second}},
		{8, ProbeTimeouts{Connect: 500 * time.Millisecond, Response: 250 * time.Millisecond, TCP: 1250 * time.Millisecond}},
		{10, ProbeTimeouts{Connect: 400 * time.Millisecond, Response: MinProbeTimeout, TCP: time.Second}},
		{40, ProbeTimeouts{Connect: MinProbeTimeout, Response: MinProbeTimeout, TCP: MinProbeTimeout}},
		{60, ProbeTimeouts{Connect: MinProbeTimeout, Response: MinProbeTimeout, TCP: MinProbeTimeout}},
		{120, ProbeTimeouts{Connect: MinProbeTimeout, Response: MinProbeTimeout, TCP: MinProbeTimeout}},
	} {
		if got := DefaultProbeTimeouts.Real(tt.scale); got != tt.want {
			t.Errorf("at %gx: %+v, want %+v", tt.scale, got, tt.want)
		}
	}
}

// At 60x an endpoint that accepts connections and never answers fails
// each probe within MinProbeTimeout of real time, as AWS's checkers give
// up on it after 2 s of platform time, not 2 real seconds (two platform
// minutes) later; an answer slower than 2 platform seconds but within the
// floor still passes.
func TestProbeTimesOutInPlatformTime(t *testing.T) {
	const scale = 60
	blackhole, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blackhole.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := blackhole.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	slow := startEndpoint(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		// 6 platform seconds at 60x, past AWS's 2 s but inside the floor.
		time.Sleep(100 * time.Millisecond)
	}))

	for _, tt := range []struct {
		name    string
		port    int
		healthy bool
		status  string
		// within is the real time by which every checker has reported:
		// the last checker's offset (7/8 of a 30 s interval, 437 ms)
		// and one probe.
		within time.Duration
	}{
		{"blackhole", blackhole.Addr().(*net.TCPAddr).Port, false, "Failure: The endpoint did not respond within", 437*time.Millisecond + MinProbeTimeout + 300*time.Millisecond},
		{"slow answer within the floor", slow.port(t), true, "Success: HTTP Status Code 200", 437*time.Millisecond + 100*time.Millisecond + 300*time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newEngine(t, scale)
			cfg := HealthCheckConfig{Type: TypeHTTP, IPAddress: "127.0.0.1", Port: tt.port, ResourcePath: "/health", RequestInterval: 30, FailureThreshold: 1}
			start := time.Now()
			out, err := e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: tt.name, HealthCheckConfig: cfg})
			if err != nil {
				t.Fatal(err)
			}
			obs := waitObservations(t, e, out.HealthCheck.Id, len(CheckerRegions))
			if took := time.Since(start); took > tt.within {
				t.Errorf("every checker reported after %s, want within %s", took, tt.within)
			}
			for _, o := range obs {
				if !strings.Contains(o.StatusReport.Status, tt.status) {
					t.Errorf("observation from %s: %q, want %q", o.Region, o.StatusReport.Status, tt.status)
				}
			}
		})
	}
}
