// Package dns resolves the platform's public names as its clients do:
// through a chosen DNS server (the sandbox's, or a resolver the profile
// names on staging), honouring each answer's TTL on the target's clock.
// Dialer is a DialContext for the load driver's transport that resolves
// afresh for every new connection once the TTL has run out, so traffic
// through api.example.com follows a Route 53 failover when a real client
// would, and no sooner.
package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	"github.com/gameday-sre/gameday/clock"
)

// DefaultTimeout bounds one query, in real time.
const DefaultTimeout = 2 * time.Second

// Resolver asks one DNS server for a name's A records.
type Resolver struct {
	// Server is the DNS server's host:port.
	Server string
	// Net is "udp" (default) or "tcp".
	Net     string
	Timeout time.Duration
}

// Answer is a name's addresses and how long they may be kept.
type Answer struct {
	Addrs []netip.Addr
	TTL   time.Duration
}

// LookupA asks for the A records of name. A name with no records is an
// error that says so, as is any answer but NOERROR.
func (r Resolver) LookupA(ctx context.Context, name string) (Answer, error) {
	m := new(mdns.Msg)
	m.SetQuestion(mdns.Fqdn(name), mdns.TypeA)
	m.RecursionDesired = true
	c := &mdns.Client{Net: r.Net, Timeout: r.Timeout}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	in, _, err := c.ExchangeContext(ctx, m, r.Server)
	if err != nil {
		return Answer{}, fmt.Errorf("dns: asking %s for %s: %w", r.Server, name, err)
	}
	if in.Rcode != mdns.RcodeSuccess {
		return Answer{}, fmt.Errorf("dns: %s answers %s for %s", r.Server, mdns.RcodeToString[in.Rcode], name)
	}
	var a Answer
	for _, rr := range in.Answer {
		rec, ok := rr.(*mdns.A)
		if !ok {
			continue
		}
		addr, ok := netip.AddrFromSlice(rec.A.To4())
		if !ok {
			continue
		}
		ttl := time.Duration(rec.Hdr.Ttl) * time.Second
		if len(a.Addrs) == 0 || ttl < a.TTL {
			a.TTL = ttl
		}
		a.Addrs = append(a.Addrs, addr)
	}
	if len(a.Addrs) == 0 {
		return Answer{}, fmt.Errorf("dns: %s has no A record for %s", r.Server, name)
	}
	return a, nil
}

// Dialer dials host:port addresses, resolving the host through Resolver
// and keeping each answer for its TTL on Clock (platform time: a 60 s TTL
// is one real second at 60x). Addresses that are IPs are dialled as they
// are. It is safe for concurrent use.
type Dialer struct {
	Resolver Resolver
	Clock    clock.Clock
	// OnResolve, if not nil, is told of each fresh answer, for the
	// timeline: when the client's view of the name changed.
	OnResolve func(name string, a Answer, at time.Time)

	net   net.Dialer
	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	answer  Answer
	expires time.Time
}

// DialContext implements the dial function of an http.Transport.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return d.net.DialContext(ctx, network, address)
	}
	a, err := d.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, addr := range a.Addrs {
		conn, err := d.net.DialContext(ctx, network, net.JoinHostPort(addr.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("dns: dialling %s (%s): %w", address, addrsText(a.Addrs), errors.Join(errs...))
}

// Lookup is the answer the next connection to name would use.
func (d *Dialer) Lookup(ctx context.Context, name string) (Answer, error) {
	return d.lookup(ctx, name)
}

func (d *Dialer) lookup(ctx context.Context, name string) (Answer, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	now := d.now()
	d.mu.Lock()
	c, ok := d.cache[name]
	d.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.answer, nil
	}
	a, err := d.Resolver.LookupA(ctx, name)
	if err != nil {
		return Answer{}, err
	}
	d.mu.Lock()
	if d.cache == nil {
		d.cache = map[string]cached{}
	}
	d.cache[name] = cached{answer: a, expires: now.Add(a.TTL)}
	d.mu.Unlock()
	if d.OnResolve != nil {
		d.OnResolve(name, a, now)
	}
	return a, nil
}

func (d *Dialer) now() time.Time {
	if d.Clock == nil {
		return time.Now()
	}
	return d.Clock.Now()
}

func addrsText(addrs []netip.Addr) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}
