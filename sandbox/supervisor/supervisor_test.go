package supervisor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/internal/syncbuf"
	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/sandbox/state"
	"github.com/gameday-sre/gameday/spec"
)

var (
	buildOnce sync.Once
	taskBin   string
	buildErr  error
)

// taskProgram builds cmd/gameday-task once, without the race detector, so
// that the sandbox's tasks are the small program they are in production
// and a race-instrumented test does not slow every task process down.
func taskProgram(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the whole sandbox with real task processes; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gameday-task")
		if err != nil {
			buildErr = err
			return
		}
		taskBin = filepath.Join(dir, "gameday-task")
		if out, err := exec.Command("go", "build", "-o", taskBin, "../../cmd/gameday-task").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build cmd/gameday-task: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return taskBin
}

// sandboxUnderTest is a running sandbox and SDK clients of its primary
// region.
type sandboxUnderTest struct {
	eps   Endpoints
	ecs   *ecs.Client
	aas   *aas.Client
	clock *clock.Scaled
}

// startSandbox runs the whole sandbox, as `gameday sandbox up` does, on a
// clock at scale starting at start, with deviations, until the test ends.
func startSandbox(t *testing.T, scale float64, start time.Time, deviations ...string) *sandboxUnderTest {
	t.Helper()
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.New(p, scale, start)
	if err != nil {
		t.Fatal(err)
	}
	var devs []config.Deviation
	for _, d := range deviations {
		dev, err := config.ParseDeviation(d)
		if err != nil {
			t.Fatal(err)
		}
		devs = append(devs, dev)
	}
	if err := cfg.Apply(devs); err != nil {
		t.Fatal(err)
	}
	dir, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bin := taskProgram(t)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Config: cfg, Dir: dir, TaskCommand: []string{bin}, Log: &logs})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sandbox: %v", err)
		}
		if t.Failed() {
			t.Logf("sandbox log:\n%s", logs.String())
		}
	})
	s := &sandboxUnderTest{}
	deadline := time.After(60 * time.Second)
	for dir.ReadJSON(ReadyFile, &s.eps) != nil {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the sandbox ended before it was ready: %v", err)
		case <-deadline:
			t.Fatal("the sandbox was not ready within 60 s")
		case <-time.After(20 * time.Millisecond):
		}
	}
	awsCfg := aws.Config{
		Region: p.Regions.Primary.Name, Credentials: credentials.NewStaticCredentialsProvider("gameday", "gameday", ""),
		BaseEndpoint: aws.String(s.eps.AWS),
	}
	s.ecs, s.aas = ecs.NewFromConfig(awsCfg), aas.NewFromConfig(awsCfg)
	s.clock, err = clock.NewScaled(start, scale)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const (
	apiResource = "service/main-cluster/api-service"
	aiResource  = "service/main-cluster/ai-service"
)

// desired is a service's desired count, read through ECS.
func (s *sandboxUnderTest) desired(t *testing.T, service string) int {
	t.Helper()
	out, err := s.ecs.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("main-cluster"), Services: []string{service}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %v", service, err)
	}
	return int(out.Services[0].DesiredCount)
}

