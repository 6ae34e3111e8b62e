package ecs

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/lb"
)

// StopTask drains the task's target while its in-flight requests finish,
// then sends SIGTERM; the task stops with the reason given and is
// replaced.
func TestStopTaskDrainsThenStops(t *testing.T) {
	for _, tc := range []struct {
		name, reason, wantReason string
	}{
		{"reason given", "gameday: stop 1 of api-service", "gameday: stop 1 of api-service"},
		{"no reason", "", DefaultStopReason},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A deregistration delay of half an hour (3 s real) that only
			// the held request's end can cut short.
			e := newEnv(t, nil, func(c *lb.Config) {
				for i := range c.TargetGroups {
					c.TargetGroups[i].DeregistrationDelay = 30 * time.Minute
				}
			})
			e.createAPI(t, 2)
			ts := e.waitRunning(t, "api-service", 2)
			e.waitTargets(t, ts)
			victim, other := ts[0], ts[1]

			// One request in flight on each task.
			bodies := make(chan string, 2)
			for range 2 {
				go func() {
					code, body := fetch(e.lb.URL() + "/v1/hold")
					bodies <- fmt.Sprint(code, " ", body)
				}()
			}
			for _, tk := range ts {
				eventually(t, 5*time.Second, "a request held by "+tk.TaskArn, func() bool {
					_, body := fetch(tk.Endpoint + "/_test/held")
					return body == "1"
				})
			}

			out, err := e.cp.StopTask(StopTaskInput{Cluster: "main-cluster", Task: victim.TaskArn, Reason: tc.reason})
			if err != nil {
				t.Fatal(err)
			}
			if out.DesiredStatus != StatusStopped || out.StopCode != StopCodeUserInitiated || out.StoppedReason != tc.wantReason {
				t.Errorf("StopTask returned desiredStatus %s, stopCode %s, reason %q", out.DesiredStatus, out.StopCode, out.StoppedReason)
			}
			eventually(t, 5*time.Second, "the task to drain", func() bool {
				return e.task(t, victim.TaskArn).LastStatus == StatusDeactivating
			})
			// Draining: new requests go to the other task only, and the
			// process has had no signal yet.
			for range 6 {
				if code, body := fetch(e.lb.URL() + "/v1/x"); code != 200 || body != taskID(other) {
					t.Fatalf("a new request while draining: %d %q, want 200 from %s", code, body, taskID(other))
				}
			}
			if !alive(victim.PID) || e.task(t, victim.TaskArn).LastStatus != StatusDeactivating {
				t.Fatal("the process was stopped before its in-flight request finished")
			}

			// The in-flight request finishes; then SIGTERM, which the
			// task honours.
			fetchPost(victim.Endpoint + "/_test/release")
			if got := <-bodies; got != "200 "+taskID(victim) {
				t.Errorf("the in-flight request: %q, want 200 from the victim", got)
			}
			stopped := e.waitStopped(t, victim.TaskArn)
			if stopped.StopCode != StopCodeUserInitiated || stopped.StoppedReason != tc.wantReason {
				t.Errorf("stopCode %q, stoppedReason %q", stopped.StopCode, stopped.StoppedReason)
			}
			if c := stopped.Containers[0].ExitCode; c == nil || *c != 0 {
				t.Errorf("exit code %v, want 0: SIGTERM, which the task honours", deref(c))
			}
			fetchPost(other.Endpoint + "/_test/release")
			<-bodies

			now := e.waitRunning(t, "api-service", 2)
			if slices.ContainsFunc(now, func(tk Task) bool { return tk.TaskArn == victim.TaskArn }) {
				t.Fatal("the stopped task still counts as running")
			}
			e.waitTargets(t, now)
			s := e.service(t, "api-service")
			for _, prefix := range []string{
				"(service api-service) has begun draining connections on 1 tasks.",
				"(service api-service) deregistered 1 targets in (target-group " + e.tgARN + ")",
			} {
				if !hasMessage(s, prefix) {
					t.Errorf("no event %q in %q", prefix, messages(s))
				}
			}
			if hasMessage(s, "(service api-service) has stopped 1 running tasks") {
				t.Errorf("a user's stop reported as the scheduler's: %q", messages(s))
			}
		})
	}
}

