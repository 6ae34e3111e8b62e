package timeline

import (
	"maps"
	"slices"
	"time"
)

// Maps and slices in payloads are never tagged omitempty: that would turn an
// empty value into nil on the way back, and Read must return exactly what was
// appended.

// State marks the start or end of something with duration, so that a phase or
// load window is recorded as it begins and not only once it is over.
type State string

// The states of a Phase or LoadWindow.
const (
	Started  State = "started"
	Finished State = "finished"
)

// Phase marks the experiment moving between stages (baseline, fault, recovery),
// which is what verdict windows are measured from.
type Phase struct {
	Name  string `json:"name"`
	State State  `json:"state"`
	Note  string `json:"note,omitempty"`
}

// Fault describes a fault. It is recorded as FaultInjected or FaultReverted,
// which share its fields.
type Fault struct {
	ID     string            `json:"id"`
	Kind   string            `json:"kind"`
	Target string            `json:"target"`
	Params map[string]string `json:"params"`
	// Error is why reverting failed, which leaves the platform still faulted.
	Error string `json:"error,omitempty"`
}

// FaultInjected records that a fault was put in place.
type FaultInjected Fault

// FaultReverted records that a fault was taken away, or with Error set, that
// taking it away failed.
type FaultReverted Fault

// LoadWindow records a period of generated load and, once finished, what it
// saw. A load driver records one per platform minute, so that a minute in
// which it fell short of its plan can be told from one in which the
// platform failed.
type LoadWindow struct {
	// Service is the spec's id of the service the load is aimed at.
	Service string `json:"service,omitempty"`
	// Target is the URL requested.
	Target string `json:"target"`
	// Planned is the rate the plan asked for, in requests per real second.
	Planned float64 `json:"planned,omitempty"`
	// Rate is the rate delivered, in requests per real second.
	Rate     float64  `json:"rate"`
	Duration Duration `json:"duration"`
	State    State    `json:"state"`
	Requests int64    `json:"requests"`
	// Success is the fraction of requests that succeeded, from 0 to 1.
	Success float64 `json:"success"`
	// P50, P90 and P99 are latency quantiles.
	P50 Duration `json:"p50"`
	P90 Duration `json:"p90"`
	P99 Duration `json:"p99"`
	// StatusCodes counts responses by HTTP status ("0" for no response).
	StatusCodes map[string]int `json:"statusCodes"`
}

// CapacitySample is a reading of a service's task counts, the evidence for
// whether autoscaling happened when the runbook says it should.
type CapacitySample struct {
	Service string `json:"service"`
	Desired int    `json:"desired"`
	Running int    `json:"running"`
	Pending int    `json:"pending"`
}

// ScalingActivity is an autoscaling activity as the platform reported it.
type ScalingActivity struct {
	ActivityID    string    `json:"activityId"`
	ResourceID    string    `json:"resourceId"`
	Cause         string    `json:"cause"`
	Description   string    `json:"description"`
	StatusCode    string    `json:"statusCode"`
	StatusMessage string    `json:"statusMessage,omitempty"`
	StartTime     time.Time `json:"startTime"`
	// EndTime is zero while the activity is still in progress.
	EndTime time.Time `json:"endTime,omitzero"`
}

