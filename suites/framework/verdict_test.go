package framework

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/timeline"
)

// A verdict's status follows Ginkgo's, except where the spec marked itself
// inconclusive or errored, or a waiver holds: a waived spec still shows
// its own result, and from the day its waiver expires that result counts.
func TestOutcome(t *testing.T) {
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	w := &waiver{finding: "frontend-trigger-vs-policy", Waiver: spec.Waiver{Spec: "x", Owner: "sre", Reason: "table says 30 %",
		Expires: spec.Date{Time: today.AddDate(0, 0, 1)}}}
	expired := &waiver{finding: w.finding, Waiver: w.Waiver}
	expired.Expires = spec.Date{Time: today}
	tests := []struct {
		name    string
		state   types.SpecState
		failure string
		v       Verdict
		w       *waiver
		status  timeline.Status
		message string
	}{
		{"passed", types.SpecStatePassed, "", Verdict{}, nil, timeline.Passed, ""},
		{"failed", types.SpecStateFailed, "too late", Verdict{}, nil, timeline.Failed, "too late"},
		{"skipped", types.SpecStateSkipped, "requires ecs", Verdict{}, nil, timeline.Skipped, "requires ecs"},
		{"inconclusive", types.SpecStateSkipped, "inconclusive: load short", Verdict{inconclusive: "load short"}, nil, timeline.Inconclusive, "load short"},
		{"errored", types.SpecStateFailed, "unreachable", Verdict{errored: "unreachable"}, w, timeline.Error, "unreachable"},
		{"interrupted", types.SpecStateInterrupted, "SIGINT", Verdict{}, nil, timeline.Error, "interrupted: SIGINT"},
		{"waived failure", types.SpecStateFailed, "too early", Verdict{}, w, timeline.Waived, "result failed: too early"},
		{"waived pass", types.SpecStatePassed, "", Verdict{}, w, timeline.Passed, "the waiver by finding frontend-trigger-vs-policy (until 2026-12-06, owner sre) is no longer needed"},
		{"expired waiver", types.SpecStateFailed, "too early", Verdict{}, expired, timeline.Failed, "waiver of finding frontend-trigger-vs-policy expired on 2026-12-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, msg := outcome(tt.state, tt.failure, &tt.v, tt.w, today)
			if status != tt.status || !strings.Contains(msg, tt.message) {
				t.Errorf("outcome = %s %q, want %s containing %q", status, msg, tt.status, tt.message)
			}
			if status.Failing() != (tt.status == timeline.Failed || tt.status == timeline.Error) {
				t.Errorf("%s fails the run: %v", status, status.Failing())
			}
		})
	}
}

func TestWindowMessages(t *testing.T) {
	open := time.Date(2026, 12, 5, 10, 3, 0, 0, time.UTC)
	w := Window{Earliest: open, Latest: open.Add(3 * time.Minute)}
	tests := []struct {
		at   time.Time
		ok   bool
		want string
	}{
		{open.Add(-90 * time.Second), false, "too early: at 2026-12-05T10:01:30Z, 1m30s before the window opens"},
		{open, true, ""},
		{open.Add(3 * time.Minute), true, ""},
		{open.Add(5 * time.Minute), false, "too late: at 2026-12-05T10:08:00Z, 2m0s after the window closes"},
	}
	for _, tt := range tests {
		m := inWindow(w)
		ok, err := m.Match(tt.at)
		if err != nil || ok != tt.ok || (!ok && !strings.Contains(m.FailureMessage(tt.at), tt.want)) {
			t.Errorf("at %v: match %v %v, message %q; want %v %q", tt.at, ok, err, m.FailureMessage(tt.at), tt.ok, tt.want)
		}
	}
}
