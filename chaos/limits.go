package chaos

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/gameday-sre/gameday/targets/profile"
)

// Blast is what a fault takes out of service, as the ledger records it:
// the blast-radius limits are judged on the faults in flight together.
type Blast struct {
	// Region is where the fault acts: the target's primary region unless
	// the fault names another.
	Region string `json:"region,omitempty"`
	// Service is the ECS service it acts on, empty for a fault on a whole
	// region.
	Service string `json:"service,omitempty"`
	// Tasks is how many of the service's tasks it takes out of service,
	// of Running before it.
	Tasks   int `json:"tasks,omitempty"`
	Running int `json:"running,omitempty"`
	// Cap, when above zero, is the most tasks the fault lets the service
	// run (a scalable target's lowered maximum).
	Cap int `json:"cap,omitempty"`
}

// Scoped is implemented by injectors that can say what they would take
// out before they inject. Blast may read the target (its running tasks)
// and changes nothing. Ledger.Inject asks it when the ledger has limits.
type Scoped interface {
	Blast(ctx context.Context) (Blast, error)
}

// ErrLimit is wrapped by the error of a fault refused because it would
// break one of the profile's blast-radius limits.
var ErrLimit = errors.New("over the blast-radius limit")

// LimitError is a fault refused before it started, naming the limit.
type LimitError struct {
	Fault Spec
	// Limit is the profile key (limits.maxTasks) or rule broken.
	Limit  string
	Detail string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("refused %s before it started: %s: %s", e.Fault, e.Limit, e.Detail)
}

func (e *LimitError) Unwrap() error { return ErrLimit }

// CheckLimits judges a fault's blast against the limits, with the blasts
// of the faults already in flight. One region at a time is always the
// rule: a fault in one region while another region has a fault in flight
// would take down both, which no drill needs.
func CheckLimits(lim profile.Limits, spec Spec, next Blast, inFlight []Blast) error {
	refuse := func(limit, format string, args ...any) error {
		return &LimitError{Fault: spec, Limit: limit, Detail: fmt.Sprintf(format, args...)}
	}
	out := 0
	for _, b := range inFlight {
		if b.Region != next.Region {
			return refuse("one region at a time", "a fault is already in flight in %s, and this one acts on %s", b.Region, next.Region)
		}
		if next.Service != "" && b.Service == next.Service {
			out += b.Tasks
		}
	}
	if next.Service == "" {
		return nil
	}
	total := out + next.Tasks
	already := ""
	if out > 0 {
		already = fmt.Sprintf(" with %d already out", out)
	}
	switch {
	case lim.MaxTasks > 0 && total > lim.MaxTasks:
		return refuse("limits.maxTasks", "it takes %d task(s) of %s out%s, %d in all, above the profile's %d", next.Tasks, next.Service, already, total, lim.MaxTasks)
	case lim.MaxPercent > 0 && next.Running > 0 && total*100 > lim.MaxPercent*next.Running:
		return refuse("limits.maxPercent", "it takes %d of %d running task(s) of %s out%s, %d %% in all, above the profile's %d %%", next.Tasks, next.Running, next.Service, already, total*100/next.Running, lim.MaxPercent)
	case lim.MinHealthyTasks > 0 && next.Running > 0 && next.Running-total < lim.MinHealthyTasks:
		return refuse("limits.minHealthyTasks", "it leaves %d of %d running task(s) of %s%s, below the profile's floor of %d", max(0, next.Running-total), next.Running, next.Service, already, lim.MinHealthyTasks)
	case lim.MinHealthyTasks > 0 && next.Cap > 0 && next.Cap < lim.MinHealthyTasks:
		return refuse("limits.minHealthyTasks", "it lets %s run at most %d task(s), below the profile's floor of %d", next.Service, next.Cap, lim.MinHealthyTasks)
	}
	return nil
}

// region is where a fault acts: the one it names, or the target's.
func (t Target) region(named string) string {
	if named != "" {
		return named
	}
	return t.Region
}

// Blast implements Scoped: the tasks it would stop of those running now.
func (s StopTasks) Blast(ctx context.Context) (Blast, error) {
	if err := s.Supported(); err != nil {
		return Blast{}, err
	}
	tasks, err := s.running(ctx)
	if err != nil {
		return Blast{}, err
	}
	n, err := s.ToStop(len(tasks))
	if err != nil {
		return Blast{}, err
	}
	return Blast{Region: s.On.region(""), Service: s.Service, Tasks: n, Running: len(tasks)}, nil
}

// Blast implements Scoped: slow tasks still serve, so none is out.
func (l Latency) Blast(context.Context) (Blast, error) {
	return Blast{Region: l.On.region(l.Region), Service: l.Service}, nil
}

// Blast implements Scoped: the running tasks keep serving; only new ones
// fail.
func (f LaunchFailures) Blast(context.Context) (Blast, error) {
	return Blast{Region: f.On.region(f.Region), Service: f.Service}, nil
}

// Blast implements Scoped: a whole region, judged by the one-region rule
// alone; its services' tasks are behind a load balancer that no longer
// answers, which is the drill.
func (r RegionDown) Blast(context.Context) (Blast, error) {
	return Blast{Region: r.On.region(r.Region)}, nil
}

// Blast implements Scoped: a lower desired count takes the difference out.
func (d DesiredCount) Blast(context.Context) (Blast, error) {
	was := int(aws.ToInt32(d.restore.Desired))
	return Blast{Region: d.On.region(""), Service: d.Service, Tasks: max(0, was-int(d.Count)), Running: was}, nil
}

// Blast implements Scoped: a maximum caps what the service may run.
func (b ScalableTargetBounds) Blast(context.Context) (Blast, error) {
	service := b.Resource[strings.LastIndexByte(b.Resource, '/')+1:]
	return Blast{Region: b.On.region(""), Service: service, Cap: int(b.Max)}, nil
}

// Blast implements Scoped: the region the inverted check guards, judged
// by the one-region rule alone, as RegionDown.
func (h InvertHealthCheck) Blast(context.Context) (Blast, error) {
	return Blast{Region: h.On.region("")}, nil
}
