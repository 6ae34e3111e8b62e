package targets_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

func TestPreflight(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/go":
			w.Write([]byte("ok"))
		case "/freeze":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("change freeze until Monday\n"))
		case "/slow":
			<-r.Context().Done()
		}
	}))
	defer srv.Close()
	tests := []struct {
		name string
		hook profile.Preflight
		// veto is what the refusal must say; "" lets the run go.
		veto string
	}{
		{"no hook", profile.Preflight{}, ""},
		{"a URL answering 200", profile.Preflight{URL: srv.URL + "/go"}, ""},
		{"a URL answering 503", profile.Preflight{URL: srv.URL + "/freeze"}, "preflight " + srv.URL + "/freeze vetoed the run: 503 Service Unavailable: change freeze until Monday"},
		{"a URL that does not answer in time", profile.Preflight{URL: srv.URL + "/slow", Timeout: 200 * time.Millisecond}, "vetoed the run: no answer:"},
		{"a URL nobody serves", profile.Preflight{URL: "http://127.0.0.1:9/"}, "vetoed the run: no answer:"},
		{"a command exiting 0 with the target set", profile.Preflight{Command: []string{"sh", "-c", `test "$GAMEDAY_TARGET" = staging`}}, ""},
		{"a command exiting 1", profile.Preflight{Command: []string{"sh", "-c", "echo change freeze until Monday; exit 1"}}, "preflight sh -c echo change freeze until Monday; exit 1 vetoed the run: exit 1: change freeze until Monday"},
		{"a command that does not answer in time", profile.Preflight{Command: []string{"sleep", "5"}, Timeout: 200 * time.Millisecond}, "vetoed the run: no answer within its timeout"},
		{"a command that is not there", profile.Preflight{Command: []string{"/nonexistent/freeze"}}, "vetoed the run: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := targets.Preflight(context.Background(), &profile.Profile{Name: "staging", Preflight: tt.hook})
			var veto *targets.Veto
			switch {
			case tt.veto == "" && err != nil:
				t.Errorf("vetoed: %v", err)
			case tt.veto != "" && (!errors.As(err, &veto) || !strings.Contains(err.Error(), tt.veto) || !strings.HasPrefix(err.Error(), "target staging: ")):
				t.Errorf("got %v, want a veto saying %q", err, tt.veto)
			}
		})
	}
}
