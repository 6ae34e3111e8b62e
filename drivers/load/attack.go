package load

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/gameday-sre/gameday/clock"
)

// Target is the one URL an attack requests, with the spec's id of the
// service behind it.
type Target struct {
	Service string
	URL     string
	// Method defaults to GET.
	Method string
	Header http.Header
	Body   []byte
}

func (t Target) name() string {
	if t.Service != "" {
		return t.Service
	}
	return t.URL
}

func (t Target) validate() error {
	u, err := url.Parse(t.URL)
	switch {
	case err != nil:
		return fmt.Errorf("load: target %s: %w", t.name(), err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return fmt.Errorf("load: target %s: URL %q must be absolute http or https", t.name(), t.URL)
	}
	return nil
}

// UserAgent is sent with every request whose Target does not set one, so
// that the platform's logs tell the harness's load from real users'.
const UserAgent = "gameday-load (vegeta)"

func (t Target) vegeta() vegeta.Target {
	m := t.Method
	if m == "" {
		m = http.MethodGet
	}
	h := t.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", UserAgent)
	}
	return vegeta.Target{Method: m, URL: t.URL, Header: h, Body: t.Body}
}

// Attacker runs load profiles on a target's clock. Its settings are fixed
// at NewAttacker; it can run any number of attacks, concurrently too.
type Attacker struct {
	clock clock.Clock
	scale float64
	cfg   config

	encMu sync.Mutex
	enc   vegeta.Encoder // nil without Results
	// encErr is the first failed write of results: the gob stream is
	// unreadable past it, so the Attacker writes no more.
	encErr error
}

// scaler is what a clock.Scaled offers to tell real from platform time.
type scaler interface{ Scale() float64 }

// NewAttacker returns an Attacker on clk, a clock.Real or a *clock.Scaled:
// the pacing needs the clock's scale, which other clocks do not report.
func NewAttacker(clk clock.Clock, opts ...Option) (*Attacker, error) {
	a := &Attacker{clock: clk, cfg: defaults()}
	switch c := clk.(type) {
	case scaler:
		a.scale = c.Scale()
	default:
		// Compared by type: a clock's value need not be comparable.
		if clk == nil || reflect.TypeOf(clk) != reflect.TypeOf(clock.Real()) {
			return nil, fmt.Errorf("load: clock %T does not report its scale (want clock.Real or a *clock.Scaled)", clk)
		}
		a.scale = 1
	}
	for _, o := range opts {
		o(&a.cfg)
	}
	if err := a.cfg.validate(); err != nil {
		return nil, err
	}
	if a.cfg.results != nil {
		a.enc = vegeta.NewEncoder(a.cfg.results)
	}
	return a, nil
}

// String describes the attacker's settings for reports.
func (a *Attacker) String() string {
	return fmt.Sprintf("load: scale=%s %s", num(a.scale), a.cfg)
}

// Run sends p's load to t and returns what it delivered. It returns when the
// profile is over or ctx is done; then the summary covers the load up to the
// cancellation and the error wraps ctx's. An error recording the results or
// the timeline stops the attack, since evidence would be missing.
func (a *Attacker) Run(ctx context.Context, t Target, p Profile) (*Summary, error) {
	if err := a.check(t, p); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load: attack on %s: %w", t.name(), err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tr := a.transport()
	defer tr.CloseIdleConnections()
	va := vegeta.NewAttacker(
		vegeta.Client(a.client(ctx, tr)),
		vegeta.Workers(a.cfg.workers),
		vegeta.MaxWorkers(a.cfg.maxWorkers),
		vegeta.MaxBody(a.cfg.maxBody),
	)
	stop := context.AfterFunc(ctx, func() { va.Stop() })
	defer stop()

	pl := newPlan(p, a.scale)
	w := newWindows(a, t, pl)
	results := va.Attack(vegeta.NewStaticTargeter(t.vegeta()), &pacer{plan: pl}, pl.real(pl.total), t.name())
	err := a.collect(ctx, results, w)
	va.Stop()
	if err != nil {
		cancel() // abort the requests in flight: their results go unrecorded
	} else {
		// The pacer ends the attack at the plan's last request, which may
		// come before the profile's end (a ramp down to 0, a pause):
		// the attack still lasts the profile.
		err = a.clock.Sleep(ctx, w.end.Sub(a.clock.Now()))
	}
	if ferr := w.finish(err != nil); err == nil {
		err = ferr
	}
	if err != nil {
		err = fmt.Errorf("load: attack on %s: %w", t.name(), err)
	}
	return w.summary(p), err
}

