package route53

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"time"
)

// healthyFraction is the share of checkers that must report healthy for a
// health check to be healthy: "If more than 18% of health checkers report
// that an endpoint is healthy, Route 53 considers it healthy"
// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html).
const healthyFraction = 0.18

// healthCheck is a health check and its checkers.
type healthCheck struct {
	id        string
	callerRef string
	config    HealthCheckConfig
	// initial is the configuration it was created with, which a repeated
	// CallerReference must match.
	initial  HealthCheckConfig
	version  int64
	created  uint64
	checkers []*checker
	// healthy is the status Route 53 reports, after Disabled and Inverted.
	healthy bool
	// gen counts the restarts of probing; a probe of an older generation
	// is discarded. stop ends the current one, nil when not probing.
	gen  uint64
	stop context.CancelFunc
}

// checker is one location's view of the endpoint. It starts healthy, as
// "Route 53 considers a new health check to be healthy until there's
// enough data to determine the actual status", and flips after
// FailureThreshold consecutive probes that disagree with it.
type checker struct {
	region  string
	healthy bool
	streak  int    // consecutive probes that disagree with healthy
	seq     uint64 // the newest probe applied
	report  *HealthCheckObservation
}

func (h *healthCheck) describe() HealthCheck {
	c := h.config
	c.Regions = slices.Clone(c.Regions)
	return HealthCheck{Id: h.id, CallerReference: h.callerRef, HealthCheckConfig: c, HealthCheckVersion: h.version}
}

// status computes the status Route 53 reports. Disabled makes a check
// healthy and Inverted flips what results, so that disabling and
// inverting forces a check unhealthy, as AWS documents for stopping
// traffic to a resource (API_UpdateHealthCheck.html, Disabled).
func (h *healthCheck) status() (healthy bool, healthyCheckers int) {
	for _, c := range h.checkers {
		if c.healthy {
			healthyCheckers++
		}
	}
	healthy = float64(healthyCheckers) > healthyFraction*float64(len(h.checkers))
	if h.config.Disabled {
		healthy = true
	}
	if h.config.Inverted {
		healthy = !healthy
	}
	return healthy, healthyCheckers
}

// refreshLocked recomputes the status and queues a HealthChange when it
// changed.
func (e *Engine) refreshLocked(h *healthCheck, reason string) {
	healthy, n := h.status()
	if healthy == h.healthy {
		return
	}
	h.healthy = healthy
	c := HealthChange{HealthCheckId: h.id, Healthy: healthy, At: e.now(), HealthyCheckers: n, Checkers: len(h.checkers), Reason: reason}
	e.healthChanges.Queue(c)
	e.log.Info("route53 health check changed", "health_check", h.id, "healthy", healthy,
		"healthy_checkers", n, "checkers", len(h.checkers), "reason", reason)
}

// CreateHealthCheckInput is the input of CreateHealthCheck.
type CreateHealthCheckInput struct {
	CallerReference   string
	HealthCheckConfig HealthCheckConfig
}

// CreateHealthCheckOutput is the output of CreateHealthCheck. Location is
// the URL of the health check, which the wire layer sends as a header.
type CreateHealthCheckOutput struct {
	HealthCheck HealthCheck
	Location    string
}

