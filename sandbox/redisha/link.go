package redisha

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
)

// front is a node's public address: it forwards connections from the
// other region through the node's end of the cross-region link (a
// Toxiproxy proxy) and every other connection straight to the node.
type front struct {
	ln      net.Listener
	private string // the redis-server's own address
	// crossFrom is the other region's IP: connections from it cross the
	// link.
	crossFrom string
	proxy     *toxiproxy.Proxy
	// link is the proxy's address, kept from its first start: the
	// proxy rewrites its Listen field on every start, unsynchronised.
	link string

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// dialTimeout bounds a forwarded connection's dial; both ends are on this
// host, so only a stopped listener makes it slow.
const dialTimeout = time.Second

func newFront(ip, private, crossFrom string, server *toxiproxy.ApiServer, name string) (*front, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil, fmt.Errorf("listening on %s for redis node %s: %w", ip, name, err)
	}
	proxy := toxiproxy.NewProxy(server, "link-"+name, net.JoinHostPort(ip, "0"), private)
	if err := proxy.Start(); err != nil {
		ln.Close()
		return nil, fmt.Errorf("starting the cross-region link proxy to redis node %s at %s: %w", name, private, err)
	}
	f := &front{ln: ln, private: private, crossFrom: crossFrom, proxy: proxy, link: proxy.Listen, conns: map[net.Conn]struct{}{}}
	f.wg.Go(f.serve)
	return f, nil
}

func (f *front) addr() string { return f.ln.Addr().String() }

func (f *front) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.wg.Go(func() { f.forward(c) })
	}
}

func (f *front) forward(c net.Conn) {
	to := f.private
	if host, _, _ := net.SplitHostPort(c.RemoteAddr().String()); host == f.crossFrom {
		to = f.link
	}
	up, err := net.DialTimeout("tcp", to, dialTimeout)
	if err != nil {
		// The node is down or the link is cut: the client sees its
		// connection closed, as behind a load balancer.
		c.Close()
		return
	}
	if !f.track(c, up) {
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	// Either side ending ends both: Redis has no half-closed exchanges.
	c.Close()
	up.Close()
	<-done
	f.mu.Lock()
	delete(f.conns, c)
	delete(f.conns, up)
	f.mu.Unlock()
}

// track registers a forwarded pair so that close can end it; it refuses
// once the front is closed.
func (f *front) track(conns ...net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		f.conns[c] = struct{}{}
	}
	return true
}

func (f *front) close() {
	f.mu.Lock()
	f.closed = true
	f.ln.Close()
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.proxy.Stop()
	f.wg.Wait()
}

// toxic is a Toxiproxy toxic as its JSON API takes it, the one way the
// library adds a toxic to a running proxy.
type toxic struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Stream     string  `json:"stream"`
	Toxicity   float32 `json:"toxicity"`
	Attributes any     `json:"attributes"`
}

func (f *front) addToxic(t toxic) error {
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if _, err := f.proxy.Toxics.AddToxicJson(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("adding toxic %s to the link into %s: %w", t.Name, f.private, err)
	}
	return nil
}

func (f *front) removeToxic(ctx context.Context, name string) error {
	if err := f.proxy.Toxics.RemoveToxic(ctx, name); err != nil {
		return fmt.Errorf("removing toxic %s from the link into %s: %w", name, f.private, err)
	}
	return nil
}
