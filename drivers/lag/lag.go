// Package lag reads how late a sandbox's platform minutes' work completed:
// the metrics published as each minute ends, the alarm evaluation and the
// scaling tick at its half. A platform clock runs on whatever the host
// does; a minute whose work completed late means the platform the suites
// judged was slower than the one they meant to. The harness and the
// sandbox meet only on the wire, so the types here decode the JSON the
// sandbox serves at Path on its control endpoint. Standard library only.
package lag

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Path is where a sandbox's control endpoint serves its minute lag.
const Path = "/_sandbox/lag"

// Minute is the lag of the work due in one platform minute, in platform
// seconds.
type Minute struct {
	Minute  time.Time `json:"minute"`
	Seconds float64   `json:"seconds"`
}

// Late is the lag as a duration of platform time.
func (m Minute) Late() time.Duration { return time.Duration(m.Seconds * float64(time.Second)) }

// Client reads a sandbox's lag.
type Client struct {
	// Control is the sandbox's control endpoint, such as
	// http://127.0.0.1:40123.
	Control string
	// HTTP defaults to a client that gives up after ten seconds.
	HTTP *http.Client
}

// Minutes returns the lag of the latest platform minutes the sandbox
// remembers (an hour of them), oldest first.
func (c Client) Minutes(ctx context.Context) ([]Minute, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Control+Path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the sandbox's minute lag at %s: %w", c.Control, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading the sandbox's minute lag at %s%s: %s", c.Control, Path, resp.Status)
	}
	var body struct {
		Minutes []Minute `json:"minutes"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("decoding the sandbox's minute lag from %s%s: %w", c.Control, Path, err)
	}
	return body.Minutes, nil
}

// Worst is the latest minute among those from the minute of from to the
// minute of to whose lag is the largest; false when none is in that span.
func Worst(minutes []Minute, from, to time.Time) (Minute, bool) {
	var worst Minute
	found := false
	for _, m := range minutes {
		if m.Minute.Before(from.Truncate(time.Minute)) || m.Minute.After(to) {
			continue
		}
		if !found || m.Seconds >= worst.Seconds {
			worst, found = m, true
		}
	}
	return worst, found
}
