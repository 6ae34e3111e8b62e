package html_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/html"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
)

// screenshotEnv names the file the recorded run's first screen is written
// to; make report-screenshot sets it.
const screenshotEnv = "GAMEDAY_SCREENSHOT"

// viewport is the first screen a person sees.
const viewportWidth, viewportHeight = 1280, 900

// browser starts a headless Chromium, or skips saying what is missing.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("requires chromium to open report.html headless (Debian's package chromium: apt-get install -y chromium, as .ci/run and make gameday do); none on PATH")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path))
	if os.Geteuid() == 0 {
		// Chromium refuses to run as root inside its sandbox.
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	return alloc
}

// visit is what a page did when opened with the network blocked.
type visit struct {
	// left are the requests for anything but the page's own file: none
	// of them reached the network, each was failed as it was made.
	left       []string
	exceptions []string
	charts     []chartState
	errors     string
	screen     []byte
}

type chartState struct {
	ID     string  `json:"id"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Paths  int     `json:"paths"`
	Texts  int     `json:"texts"`
}

// local says whether a URL stays on this machine without a request: the
// page's own file or inline data.
func local(url string) bool {
	return strings.HasPrefix(url, "file://") || strings.HasPrefix(url, "data:")
}

// open loads the page in a new tab with every request paused by the
// DevTools Fetch domain: local ones continue, any other is recorded and
// failed, so it never leaves the machine. It then reads what the charts
// drew and takes the first screen.
func open(t *testing.T, alloc context.Context, page string) visit {
	t.Helper()
	tab, cancel := chromedp.NewContext(alloc)
	defer cancel()
	var mu sync.Mutex
	var v visit
	record := func(list *[]string, s string) {
		mu.Lock()
		defer mu.Unlock()
		*list = append(*list, s)
	}
	paused := chromedp.Events(tab, fetch.RequestPaused)
	sent := chromedp.Events(tab, network.RequestWillBeSent)
	thrown := chromedp.Events(tab, runtime.ExceptionThrown)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if local(ev.Request.URL) {
				chromedp.Call(tab, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			record(&v.left, ev.Request.URL)
			chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	})
	// What Fetch does not pause (a WebSocket, say) still shows here.
	wg.Go(func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			if !local(ev.Request.URL) {
				record(&v.left, "sent "+ev.Request.URL)
			}
		}
	})
	wg.Go(func() {
		for ev, err := range thrown {
			if err != nil {
				return
			}
			record(&v.exceptions, ev.ExceptionDetails.Text+" "+ev.ExceptionDetails.URL)
		}
	})
	ctx, stop := context.WithTimeout(tab, time.Minute)
	defer stop()
	for _, step := range []func() error{
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error {
			_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
			return err
		},
		func() error {
			return chromedp.Do(ctx, chromedp.EmulateViewport(viewportWidth, viewportHeight), chromedp.Navigate("file://"+page))
		},
		func() (err error) {
			v.charts, err = chromedp.Run(ctx, chromedp.Evaluate[[]chartState](`Array.from(document.querySelectorAll('.chart')).map(el => {
				const svg = el.querySelector('svg'), r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
				return {id: el.id, width: r.width, height: r.height,
					paths: svg ? Array.from(svg.querySelectorAll('path')).filter(p => (p.getAttribute('d') || '').length > 0).length : 0,
					texts: svg ? svg.querySelectorAll('text').length : 0};
			})`))
			return err
		},
		func() (err error) {
			v.errors, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.chartErrors || ""`))
			return err
		},
		func() (err error) { v.screen, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); return err },
	} {
		if err := step(); err != nil {
			t.Fatalf("opening %s in Chromium: %v", page, err)
		}
	}
	cancel()
	wg.Wait()
	return v
}

// The recorded run's report, and the synthetic run's with every kind of
// event, open in Chromium with the network blocked: no request leaves the
// page, no script fails, and every experiment that observed anything has
// a chart that drew. A control page that does reach for the network shows
// the blocking sees it.
func TestReportInChromium(t *testing.T) {
	alloc := browser(t)

	control := filepath.Join(t.TempDir(), "control.html")
	os.WriteFile(control, []byte(`<!DOCTYPE html><img src="https://cdn.example.com/chart.js"><script src="http://198.51.100.7/x.js"></script>`), 0o644)
	if v := open(t, alloc, control); len(v.left) < 2 {
		t.Fatalf("a page asking for two remote files was seen asking for %q: the blocking would miss a report that reaches out", v.left)
	}

	for _, tt := range []struct {
		name, dir string
		// minPaths is the least a chart of the run draws: its axes, its
		// series and their marks.
		minPaths int
	}{
		{"recorded", runtest.Copy(t, runtest.Recorded()), 20},
		{"synthetic", runtest.Synthetic(t), 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := runtest.Read(t, tt.dir)
			page := filepath.Join(tt.dir, folder.HTMLFile)
			var b bytes.Buffer
			if err := html.Render(&b, f); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			v := open(t, alloc, page)
			if len(v.left) > 0 {
				t.Errorf("the report asked the network for %q", v.left)
			}
			if len(v.exceptions) > 0 || (v.errors != "" && v.errors != "[]") {
				t.Errorf("scripts failed: %q; charts failed: %s", v.exceptions, v.errors)
			}
			want := 0
			for _, x := range folder.Experiments(f.Events) {
				if len(x.Events) > 0 {
					want++
				}
			}
			if len(v.charts) != want || want == 0 {
				t.Errorf("%d charts on the page, want %d (one per experiment that observed something)", len(v.charts), want)
			}
			for _, c := range v.charts {
				if c.Width < 600 || c.Height < 100 || c.Paths < tt.minPaths || c.Texts == 0 {
					t.Errorf("chart %s drew %d paths and %d texts in %.0fx%.0f px; want at least %d paths in a visible SVG", c.ID, c.Paths, c.Texts, c.Width, c.Height, tt.minPaths)
				}
			}
			img, err := png.Decode(bytes.NewReader(v.screen))
			if err != nil {
				t.Fatalf("the screenshot: %v", err)
			}
			if b := img.Bounds(); b.Dx() != viewportWidth || b.Dy() != viewportHeight {
				t.Errorf("the first screen is %dx%d, want %dx%d", b.Dx(), b.Dy(), viewportWidth, viewportHeight)
			}
			if path := os.Getenv(screenshotEnv); path != "" && tt.name == "recorded" {
				if err := os.WriteFile(path, v.screen, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("the recorded run's first screen: %s", path)
			}
		})
	}
}
