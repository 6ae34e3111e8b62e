package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/internal/syncbuf"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/timeline"
)

// The tests run the platform at 60x, as the sandbox does: a platform minute,
// hence a load window, is one real second.
const testScale = 60

// platformStart is on a minute, so the first window is nearly whole.
var platformStart = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func scaledClock(t *testing.T) *clock.Scaled {
	t.Helper()
	c, err := clock.NewScaled(platformStart, testScale)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// server is a loopback HTTP server that counts requests and answers each
// after delay, or when the client gives up.
func server(t *testing.T, delay time.Duration) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	return s, &n
}

func TestRunRecordsWindows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		profile Profile
		// planned is each whole window's planned rate.
		planned []float64
	}{
		{"steady", Steady(42, 3*time.Minute), []float64{42, 42, 42}},
		{"ramp", Ramp(20, 80, 3*time.Minute), []float64{30, 50, 70}},
		{"step", Step(Level{20, time.Minute}, Level{60, time.Minute}, Level{40, time.Minute}), []float64{20, 60, 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, served := server(t, 0)
			var file syncbuf.Buffer
			log := timeline.New(&file)
			a, err := NewAttacker(scaledClock(t), Timeline(log))
			if err != nil {
				t.Fatal(err)
			}
			target := Target{Service: "frontend", URL: srv.URL + "/health"}
			sum, err := a.Run(context.Background(), target, tc.profile)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			checkSummary(t, sum, tc.profile, served.Load())
			checkTimeline(t, file.Bytes(), sum)
			whole := wholeWindows(sum)
			if len(whole) != len(tc.planned) {
				t.Fatalf("%d whole windows, want %d: %v", len(whole), len(tc.planned), sum.Windows)
			}
			for i, w := range whole {
				// Windows are on the clock's minutes and the attack
				// starts just after one, so a ramp's plan is a little off.
				if math.Abs(w.Planned-tc.planned[i]) > tc.planned[i]*0.05 {
					t.Errorf("window %d planned %v req/s, want %v", i, w.Planned, tc.planned[i])
				}
				// Loose: only a machine stalled for a large part of a
				// real second would miss it.
				if w.Rate < w.Planned/2 || w.Rate > w.Planned*1.5 {
					t.Errorf("window %d delivered %v req/s of %v planned", i, w.Rate, w.Planned)
				}
			}
			if short := sum.Shortfall(0.5); len(short) > 0 {
				t.Errorf("short windows on an idle loopback server: %v", short)
			}
		})
	}
}

// wholeWindows drops the slivers an attack leaves before and after the
// clock's minutes.
func wholeWindows(s *Summary) []Window {
	var out []Window
	for _, w := range s.Windows {
		if time.Duration(w.Duration) > DefaultPeriod-time.Second {
			out = append(out, w)
		}
	}
	return out
}

// checkSummary checks what holds for every attack: the windows tile the
// attack in order and account for every request, which the server saw.
func checkSummary(t *testing.T, s *Summary, p Profile, served int64) {
	t.Helper()
	if got := s.End.Sub(s.Start); got != p.Duration() {
		t.Errorf("attack lasted %v of platform time, want %v", got, p.Duration())
	}
	at, total := s.Start, int64(0)
	for i, w := range s.Windows {
		if !w.Start.Equal(at) || w.State != timeline.Finished || w.Service != s.Target.Service || w.Target != s.Target.URL {
			t.Fatalf("window %d: %+v, want one starting %v for %s", i, w, at, s.Target.URL)
		}
		at = at.Add(time.Duration(w.Duration))
		total += w.Requests
		if w.Requests > 0 && (w.StatusCodes["200"] != int(w.Requests) || w.Success != 1 || w.P99 <= 0) {
			t.Errorf("window %d: %d requests, codes %v, success %v, p99 %v", i, w.Requests, w.StatusCodes, w.Success, w.P99)
		}
	}
	if !at.Equal(s.End) {
		t.Errorf("windows end at %v, attack at %v", at, s.End)
	}
	if total != int64(s.Metrics.Requests) || total != served {
		t.Errorf("windows count %d requests, metrics %d, server %d", total, s.Metrics.Requests, served)
	}
}

func checkTimeline(t *testing.T, file []byte, s *Summary) {
	t.Helper()
	events, err := timeline.Read(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("read timeline: %v", err)
	}
	if len(events) != len(s.Windows) {
		t.Fatalf("%d events on the timeline, %d windows", len(events), len(s.Windows))
	}
	for i, ev := range events {
		w := s.Windows[i]
		lw, ok := ev.Data.(timeline.LoadWindow)
		if !ok || !ev.At.Equal(w.Start.Add(time.Duration(w.Duration))) {
			t.Fatalf("event %d: %v at %v, want a load window ending %v", i, ev.Kind(), ev.At, w.Start.Add(time.Duration(w.Duration)))
		}
		if lw.Requests != w.Requests || lw.Rate != w.Rate || lw.Planned != w.Planned || lw.StatusCodes["200"] != w.StatusCodes["200"] {
			t.Errorf("event %d: %+v, summary window %+v", i, lw, w.LoadWindow)
		}
	}
}