// activities are a resource's successful scaling activities, oldest first.
func (s *sandboxUnderTest) activities(t *testing.T, resource string) []aastypes.ScalingActivity {
	t.Helper()
	var out []aastypes.ScalingActivity
	p := aas.NewDescribeScalingActivitiesPaginator(s.aas, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(resource)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.ScalingActivities {
			if a.StatusCode == aastypes.ScalingActivityStatusCodeSuccessful {
				out = append([]aastypes.ScalingActivity{a}, out...)
			}
		}
	}
	return out
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s (real) waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// post sends a JSON body; status 0 if it could not.
func post(url, body string) int {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// --start-at moves every engine's clock: started just before 08:00 (or
// 20:00) on a Monday, the sandbox runs the API's scheduled actions at that
// platform minute, through to the service's desired count.
func TestScheduledScalingFollowsTheStartTime(t *testing.T) {
	for _, tc := range []struct {
		name, startAt, action string
		at                    time.Duration // after midnight
		min, max, desired     int
	}{
		{"business hours", "Mon 07:59", "business-hours-scaling", 8 * time.Hour, 4, 20, 4},
		{"night hours", "Mon 19:59", "night-hours-scaling", 20 * time.Hour, 2, 10, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, err := clock.ParseStart(tc.startAt, time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			s := startSandbox(t, 60, start)
			want := start.Truncate(24 * time.Hour).Add(tc.at)
			var ran *aastypes.ScalingActivity
			eventually(t, 15*time.Second, tc.action+" to run", func() bool {
				for _, a := range s.activities(t, apiResource) {
					if aws.ToString(a.Cause) == "scheduled action name "+tc.action+" was triggered" {
						ran = &a
						return true
					}
				}
				return false
			})
			if at := aws.ToTime(ran.StartTime); at.Before(want) || !at.Before(want.Add(time.Minute)) {
				t.Errorf("%s ran at platform %s, want within the minute of %s", tc.action, at, want)
			}
			out, err := s.aas.DescribeScalableTargets(context.Background(), &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{apiResource}})
			if err != nil || len(out.ScalableTargets) != 1 {
				t.Fatalf("DescribeScalableTargets: %v", err)
			}
			if st := out.ScalableTargets[0]; int(aws.ToInt32(st.MinCapacity)) != tc.min || int(aws.ToInt32(st.MaxCapacity)) != tc.max {
				t.Errorf("api min %d max %d, want %d and %d", aws.ToInt32(st.MinCapacity), aws.ToInt32(st.MaxCapacity), tc.min, tc.max)
			}
			if got := s.desired(t, "api-service"); got != tc.desired {
				t.Errorf("api desired count %d, want %d", got, tc.desired)
			}
		})
	}
}

// load sends GET path to the primary load balancer at rate per real second
// until stop is called, counting answers by status (0: no answer).
type load struct {
	mu     sync.Mutex
	counts map[int]int
	stop   chan struct{}
	wg     sync.WaitGroup
}

func startLoad(url string, rate int) *load {
	l := &load{counts: map[int]int{}, stop: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	l.wg.Go(func() {
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-tick.C:
			}
			l.wg.Go(func() {
				code := 0
				if resp, err := client.Get(url); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				l.mu.Lock()
				l.counts[code]++
				l.mu.Unlock()
			})
		}
	})
	return l
}

// end stops the load and returns how many answers were not 200, of all.
func (l *load) end() (failed, all int) {
	close(l.stop)
	l.wg.Wait()
	for code, n := range l.counts {
		all += n
		if code != http.StatusOK {
			failed += n
		}
	}
	return failed, all
}

// StopTask under steady load: a clean sandbox drains the task, and the
// load sees no error; without draining (api.draining=absent), the dead
// task's target takes requests until its health checks fail it.
func TestStopTaskUnderLoad(t *testing.T) {
	for _, tc := range []struct {
		deviations []string
		wantErrors bool
		wantExit   int32
	}{
		{nil, false, 0},
		{[]string{"api.draining=absent"}, true, 137},
	} {
		t.Run(fmt.Sprint(tc.deviations), func(t *testing.T) {
			s := startSandbox(t, 60, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), tc.deviations...)
			ctx := context.Background()
			l := startLoad(s.eps.LoadBalancers["us-east-1"]+"/v1/documents/doc-1", 20)
			list, err := s.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("main-cluster"), ServiceName: aws.String("api-service")})
			if err != nil || len(list.TaskArns) == 0 {
				t.Fatalf("ListTasks: %v", err)
			}
			victim := list.TaskArns[0]
			// A platform minute of load before the stop and three after,
			// past the health checks' 60 s to fail a dead target.
			s.clock.Sleep(ctx, time.Minute)
			if _, err := s.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String("main-cluster"), Task: aws.String(victim), Reason: aws.String("gameday: stop 1 of api-service")}); err != nil {
				t.Fatal(err)
			}
			s.clock.Sleep(ctx, 3*time.Minute)
			failed, all := l.end()
			t.Logf("%d of %d requests failed", failed, all)
			if got := failed > 0; got != tc.wantErrors {
				t.Errorf("%d of %d requests failed; want errors: %v", failed, all, tc.wantErrors)
			}
			out, err := s.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("main-cluster"), Tasks: []string{victim}})
			if err != nil || len(out.Tasks) != 1 {
				t.Fatalf("DescribeTasks: %v", err)
			}
			tk := out.Tasks[0]
			if aws.ToString(tk.LastStatus) != "STOPPED" || tk.StopCode != "UserInitiated" || aws.ToString(tk.StoppedReason) != "gameday: stop 1 of api-service" ||
				aws.ToInt32(tk.Containers[0].ExitCode) != tc.wantExit {
				t.Errorf("stopped task: %s, %s, %q, exit %d; want STOPPED, UserInitiated, the reason given, exit %d",
					aws.ToString(tk.LastStatus), tk.StopCode, aws.ToString(tk.StoppedReason), aws.ToInt32(tk.Containers[0].ExitCode), tc.wantExit)
			}
			eventually(t, 10*time.Second, "api-service to run 2 tasks again", func() bool {
				out, err := s.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("main-cluster"), Services: []string{"api-service"}})
				return err == nil && out.Services[0].RunningCount == 2
			})
		})
	}
}

