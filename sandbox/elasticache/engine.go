package elasticache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
)

// Defaults for Config.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	// DefaultCacheNodeType meets the runbook's cache baseline (2-4 vCPU,
	// 8 GB), as the provisioning of real targets chooses it.
	DefaultCacheNodeType = "cache.r6g.large"
)

// NodeGroupID is the one node group of a replication group with cluster
// mode disabled.
const NodeGroupID = "0001"

// Failover limits of TestFailover: "up to 15 shards … in any rolling
// 24-hour period" (API_TestFailover.html).
const (
	FailoverQuota  = 15
	FailoverWindow = 24 * time.Hour
)

// Role is what a node is in its group now.
type Role string

// The roles of a node.
const (
	Primary Role = "primary"
	Replica Role = "replica"
	// Down is a node that does not answer.
	Down Role = "down"
)

// Node is one node of the Redis group as it is now.
type Node struct {
	// Region is the AWS region the node runs in, such as us-west-2.
	Region string
	// Addr is the host:port clients reach the node at.
	Addr string
	// Role is Primary for the node clients are sent to write to (the
	// sentinels' master), Replica for a node replicating from it.
	Role Role
}

// Group is the Redis replication group behind the engine. Its methods must
// be safe for concurrent use.
type Group interface {
	// Status reports every node of the group, always in the same order:
	// node n is member cluster <id>-00n, so the initial primary comes
	// first.
	Status(ctx context.Context) ([]Node, error)
	// Failover makes the group fail over for real: the primary is lost,
	// a replica promoted, and the old primary brought back as a replica.
	// It returns once the group is whole again, or ctx is done.
	Failover(ctx context.Context) error
}

// Config is the replication group as ElastiCache describes it.
type Config struct {
	// ReplicationGroupID names the group, such as main-cache; required.
	ReplicationGroupID string
	Description        string
	// Region is the group's home region, DefaultRegion if empty; AccountID
	// goes into its ARN, DefaultAccountID if empty.
	Region, AccountID string
	// CacheNodeType defaults to DefaultCacheNodeType.
	CacheNodeType string
	// Logger logs failovers; default nowhere.
	Logger *slog.Logger
}

// Engine is the ElastiCache of one replication group. It is safe for
// concurrent use.
type Engine struct {
	cfg     Config
	group   Group
	clock   clock.Clock
	created time.Time
	log     *slog.Logger

	// ctx bounds the failovers TestFailover starts; Close cancels it and
	// waits for them.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// starting serializes TestFailover calls, which ask the group before
	// they decide.
	starting sync.Mutex

	mu sync.Mutex
	// failingOver is true while a failover TestFailover started runs.
	failingOver bool
	// tests are the start times of TestFailover calls in the last
	// FailoverWindow, oldest first.
	tests []time.Time
}

// New returns the engine for the group g, reading platform time from c.
func New(cfg Config, g Group, c clock.Clock) (*Engine, error) {
	if cfg.ReplicationGroupID == "" {
		return nil, errors.New("elasticache: the replication group needs an ID")
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.CacheNodeType == "" {
		cfg.CacheNodeType = DefaultCacheNodeType
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, group: g, clock: c, created: c.Now(), log: log, ctx: ctx, cancel: cancel}, nil
}

// String describes the engine's configuration for reports.
func (e *Engine) String() string {
	return fmt.Sprintf("elasticache %s replication group %s (%s), account %s", e.cfg.Region, e.cfg.ReplicationGroupID, e.cfg.CacheNodeType, e.cfg.AccountID)
}

// Close cancels a failover in progress and waits for it to return. Close
// the engine before stopping the group.
func (e *Engine) Close() {
	e.mu.Lock()
	e.cancel()
	e.mu.Unlock()
	e.wg.Wait()
}

// serves reports whether a request signed for region ("" when unsigned)
// names the group id: IDs are not case sensitive
// (API_DescribeReplicationGroups.html).
func (e *Engine) serves(region, id string) bool {
	return e.visibleIn(region) && strings.EqualFold(id, e.cfg.ReplicationGroupID)
}

func (e *Engine) visibleIn(region string) bool { return region == "" || region == e.cfg.Region }

func (e *Engine) notFound(id string) error {
	return newError(ErrCodeReplicationGroupNotFound, "ReplicationGroup %s not found", id)
}
