package task

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ListeningPrefix starts the one line a task prints to stdout once it
// listens: "gameday-task listening on http://127.0.0.1:<port>".
const ListeningPrefix = "gameday-task listening on "

const (
	statsPath   = "/_sandbox/stats"
	latencyPath = "/_sandbox/latency"
)

// ParseListening reads a task's listening line and returns the task's base
// URL.
func ParseListening(line string) (baseURL string, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(line), ListeningPrefix)
	if !found {
		return "", false
	}
	u, err := url.Parse(rest)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.Port() == "" {
		return "", false
	}
	return rest, true
}

// Stats is what a task reports at GET /_sandbox/stats.
type Stats struct {
	TaskID    string  `json:"taskId"`
	Service   string  `json:"service"`
	VCPU      float64 `json:"vcpu"`
	MemoryMiB int     `json:"memoryMiB"`
	// BusySeconds is the CPU time the task has spent since it started, in
	// real seconds at its vCPU reservation; see Utilization.
	BusySeconds float64 `json:"busySeconds"`
	// Requests counts requests to the service's routes (not /health nor
	// /_sandbox), shed ones included; for ai, the work items taken up.
	Requests int64 `json:"requests"`
	// Rejected counts requests shed with 503 by the capacity model.
	Rejected int64 `json:"rejected"`
	// InFlight is the requests or work items being served now.
	InFlight int64 `json:"inFlight"`
	// StartedAt is when the task began to listen, in real time: the task
	// does not know the sandbox's platform clock.
	StartedAt time.Time `json:"startedAt"`
}

// Utilization is a task's CPU utilisation between two of its stats,
// elapsed (real time) apart: the share of its vCPU reservation that was
// busy, from 0 to 1, which ECS reports as CPUUtilization (in percent).
func Utilization(prev, cur Stats, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return min(1, max(0, (cur.BusySeconds-prev.BusySeconds)/elapsed.Seconds()))
}

// FetchStats asks the task at baseURL for its stats.
func FetchStats(ctx context.Context, baseURL string) (Stats, error) {
	var st Stats
	if err := call(ctx, http.MethodGet, baseURL+statsPath, &st); err != nil {
		return Stats{}, fmt.Errorf("stats of task %s: %w", baseURL, err)
	}
	return st, nil
}

// Latency is the setting of a task's latency fault hook: every answer is
// held back by Add plus a uniformly random duration below Jitter.
type Latency struct {
	Add    time.Duration
	Jitter time.Duration
}

// MarshalJSON writes durations as Go duration strings, such as "200ms".
func (l Latency) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"add": l.Add.String(), "jitter": l.Jitter.String()})
}

// SetLatency sets the latency fault hook of the task at baseURL; the zero
// Latency removes it.
func SetLatency(ctx context.Context, baseURL string, l Latency) error {
	q := url.Values{"add": {l.Add.String()}, "jitter": {l.Jitter.String()}}
	if err := call(ctx, http.MethodPost, baseURL+latencyPath+"?"+q.Encode(), nil); err != nil {
		return fmt.Errorf("set latency of task %s to %s (jitter %s): %w", baseURL, l.Add, l.Jitter, err)
	}
	return nil
}

func call(ctx context.Context, method, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