// A task that ignores SIGTERM gets SIGKILL after its container's
// stopTimeout, or the cluster's default when the container sets none.
func TestStopTaskSIGKILLsAfterStopTimeout(t *testing.T) {
	for _, tc := range []struct {
		name      string
		container *int
		want      time.Duration
	}{
		{"the cluster's default", nil, DefaultStopTimeout},
		{"the container's stopTimeout", new(120), 120 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.StopTimeout = DefaultStopTimeout })
			e.stopTimeout = tc.container
			e.setExtra("api-service", "--ignore-term")
			e.createAPI(t, 1)
			ts := e.waitRunning(t, "api-service", 1)
			e.waitTargets(t, ts)
			if _, err := e.cp.StopTask(StopTaskInput{Cluster: "main-cluster", Task: ts[0].TaskArn}); err != nil {
				t.Fatal(err)
			}
			tk := e.waitStopped(t, ts[0].TaskArn)
			if c := tk.Containers[0].ExitCode; c == nil || *c != 137 {
				t.Errorf("exit code %v, want 137: the task ignored SIGTERM", deref(c))
			}
			// Nothing was in flight, so SIGTERM followed the stop request
			// at once; SIGKILL came the stop timeout later, in platform
			// time, give or take what a busy machine adds (90 s platform is
			// 150 ms real, and less than the two timeouts differ by).
			took := tk.StoppedAt.Sub(tk.StoppingAt)
			if took < tc.want || took > tc.want+90*time.Second {
				t.Errorf("stopped %s after the stop request, want the stop timeout %s", took, tc.want)
			}
		})
	}
}

// Under the deviation without draining, StopTask kills the process at once
// and its target keeps getting requests, which fail, until the load
// balancer's health checks take it out.
func TestStopTaskWithoutDraining(t *testing.T) {
	// Health checks five platform minutes (500 ms real) apart: a dead
	// target takes at least that long to fail two of them.
	e := newEnv(t, func(c *Config) { c.NoDraining = []string{"api-service"} }, func(c *lb.Config) {
		for i := range c.TargetGroups {
			c.TargetGroups[i].HealthCheck.Interval = 5 * time.Minute
		}
	})
	e.createAPI(t, 2)
	ts := e.waitRunning(t, "api-service", 2)
	e.waitTargets(t, ts)
	victim := ts[0]

	if _, err := e.cp.StopTask(StopTaskInput{Cluster: "main-cluster", Task: victim.TaskArn}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the killed process to be gone", func() bool { return !alive(victim.PID) })
	stopped := e.waitStopped(t, victim.TaskArn)
	if c := stopped.Containers[0].ExitCode; c == nil || *c != 137 {
		t.Errorf("exit code %v, want 137 (SIGKILL at once)", deref(c))
	}
	if stopped.StopCode != StopCodeUserInitiated {
		t.Errorf("stopCode %q", stopped.StopCode)
	}
	target := strings.TrimPrefix(victim.Endpoint, "http://")
	if !registered(t, e, target) {
		t.Fatal("the dead task's target left before its health checks failed it")
	}
	failures := 0
	for range 4 {
		if code, _ := fetch(e.lb.URL() + "/v1/x"); code == http.StatusBadGateway {
			failures++
		}
	}
	if failures != 2 {
		t.Errorf("%d of 4 requests failed while the dead target was registered, want 2 (its round-robin share)", failures)
	}
	eventually(t, 5*time.Second, "the health checks to take the dead target out", func() bool { return !registered(t, e, target) })
	for range 4 {
		if code, _ := fetch(e.lb.URL() + "/v1/x"); code != 200 {
			t.Fatalf("after the dead target left: %d", code)
		}
	}
	e.waitTargets(t, e.waitRunning(t, "api-service", 2))
}

func registered(t *testing.T, e *env, target string) bool {
	t.Helper()
	ths, err := e.lb.DescribeTargetHealth(e.tgARN)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(ths, func(th lb.TargetHealth) bool { return th.Target.String() == target })
}

func taskID(tk Task) string { return tk.TaskArn[strings.LastIndexByte(tk.TaskArn, '/')+1:] }

// fetch GETs url; code 0 if it could not.
func fetch(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func fetchPost(url string) {
	if resp, err := http.Post(url, "text/plain", nil); err == nil {
		resp.Body.Close()
	}
}