// The AI service scales out on AIServiceQueueDepth when the queue is filled
// through the API's public route, and back in to its minimum once it is
// empty.
func TestAIScalesOnTheQueueFilledThroughTheAPI(t *testing.T) {
	s := startSandbox(t, 60, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
	// 2 KiB of text is half a second of an AI task (2 vCPU at 2048 bytes
	// per vCPU-second): two tasks drain 4 items a real second. 60 items
	// at once keep the queue above the target of 10 for the 3 minutes
	// AlarmHigh needs.
	body := fmt.Sprintf(`{"text": %q}`, strings.Repeat("lorem ipsum ", 2048/12))
	url := s.eps.LoadBalancers["us-east-1"] + "/v1/documents/doc-%d/enhance"
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := range 60 {
		wg.Go(func() {
			code := post(fmt.Sprintf(url, i), body)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[http.StatusAccepted] != 60 {
		t.Fatalf("enqueue answers %v, want 60 × 202", codes)
	}
	var out aastypes.ScalingActivity
	eventually(t, 20*time.Second, "the AI service to scale out on its queue", func() bool {
		for _, a := range s.activities(t, aiResource) {
			if strings.Contains(aws.ToString(a.Cause), "ai-service-AlarmHigh-") {
				out = a
				return true
			}
		}
		return false
	})
	if n := s.desired(t, "ai-service"); n <= 2 {
		t.Errorf("ai desired count %d after %q, want above 2", n, aws.ToString(out.Description))
	}
	eventually(t, 60*time.Second, "the AI service to scale in to its minimum once the queue is empty", func() bool {
		return s.desired(t, "ai-service") == 2
	})
	if in := s.activities(t, aiResource); !strings.Contains(aws.ToString(in[len(in)-1].Cause), "ai-service-AlarmLow-") {
		t.Errorf("the last activity %q, want a scale-in caused by AlarmLow", aws.ToString(in[len(in)-1].Cause))
	}
}

// With api.policy=step, requests above 1,000 per target per minute scale
// the API out through its step policy, and no load scales it back in.
func TestAPIStepScalingDeviation(t *testing.T) {
	s := startSandbox(t, 60, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), "api.policy=step")
	// 60 requests a real second on 2 tasks: 1,800 per target per platform
	// minute, with the request counts weighted by the 60x clock.
	l := startLoad(s.eps.LoadBalancers["us-east-1"]+"/v1/documents/doc-1", 60)
	eventually(t, 20*time.Second, "the API to scale out", func() bool { return s.desired(t, "api-service") > 2 })
	if failed, all := l.end(); failed > 0 {
		t.Errorf("%d of %d requests failed", failed, all)
	}
	acts := s.activities(t, apiResource)
	if len(acts) == 0 || aws.ToString(acts[0].Cause) != "monitor alarm api-service-RequestCountPerTarget-scale-out in state ALARM triggered policy api-request-count-scale-out" {
		t.Fatalf("activities %+v, want the scale-out alarm's first", acts)
	}
	eventually(t, 60*time.Second, "the API to scale in to 2 without load", func() bool { return s.desired(t, "api-service") == 2 })
	acts = s.activities(t, apiResource)
	if last := aws.ToString(acts[len(acts)-1].Cause); last != "monitor alarm api-service-RequestCountPerTarget-scale-in in state ALARM triggered policy api-request-count-scale-in" {
		t.Errorf("the last activity's cause %q, want the scale-in alarm", last)
	}
}
