package lb

import (
	"crypto/tls"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

const (
	// DefaultRegion and DefaultAccountID go into ARNs; they match the
	// sandbox's CloudWatch and Application Auto Scaling engines.
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"

	// The health check defaults of an HTTP target group whose targets are
	// IP addresses (API_CreateTargetGroup): every 30 s, a 5 s timeout,
	// healthy after 5 consecutive passes, unhealthy after 2 failures.
	DefaultHealthCheckInterval = 30 * time.Second
	DefaultHealthCheckTimeout  = 5 * time.Second
	DefaultHealthyThreshold    = 5
	DefaultUnhealthyThreshold  = 2
	// DefaultHealthCheckPath is where the platform's services answer
	// health checks. AWS's default is "/", which the frontend serves as a
	// page that costs capacity; every task serves /health for free.
	DefaultHealthCheckPath = "/health"
	// DefaultDeregistrationDelay is the target group attribute
	// deregistration_delay.timeout_seconds, 300 by default
	// (load-balancer-target-groups.html, Deregistration delay).
	DefaultDeregistrationDelay = 300 * time.Second
	// DefaultIdleTimeout is the load balancer attribute
	// idle_timeout.timeout_seconds, 60 by default
	// (application-load-balancers.html, Connection idle timeout): a target
	// that sends nothing back for that long gets the client a 504.
	DefaultIdleTimeout = 60 * time.Second
	// healthyStatus is the success code of a health check: the Matcher
	// default of an HTTP target group is 200.
	healthyStatus = 200
)

// Config is one load balancer: where it listens, its target groups and the
// rules of its one HTTP listener.
type Config struct {
	// Name is the load balancer's name, such as main-alb.
	Name string
	// ID is the last part of its ARN; AWS makes it 16 hex digits. Empty
	// derives a stable one from Region and Name, so that dimension values
	// stay the same from run to run. Set it to match the id the runbook's
	// alarms name.
	ID        string
	Region    string // default DefaultRegion
	AccountID string // default DefaultAccountID
	// Addr is the address to listen on, such as 127.0.1.1:8080; port 0
	// picks a free port, which is kept for as long as the load balancer
	// lives, across SetDown(Refuse) and back.
	Addr string
	// HTTPSAddr, if set, is a second listener that speaks HTTPS with TLS,
	// as an ALB's port 443 listener does.
	HTTPSAddr    string
	TLS          *tls.Config
	TargetGroups []TargetGroupConfig
	// Rules are tried in order; the first whose pattern matches the path
	// forwards the request to its target group.
	Rules []Rule
	// DefaultTargetGroup is the listener's default action: the group of
	// requests that no rule matches.
	DefaultTargetGroup string
	// IdleTimeout bounds, in real time, how long a target may take to send
	// its response headers; default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// RequestWeight is how many requests of the modelled platform each
	// request stands for in the request counts published per platform
	// minute (RequestCount, RequestCountPerTarget, the 5XX counts);
	// default 1. Requests arrive at real rates, which the tasks' capacity
	// model also counts per real second, but a platform minute lasts
	// 60/scale real seconds: weighting by the clock's scale makes a count
	// per platform minute the one a platform serving the same rate for a
	// whole minute would publish, so that a runbook threshold in requests
	// per target per minute keeps its ratio to a task's capacity.
	RequestWeight float64
	// Unchanged, if set, returns for a target a channel that stays open
	// while the process behind it answers health checks as it did when
	// the channel was taken, and is closed once that may no longer hold
	// (the process exited, or a fault changed how it answers); nil when
	// it cannot say. See the health checks' quiet passes in targets.go.
	Unchanged func(Target) <-chan struct{}
}

// TargetGroupConfig is one target group.
type TargetGroupConfig struct {
	// Name is the target group's name, such as tg-api.
	Name string
	// ID is the last part of its ARN; empty derives a stable one, as for
	// Config.ID.
	ID          string
	HealthCheck HealthCheck
	// DeregistrationDelay is how long, in platform time, a deregistered
	// target may keep serving its in-flight requests; default
	// DefaultDeregistrationDelay.
	DeregistrationDelay time.Duration
}

// HealthCheck is a target group's health check. Zero fields take the
// defaults above.
type HealthCheck struct {
	Path string
	// Interval between checks of a target, in platform time.
	Interval time.Duration
	// Timeout of one check, in real time: it bounds a request's latency
	// (see the package documentation, Time).
	Timeout            time.Duration
	HealthyThreshold   int
	UnhealthyThreshold int
}

// Rule forwards requests whose path matches PathPattern to TargetGroup.
type Rule struct {
	// PathPattern is an ALB path pattern: case sensitive, * matches any
	// characters, ? exactly one; such as /v1/*.
	PathPattern string
	// TargetGroup is the target group's name.
	TargetGroup string
}

func (c *Config) setDefaults() {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	if c.ID == "" {
		c.ID = stableID("app", c.Region, c.Name)
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.RequestWeight == 0 {
		c.RequestWeight = 1
	}
	for i := range c.TargetGroups {
		g := &c.TargetGroups[i]
		if g.ID == "" {
			g.ID = stableID("targetgroup", c.Region, g.Name)
		}
		if g.DeregistrationDelay == 0 {
			g.DeregistrationDelay = DefaultDeregistrationDelay
		}
		h := &g.HealthCheck
		if h.Path == "" {
			h.Path = DefaultHealthCheckPath
		}
		if h.Interval == 0 {
			h.Interval = DefaultHealthCheckInterval
		}
		if h.Timeout == 0 {
			h.Timeout = DefaultHealthCheckTimeout
		}
		if h.HealthyThreshold == 0 {
			h.HealthyThreshold = DefaultHealthyThreshold
		}
		if h.UnhealthyThreshold == 0 {
			h.UnhealthyThreshold = DefaultUnhealthyThreshold
		}
	}
}

// validate checks a configuration after setDefaults. The ranges are
// API_CreateTargetGroup's, except the interval, which the sandbox lets go
// below 5 s so that tests on a slow clock stay short.
func (c *Config) validate() error {
	if !validName(c.Name) {
		return fmt.Errorf("load balancer name %q: want 1-32 letters, digits and hyphens, not starting or ending with a hyphen", c.Name)
	}
	if c.Addr == "" {
		return fmt.Errorf("load balancer %s: no listen address", c.Name)
	}
	if (c.HTTPSAddr == "") != (c.TLS == nil) {
		return fmt.Errorf("load balancer %s: an HTTPS listener needs both an address and a TLS configuration", c.Name)
	}
	if c.IdleTimeout < 0 {
		return fmt.Errorf("load balancer %s: idle timeout %s is negative", c.Name, c.IdleTimeout)
	}
	if !(c.RequestWeight > 0) {
		return fmt.Errorf("load balancer %s: request weight %v: want a number above 0", c.Name, c.RequestWeight)
	}
	seen := map[string]bool{}
	for _, g := range c.TargetGroups {
		if !validName(g.Name) {
			return fmt.Errorf("target group name %q: want 1-32 letters, digits and hyphens, not starting or ending with a hyphen", g.Name)
		}
		if seen[g.Name] {
			return fmt.Errorf("target group %s is configured twice", g.Name)
		}
		seen[g.Name] = true
		h := g.HealthCheck
		switch {
		case !strings.HasPrefix(h.Path, "/"):
			return fmt.Errorf("target group %s: health check path %q must start with /", g.Name, h.Path)
		case h.Interval < 0 || h.Timeout < 0 || g.DeregistrationDelay < 0:
			return fmt.Errorf("target group %s: negative health check interval, timeout or deregistration delay", g.Name)
		case h.HealthyThreshold < 2 || h.HealthyThreshold > 10:
			return fmt.Errorf("target group %s: healthy threshold %d: want 2-10", g.Name, h.HealthyThreshold)
		case h.UnhealthyThreshold < 2 || h.UnhealthyThreshold > 10:
			return fmt.Errorf("target group %s: unhealthy threshold %d: want 2-10", g.Name, h.UnhealthyThreshold)
		}
	}
	if !seen[c.DefaultTargetGroup] {
		return fmt.Errorf("load balancer %s: default target group %q is not one of its target groups", c.Name, c.DefaultTargetGroup)
	}
	for _, r := range c.Rules {
		if !seen[r.TargetGroup] {
			return fmt.Errorf("load balancer %s: rule %q forwards to %q, which is not one of its target groups", c.Name, r.PathPattern, r.TargetGroup)
		}
		if !strings.HasPrefix(r.PathPattern, "/") && !strings.HasPrefix(r.PathPattern, "*") {
			return fmt.Errorf("load balancer %s: path pattern %q must start with / or *", c.Name, r.PathPattern)
		}
	}
	return nil
}

// validName follows the naming rules of load balancers and target groups
// (API_CreateLoadBalancer, API_CreateTargetGroup).
func validName(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// stableID makes 16 hex digits, the form of AWS's ids, from what names a
// resource.
func stableID(kind, region, name string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%s", kind, region, name)
	return fmt.Sprintf("%016x", h.Sum64())
}

// matchPath reports whether path matches an ALB path pattern.
func matchPath(pattern, path string) bool {
	// Iterative wildcard matching with backtracking to the last star.
	p, s := 0, 0
	star, mark := -1, 0
	for s < len(path) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == path[s]):
			p++
			s++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case star >= 0:
			p = star + 1
			mark++
			s = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