// TestRunShortfall makes the attacker fall short: two workers against a
// server that takes 100ms can send 20 req/s, a tenth of the plan. Every
// window must say so, and the timeline must show it.
func TestRunShortfall(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, 100*time.Millisecond)
	var file syncbuf.Buffer
	a, err := NewAttacker(scaledClock(t), Workers(2), MaxWorkers(2), Timeline(timeline.New(&file)))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := a.Run(context.Background(), Target{Service: "api", URL: srv.URL}, Steady(200, 2*time.Minute))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	short := sum.Shortfall(0.1)
	for _, w := range wholeWindows(sum) {
		if w.Rate > 40 || !w.Short(0.1) {
			t.Errorf("window %v: delivered %.1f req/s of %.0f with 2 workers, not reported short", w.Start, w.Rate, w.Planned)
		}
	}
	if len(short) < len(wholeWindows(sum)) || len(short) == 0 {
		t.Fatalf("Shortfall = %v", short)
	}
	checkTimeline(t, file.Bytes(), sum)
	if !strings.Contains(short[0].String(), "of 200.0 planned") {
		t.Errorf("String = %q", short[0])
	}
}

// TestRunResultsFile checks that raw results are written as `vegeta attack`
// writes them, one stream for concurrent runs of one Attacker, each result
// named by its service.
func TestRunResultsFile(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, 0)
	var results syncbuf.Buffer
	a, err := NewAttacker(scaledClock(t), Results(&results))
	if err != nil {
		t.Fatal(err)
	}
	sums := make([]*Summary, 2)
	var wg sync.WaitGroup
	for i, svc := range []string{"frontend", "api"} {
		wg.Go(func() {
			var err error
			sums[i], err = a.Run(context.Background(), Target{Service: svc, URL: srv.URL + "/" + svc}, Steady(30, time.Minute))
			if err != nil {
				t.Errorf("Run %s: %v", svc, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	counts := map[string]uint64{}
	dec := vegeta.NewDecoder(bytes.NewReader(results.Bytes()))
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode result %d: %v", len(counts), err)
		}
		if r.Code != 200 || !strings.HasSuffix(r.URL, "/"+r.Attack) || len(r.Body) != 0 {
			t.Fatalf("result %+v", r)
		}
		counts[r.Attack]++
	}
	if counts["frontend"] != sums[0].Metrics.Requests || counts["api"] != sums[1].Metrics.Requests || len(counts) != 2 {
		t.Fatalf("results file holds %v, runs sent %d and %d", counts, sums[0].Metrics.Requests, sums[1].Metrics.Requests)
	}
}

// TestRunCancel checks that a cancelled attack returns promptly, even while
// requests hang or the plan's next request is far off, and accounts for
// the load up to the cancellation.
func TestRunCancel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		delay   time.Duration
		profile Profile
		// answered: requests are answered before the cancellation.
		answered bool
	}{
		{"requests hang", time.Hour, Steady(20, time.Hour), false},
		{"next request an hour away", 0, Step(Level{20, time.Minute}, Level{0, time.Hour}, Level{20, time.Minute}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := server(t, tc.delay)
			a, err := NewAttacker(scaledClock(t))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			defer cancel()
			began := time.Now()
			sum, err := a.Run(ctx, Target{URL: srv.URL}, tc.profile)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Run = %v, want the context's error", err)
			}
			// The hour-long profiles last a real minute at 60x.
			if took := time.Since(began); took > 20*time.Second {
				t.Fatalf("cancelled Run took %v", took)
			}
			if d := sum.End.Sub(sum.Start); d <= 0 || d >= tc.profile.Duration() {
				t.Fatalf("cancelled attack lasted %v of %v", d, tc.profile.Duration())
			}
			if len(sum.Windows) == 0 || (tc.answered && sum.Metrics.Requests == 0) {
				t.Fatalf("nothing accounted for: %v", sum)
			}
		})
	}
}

