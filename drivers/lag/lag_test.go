package lag

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)

func TestWorst(t *testing.T) {
	minutes := []Minute{
		{Minute: t0, Seconds: 30},
		{Minute: t0.Add(time.Minute), Seconds: 2},
		{Minute: t0.Add(2 * time.Minute), Seconds: 9},
		{Minute: t0.Add(3 * time.Minute), Seconds: 9},
		{Minute: t0.Add(4 * time.Minute), Seconds: 1},
	}
	for _, tt := range []struct {
		name     string
		from, to time.Time
		want     Minute
		found    bool
	}{
		{"a span without the late minute before it", t0.Add(90 * time.Second), t0.Add(5 * time.Minute), minutes[3], true},
		{"the minute the span starts in counts", t0.Add(30 * time.Second), t0.Add(2 * time.Minute), minutes[0], true},
		{"nothing after the span", t0.Add(4 * time.Minute), t0.Add(4 * time.Minute), minutes[4], true},
		{"a span the sandbox no longer remembers", t0.Add(-time.Hour), t0.Add(-time.Minute), Minute{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Worst(minutes, tt.from, tt.to)
			if ok != tt.found || !got.Minute.Equal(tt.want.Minute) || got.Seconds != tt.want.Seconds {
				t.Errorf("Worst = %+v, %v; want %+v, %v", got, ok, tt.want, tt.found)
			}
		})
	}
}

// The client decodes what a sandbox serves at Path and says which
// endpoint failed otherwise.
func TestMinutes(t *testing.T) {
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		want    int
		says    string
	}{
		{"the sandbox's lag", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != Path {
				http.NotFound(w, r)
				return
			}
			w.Write([]byte(`{"minutes":[{"minute":"2026-12-06T03:00:00Z","seconds":0.5},{"minute":"2026-12-06T03:01:00Z","seconds":13}],"lastSeconds":13,"worstSeconds":13}`))
		}, 2, ""},
		{"not a sandbox", http.NotFound, 0, "404"},
		{"garbage", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("<html>")) }, 0, "decoding"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			got, err := Client{Control: srv.URL}.Minutes(context.Background())
			if tt.says != "" {
				if err == nil || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), srv.URL) {
					t.Errorf("err = %v, want it to name %s and say %q", err, srv.URL, tt.says)
				}
				return
			}
			if err != nil || len(got) != tt.want || got[1].Late() != 13*time.Second {
				t.Errorf("Minutes = %+v, %v; want %d minutes, the last 13 s late", got, err, tt.want)
			}
		})
	}
}
