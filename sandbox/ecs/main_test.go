package ecs

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/taskstats"
)

// fakeTaskEnv makes the test binary run fakeTask instead of the tests, so
// that the scheduler starts real processes that honour the task
// program's contract without depending on it.
const fakeTaskEnv = "GAMEDAY_ECS_FAKE_TASK"

func TestMain(m *testing.M) {
	if os.Getenv(fakeTaskEnv) == "1" {
		os.Exit(fakeTask(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeTask is a task process: it prints the listening line, keeps its
// stats file (its CPU busy every moment since it started with --busy,
// idle without),
// serves /health, answers other paths with its task id, exits with a code on
// POST /_test/exit?code=N, and ends on SIGTERM unless --ignore-term,
// finishing its in-flight requests first. GET /v1/hold is a request that
// stays in flight until POST /_test/release; GET /_test/held counts those
// in flight. --exit-early exits before listening.
func fakeTask(args []string) int {
	fs := flag.NewFlagSet("fake-task", flag.ContinueOnError)
	// The command line of a real task, of which the fake needs only part.
	fs.String("service", "", "")
	fs.Float64("vcpu", 0, "")
	fs.Int("memory-mib", 0, "")
	listen := fs.String("listen", "127.0.0.1:0", "")
	taskID := fs.String("task-id", "", "")
	busy := fs.Bool("busy", false, "")
	statsFile := fs.String("stats-file", "", "")
	ignoreTerm := fs.Bool("ignore-term", false, "")
	exitEarly := fs.Bool("exit-early", false, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *exitEarly {
		fmt.Fprintln(os.Stderr, "fake task: exiting before listening, as asked")
		return 1
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	started := time.Now()
	if *statsFile != "" {
		w, err := taskstats.Create(*statsFile, started)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// A CPU that never idles: work booked from the start to far
		// ahead, so that Busy is the time since the start whenever ECS
		// reads it. One write, exact at any read, where a record
		// refreshed on a ticker is as stale as the ticker is late under
		// load.
		if *busy {
			const ahead = 24 * time.Hour
			w.Store(taskstats.Record{Started: started, First: started, Work: ahead, Booked: started.Add(ahead)})
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("POST /_test/exit", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		os.Exit(code)
	})
	var held atomic.Int64
	release := make(chan struct{})
	mux.HandleFunc("GET /v1/hold", func(w http.ResponseWriter, _ *http.Request) {
		held.Add(1)
		defer held.Add(-1)
		<-release
		io.WriteString(w, *taskID)
	})
	mux.HandleFunc("GET /_test/held", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, held.Load()) })
	var releaseOnce sync.Once
	mux.HandleFunc("POST /_test/release", func(http.ResponseWriter, *http.Request) { releaseOnce.Do(func() { close(release) }) })
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, *taskID) })
	srv := &http.Server{Handler: mux}
	fmt.Printf("%shttp://%s\n", ListeningPrefix, ln.Addr())
	go srv.Serve(ln)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	for range term {
		if *ignoreTerm {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		return 0
	}
	return 0
}
