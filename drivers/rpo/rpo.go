// Package rpo judges a data store's write probe after a failover: which
// accepted writes the store still holds, which acknowledged ones it lost,
// and over how much time writes were lost, the measured recovery point
// objective the runbook sets for each store (Data Replication Strategy).
package rpo

import "time"

// Loss is what a read-back found of a probe's writes of type W.
type Loss[W any] struct {
	// Accepted and Acknowledged count the writes a primary accepted and
	// those that enough replicas also acknowledged.
	Accepted, Acknowledged int
	// Lost are accepted writes the store no longer holds.
	Lost []W
	// LostAcknowledged are the lost writes that had been acknowledged:
	// each one is a broken replication guarantee, not just lag.
	LostAcknowledged []W
	// LossWindow is the platform time whose writes were lost: from the
	// newest write that survived before the first lost one (or the first
	// lost one, if none did) to the newest lost write. It is the measured
	// RPO.
	LossWindow time.Duration
}

// Outcome is what a probe recorded of one write.
type Outcome struct {
	At                     time.Time
	Accepted, Acknowledged bool
}

// Tally judges writes, in the order they were sent, by what outcome says
// of each and whether the store still holds it.
func Tally[W any](writes []W, outcome func(W) Outcome, held func(W) bool) Loss[W] {
	var l Loss[W]
	var survivor, firstLost, lastLost *Outcome
	for _, w := range writes {
		o := outcome(w)
		if !o.Accepted {
			continue
		}
		l.Accepted++
		if o.Acknowledged {
			l.Acknowledged++
		}
		if held(w) {
			if firstLost == nil {
				survivor = &o
			}
			continue
		}
		l.Lost = append(l.Lost, w)
		if o.Acknowledged {
			l.LostAcknowledged = append(l.LostAcknowledged, w)
		}
		if firstLost == nil {
			firstLost = &o
		}
		lastLost = &o
	}
	if lastLost != nil {
		from := firstLost.At
		if survivor != nil {
			from = survivor.At
		}
		l.LossWindow = lastLost.At.Sub(from)
	}
	return l
}
