package ecs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gameday-sre/gameday/sandbox/lb"
)

// process is a task's OS process, leader of its own process group.
type process struct {
	pid    int
	url    string
	target lb.Target
	// exited is closed once the process has exited and been reaped;
	// exitCode is set before.
	exited   chan struct{}
	exitCode int

	mu sync.Mutex
	// gone is set once the process has exited: from then on its pid and
	// group id may be reused, so nothing is signalled any more.
	gone bool
}

// signal sends sig to the process group, unless the process is gone.
func (p *process) signal(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.gone {
		syscall.Kill(-p.pid, sig)
	}
}

func (p *process) ended() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// errStopped reports a start abandoned because the task was stopped or the
// cluster closed.
var errStopped = errors.New("stopped while starting")

// startProcess starts a task's process, records it, and waits, in real
// time, for its listening line and a passing /health. On error the
// process, if any, has been killed and reaped.
func (c *ControlPlane) startProcess(tk *task, spec TaskSpec) (*process, error) {
	args, env := c.cfg.Command(spec)
	if len(args) == 0 {
		return nil, errors.New("the task command is empty")
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.Stdout = w
	cmd.Stderr = c.cfg.TaskOutput
	// Its own process group, so that the task and anything it starts can
	// be signalled together, and a supervisor can end them after a crash.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	p := &process{pid: cmd.Process.Pid, exited: make(chan struct{})}
	recorded := false
	if rec := c.cfg.Processes; rec != nil {
		if err := rec.Record(p.pid, p.pid, fmt.Sprintf("task %s %s %s", c.cfg.Region, spec.Service, spec.TaskID)); err != nil {
			syscall.Kill(-p.pid, syscall.SIGKILL)
			cmd.Wait()
			r.Close()
			return nil, fmt.Errorf("recording process %d: %w", p.pid, err)
		}
		recorded = true
	}
	c.wg.Go(func() {
		p.wait(cmd)
		if recorded {
			if err := c.cfg.Processes.Forget(p.pid); err != nil {
				c.log.Warn("forgetting a task process", "pid", p.pid, "err", err)
			}
		}
	})
	// The first line, or nothing if stdout closed without one.
	lines := make(chan string, 1)
	c.wg.Go(func() {
		br := bufio.NewReader(r)
		if line, err := br.ReadString('\n'); err == nil {
			lines <- line
		}
		// Keep reading, so that the task never blocks on a full pipe.
		io.Copy(io.Discard, br)
		r.Close()
	})
	fail := func(err error) (*process, error) {
		p.signal(syscall.SIGKILL)
		<-p.exited
		return nil, err
	}
	deadline := time.NewTimer(c.cfg.ProcessStartTimeout)
	defer deadline.Stop()
	var line string
	select {
	case line = <-lines:
	case <-p.exited:
		return nil, fmt.Errorf("the process exited with code %d before listening", p.exitCode)
	case <-deadline.C:
		return fail(fmt.Errorf("no listening line within %s", c.cfg.ProcessStartTimeout))
	case <-tk.stopCh:
		return fail(errStopped)
	case <-c.ctx.Done():
		return fail(errStopped)
	}
	base, target, err := parseListening(line)
	if err != nil {
		return fail(err)
	}
	p.url, p.target = base, target
	// Poll /health in real time: how soon a process answers does not
	// depend on the platform clock.
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for {
		if c.healthy(base) {
			return p, nil
		}
		select {
		case <-poll.C:
		case <-p.exited:
			return nil, fmt.Errorf("the process exited with code %d before passing its health check", p.exitCode)
		case <-deadline.C:
			return fail(fmt.Errorf("%s/health did not answer 200 within %s", base, c.cfg.ProcessStartTimeout))
		case <-tk.stopCh:
			return fail(errStopped)
		case <-c.ctx.Done():
			return fail(errStopped)
		}
	}
}

// parseListening reads "gameday-task listening on http://127.0.0.1:<port>".
func parseListening(line string) (string, lb.Target, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), ListeningPrefix)
	u, err := url.Parse(rest)
	if !ok || err != nil || u.Scheme != "http" {
		return "", lb.Target{}, fmt.Errorf("unexpected first line %q: want %q and an http URL", strings.TrimSpace(line), ListeningPrefix)
	}
	host, port, err := net.SplitHostPort(u.Host)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil {
		return "", lb.Target{}, fmt.Errorf("listening line %q: no host and port", strings.TrimSpace(line))
	}
	return rest, lb.Target{ID: host, Port: n}, nil
}

func (c *ControlPlane) healthy(base string) bool {
	ctx, cancel := context.WithTimeout(c.ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/health", nil)
	if err != nil {
		return false
	}
	resp, err := c.probe.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// wait reaps the process and reports its exit.
func (p *process) wait(cmd *exec.Cmd) {
	p.reap(cmd)
	p.exitCode = exitCode(cmd.ProcessState)
	close(p.exited)
}

// retire kills what is left of the process group and switches signalling
// off. It must run after the leader has exited and before it is reaped,
// while its zombie still holds the pid and the group id.
func (p *process) retire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	syscall.Kill(-p.pid, syscall.SIGKILL)
	p.gone = true
}

// exitCode is the container exit code ECS reports: the process's, or 128
// plus the signal that ended it (137 for SIGKILL).
func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