// AlarmTransition is an alarm changing state, such as from OK to ALARM.
type AlarmTransition struct {
	Alarm  string `json:"alarm"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// HealthCheckChange is a health check changing status. The checker counts are
// kept because a status flip is only meaningful next to how many checkers
// agreed.
type HealthCheckChange struct {
	HealthCheckID   string `json:"healthCheckId"`
	From            string `json:"from"`
	To              string `json:"to"`
	HealthyCheckers int    `json:"healthyCheckers"`
	Checkers        int    `json:"checkers"`
}

// DNSAnswerChange is a resolver returning a different answer for a name,
// the observable effect of a failover.
type DNSAnswerChange struct {
	Name string   `json:"name"`
	Type string   `json:"type"`
	From []string `json:"from"`
	To   []string `json:"to"`
	// TTL is in seconds, as in the DNS answer.
	TTL int `json:"ttl"`
}

// DataProbe is the result of writing to and reading back from a data store,
// the evidence for replication holding up through a fault.
type DataProbe struct {
	// Store names the kind of store, such as "redis" or "mongo".
	Store   string   `json:"store"`
	Probe   string   `json:"probe"`
	Written int64    `json:"written"`
	Lost    int64    `json:"lost"`
	Lag     Duration `json:"lag"`
	OK      bool     `json:"ok"`
	Detail  string   `json:"detail,omitempty"`
}

// ClockLag is a platform minute whose work (the metrics published as it
// ended, the alarm evaluation and scaling tick at its half) completed later
// than a verdict can tolerate: the platform a spec judged ran slower than
// the clock it was judged by, and the spec is inconclusive.
type ClockLag struct {
	// Spec is the spec that ran while the minute was late.
	Spec string `json:"spec"`
	// Minute is the platform minute; Late how late its work completed,
	// Bound the most a verdict tolerates, both in platform time.
	Minute time.Time `json:"minute"`
	Late   Duration  `json:"late"`
	Bound  Duration  `json:"bound"`
}

// Verdict is the outcome of checking one runbook expectation against the
// timeline, recorded on the timeline so the report needs nothing else.
type Verdict struct {
	// Spec names the test.
	Spec string `json:"spec"`
	// RunbookRef is the runbook section the expectation comes from.
	RunbookRef string `json:"runbookRef"`
	Expected   string `json:"expected"`
	// WindowStart and WindowEnd bound when the expected behaviour had to be
	// seen; both are zero when the expectation has no deadline.
	WindowStart time.Time `json:"windowStart,omitzero"`
	WindowEnd   time.Time `json:"windowEnd,omitzero"`
	Observed    string    `json:"observed"`
	// ObservedAt is zero when nothing was observed.
	ObservedAt time.Time `json:"observedAt,omitzero"`
	Status     Status    `json:"status"`
	// Labels are the spec's labels (area, disruptive, slow).
	Labels []string `json:"labels"`
	// Message says why a spec did not pass: the failure, the reason for a
	// skip or an inconclusive result, or what a waiver excuses.
	Message string `json:"message,omitempty"`
	// Waiver names the spec lint finding that waives this spec, when one
	// does; Status is then Waived and Message carries the result.
	Waiver string `json:"waiver,omitempty"`
}

// Status is a verdict's outcome.
type Status string

// The outcomes of a verdict. Their values are part of the file format.
const (
	Passed Status = "passed"
	Failed Status = "failed"
	// Waived: the spec ran, and a decision of the spec waives it while the
	// runbook itself is known to be wrong.
	Waived  Status = "waived"
	Skipped Status = "skipped"
	// Inconclusive: the harness could not do what the experiment planned
	// (the load fell short, the platform clock fell behind), so the spec
	// neither passes nor blames the platform.
	Inconclusive Status = "inconclusive"
	// Error: the spec could not be judged (the target did not answer).
	Error Status = "error"
	// Aborted: a stop condition (an alarm, the load's errors or latency)
	// or the kill switch stopped the experiment and its faults were
	// reverted; the message says which. The platform was not judged.
	Aborted Status = "aborted"
)

// Statuses lists every Status, in the order a summary shows them.
var Statuses = []Status{Passed, Failed, Waived, Skipped, Inconclusive, Error, Aborted}

// Failing says whether the status fails a run's exit code.
func (s Status) Failing() bool { return s == Failed || s == Error }

// EventKind implements Payload.
func (Phase) EventKind() Kind { return KindPhase }

// EventKind implements Payload.
func (FaultInjected) EventKind() Kind { return KindFaultInjected }

// EventKind implements Payload.
func (FaultReverted) EventKind() Kind { return KindFaultReverted }

// EventKind implements Payload.
func (LoadWindow) EventKind() Kind { return KindLoadWindow }

// EventKind implements Payload.
func (CapacitySample) EventKind() Kind { return KindCapacitySample }

// EventKind implements Payload.
func (ScalingActivity) EventKind() Kind { return KindScalingActivity }

// EventKind implements Payload.
func (AlarmTransition) EventKind() Kind { return KindAlarmTransition }

// EventKind implements Payload.
func (HealthCheckChange) EventKind() Kind { return KindHealthCheckChange }

// EventKind implements Payload.
func (DNSAnswerChange) EventKind() Kind { return KindDNSAnswer }

// EventKind implements Payload.
func (DataProbe) EventKind() Kind { return KindDataProbe }

// EventKind implements Payload.
func (ClockLag) EventKind() Kind { return KindClockLag }

// EventKind implements Payload.
func (Verdict) EventKind() Kind { return KindVerdict }

func (p Phase) clone() Payload { return p }

func (p FaultInjected) clone() Payload {
	p.Params = maps.Clone(p.Params)
	return p
}

func (p FaultReverted) clone() Payload {
	p.Params = maps.Clone(p.Params)
	return p
}

func (p LoadWindow) clone() Payload {
	p.StatusCodes = maps.Clone(p.StatusCodes)
	return p
}

func (p CapacitySample) clone() Payload { return p }

func (p ScalingActivity) clone() Payload {
	p.StartTime = p.StartTime.UTC()
	p.EndTime = p.EndTime.UTC()
	return p
}

func (p AlarmTransition) clone() Payload { return p }

func (p HealthCheckChange) clone() Payload { return p }

func (p DNSAnswerChange) clone() Payload {
	p.From = slices.Clone(p.From)
	p.To = slices.Clone(p.To)
	return p
}

func (p DataProbe) clone() Payload { return p }

func (p ClockLag) clone() Payload {
	p.Minute = p.Minute.UTC()
	return p
}

func (p Verdict) clone() Payload {
	p.Labels = slices.Clone(p.Labels)
	p.WindowStart = p.WindowStart.UTC()
	p.WindowEnd = p.WindowEnd.UTC()
	p.ObservedAt = p.ObservedAt.UTC()
	return p
}
