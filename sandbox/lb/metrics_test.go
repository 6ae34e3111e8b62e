package lb

import (
	"net/http"
	"testing"
	"time"
)

// Request counts are weighted by RequestWeight (1 by default, the
// clock's scale in the sandbox); host counts and latencies are not.
func TestMetricsPerMinute(t *testing.T) {
	for _, tc := range []struct {
		name   string
		weight float64 // configured; 0 is the default
		w      float64 // what each request counts for
	}{
		{"unweighted", 0, 1},
		{"weighted by a 60x clock", 60, 60},
	} {
		t.Run(tc.name, func(t *testing.T) { testMetricsPerMinute(t, tc.weight, tc.w) })
	}
}

func testMetricsPerMinute(t *testing.T, weight, w float64) {
	rec := &recorder{}
	l := startLB(t, rec, func(c *Config) { c.RequestWeight = weight })
	frontARN := groupARN(t, l, "tg-frontend")
	_, a := backend(t, "a", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	_, b := backend(t, "b", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	if err := l.RegisterTargets(frontARN, a, b); err != nil {
		t.Fatal(err)
	}
	waitState(t, l, frontARN, a, StateHealthy)
	waitState(t, l, frontARN, b, StateHealthy)

	const ok, fail, noTarget = 20, 4, 3
	for range ok {
		get(t, http.DefaultClient, l.URL(), "/")
	}
	for range fail {
		get(t, http.DefaultClient, l.URL(), "/fail")
	}
	for range noTarget {
		get(t, http.DefaultClient, l.URL(), "/v1/x") // tg-api has no targets: 503
	}

	lbDim := Dimension{"LoadBalancer", "app/main-alb/1234567890"}
	front := Dimension{"TargetGroup", "targetgroup/tg-frontend/aaaa"}
	api := Dimension{"TargetGroup", "targetgroup/tg-api/bbbb"}
	eventually(t, 5*time.Second, "every request to be published", func() bool {
		return sum(rec.find("RequestCount", lbDim)) == (ok+fail)*w && sum(rec.find("HTTPCode_ELB_5XX_Count", lbDim)) == noTarget*w
	})

	if got := sum(rec.find("RequestCount", front, lbDim)); got != (ok+fail)*w {
		t.Errorf("RequestCount of tg-frontend: %v, want %v", got, (ok+fail)*w)
	}
	if got := rec.find("RequestCount", api, lbDim); len(got) != 0 {
		t.Errorf("RequestCount of tg-api, which had no target to choose: %v, want none", got)
	}
	perTarget := rec.find("RequestCountPerTarget", front)
	if got := sum(perTarget); got != (ok+fail)*w/2 {
		t.Errorf("RequestCountPerTarget of tg-frontend summed over minutes: %v, want %v", got, (ok+fail)*w/2)
	}
	if got := sum(rec.find("RequestCountPerTarget", front, lbDim)); got != (ok+fail)*w/2 {
		t.Errorf("RequestCountPerTarget (TargetGroup, LoadBalancer): %v, want %v", got, (ok+fail)*w/2)
	}
	if got := sum(rec.find("HTTPCode_Target_5XX_Count", front, lbDim)); got != fail*w {
		t.Errorf("HTTPCode_Target_5XX_Count of tg-frontend: %v, want %v", got, fail*w)
	}
	if got := sum(rec.find("HTTPCode_Target_5XX_Count", lbDim)); got != fail*w {
		t.Errorf("HTTPCode_Target_5XX_Count of the load balancer: %v, want %v", got, fail*w)
	}
	latencies := rec.find("TargetResponseTime", front, lbDim)
	n := 0
	for _, d := range latencies {
		if d.Unit != UnitSeconds {
			t.Errorf("TargetResponseTime unit %q", d.Unit)
		}
		for _, v := range d.Values {
			n++
			if v <= 0 || v > 1 {
				t.Errorf("TargetResponseTime %v s: want a real loopback latency, above 0 and far below 1 s", v)
			}
		}
	}
	if n != ok+fail {
		t.Errorf("%d TargetResponseTime values, want one per answered request, %d", n, ok+fail)
	}

	// Every datum is stamped with the start of a platform minute, and each
	// minute's per-target count is its request count over the 2 targets.
	counts := map[time.Time]float64{}
	for _, d := range rec.find("RequestCount", front, lbDim) {
		if !d.At.Equal(d.At.Truncate(time.Minute)) {
			t.Errorf("timestamp %s is not the start of a minute", d.At)
		}
		counts[d.At] = d.Values[0]
	}
	for _, d := range perTarget {
		if d.Values[0] != counts[d.At]/2 {
			t.Errorf("minute %s: RequestCountPerTarget %v, RequestCount %v", d.At, d.Values[0], counts[d.At])
		}
	}

	// Host counts come every minute, for every group, traffic or not.
	eventually(t, 5*time.Second, "host counts of three minutes", func() bool {
		return len(rec.find("HealthyHostCount", api, lbDim)) >= 3
	})
	hh := rec.find("HealthyHostCount", front, lbDim)
	if last := hh[len(hh)-1]; last.Values[len(last.Values)-1] != 2 {
		t.Errorf("HealthyHostCount of tg-frontend: %v, want 2", last.Values)
	}
	if uh := rec.find("UnHealthyHostCount", front, lbDim); sum(uh) != 0 {
		t.Errorf("UnHealthyHostCount of tg-frontend: %v, want 0", sum(uh))
	}
	if got := rec.find("RequestCountPerTarget", api); len(got) != 0 {
		t.Errorf("RequestCountPerTarget of tg-api, which has no registered target: %v", got)
	}
	if got := rec.find("HTTPCode_ELB_5XX_Count", api, lbDim); len(got) != 0 {
		t.Errorf("HTTPCode_ELB_5XX_Count with a TargetGroup dimension, which AWS does not publish: %v", got)
	}
	for _, d := range rec.data {
		if d.Namespace != Namespace {
			t.Errorf("namespace %q", d.Namespace)
		}
	}
}
