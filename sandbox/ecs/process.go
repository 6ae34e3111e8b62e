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
	"github.com/gameday-sre/gameday/sandbox/procfs"
	"github.com/gameday-sre/gameday/sandbox/procgroup"
	"github.com/gameday-sre/gameday/sandbox/taskstats"
)

// process is a task's OS process, leader of its own process group.
type process struct {
	*procgroup.Leader
	url    string
	target lb.Target
	// stats reads the process's CPU accounting; nil without metrics, or
	// before the process listens.
	statsMu     sync.Mutex
	stats       *taskstats.Reader
	statsClosed bool
	// memory reads the process's resident memory; nil if its /proc entry
	// could not be opened.
	memory *procfs.Resident
	// exitCode is set before Exited is closed.
	exitCode int
	// changed is closed once the process may answer a health check
	// otherwise than when it started: it exited, or a fault changed how
	// it answers (Disturb).
	changed    chan struct{}
	changeOnce sync.Once
}

func (p *process) markChanged() { p.changeOnce.Do(func() { close(p.changed) }) }

// setStats and closeStats hand the stats reader between the start, which
// opens it, and the exit, which may come first.
func (p *process) setStats(r *taskstats.Reader) {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	if p.statsClosed {
		r.Close()
		return
	}
	p.stats = r
}

func (p *process) closeStats() {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	p.statsClosed = true
	if p.stats != nil {
		p.stats.Close()
	}
}

// load reads the process's CPU accounting.
func (p *process) load() (taskstats.Record, error) {
	p.statsMu.Lock()
	r := p.stats
	p.statsMu.Unlock()
	if r == nil {
		return taskstats.Record{}, taskstats.ErrClosed
	}
	return r.Load()
}

func (p *process) residentBytes() (uint64, error) {
	if p.memory == nil {
		return 0, errors.New("the process's memory could not be opened at its start")
	}
	return p.memory.Bytes()
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
	pid := cmd.Process.Pid
	recorded := false
	if rec := c.cfg.Processes; rec != nil {
		if err := rec.Record(pid, pid, fmt.Sprintf("task %s %s %s", c.cfg.Region, spec.Service, spec.TaskID)); err != nil {
			syscall.Kill(-pid, syscall.SIGKILL)
			cmd.Wait()
			r.Close()
			return nil, fmt.Errorf("recording process %d: %w", pid, err)
		}
		recorded = true
	}
	p := &process{changed: make(chan struct{})}
	if p.memory, err = procfs.OpenResident(pid); err != nil {
		c.log.Warn("a task process's memory", "pid", pid, "err", err)
	}
	p.Leader = procgroup.Watch(cmd, func() {
		p.exitCode = exitCode(cmd.ProcessState)
		if p.memory != nil {
			p.memory.Close()
		}
		if spec.StatsFile != "" {
			p.closeStats()
			os.Remove(spec.StatsFile)
		}
		if recorded {
			if err := c.cfg.Processes.Forget(pid); err != nil {
				c.log.Warn("forgetting a task process", "pid", pid, "err", err)
			}
		}
	})
	// The exit is seen through the kernel (procgroup waits on the
	// process), not by polling: a health check learns of it at once.
	c.wg.Go(func() {
		<-p.Exited()
		p.markChanged()
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
		p.Signal(syscall.SIGKILL)
		<-p.Exited()
		return nil, err
	}
	deadline := time.NewTimer(c.cfg.ProcessStartTimeout)
	defer deadline.Stop()
	var line string
	select {
	case line = <-lines:
	case <-p.Exited():
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
	if spec.StatsFile != "" {
		r, err := taskstats.Open(spec.StatsFile)
		if err != nil {
			return fail(fmt.Errorf("listening without its stats file: %w", err))
		}
		p.setStats(r)
	}
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
		case <-p.Exited():
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

// exitCode is the container exit code ECS reports: the process's, or 128
// plus the signal that ended it (137 for SIGKILL).
func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
