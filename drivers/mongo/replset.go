package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ReplicaSet is a replica set's configuration joined with its members'
// states as one member reports them.
type ReplicaSet struct {
	Name    string
	Version int
	Members []Member
}

// Member is one member of a replica set.
type Member struct {
	ID   int
	Host string
	// Priority, Votes, Hidden, ArbiterOnly and Tags are the member's
	// configuration (replSetGetConfig).
	Priority    float64
	Votes       int
	Hidden      bool
	ArbiterOnly bool
	Tags        map[string]string
	// State is the replica set state's name (replSetGetStatus'
	// stateStr): PRIMARY, SECONDARY, RECOVERING, ARBITER, (not
	// reachable/healthy), ...; empty if the status did not list it.
	State   string
	Healthy bool
	// Optime is the time of the last operation the member applied, to
	// the second (an optime's timestamp counts seconds).
	Optime time.Time
	// Lag is how far the member's optime is behind the primary's, as
	// rs.printSecondaryReplicationInfo() computes it; zero for the
	// primary, for arbiters and when there is no primary.
	Lag time.Duration
}

// RegionTag is the member tag naming its region: Atlas's pre-defined
// replica set tag (Atlas docs, "Query using Pre-Defined Replica Set
// Tags": {"region": "US_EAST_1"}), which the compose file and
// targets/containers also set.
const RegionTag = "region"

// Primary is the member in state PRIMARY.
func (rs ReplicaSet) Primary() (Member, bool) {
	for _, m := range rs.Members {
		if m.State == statePrimary {
			return m, true
		}
	}
	return Member{}, false
}

// TopPriority is the highest priority of any member.
func (rs ReplicaSet) TopPriority() float64 {
	var top float64
	for _, m := range rs.Members {
		top = max(top, m.Priority)
	}
	return top
}

const statePrimary = "PRIMARY"

// ReplicaSet reads the set's configuration and status from its primary
// (replSetGetConfig and replSetGetStatus, both on the admin database).
func (c *Client) ReplicaSet(ctx context.Context) (ReplicaSet, error) {
	var cfg, status bson.Raw
	if err := c.admin(ctx, bson.D{{Key: "replSetGetConfig", Value: 1}}, &cfg); err != nil {
		return ReplicaSet{}, fmt.Errorf("mongo: replSetGetConfig on %s: %w", c.target, err)
	}
	if err := c.admin(ctx, bson.D{{Key: "replSetGetStatus", Value: 1}}, &status); err != nil {
		return ReplicaSet{}, fmt.Errorf("mongo: replSetGetStatus on %s: %w", c.target, err)
	}
	rs, err := parseReplicaSet(cfg, status)
	if err != nil {
		return rs, fmt.Errorf("mongo: reading the replica set of %s: %w", c.target, err)
	}
	return rs, nil
}

// configReply is replSetGetConfig's answer; replSetInitiate takes the
// same document as its config.
type configReply struct {
	Config configDoc `bson:"config"`
}

type configDoc struct {
	ID      string `bson:"_id"`
	Version int    `bson:"version"`
	Members []struct {
		ID          int               `bson:"_id"`
		Host        string            `bson:"host"`
		Priority    *float64          `bson:"priority"`
		Votes       *int              `bson:"votes"`
		Hidden      bool              `bson:"hidden"`
		ArbiterOnly bool              `bson:"arbiterOnly"`
		Tags        map[string]string `bson:"tags"`
	} `bson:"members"`
}

type statusReply struct {
	Set     string `bson:"set"`
	Members []struct {
		ID         int       `bson:"_id"`
		Name       string    `bson:"name"`
		Health     float64   `bson:"health"`
		StateStr   string    `bson:"stateStr"`
		OptimeDate time.Time `bson:"optimeDate"`
	} `bson:"members"`
}

// parseReplicaSet joins replSetGetConfig's and replSetGetStatus' answers
// on the members' _id.
func parseReplicaSet(config, status bson.Raw) (ReplicaSet, error) {
	var cr configReply
	if err := bson.Unmarshal(config, &cr); err != nil {
		return ReplicaSet{}, fmt.Errorf("decoding replSetGetConfig: %w", err)
	}
	rs := parseConfig(cr.Config)
	var sr statusReply
	if err := bson.Unmarshal(status, &sr); err != nil {
		return rs, fmt.Errorf("decoding replSetGetStatus: %w", err)
	}
	if sr.Set != rs.Name {
		return rs, fmt.Errorf("replSetGetStatus is for set %q, replSetGetConfig for %q", sr.Set, rs.Name)
	}
	byID := make(map[int]int, len(rs.Members))
	for i, m := range rs.Members {
		byID[m.ID] = i
	}
	var primary time.Time
	for _, s := range sr.Members {
		i, ok := byID[s.ID]
		if !ok {
			return rs, fmt.Errorf("replSetGetStatus lists member %d (%s), which the configuration does not", s.ID, s.Name)
		}
		m := &rs.Members[i]
		m.State, m.Healthy, m.Optime = s.StateStr, s.Health == 1, s.OptimeDate
		if m.State == statePrimary {
			primary = m.Optime
		}
	}
	if primary.IsZero() {
		return rs, nil
	}
	for i := range rs.Members {
		m := &rs.Members[i]
		if !m.ArbiterOnly && !m.Optime.IsZero() && m.Optime.Before(primary) {
			m.Lag = primary.Sub(m.Optime)
		}
	}
	return rs, nil
}

// parseConfig reads a replica set configuration document, applying the
// server's defaults for fields it leaves out: priority 1 (0 for
// arbiters) and votes 1 (replica set configuration docs, "members").
func parseConfig(cfg configDoc) ReplicaSet {
	rs := ReplicaSet{Name: cfg.ID, Version: cfg.Version}
	for _, m := range cfg.Members {
		mem := Member{ID: m.ID, Host: m.Host, Priority: 1, Votes: 1, Hidden: m.Hidden, ArbiterOnly: m.ArbiterOnly, Tags: m.Tags}
		if m.ArbiterOnly {
			mem.Priority = 0
		}
		if m.Priority != nil {
			mem.Priority = *m.Priority
		}
		if m.Votes != nil {
			mem.Votes = *m.Votes
		}
		rs.Members = append(rs.Members, mem)
	}
	return rs
}
