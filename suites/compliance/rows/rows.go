// Package rows turns the runbook, as the spec holds it, into one check per
// row: what the spec expects, and a judgement of what a target was observed
// to have, as a Finding. It does no I/O, so every judgement is unit-tested;
// the compliance suite reads the target and asks rows for verdicts.
//
// Row ids are stable and name the spec's item and attribute
// (frontend.minCapacity, alarm.APILatencyHigh.threshold,
// scheduled.business-hours-scaling.schedule): the sandbox names its
// deliberate deviations with the same keys, so a deviation maps to the row
// that must fail.
package rows

import (
	"fmt"

	"github.com/gameday-sre/gameday/targets/profile"
)

// Verdict is how a row came out.
type Verdict string

const (
	Pass Verdict = "pass"
	Fail Verdict = "fail"
	// Skip: the target does not serve the API, or the row depends on a
	// resource whose own row already fails.
	Skip Verdict = "skip"
	// Error: the target could not be read.
	Error Verdict = "error"
)

// Finding is one row's outcome, worded for an SRE: the runbook section, what
// it says, what the target has, and where.
type Finding struct {
	Row      string  `json:"row"`
	Area     Area    `json:"area"`
	Section  string  `json:"section"`
	Expected string  `json:"expected"`
	Actual   string  `json:"actual"`
	Resource string  `json:"resource"`
	Verdict  Verdict `json:"verdict"`
	Reason   string  `json:"reason,omitempty"`
}

// String is the failure message: short and stable, so the same drift on two
// nights reads the same.
func (f Finding) String() string {
	s := fmt.Sprintf("%s [%s]: expected %s, actual %s (%s)", f.Section, f.Row, f.Expected, f.Actual, f.Resource)
	if f.Reason != "" {
		s += ": " + f.Reason
	}
	return s
}

// Area groups rows by what must be read to judge them; it is also the
// row's Ginkgo label.
type Area string

const (
	ScalableTargets  Area = "scalable-targets"
	ScalingPolicies  Area = "scaling-policies"
	ScheduledActions Area = "scheduled-actions"
	Alarms           Area = "alarms"
	TaskDefinitions  Area = "task-definitions"
	Tags             Area = "tags"
	HealthChecks     Area = "health-checks"
	FailoverRecords  Area = "failover-records"
	Replication      Area = "replication"
	// ContentReplication is the S3 content bucket's replication.
	ContentReplication Area = "s3-replication"
	ReplicaSet         Area = "replica-set"
	Budget             Area = "budget"
	Dashboard          Area = "dashboard"
)

// Row is one check of one runbook row.
type Row struct {
	ID      string
	Area    Area
	Section string
	// Needs is the capability the target must serve.
	Needs    profile.Capability
	Resource string
	Expected string
	judge    func(*Observed) (actual string, v Verdict, reason string)
}

// Judge compares the row's expectation with what was observed.
func (r Row) Judge(o *Observed) Finding {
	actual, v, reason := r.judge(o)
	return r.finding(actual, v, reason)
}

// NotServed is the row skipped because the target lacks its capability,
// for the reason the target's profile gives (profile.Lacks).
func (r Row) NotServed(reason string) Finding {
	return r.finding("not read", Skip, reason)
}

// Unreadable is the row failed because the target could not be read.
func (r Row) Unreadable(err error) Finding {
	return r.finding("unreadable", Error, err.Error())
}

func (r Row) finding(actual string, v Verdict, reason string) Finding {
	return Finding{Row: r.ID, Area: r.Area, Section: r.Section, Expected: r.Expected, Actual: actual, Resource: r.Resource, Verdict: v, Reason: reason}
}

// equal is the judgement of most rows: the observed value, written as the
// expectation is, must read the same.
func equal(expected, actual string) (string, Verdict, string) {
	if actual == expected {
		return actual, Pass, ""
	}
	return actual, Fail, ""
}

// dependsOn skips a row whose resource is missing: that row's own presence
// row fails, and only it should, so that one drift reads as one finding.
func dependsOn(row, what string) (string, Verdict, string) {
	return "not read", Skip, fmt.Sprintf("%s absent; see row %s", what, row)
}

func presence(found bool) (string, Verdict, string) {
	if found {
		return "present", Pass, ""
	}
	return "absent", Fail, ""
}