// TestRunOnlyGivenURL checks that a redirect is reported, not followed.
func TestRunOnlyGivenURL(t *testing.T) {
	t.Parallel()
	elsewhere, hits := server(t, 0)
	srv := httptest.NewServer(http.RedirectHandler(elsewhere.URL, http.StatusFound))
	t.Cleanup(srv.Close)
	a, err := NewAttacker(scaledClock(t))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := a.Run(context.Background(), Target{URL: srv.URL}, Steady(20, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 0 || sum.Metrics.StatusCodes["302"] == 0 {
		t.Fatalf("redirect target got %d requests; codes %v", n, sum.Metrics.StatusCodes)
	}
}

// TestRunMax checks vegeta's max-rate mode: no plan, so never short.
func TestRunMax(t *testing.T) {
	t.Parallel()
	srv, served := server(t, 0)
	a, err := NewAttacker(scaledClock(t), Workers(4), MaxWorkers(4))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := a.Run(context.Background(), Target{URL: srv.URL}, Max(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, sum, Max(30*time.Second), served.Load())
	if sum.Metrics.Requests < 10 || len(sum.Shortfall(0)) > 0 {
		t.Fatalf("max rate: %v, short %v", sum, sum.Shortfall(0))
	}
	for _, w := range sum.Windows {
		if w.Planned != 0 {
			t.Errorf("window %v planned %v under Max", w.Start, w.Planned)
		}
	}
}

func TestRunRejects(t *testing.T) {
	a, err := NewAttacker(clock.Real())
	if err != nil {
		t.Fatal(err)
	}
	ok := Target{URL: "http://127.0.0.1:1/"}
	for _, tc := range []struct {
		name    string
		target  Target
		profile Profile
		want    string
	}{
		{"relative URL", Target{URL: "/health"}, Steady(1, time.Minute), "absolute"},
		{"other scheme", Target{URL: "ftp://127.0.0.1/"}, Steady(1, time.Minute), "absolute"},
		{"empty profile", ok, nil, "empty profile"},
		{"max unbounded", ok, Max(time.Minute), "MaxWorkers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := a.Run(context.Background(), tc.target, tc.profile); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

type fakeClock struct{ clock.Clock }

func TestNewAttacker(t *testing.T) {
	for _, tc := range []struct {
		name string
		clk  clock.Clock
		opts []Option
		want string // error, or String's text
	}{
		{"defaults", clock.Real(), nil, "load: scale=1 workers=10 max-workers=unbounded connections=10000 max-connections=unbounded timeout=30s keepalive=true max-body=0 period=1m0s timeline=false results=false"},
		{"options", scaledClock(t), []Option{Workers(2), MaxWorkers(8), Connections(8), MaxConnections(8), Timeout(0), KeepAlive(false), MaxBody(-1), Period(time.Hour), Results(io.Discard)},
			"load: scale=60 workers=2 max-workers=8 connections=8 max-connections=8 timeout=unbounded keepalive=false max-body=-1 period=1h0m0s timeline=false results=true"},
		{"nil clock", nil, nil, "does not report its scale"},
		{"clock without scale", fakeClock{}, nil, "does not report its scale"},
		{"workers above max", clock.Real(), []Option{Workers(4), MaxWorkers(2)}, "below workers"},
		{"zero period", clock.Real(), []Option{Period(0)}, "period"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewAttacker(tc.clk, tc.opts...)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = a.String()
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRunRealClock runs on real time, as against staging: windows are real
// minutes and the plan counts real seconds.
func TestRunRealClock(t *testing.T) {
	t.Parallel()
	srv, served := server(t, 0)
	a, err := NewAttacker(clock.Real())
	if err != nil {
		t.Fatal(err)
	}
	p := Steady(40, 500*time.Millisecond)
	sum, err := a.Run(context.Background(), Target{URL: srv.URL}, p)
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, sum, p, served.Load())
	if n := sum.Metrics.Requests; n < 10 || n > 21 {
		t.Fatalf("%d requests, plan 20", n)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestRunRecordingFails checks that an attack whose evidence cannot be
// written stops, and says why.
func TestRunRecordingFails(t *testing.T) {
	t.Parallel()
	closed := timeline.New(io.Discard)
	closed.Close()
	for _, tc := range []struct {
		name string
		opt  Option
		want error
	}{
		{"results", Results(failingWriter{}), nil},
		{"timeline", Timeline(closed), timeline.ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := server(t, 0)
			a, err := NewAttacker(scaledClock(t), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			// An hour at 60x: only stopping early ends it within the test.
			sum, err := a.Run(context.Background(), Target{URL: srv.URL}, Steady(50, time.Hour))
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || (tc.want == nil && !strings.Contains(err.Error(), "disk full")) {
				t.Fatalf("Run = %v", err)
			}
			if sum == nil || sum.End.Sub(sum.Start) >= time.Hour {
				t.Fatalf("attack not stopped: %v", sum)
			}
		})
	}
}

// With Dial, connections go where the dial function says: a name no
// system resolver knows reaches the server it maps to.
func TestRunDialsThroughOption(t *testing.T) {
	t.Parallel()
	srv, hits := server(t, 0)
	var dials atomic.Int64
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		if !strings.HasPrefix(address, "api.gameday.invalid:") {
			return nil, fmt.Errorf("dialled %s", address)
		}
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	a, err := NewAttacker(scaledClock(t), Dial(dial))
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	sum, err := a.Run(context.Background(), Target{URL: "http://api.gameday.invalid:" + port + "/"}, Steady(20, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if hits.Load() == 0 || dials.Load() == 0 || sum.Metrics.StatusCodes["200"] == 0 {
		t.Fatalf("%d dials, %d hits, codes %v; want every request through the dial function", dials.Load(), hits.Load(), sum.Metrics.StatusCodes)
	}
}
