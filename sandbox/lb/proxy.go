package lb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"time"
)

type exchangeKey struct{}

// exchange is one request's passage through the load balancer: the
// target chosen and what came of it.
type exchange struct {
	group  *group
	target *target
	// sent is when the request left for the target, in real time.
	sent time.Time
	// latency is TargetResponseTime: "The time elapsed, in seconds, after
	// the request leaves the load balancer until the target starts to send
	// the response headers" (load-balancer-cloudwatch-metrics.html).
	latency time.Duration
	// status is the target's status code, 0 if it sent none.
	status int
	// elbStatus is the code the load balancer answered itself, 0 if none.
	elbStatus int
}

func exchangeOf(r *http.Request) *exchange { return r.Context().Value(exchangeKey{}).(*exchange) }

// ServeHTTP is the listener: route, pick a target, forward.
func (l *LoadBalancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if held := l.blackholed(); held != nil {
		select {
		case <-held:
		case <-r.Context().Done():
		}
		// Close the connection without an answer.
		panic(http.ErrAbortHandler)
	}
	g := l.route(r.URL.Path)
	t := g.pick()
	if t == nil {
		g.stats.record(func(m *minute) { m.elb5xx++ })
		writeELBError(w, http.StatusServiceUnavailable)
		return
	}
	x := &exchange{group: g, target: t}
	defer func() {
		g.done(t)
		g.stats.record(x.count)
	}()
	l.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
}

// count adds a finished exchange to its minute.
func (x *exchange) count(m *minute) {
	m.requests++
	if x.status >= 500 {
		m.target5xx++
	}
	if x.status != 0 {
		m.latencies = append(m.latencies, x.latency.Seconds())
	}
	if x.elbStatus >= 500 {
		m.elb5xx++
	}
}

// rewrite makes the request to the target. ALB keeps the client's Host
// header and adds X-Forwarded-For and X-Forwarded-Proto
// (x-forwarded-headers.html).
func rewrite(pr *httputil.ProxyRequest) {
	x := exchangeOf(pr.In)
	pr.SetURL(x.target.url)
	pr.Out.Host = pr.In.Host
	pr.SetXForwarded()
	x.sent = time.Now()
}

// answered notes the target's response headers.
func answered(resp *http.Response) error {
	x := exchangeOf(resp.Request)
	x.latency = time.Since(x.sent)
	x.status = resp.StatusCode
	return nil
}

// proxyError answers for a target that failed: 502 for a refused or
// broken connection, 504 for one that did not answer in time
// (load-balancer-troubleshooting.html, HTTP 502 and HTTP 504).
func (l *LoadBalancer) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	x := exchangeOf(r)
	if r.Context().Err() != nil {
		// The client went away first. ALB logs that as 460 and counts no
		// error; there is no one left to answer.
		return
	}
	// A refused connection does not take the target out of rotation:
	// only its health checks do ("Each load balancer node routes requests
	// only to the healthy targets", target-group-health-checks.html, and a
	// target is unhealthy after UnhealthyThresholdCount failed checks).
	code := http.StatusBadGateway
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		code = http.StatusGatewayTimeout
	}
	l.log.Warn("target failed", "targetGroup", x.group.cfg.Name, "target", x.target.Target.String(), "status", code, "err", err)
	x.elbStatus = code
	writeELBError(w, code)
}

// writeELBError answers with the page ALB sends for its own errors.
func writeELBError(w http.ResponseWriter, code int) {
	text := fmt.Sprintf("%d %s", code, http.StatusText(code))
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "awselb/2.0")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n</body>\r\n</html>\r\n", text, text)
}
