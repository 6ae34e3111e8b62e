package route53

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Probes and platform time
//
// The interval between probes is platform time: a 30 s RequestInterval is
// half a real second on a 60x clock, so detection takes FailureThreshold
// × RequestInterval of platform time, as the runbook says it does.
//
// The timeouts of one probe (4 s to connect, 2 s to answer) are real time.
// They bound the latency of a single request, and the sandbox does not
// scale latency: its tasks answer in real milliseconds, the latency fault
// adds real milliseconds, and the APILatencyHigh alarm compares those real
// milliseconds with the runbook's 500 ms. Scaled, the 2 s budget would be
// 33 ms at 60x, so a healthy but loaded task, or an 800 ms latency fault
// that AWS's checkers tolerate, would fail the check. The price: an
// endpoint that accepts connections and never answers is detected one
// real timeout late (2 s real, 2 platform minutes at 60x), where one that
// is down (connection refused, the sandbox's region fault) fails at once.
// Probes are not serialized behind that timeout: each tick starts its
// probe, as AWS's checkers keep their schedule whatever the endpoint does.

// runChecker probes for one checker location every interval after offset
// until ctx ends.
func (e *Engine) runChecker(ctx context.Context, h *healthCheck, c *checker, gen uint64, offset, interval time.Duration) {
	defer e.wg.Done()
	if e.clock.Sleep(ctx, offset) != nil {
		return
	}
	t := e.clock.NewTicker(interval)
	defer t.Stop()
	for seq := uint64(1); ; seq++ {
		e.wg.Add(1)
		go e.probeOnce(ctx, h, c, gen, seq)
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
	}
}

// probeOnce runs one probe and applies its result, unless a newer probe
// of the checker was applied first or probing restarted meanwhile.
func (e *Engine) probeOnce(ctx context.Context, h *healthCheck, c *checker, gen, seq uint64) {
	defer e.wg.Done()
	e.mu.RLock()
	cfg := h.config
	e.mu.RUnlock()

	ok, ip, status := e.probe(ctx, cfg)
	if ctx.Err() != nil {
		return
	}
	e.mu.Lock()
	if h.gen != gen || e.checks[h.id] != h || seq <= c.seq {
		e.mu.Unlock()
		return
	}
	c.seq = seq
	c.report = &HealthCheckObservation{Region: c.region, IPAddress: ip, StatusReport: StatusReport{Status: status, CheckedTime: e.now()}}
	if ok == c.healthy {
		c.streak = 0
	} else if c.streak++; c.streak >= h.config.FailureThreshold {
		c.healthy, c.streak = ok, 0
		e.log.Debug("route53 checker changed", "health_check", h.id, "region", c.region, "healthy", ok, "status", status)
		e.refreshLocked(h, fmt.Sprintf("checker %s: %s", c.region, status))
	}
	e.mu.Unlock()
	e.healthChanges.Deliver()
}

// probe checks the endpoint once, returning the verdict, the address
// probed and the status report in AWS's words.
func (e *Engine) probe(ctx context.Context, cfg HealthCheckConfig) (ok bool, ip, status string) {
	addr, err := e.endpointAddr(ctx, cfg)
	if err != nil {
		return false, "", "Failure: " + err.Error()
	}
	ip = addr.String()
	hostPort := net.JoinHostPort(ip, strconv.Itoa(cfg.Port))
	if cfg.Type == TypeTCP {
		conn, err := e.dialWithin(e.timeouts.TCP)(ctx, "tcp", hostPort)
		if err != nil {
			return false, ip, "Failure: " + describeDialError(err, e.timeouts.TCP)
		}
		conn.Close()
		return true, ip, "Success: TCP connection established"
	}
	ok, status = e.probeHTTP(ctx, cfg, hostPort)
	return ok, ip, status
}

// dialWithin is the engine's Dialer bounded by timeout.
func (e *Engine) dialWithin(timeout time.Duration) Dialer {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return e.dial(ctx, network, address)
	}
}

// endpointAddr is the address to probe: IPAddress, else the first
// address FullyQualifiedDomainName resolves to.
func (e *Engine) endpointAddr(ctx context.Context, cfg HealthCheckConfig) (netip.Addr, error) {
	if cfg.IPAddress != "" {
		return netip.ParseAddr(cfg.IPAddress)
	}
	addrs := e.lookup(ctx, cfg.FullyQualifiedDomainName)
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("DNS resolution of %s returned no address", cfg.FullyQualifiedDomainName)
	}
	return addrs[0], nil
}

