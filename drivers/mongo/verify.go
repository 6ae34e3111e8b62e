package mongo

import (
	"context"
	"fmt"

	"github.com/gameday-sre/gameday/drivers/rpo"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Report is what a verification found.
// A write acknowledged by a majority survives any election (write concern
// docs, "majority"): a LostAcknowledged write is a broken guarantee.
type Report = rpo.Loss[Write]

// verifyBatch is how many _ids one find asks for.
const verifyBatch = 500

// Verify reads the probe's writes back from the current primary with
// read concern majority. Writes that were never accepted are not
// expected.
func (p *Probe) Verify(ctx context.Context) (Report, error) {
	writes := p.Writes()
	present := make(map[string]bool, len(writes))
	for start := 0; start < len(writes); start += verifyBatch {
		batch := writes[start:min(start+verifyBatch, len(writes))]
		ids := make(bson.A, len(batch))
		for i, w := range batch {
			ids[i] = w.ID
		}
		if err := p.readBack(ctx, ids, present); err != nil {
			return Report{}, fmt.Errorf("mongo: reading back %d probe documents from %s.%s on %s: %w", len(ids), p.cfg.Database, p.cfg.Collection, p.c.target, err)
		}
	}
	return tally(writes, present), nil
}

func (p *Probe) readBack(ctx context.Context, ids bson.A, present map[string]bool) error {
	ctx, cancel := context.WithTimeout(ctx, p.c.opts.timeout)
	defer cancel()
	cur, err := p.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	for _, d := range docs {
		present[d.ID] = true
	}
	return nil
}

// tally judges writes, in sequence order, against the _ids found.
func tally(writes []Write, present map[string]bool) Report {
	return rpo.Tally(writes, func(w Write) rpo.Outcome {
		return rpo.Outcome{At: w.At, Accepted: w.Accepted, Acknowledged: w.Acknowledged}
	}, func(w Write) bool { return present[w.ID] })
}
