package chaos

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// RedisNode kills or pauses one node of the target's Redis group through
// the sandbox's `redis-primary` and `redis-replica` hooks: the node a
// quorum of sentinels reports as master (Role "primary") or one of its
// replicas ("replica"). Kill is SIGKILL (revert restarts the node as a
// replica); pause is SIGSTOP, a hung host (revert resumes it). On AWS
// the primary's loss is ElastiCache's TestFailover or FIS's
// interrupt-az-power; without fault hooks it is unsupported here.
type RedisNode struct {
	On Target
	// Role is "primary" or "replica"; Action is "kill" or "pause".
	Role, Action string
}

// Spec implements Injector.
func (n RedisNode) Spec() Spec {
	kind := "redis-" + n.Role
	return Spec{Kind: kind, Target: n.On.Name, Params: map[string]string{"action": n.Action},
		Undo: Undo{Hook: &HookFault{Kind: kind, Args: []string{n.Action}}}}
}

// Supported implements Checker.
func (n RedisNode) Supported() error { return hooksServed(n.On) }

// Inject implements Injector.
func (n RedisNode) Inject(ctx context.Context) (Injected, error) {
	if (n.Role != "primary" && n.Role != "replica") || (n.Action != "kill" && n.Action != "pause") {
		return Injected{}, errors.New("redis node fault: want role primary or replica and action kill or pause, not " + n.Role + " " + n.Action)
	}
	return injectHook(ctx, n.On, "redis-"+n.Role, []string{n.Action})
}

// MongoNode kills members of the target's MongoDB replica set through the
// sandbox's `mongo-primary` and `mongo-secondary` hooks: the primary, or
// Count secondaries. Revert restarts them on their data, where they
// rejoin as secondaries. On AWS a primary's loss is Atlas's test
// failover; without fault hooks it is unsupported here.
type MongoNode struct {
	On Target
	// Role is "primary" or "secondary".
	Role  string
	Count int
}

func (n MongoNode) args() []string {
	if n.Role == "secondary" {
		return []string{"kill", strconv.Itoa(n.Count)}
	}
	return []string{"kill"}
}

// Spec implements Injector.
func (n MongoNode) Spec() Spec {
	kind := "mongo-" + n.Role
	return Spec{Kind: kind, Target: n.On.Name, Params: map[string]string{"count": strconv.Itoa(n.Count)},
		Undo: Undo{Hook: &HookFault{Kind: kind, Args: n.args()}}}
}

// Supported implements Checker.
func (n MongoNode) Supported() error { return hooksServed(n.On) }

// Inject implements Injector.
func (n MongoNode) Inject(ctx context.Context) (Injected, error) {
	if (n.Role != "primary" && n.Role != "secondary") || n.Count < 1 || (n.Role == "primary" && n.Count != 1) {
		return Injected{}, fmt.Errorf("mongo node fault: want the primary or a count of secondaries, not %s x%d", n.Role, n.Count)
	}
	return injectHook(ctx, n.On, "mongo-"+n.Role, n.args())
}

// Blast implements Scoped: a data store's node, judged by the one-region
// rule alone; no ECS task is taken out.
func (n RedisNode) Blast(context.Context) (Blast, error) { return Blast{Region: n.On.region("")}, nil }

// Blast implements Scoped, as RedisNode's.
func (n MongoNode) Blast(context.Context) (Blast, error) { return Blast{Region: n.On.region("")}, nil }