// CreateHealthCheck creates a health check and starts probing it, unless
// it is disabled. A repeated CallerReference with the same configuration
// returns the existing check; with another configuration, or of a deleted
// check, it is HealthCheckAlreadyExists (API_CreateHealthCheck.html).
func (e *Engine) CreateHealthCheck(in CreateHealthCheckInput) (CreateHealthCheckOutput, error) {
	if in.CallerReference == "" || len(in.CallerReference) > 64 {
		return CreateHealthCheckOutput{}, invalidInput("CallerReference must have a length between 1 and 64.")
	}
	cfg := in.HealthCheckConfig
	cfg.Regions = slices.Clone(cfg.Regions)
	if err := normalizeConfig(&cfg); err != nil {
		return CreateHealthCheckOutput{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if ref, used := e.checkRefs[in.CallerReference]; used {
		if h := e.checks[ref.id]; !ref.deleted && h != nil && reflect.DeepEqual(h.initial, cfg) {
			return CreateHealthCheckOutput{HealthCheck: h.describe(), Location: healthCheckURL(h.id)}, nil
		}
		return CreateHealthCheckOutput{}, newError(ErrCodeHealthCheckAlreadyExists,
			"A health check with the specified caller reference %s already exists with different settings, or was deleted.", in.CallerReference)
	}
	e.seq++
	h := &healthCheck{id: newUUID(), callerRef: in.CallerReference, config: cfg, initial: cfg, version: 1, created: e.seq}
	h.checkers = newCheckers(cfg.Regions)
	// A new check starts from what its checkers start with; only changes
	// after that are HealthChanges.
	h.healthy, _ = h.status()
	e.checks[h.id] = h
	e.checkRefs[in.CallerReference] = checkRef{id: h.id}
	e.startLocked(h)
	return CreateHealthCheckOutput{HealthCheck: h.describe(), Location: healthCheckURL(h.id)}, nil
}

func healthCheckURL(id string) string {
	return "https://route53.amazonaws.com/2013-04-01/healthcheck/" + id
}

func newCheckers(regions []string) []*checker {
	if regions == nil {
		regions = CheckerRegions
	}
	out := make([]*checker, len(regions))
	for i, r := range regions {
		out[i] = &checker{region: r, healthy: true}
	}
	return out
}

// normalizeConfig validates a configuration and fills in AWS's defaults.
func normalizeConfig(c *HealthCheckConfig) *Error {
	switch c.Type {
	case TypeHTTP, TypeHTTPS, TypeHTTPStrMatch, TypeHTTPSStrMatch, TypeTCP:
	case "CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL":
		return invalidInput("Health checks of type %s are not served by the sandbox: it probes HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH and TCP endpoints.", c.Type)
	default:
		return invalidInput("Invalid health check type %q.", c.Type)
	}
	if c.RequestInterval == 0 {
		c.RequestInterval = 30
	}
	if c.FailureThreshold == 0 {
		c.FailureThreshold = 3
	}
	if c.RequestInterval != 10 && c.RequestInterval != 30 {
		return invalidInput("RequestInterval must be 10 or 30, not %d.", c.RequestInterval)
	}
	return checkEndpoint(c)
}

// checkEndpoint validates the members UpdateHealthCheck may change.
func checkEndpoint(c *HealthCheckConfig) *Error {
	if c.IPAddress == "" && c.FullyQualifiedDomainName == "" {
		return invalidInput("A health check of type %s needs IPAddress or FullyQualifiedDomainName.", c.Type)
	}
	// AWS refuses loopback and private addresses; the sandbox's
	// endpoints live on loopback, so it takes any address.
	if c.IPAddress != "" {
		if _, err := netip.ParseAddr(c.IPAddress); err != nil {
			return invalidInput("Invalid IP address %q.", c.IPAddress)
		}
	}
	if c.Port == 0 {
		switch c.Type {
		case TypeHTTP, TypeHTTPStrMatch:
			c.Port = 80
		case TypeHTTPS, TypeHTTPSStrMatch:
			c.Port = 443
		default:
			return invalidInput("A health check of type TCP needs a Port.")
		}
	}
	if c.Port < 1 || c.Port > 65535 {
		return invalidInput("Port must be between 1 and 65535, not %d.", c.Port)
	}
	if c.Type == TypeTCP && c.ResourcePath != "" {
		return invalidInput("A health check of type TCP takes no ResourcePath.")
	}
	if len(c.ResourcePath) > 255 || len(c.SearchString) > 255 || len(c.FullyQualifiedDomainName) > 255 {
		return invalidInput("ResourcePath, SearchString and FullyQualifiedDomainName take at most 255 characters.")
	}
	strMatch := c.Type == TypeHTTPStrMatch || c.Type == TypeHTTPSStrMatch
	if strMatch != (c.SearchString != "") {
		return invalidInput("SearchString is required for, and only for, health checks of type HTTP_STR_MATCH and HTTPS_STR_MATCH.")
	}
	if c.FailureThreshold < 1 || c.FailureThreshold > 10 {
		return invalidInput("FailureThreshold must be between 1 and 10, not %d.", c.FailureThreshold)
	}
	if c.Regions != nil {
		slices.Sort(c.Regions)
		c.Regions = slices.Compact(c.Regions)
		for _, r := range c.Regions {
			if !slices.Contains(CheckerRegions, r) {
				return invalidInput("Invalid health checker region %q.", r)
			}
		}
		if len(c.Regions) < 3 {
			return invalidInput("A health check needs at least 3 Regions, not %d.", len(c.Regions))
		}
	}
	return nil
}

// GetHealthCheck describes a health check.
func (e *Engine) GetHealthCheck(id string) (HealthCheck, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	h, ok := e.checks[id]
	if !ok {
		return HealthCheck{}, noSuchHealthCheck(id)
	}
	return h.describe(), nil
}

// Healthy reports the status of a health check as Route 53 uses it for
// DNS answers.
func (e *Engine) Healthy(id string) (bool, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	h, ok := e.checks[id]
	if !ok {
		return false, noSuchHealthCheck(id)
	}
	return h.healthy, nil
}

// ListHealthChecksInput is the input of ListHealthChecks; Marker is the ID
// of the first check of the page, from a previous NextMarker.
type ListHealthChecksInput struct {
	Marker   string
	MaxItems int
}

// ListHealthChecksOutput is the output of ListHealthChecks.
type ListHealthChecksOutput struct {
	HealthChecks []HealthCheck
	Marker       string `aws:",omitempty"`
	IsTruncated  bool
	NextMarker   string `aws:",omitempty"`
	MaxItems     string
}

// ListHealthChecks lists health checks in the order they were created, up
// to MaxItems (default 100, most 1000) a page.
func (e *Engine) ListHealthChecks(in ListHealthChecksInput) (ListHealthChecksOutput, error) {
	size, err := pageSize(in.MaxItems, 1000)
	if err != nil {
		return ListHealthChecksOutput{}, err
	}
	if in.MaxItems == 0 {
		size = 100
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	checks := make([]*healthCheck, 0, len(e.checks))
	for _, h := range e.checks {
		checks = append(checks, h)
	}
	slices.SortFunc(checks, func(a, b *healthCheck) int { return cmp.Compare(a.created, b.created) })
	start := 0
	if in.Marker != "" {
		start = slices.IndexFunc(checks, func(h *healthCheck) bool { return h.id == in.Marker })
		if start < 0 {
			return ListHealthChecksOutput{}, invalidInput("The marker %s names no health check.", in.Marker)
		}
	}
	out := ListHealthChecksOutput{HealthChecks: []HealthCheck{}, Marker: in.Marker, MaxItems: fmt.Sprint(size)}
	for i := start; i < len(checks); i++ {
		if len(out.HealthChecks) == size {
			out.IsTruncated, out.NextMarker = true, checks[i].id
			break
		}
		out.HealthChecks = append(out.HealthChecks, checks[i].describe())
	}
	return out, nil
}

// UpdateHealthCheckInput is the input of UpdateHealthCheck: nil members
// stay as they are. Type and RequestInterval cannot change.
type UpdateHealthCheckInput struct {
	HealthCheckId            string
	HealthCheckVersion       *int64
	IPAddress                *string
	Port                     *int
	ResourcePath             *string
	FullyQualifiedDomainName *string
	SearchString             *string
	FailureThreshold         *int
	Inverted                 *bool
	Disabled                 *bool
	EnableSNI                *bool
	Regions                  []string
	// ResetElements lists members to return to their defaults:
	// FullyQualifiedDomainName, Regions, ResourcePath.
	ResetElements []string
}

// UpdateHealthCheck changes a health check. Checkers keep their counts
// across a change of endpoint, as nothing tells AWS's checkers to forget;
// a change of Regions starts new checkers.
func (e *Engine) UpdateHealthCheck(in UpdateHealthCheckInput) (HealthCheck, error) {
	defer e.healthChanges.Deliver()
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.checks[in.HealthCheckId]
	if !ok {
		return HealthCheck{}, noSuchHealthCheck(in.HealthCheckId)
	}
	if in.HealthCheckVersion != nil && *in.HealthCheckVersion != h.version {
		return HealthCheck{}, newError(ErrCodeHealthCheckVersionMismatch,
			"The value of HealthCheckVersion %d does not match the current version %d.", *in.HealthCheckVersion, h.version)
	}
	c := h.config
	c.Regions = slices.Clone(c.Regions)
	for _, r := range in.ResetElements {
		switch r {
		case "FullyQualifiedDomainName":
			c.FullyQualifiedDomainName = ""
		case "Regions":
			c.Regions = nil
		case "ResourcePath":
			c.ResourcePath = ""
		default:
			return HealthCheck{}, invalidInput("Invalid ResetElements member %q.", r)
		}
	}
	set(&c.IPAddress, in.IPAddress)
	set(&c.Port, in.Port)
	set(&c.ResourcePath, in.ResourcePath)
	set(&c.FullyQualifiedDomainName, in.FullyQualifiedDomainName)
	set(&c.SearchString, in.SearchString)
	set(&c.FailureThreshold, in.FailureThreshold)
	set(&c.Inverted, in.Inverted)
	set(&c.Disabled, in.Disabled)
	set(&c.EnableSNI, in.EnableSNI)
	if in.Regions != nil {
		c.Regions = slices.Clone(in.Regions)
	}
	if err := checkEndpoint(&c); err != nil {
		return HealthCheck{}, err
	}
	regionsChanged := !slices.Equal(c.Regions, h.config.Regions)
	restart := regionsChanged || c.Disabled != h.config.Disabled
	h.config = c
	h.version++
	if restart {
		e.stopLocked(h)
		if regionsChanged {
			h.checkers = newCheckers(c.Regions)
		}
		e.startLocked(h)
	}
	e.refreshLocked(h, "UpdateHealthCheck")
	return h.describe(), nil
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// DeleteHealthCheck deletes a health check and stops its probing. Record
// sets that name it are left as they are and count as healthy, as Route
// 53 lets a check in use be deleted (HealthCheckInUse "is not in use").
func (e *Engine) DeleteHealthCheck(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.checks[id]
	if !ok {
		return noSuchHealthCheck(id)
	}
	e.stopLocked(h)
	delete(e.checks, id)
	delete(e.tags, tagKey(TagResourceHealthCheck, id))
	e.checkRefs[h.callerRef] = checkRef{id: id, deleted: true}
	return nil
}

// GetHealthCheckStatus returns the newest observation of each checker
// that has probed the endpoint, in CheckerRegions order.
func (e *Engine) GetHealthCheckStatus(id string) ([]HealthCheckObservation, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	h, ok := e.checks[id]
	if !ok {
		return nil, noSuchHealthCheck(id)
	}
	out := []HealthCheckObservation{}
	for _, c := range h.checkers {
		if c.report != nil {
			out = append(out, *c.report)
		}
	}
	return out, nil
}

// startLocked starts probing h from every checker location, all in one
// phase: each interval the eight probes go out together. AWS's checkers
// "don't coordinate with one another, so you'll sometimes see several
// requests per second regardless of the interval you chose, followed by a
// few seconds with no health checks at all"
// (dns-failover-determining-health-of-endpoints.html); the sandbox takes
// the burst, because at 60x eight staggered checkers would wake the
// sandbox sixteen times a real second per health check, which cost ten
// times the probes' own work on two cores.
func (e *Engine) startLocked(h *healthCheck) {
	if h.config.Disabled || e.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithCancel(e.ctx)
	h.gen++
	h.stop = cancel
	e.wg.Add(1)
	go e.runCheckers(ctx, h, h.checkers, h.gen, time.Duration(h.config.RequestInterval)*time.Second)
}

// stopLocked ends probing without waiting: probes in flight finish on
// their own and are discarded.
func (e *Engine) stopLocked(h *healthCheck) {
	if h.stop != nil {
		h.stop()
		h.stop = nil
		h.gen++
	}
}
