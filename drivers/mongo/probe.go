package mongo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gameday-sre/gameday/drivers/rpo"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// ProbeConfig configures a write probe.
type ProbeConfig struct {
	// Prefix starts the _id of every document the probe inserts;
	// required, and unique per run, so that a verification never reads
	// another run's documents.
	Prefix string
	// Database and Collection hold the probe's documents; default
	// "gameday" and "probe".
	Database, Collection string
	// AckTimeout is the write concern's wtimeout, in real time: how long
	// a write may wait for a majority to acknowledge it; default
	// DefaultAckTimeout. It must be below the client's timeout, which
	// bounds the reply.
	AckTimeout time.Duration
}

// DefaultAckTimeout is long against replication to the failover region
// and short against an election.
const DefaultAckTimeout = 500 * time.Millisecond

func (c ProbeConfig) String() string {
	return fmt.Sprintf("probe %s in %s.%s: w majority, wtimeout %s", c.Prefix, c.Database, c.Collection, c.AckTimeout)
}

// Write is one probe write and what became of it.
type Write struct {
	Seq int64
	// ID is the document's _id.
	ID string
	// At is when the write was sent, in platform time.
	At time.Time
	// Accepted is whether a primary applied the insert.
	Accepted bool
	// Acknowledged is whether a majority of the voting members
	// acknowledged it within the ack timeout.
	Acknowledged bool
	// Err is why the write was not accepted or not acknowledged.
	Err string `json:",omitempty"`
}

// Probe inserts sequenced documents into the primary with write concern
// {w: "majority", wtimeout}. It is safe for concurrent use; writes are
// numbered in the order they are sent.
type Probe struct {
	c    *Client
	cfg  ProbeConfig
	coll *mongo.Collection

	log rpo.Log[Write]
}

// NewProbe returns a probe writing through c.
func (c *Client) NewProbe(cfg ProbeConfig) (*Probe, error) {
	if cfg.Prefix == "" {
		return nil, fmt.Errorf("mongo: probe on %s: no _id prefix", c.target)
	}
	cfg.Database = cmp.Or(cfg.Database, "gameday")
	cfg.Collection = cmp.Or(cfg.Collection, "probe")
	cfg.AckTimeout = cmp.Or(cfg.AckTimeout, DefaultAckTimeout)
	if cfg.AckTimeout < time.Millisecond || cfg.AckTimeout >= c.opts.timeout {
		// wtimeout counts whole milliseconds and 0 waits for ever
		// (write concern docs, "wtimeout"); a wtimeout longer than the
		// command's bound would turn every slow acknowledgement into a
		// failed write.
		return nil, fmt.Errorf("mongo: %s on %s: want 1ms <= ack timeout < the client timeout %s", cfg, c.target, c.opts.timeout)
	}
	coll := c.mc.Database(cfg.Database).Collection(cfg.Collection,
		// Majority reads return only what a majority holds, which a
		// later rollback cannot remove (read concern "majority" docs):
		// what Verify finds has survived.
		options.Collection().SetReadConcern(readconcern.Majority()).SetReadPreference(readpref.Primary()))
	return &Probe{c: c, cfg: cfg, coll: coll}, nil
}

// Write inserts the next document and waits for its acknowledgements.
// The write is recorded whatever happens; the error says why it was not
// accepted or not acknowledged.
func (p *Probe) Write(ctx context.Context) (Write, error) {
	seq := p.log.Next()
	w := Write{Seq: seq, ID: p.cfg.Prefix + strconv.FormatInt(seq, 10), At: p.c.opts.clock.Now()}

	// The insert command, not InsertOne: retryable writes cover only the
	// CRUD API (Retryable Writes spec), so the driver does not retry it
	// on the new primary after an election, which would hide the outage
	// the probe is there to see; and wtimeout reaches the server, which
	// mongo-driver v2 has dropped from WriteConcern. On a wtimeout the server answers
	// with a writeConcernError and keeps the write (write concern docs,
	// "wtimeout"): accepted, not acknowledged.
	cmd := bson.D{
		{Key: "insert", Value: p.cfg.Collection},
		{Key: "documents", Value: bson.A{bson.D{{Key: "_id", Value: w.ID}, {Key: "seq", Value: w.Seq}, {Key: "at", Value: w.At}}}},
		{Key: "writeConcern", Value: bson.D{{Key: "w", Value: "majority"}, {Key: "wtimeout", Value: p.cfg.AckTimeout.Milliseconds()}}},
	}
	cctx, cancel := context.WithTimeout(ctx, p.c.opts.timeout)
	defer cancel()
	var reply struct {
		N int `bson:"n"`
	}
	err := p.c.mc.Database(p.cfg.Database).RunCommand(cctx, cmd).Decode(&reply)
	var we mongo.WriteException
	switch {
	case err == nil && reply.N == 1:
		w.Accepted, w.Acknowledged = true, true
	case err == nil:
		err = fmt.Errorf("%d documents inserted, want 1", reply.N)
	case errors.As(err, &we) && len(we.WriteErrors) == 0 && we.WriteConcernError != nil:
		w.Accepted = true
	}
	if err != nil {
		err = fmt.Errorf("mongo: probe write %s to the primary of %s: %w", w.ID, p.c.target, err)
		w.Err = err.Error()
	}
	p.log.Add(w.Seq, w)
	return w, err
}

// Run writes every interval (platform time) until ctx is done. Failed
// writes are recorded and logged, not returned: during a failover they
// are what is being observed.
func (p *Probe) Run(ctx context.Context, interval time.Duration) {
	rpo.Run(ctx, p.c.opts.clock, interval, func(ctx context.Context) error {
		_, err := p.Write(ctx)
		return err
	}, p.c.opts.log)
}

// Writes are the writes so far, in the order they were numbered.
func (p *Probe) Writes() []Write { return p.log.Writes() }
