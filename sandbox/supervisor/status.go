package supervisor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/sandbox/faults"
)

// ReadyFile is written into the state dir, with the Endpoints, once every
// service runs its minimum number of tasks; `sandbox up` waits for it.
const ReadyFile = "ready.json"

// StatusPath is served on the control endpoint.
const StatusPath = "/_sandbox/status"

// LagPath serves the status's lag alone (LagStatus) on the control
// endpoint.
const LagPath = "/_sandbox/lag"

// ProfilePath serves a CPU profile of the supervisor on the control
// endpoint, as net/http/pprof does (?seconds=N).
const ProfilePath = "/debug/pprof/profile"

// Endpoints are where a running sandbox answers.
type Endpoints struct {
	// AWS is the AWS-compatible endpoint (ECS, Application Auto Scaling,
	// CloudWatch).
	AWS string `json:"aws"`
	// LoadBalancers are the load balancers' URLs by region.
	LoadBalancers map[string]string `json:"loadBalancers"`
	// Control is the sandbox's own API (status, fault hooks).
	Control string `json:"control"`
	// DNS is the name server of the hosted zone (host:port, UDP and TCP).
	DNS string `json:"dns"`
	// RedisSentinels are the Sentinels of the Redis cache, whose master
	// is CacheName; none when this machine has no redis-server.
	RedisSentinels []string `json:"redisSentinels,omitempty"`
	// Mongo is the MongoDB replica set's connection string, where this
	// machine has mongod.
	Mongo string `json:"mongo,omitempty"`
}

// Status is what `sandbox status` shows.
type Status struct {
	PlatformTime time.Time       `json:"platformTime"`
	Clock        string          `json:"clock"`
	Endpoints    Endpoints       `json:"endpoints"`
	Services     []ServiceStatus `json:"services"`
	Alarms       []AlarmStatus   `json:"alarms"`
	Activities   []Activity      `json:"activities"`
	Deviations   []string        `json:"deviations"`
	// Faults are the active faults, oldest first.
	Faults []faults.Fault `json:"faults"`
	// HealthChecks are Route 53's health checks; DNS the answers for the
	// failover records.
	HealthChecks []HealthCheckStatus `json:"healthChecks"`
	DNS          []DNSAnswer         `json:"dns"`
	Data         DataStatus          `json:"data"`
	// Lag is how late the platform minutes' work completed.
	Lag LagStatus `json:"lag"`
}

// DataStatus is the data layer: each store running, or why it is not.
type DataStatus struct {
	Redis RedisStatus `json:"redis"`
	Mongo MongoStatus `json:"mongo"`
}

// RedisStatus is the Redis cache: its master per the sentinels and each
// node's role.
type RedisStatus struct {
	// Absent says why the sandbox runs no Redis, "" when it does.
	Absent     string      `json:"absent,omitempty"`
	MasterName string      `json:"masterName,omitempty"`
	Master     string      `json:"master,omitempty"`
	Sentinels  []string    `json:"sentinels,omitempty"`
	Nodes      []RedisNode `json:"nodes,omitempty"`
}

// RedisNode is one redis-server.
type RedisNode struct {
	Name     string `json:"name"`
	Region   string `json:"region"`
	Addr     string `json:"addr"`
	Role     string `json:"role"`
	LagBytes int64  `json:"lagBytes,omitempty"`
}

// MongoStatus is the MongoDB replica set, or why the sandbox runs none.
type MongoStatus struct {
	Absent string `json:"absent,omitempty"`
	URI    string `json:"uri,omitempty"`
}

// HealthCheckStatus is a Route 53 health check's status.
type HealthCheckStatus struct {
	ID       string `json:"id"`
	Endpoint string `json:"endpoint"`
	Healthy  bool   `json:"healthy"`
	// Since is when the status last changed, zero if it never has.
	Since time.Time `json:"since,omitzero"`
	// HealthyCheckers of Checkers last saw the endpoint healthy.
	HealthyCheckers int `json:"healthyCheckers"`
	Checkers        int `json:"checkers"`
}

// DNSAnswer is what the hosted zone answers for a name.
type DNSAnswer struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Rcode  string   `json:"rcode"`
	Values []string `json:"values"`
}

// ServiceStatus is one ECS service's counts and scaling bounds.
type ServiceStatus struct {
	Region  string `json:"region"`
	Name    string `json:"name"`
	Desired int    `json:"desired"`
	Running int    `json:"running"`
	Pending int    `json:"pending"`
	Min     int    `json:"minCapacity"`
	Max     int    `json:"maxCapacity"`
}

// AlarmStatus is one alarm's state.
type AlarmStatus struct {
	Region string    `json:"region"`
	Name   string    `json:"name"`
	State  string    `json:"state"`
	Since  time.Time `json:"since"`
}

// Activity is a recent scaling activity.
type Activity struct {
	Region      string    `json:"region"`
	Resource    string    `json:"resource"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	Start       time.Time `json:"start"`
}

// FetchStatus asks a running sandbox for its status.
func FetchStatus(ctx context.Context, eps Endpoints) (Status, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, eps.Control+StatusPath, nil)
	if err != nil {
		return Status{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Status{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Status{}, fmt.Errorf("%s: %s", StatusPath, resp.Status)
	}
	var st Status
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// DescribeClock says how the sandbox's platform time runs.
func DescribeClock(cfg *config.Sandbox) string {
	return "time scale " + strconv.FormatFloat(cfg.TimeScale, 'f', -1, 64) + "x"
}