// lookup resolves name through the Resolver, then the hosted zones, IPv4
// before IPv6.
func (e *Engine) lookup(ctx context.Context, name string) []netip.Addr {
	if e.resolver != nil {
		if addrs, err := e.resolver(ctx, name); err == nil && len(addrs) > 0 {
			return addrs
		}
	}
	var out []netip.Addr
	for _, typ := range []string{"A", "AAAA"} {
		for _, r := range e.Answer(ctx, name, typ).Records {
			if a, err := netip.ParseAddr(r.Value); err == nil && r.Type == typ {
				out = append(out, a)
			}
		}
	}
	return out
}

// maxSearchBytes is how much of the body a string-matching check searches:
// "the first 5,120 bytes of the response body".
const maxSearchBytes = 5120

// probeHTTP sends GET ResourcePath and judges the status: 2xx and 3xx are
// healthy, and redirects are not followed. The Host header is
// FullyQualifiedDomainName, with the port when it is not the scheme's
// default, else the address, as AWS sends it. Certificates are not
// verified, as AWS's checkers do not verify them.
func (e *Engine) probeHTTP(ctx context.Context, cfg HealthCheckConfig, hostPort string) (bool, string) {
	scheme, defaultPort := "http", 80
	if cfg.Type == TypeHTTPS || cfg.Type == TypeHTTPSStrMatch {
		scheme, defaultPort = "https", 443
	}
	host := hostPort
	if cfg.FullyQualifiedDomainName != "" {
		host = strings.TrimSuffix(cfg.FullyQualifiedDomainName, ".")
		if cfg.Port != defaultPort {
			host = net.JoinHostPort(host, strconv.Itoa(cfg.Port))
		}
	}
	path := cfg.ResourcePath
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	tlsConfig := &tls.Config{
		InsecureSkipVerify: true, // #nosec G402 -- AWS's checkers do not validate certificates.
		// Eight checkers each handshake afresh every interval: offering
		// only X25519 spares the post-quantum hybrid's key generation,
		// which every endpoint also accepts classically.
		CurvePreferences: []tls.CurveID{tls.X25519},
	}
	if cfg.EnableSNI && cfg.FullyQualifiedDomainName != "" {
		tlsConfig.ServerName = strings.TrimSuffix(cfg.FullyQualifiedDomainName, ".")
	}
	client := &http.Client{
		Transport: &http.Transport{
			DialContext:           e.dialWithin(e.timeouts.Connect),
			TLSHandshakeTimeout:   e.timeouts.Connect,
			ResponseHeaderTimeout: e.timeouts.Response,
			TLSClientConfig:       tlsConfig,
			DisableKeepAlives:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeouts.Connect+e.timeouts.Response)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+hostPort+path, nil)
	if err != nil {
		return false, "Failure: " + err.Error()
	}
	req.Host = host
	req.Header.Set("User-Agent", "Amazon-Route53-Health-Check-Service (ref sandbox; report http://amzn.to/1vsZADi)")
	resp, err := client.Do(req)
	if err != nil {
		return false, "Failure: " + describeDialError(err, e.timeouts.Connect)
	}
	defer resp.Body.Close()
	code := fmt.Sprintf("HTTP Status Code %d, %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if resp.StatusCode < 200 || resp.StatusCode > 399 {
		return false, "Failure: " + code
	}
	if cfg.SearchString != "" {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxSearchBytes))
		if err != nil {
			return false, "Failure: reading the response body: " + err.Error()
		}
		if !bytes.Contains(body, []byte(cfg.SearchString)) {
			return false, fmt.Sprintf("Failure: %s. The search string %q was not found in the first %d bytes of the response body.", code, cfg.SearchString, maxSearchBytes)
		}
	}
	return true, "Success: " + code
}

// describeDialError words a failed connection as AWS's status reports do.
func describeDialError(err error, timeout time.Duration) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("The endpoint did not respond within %s: %v", timeout, err)
	}
	return fmt.Sprintf("Connection to the endpoint failed: %v", err)
}
