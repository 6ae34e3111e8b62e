package aws

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/aws/smithy-go/middleware"
)

// Call is one AWS operation a client is about to send: the SDK's service
// id (ECS, Application Auto Scaling) and operation name (StopTask).
type Call struct {
	Service   string
	Operation string
}

func (c Call) String() string { return c.Service + " " + c.Operation }

// readPrefixes start the names of the operations that only read. Every
// other operation changes something, TestFailover and StartExperiment
// included, so a new one is guarded until it is known to read.
var readPrefixes = []string{"Describe", "List", "Get", "BatchGet", "Search"}

// readOperations are reads whose names say otherwise: Route 53's
// TestDNSAnswer asks a name server what it would answer and changes
// nothing.
var readOperations = map[string]bool{"TestDNSAnswer": true}

// Mutating says whether the call may change the target.
func (c Call) Mutating() bool {
	if readOperations[c.Operation] {
		return false
	}
	for _, p := range readPrefixes {
		if strings.HasPrefix(c.Operation, p) {
			return false
		}
	}
	return true
}

// Gate decides whether a mutating call may be sent: nil lets it go, an
// error refuses it and is what the caller gets back, wrapped in
// *Refused. It is asked before every mutating call of every client and
// never for a read. targets.Open always sets one; a client built without
// one (a test's own client of the sandbox) lets every call go, counted.
type Gate func(ctx context.Context, c Call) error

// Refused is a mutating call the gate stopped before it left the machine.
type Refused struct {
	Call Call
	Err  error
}

func (e *Refused) Error() string {
	return fmt.Sprintf("%s refused before it was sent: %v", e.Call, e.Err)
}

func (e *Refused) Unwrap() error { return e.Err }

// Calls counts the mutating calls the gate saw: those it let through and
// those it refused. Reads are not counted.
type Calls struct {
	sent, refused atomic.Int64
}

// Sent is how many mutating calls the gate let through.
func (c *Calls) Sent() int64 { return c.sent.Load() }

// Refused is how many mutating calls the gate refused.
func (c *Calls) Refused() int64 { return c.refused.Load() }

// gate asks g before every mutating call, once per operation (retries
// included), before the request is built, and counts what it decided.
func gate(g Gate, calls *Calls) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("gamedayGate",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c := Call{Service: middleware.GetServiceID(ctx), Operation: middleware.GetOperationName(ctx)}
				if !c.Mutating() {
					return next.HandleInitialize(ctx, in)
				}
				if g == nil {
					calls.sent.Add(1)
					return next.HandleInitialize(ctx, in)
				}
				if err := g(ctx, c); err != nil {
					calls.refused.Add(1)
					return middleware.InitializeOutput{}, middleware.Metadata{}, &Refused{Call: c, Err: err}
				}
				calls.sent.Add(1)
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}
