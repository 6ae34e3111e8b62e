package redis

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Failover is a master switch as the sentinels announced it.
type Failover struct {
	From, To string
	// ODownAt is when a sentinel first announced the old master
	// objectively down (+odown); zero if none was heard.
	ODownAt time.Time
	// SwitchedAt is when a sentinel first announced the new master
	// (+switch-master), in platform time.
	SwitchedAt time.Time
}

// Since is the failover's duration counted from lost, the moment the
// primary was lost.
func (f Failover) Since(lost time.Time) time.Duration { return f.SwitchedAt.Sub(lost) }

// FailoverWatch listens to every sentinel for the group's next failover.
type FailoverWatch struct {
	c      *Client
	subs   []*goredis.PubSub
	events chan event
	done   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	odownAt time.Time
}

type event struct {
	channel, payload string
	at               time.Time
}

// WatchFailover subscribes to +odown and +switch-master on every sentinel
// that answers, and returns once at least one subscription is confirmed,
// so that no failover after it returns is missed. Every sentinel
// announces a switch, so losing some of them loses nothing.
func (c *Client) WatchFailover(ctx context.Context) (*FailoverWatch, error) {
	w := &FailoverWatch{c: c, events: make(chan event, 64), done: make(chan struct{})}
	var errs []error
	for i, s := range c.sentinels {
		sub := s.Subscribe(ctx, "+odown", "+switch-master")
		if _, err := sub.Receive(ctx); err != nil {
			sub.Close()
			errs = append(errs, fmt.Errorf("subscribing to sentinel %s: %w", c.target.Sentinels[i], err))
			continue
		}
		w.subs = append(w.subs, sub)
		w.wg.Go(func() { w.listen(sub) })
	}
	if len(w.subs) == 0 {
		return nil, fmt.Errorf("redis: watching %s for a failover: %w", c.target, errors.Join(errs...))
	}
	for _, err := range errs {
		c.opts.log.Warn("watching for a failover without a sentinel", "err", err)
	}
	return w, nil
}

func (w *FailoverWatch) listen(sub *goredis.PubSub) {
	for msg := range sub.Channel() {
		select {
		case w.events <- event{channel: msg.Channel, payload: msg.Payload, at: w.c.opts.clock.Now()}:
		case <-w.done:
			return
		}
	}
}

// Wait returns the next switch of the group's master: the first since
// the watch began, then the first since the last Wait returned.
func (w *FailoverWatch) Wait(ctx context.Context) (Failover, error) {
	name := w.c.target.MasterName
	for {
		select {
		case <-ctx.Done():
			return Failover{}, fmt.Errorf("redis: waiting for %s to fail over: %w", name, ctx.Err())
		case e := <-w.events:
			f := strings.Fields(e.payload)
			switch {
			// "master <name> <ip> <port> #quorum 2/2"
			case e.channel == "+odown" && len(f) >= 4 && f[0] == "master" && f[1] == name:
				w.mu.Lock()
				if w.odownAt.IsZero() {
					w.odownAt = e.at
				}
				w.mu.Unlock()
			// "<name> <old ip> <old port> <new ip> <new port>"
			case e.channel == "+switch-master" && len(f) == 5 && f[0] == name:
				w.mu.Lock()
				odown := w.odownAt
				w.odownAt = time.Time{}
				w.mu.Unlock()
				return Failover{
					From:       net.JoinHostPort(f[1], f[2]),
					To:         net.JoinHostPort(f[3], f[4]),
					ODownAt:    odown,
					SwitchedAt: e.at,
				}, nil
			}
		}
	}
}

// Close ends the subscriptions.
func (w *FailoverWatch) Close() error {
	close(w.done)
	var errs []error
	for _, s := range w.subs {
		errs = append(errs, s.Close())
	}
	w.wg.Wait()
	return errors.Join(errs...)
}