func (a *Attacker) check(t Target, p Profile) error {
	if err := t.validate(); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("load: target %s: %w", t.name(), err)
	}
	if p[len(p)-1].Unlimited() && a.cfg.maxWorkers == math.MaxUint64 {
		return fmt.Errorf("load: target %s: a max-rate profile needs MaxWorkers, or vegeta adds workers without end", t.name())
	}
	return nil
}

// collect feeds results to the windows until the attack ends or fails.
func (a *Attacker) collect(ctx context.Context, results <-chan *vegeta.Result, w *windows) error {
	done := ctx.Done()
	var idle <-chan time.Time // set once ctx is done
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return ctx.Err()
			}
			if err := a.record(r, w); err != nil {
				go drain(results)
				return err
			}
			if idle != nil {
				idle = time.After(drainGrace)
			}
		case <-done:
			done, idle = nil, time.After(drainGrace)
		case <-idle:
			go drain(results)
			return ctx.Err()
		}
	}
}

// drainGrace is how long, in real time, a cancelled attack keeps collecting
// results after the last one. Cancelling aborts the requests in flight, so
// their results come at once and count as sent; but vegeta's attack loop
// may be asleep until the plan's next hit, far off, before it closes the
// results, and Run does not wait for that.
const drainGrace = 250 * time.Millisecond

// drain receives what an attack Run no longer waits for, so that vegeta's
// goroutines can finish.
func drain(results <-chan *vegeta.Result) {
	for range results {
	}
}

func (a *Attacker) record(r *vegeta.Result, w *windows) error {
	if err := a.encode(r); err != nil {
		return err
	}
	return w.add(r)
}

func (a *Attacker) encode(r *vegeta.Result) error {
	if a.enc == nil {
		return nil
	}
	a.encMu.Lock()
	defer a.encMu.Unlock()
	if a.encErr != nil {
		return a.encErr
	}
	if err := a.enc.Encode(r); err != nil {
		a.encErr = fmt.Errorf("write results: %w", err)
		return a.encErr
	}
	return nil
}

// transport is a fresh connection pool per attack, so an attack starts cold
// and leaves nothing open behind it. It talks to the URL's host directly:
// no proxy from the environment, whose own limits would be what the attack
// measured, and HTTP/1.1 only, so connections are what a fleet of clients
// would open.
func (a *Attacker) transport() *http.Transport {
	dial := a.cfg.dial
	if dial == nil {
		dial = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	}
	return &http.Transport{
		DialContext:         dial,
		MaxIdleConnsPerHost: a.cfg.connections,
		MaxConnsPerHost:     a.cfg.maxConnections,
		DisableKeepAlives:   !a.cfg.keepAlive,
		IdleConnTimeout:     90 * time.Second,
		TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
		// Bodies are discarded, so decompressing them would be wasted:
		// the transport neither asks for gzip nor inflates it. A target
		// that wants compressed responses, as browsers get, says so in
		// its Header, and the body is then drained as it comes.
		DisableCompression: true,
	}
}

// client binds every request to the attack's context, which vegeta cannot
// do (it builds requests without one), so that cancelling an attack aborts
// the requests in flight instead of waiting out their timeout. Redirects
// are returned, not followed: traffic goes to the target's URL only.
func (a *Attacker) client(ctx context.Context, tr *http.Transport) *http.Client {
	return &http.Client{
		Transport: &boundTransport{base: tr, ctx: ctx, timeout: a.cfg.timeout},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// boundTransport gives each request the attack's context and the request
// timeout. It replaces http.Client.Timeout, which would otherwise give the
// request a context of its own that this one could not see.
type boundTransport struct {
	base    http.RoundTripper
	ctx     context.Context
	timeout time.Duration
}

func (t *boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := t.ctx, context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}
	res, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("timeout after %v: %w", t.timeout, err)
		}
		return nil, err
	}
	// The timeout covers reading the body too, as http.Client's does; the
	// timer is released when vegeta closes the body.
	res.Body = &cancelBody{ReadCloser: res.Body, cancel: cancel}
	return res, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
