// Package dnsserver is the sandbox's authoritative DNS server for Route 53
// hosted zones: it listens on UDP and TCP on one loopback host:port and
// answers each question with what the route53 engine answers at that
// moment, so failover shows in real DNS lookups as health checks change.
//
// The TTLs served are the records' own, in seconds, unscaled: a DNS
// client's cache runs on real time, and the harness's DNS driver queries
// this server directly rather than through a caching resolver, so it sees
// each change at once and accounts for TTL from the records themselves.
package dnsserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/gameday-sre/gameday/sandbox/route53"
)

// Source answers questions; *route53.Engine is one.
type Source interface {
	Answer(ctx context.Context, name, rrType string) route53.Answer
}

// Option configures a Server.
type Option func(*Server)

// WithLogger logs each query at Debug and each failure at Error (default
// slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// Server is a running DNS server.
type Server struct {
	src  Source
	log  *slog.Logger
	addr string
	udp  *dns.Server
	tcp  *dns.Server

	closeOnce sync.Once
	closeErr  error
}

// bindAttempts is how often Start tries to find a port free for both UDP
// and TCP when asked for port 0.
const bindAttempts = 10

// Start listens on addr (host:port, port 0 for any) for UDP and TCP on the
// same port and serves until Close. ctx bounds only the start.
func Start(ctx context.Context, addr string, src Source, opts ...Option) (*Server, error) {
	s := &Server{src: src, log: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	pc, l, err := listen(ctx, addr)
	if err != nil {
		return nil, fmt.Errorf("dns server on %s: %w", addr, err)
	}
	s.addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(s.serve)
	s.udp = &dns.Server{PacketConn: pc, Handler: h}
	s.tcp = &dns.Server{Listener: l, Handler: h}
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go func() {
			if err := srv.ActivateAndServe(); err != nil {
				s.log.Error("dns server stopped", "addr", s.addr, "err", err)
			}
		}()
		select {
		case <-started:
		case <-ctx.Done():
			s.Close()
			return nil, fmt.Errorf("dns server on %s: starting: %w", s.addr, ctx.Err())
		}
	}
	s.log.Info("dns server listening", "addr", s.addr, "protocols", "udp,tcp")
	return s, nil
}

// listen binds UDP and then TCP on the port UDP got.
func listen(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	var lc net.ListenConfig
	for attempt := 1; ; attempt++ {
		pc, err := lc.ListenPacket(ctx, "udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("listening on udp: %w", err)
		}
		l, err := lc.Listen(ctx, "tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		if _, port, _ := net.SplitHostPort(addr); port != "0" || attempt == bindAttempts {
			return nil, nil, fmt.Errorf("listening on tcp: %w", err)
		}
	}
}

// Addr is the host:port the server listens on, for UDP and TCP alike.
func (s *Server) Addr() string { return s.addr }

// Close stops both listeners. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.closeErr = errors.Join(s.udp.ShutdownContext(ctx), s.tcp.ShutdownContext(ctx))
		if s.closeErr != nil {
			s.closeErr = fmt.Errorf("dns server on %s: stopping: %w", s.addr, s.closeErr)
		}
	})
	return s.closeErr
}

var rcodes = map[string]int{
	route53.RcodeNoError:  dns.RcodeSuccess,
	route53.RcodeNXDomain: dns.RcodeNameError,
	route53.RcodeRefused:  dns.RcodeRefused,
	route53.RcodeServFail: dns.RcodeServerFailure,
}

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	m := s.answer(req)
	// UDP answers are cut to the size the client can take, setting TC so
	// that it retries over TCP.
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		size := dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil {
			size = max(size, int(opt.UDPSize()))
		}
		m.Truncate(size)
	}
	if err := w.WriteMsg(m); err != nil {
		s.log.Error("dns server: writing an answer", "client", w.RemoteAddr().String(), "err", err)
	}
}

func (s *Server) answer(req *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Compress = true
	if req.Opcode != dns.OpcodeQuery || len(req.Question) != 1 {
		m.SetRcode(req, dns.RcodeNotImplemented)
		return m
	}
	q := req.Question[0]
	rrType, known := dns.TypeToString[q.Qtype]
	if q.Qclass != dns.ClassINET || !known || q.Qtype == dns.TypeANY || q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR {
		m.SetRcode(req, dns.RcodeNotImplemented)
		return m
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ans := s.src.Answer(ctx, q.Name, rrType)
	m.Rcode = rcodes[ans.Rcode]
	if ans.Zone == "" {
		return m
	}
	m.Authoritative = true
	for _, r := range ans.Records {
		rr, err := toRR(r)
		if err != nil {
			s.log.Error("dns server: a record cannot be served", "name", r.Name, "type", r.Type, "value", r.Value, "err", err)
			m.Rcode = dns.RcodeServerFailure
			m.Answer = nil
			return m
		}
		m.Answer = append(m.Answer, rr)
	}
	// A negative answer carries the zone's SOA, whose last field bounds
	// how long resolvers cache it (RFC 2308).
	if len(m.Answer) == 0 && m.Rcode != dns.RcodeServerFailure {
		for _, r := range s.src.Answer(ctx, ans.Zone, "SOA").Records {
			if rr, err := toRR(r); err == nil {
				m.Ns = append(m.Ns, rr)
			}
		}
	}
	s.log.Debug("dns query", "name", q.Name, "type", rrType, "rcode", ans.Rcode, "answers", len(m.Answer))
	return m
}

// toRR parses a record in zone-file syntax, which is how Route 53 holds
// values (TXT quoted, MX with its preference).
func toRR(r route53.Record) (dns.RR, error) {
	ttl := int64(r.TTL / time.Second)
	return dns.NewRR(fmt.Sprintf("%s %d IN %s %s", dns.Fqdn(r.Name), ttl, r.Type, strings.TrimSpace(r.Value)))
}
