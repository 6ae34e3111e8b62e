// Package evidence renders a run folder as evidence.json: every verdict
// with its runbook section, what was expected (and in which window),
// what was observed and when, and the timeline events that justify it;
// the timings measured; what the run was (target, tool version, spec
// hash, start and end in real and platform time). It is the report an
// auditor or a script reads; reports/schema holds its JSON Schema.
package evidence

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/timings"
	"github.com/gameday-sre/gameday/timeline"
)

// Version is evidence.json's format version; it changes when a field
// changes meaning or goes away.
const Version = 1

// Evidence is evidence.json.
type Evidence struct {
	Version  int             `json:"version"`
	Run      folder.Manifest `json:"run"`
	Result   timeline.Status `json:"result"`
	Counts   Counts          `json:"counts"`
	Areas    []Area          `json:"areas"`
	Verdicts []Verdict       `json:"verdicts"`
	Timings  []Timing        `json:"timings"`
	// Events are every event a verdict or a timing cites, once each, as
	// timeline.jsonl holds them.
	Events []Event `json:"events"`
	// Compliance is the drift check's rows; nil when the folder has no
	// compliance timeline.
	Compliance *Compliance `json:"compliance"`
	// Lint is the spec lint's findings; nil when the folder has none.
	Lint *Lint `json:"lint"`
}

// Counts counts verdicts by status; every status is present.
type Counts map[timeline.Status]int

func counts(vs []folder.Verdict) Counts {
	c := Counts{}
	for _, s := range timeline.Statuses {
		c[s] = 0
	}
	for s, n := range folder.Counts(vs) {
		c[s] = n
	}
	return c
}

// Area is the result of one runbook area.
type Area struct {
	Area   string          `json:"area"`
	Status timeline.Status `json:"status"`
	Counts Counts          `json:"counts"`
}

// Verdict is one spec's verdict and what justifies it.
type Verdict struct {
	Spec       string          `json:"spec"`
	Experiment string          `json:"experiment"`
	Area       string          `json:"area"`
	Labels     []string        `json:"labels"`
	Runbook    string          `json:"runbook"`
	Status     timeline.Status `json:"status"`
	Expected   string          `json:"expected"`
	// Window is when the expected behaviour had to be seen; nil when the
	// expectation has no deadline.
	Window   *Window `json:"window"`
	Observed string  `json:"observed"`
	// ObservedAt is nil when nothing was observed.
	ObservedAt *time.Time `json:"observedAt"`
	JudgedAt   time.Time  `json:"judgedAt"`
	Message    string     `json:"message"`
	Waiver     string     `json:"waiver"`
	// Seq is the verdict's own line in timeline.jsonl; Evidence the seq
	// numbers of the events it rests on (see Events).
	Seq      uint64   `json:"seq"`
	Evidence []uint64 `json:"evidence"`
}

// Window bounds an expectation in platform time.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Timing is a measured duration (package timings).
type Timing struct {
	Kind    timings.Kind `json:"kind"`
	Subject string       `json:"subject"`
	Name    string       `json:"name"`
	// Value is a Go duration ("3m23s"), Seconds the same as a number.
	Value   string     `json:"value"`
	Seconds float64    `json:"seconds"`
	From    *time.Time `json:"from"`
	At      time.Time  `json:"at"`
	// Evidence are seq numbers of events (see Events).
	Evidence []uint64 `json:"evidence"`
}

// Event is a timeline event as a line of timeline.jsonl holds it.
type Event struct {
	Seq  uint64           `json:"seq"`
	At   time.Time        `json:"at"`
	Kind timeline.Kind    `json:"kind"`
	Data timeline.Payload `json:"data"`
}

// Compliance is the drift check: one row per runbook row judged.
type Compliance struct {
	Counts Counts `json:"counts"`
	Rows   []Row  `json:"rows"`
}

// Row is one compliance row.
type Row struct {
	Row      string          `json:"row"`
	Area     string          `json:"area"`
	Runbook  string          `json:"runbook"`
	Status   timeline.Status `json:"status"`
	Expected string          `json:"expected"`
	Observed string          `json:"observed"`
	Message  string          `json:"message"`
}

// Lint is what spec lint found where the runbook contradicts itself.
type Lint struct {
	Findings       []Finding `json:"findings"`
	StaleDecisions int       `json:"staleDecisions"`
}

// Finding is one lint finding with the side the spec holds, or
// "UNDECIDED".
type Finding struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Sections      []string `json:"sections"`
	Authoritative string   `json:"authoritative"`
	Decided       bool     `json:"decided"`
}

// Build makes the evidence of a run folder.
func Build(f *folder.Folder) Evidence {
	vs := folder.Verdicts(f.Events)
	e := Evidence{Version: Version, Run: f.Manifest, Result: folder.Result(vs), Counts: counts(vs), Areas: []Area{}, Verdicts: []Verdict{}, Timings: []Timing{}, Events: []Event{}}
	for _, g := range folder.GroupBy(vs, folder.ByArea) {
		e.Areas = append(e.Areas, Area{Area: g.Key, Status: g.Status, Counts: counts(g.Verdicts)})
	}
	cited := map[uint64]bool{}
	for _, x := range folder.Experiments(f.Events) {
		for _, v := range x.Verdicts {
			ev := verdict(v, x)
			for _, s := range ev.Evidence {
				cited[s] = true
			}
			e.Verdicts = append(e.Verdicts, ev)
		}
	}
	for _, t := range timings.Measure(f.Events) {
		e.Timings = append(e.Timings, timing(t))
		for _, s := range t.Evidence {
			cited[s] = true
		}
	}
	for _, ev := range f.Events {
		if cited[ev.Seq] {
			e.Events = append(e.Events, Event{Seq: ev.Seq, At: ev.At, Kind: ev.Kind(), Data: ev.Data})
		}
	}
	if f.Compliance != nil {
		e.Compliance = compliance(folder.Verdicts(f.Compliance))
	}
	if f.Lint != nil {
		e.Lint = &Lint{Findings: []Finding{}, StaleDecisions: len(f.Lint.StaleDecisions)}
		for _, l := range f.Lint.Findings {
			e.Lint.Findings = append(e.Lint.Findings, Finding{ID: l.ID, Title: l.Title, Sections: l.Sections, Authoritative: l.Authoritative(), Decided: l.Decision != nil})
		}
	}
	return e
}

// Marshal is evidence.json's bytes.
func Marshal(e Evidence) ([]byte, error) {
	data, err := json.MarshalIndent(e, "", "  ")
	return append(data, '\n'), err
}

func verdict(v folder.Verdict, x folder.Experiment) Verdict {
	out := Verdict{Spec: v.Spec, Experiment: x.ID, Area: v.Area(), Labels: v.Labels, Runbook: v.RunbookRef, Status: v.Status,
		Expected: v.Expected, Observed: v.Observed, JudgedAt: v.At, Message: v.Message, Waiver: v.Waiver, Seq: v.Seq, Evidence: justify(v, x)}
	if out.Labels == nil {
		out.Labels = []string{}
	}
	if !v.WindowStart.IsZero() {
		out.Window = &Window{Start: v.WindowStart, End: v.WindowEnd}
	}
	if !v.ObservedAt.IsZero() {
		out.ObservedAt = &v.ObservedAt
	}
	return out
}

// justify picks the events a verdict rests on: its experiment's events
// recorded before it. Of the capacity samples, polled often,
// only those where a service's counts changed are cited: they are what
// the platform did; the ones between repeat them.
func justify(v folder.Verdict, x folder.Experiment) []uint64 {
	out := []uint64{}
	last := map[string]timeline.CapacitySample{}
	for _, e := range x.Events {
		if e.Seq > v.Seq {
			break
		}
		if s, ok := e.Data.(timeline.CapacitySample); ok {
			prev, seen := last[s.Service]
			last[s.Service] = s
			if seen && prev == s {
				continue
			}
		}
		out = append(out, e.Seq)
	}
	return out
}

func timing(t timings.Timing) Timing {
	out := Timing{Kind: t.Kind, Subject: t.Subject, Name: t.Name(), Value: t.Value.String(), Seconds: t.Value.Seconds(), At: t.At, Evidence: slices.Sorted(slices.Values(t.Evidence))}
	if !t.From.IsZero() {
		out.From = &t.From
	}
	return out
}

func compliance(vs []folder.Verdict) *Compliance {
	c := &Compliance{Counts: counts(vs), Rows: []Row{}}
	for _, v := range vs {
		area := ""
		if len(v.Labels) > 1 {
			area = v.Labels[1]
		}
		c.Rows = append(c.Rows, Row{Row: v.Spec, Area: area, Runbook: v.RunbookRef, Status: v.Status, Expected: v.Expected, Observed: v.Observed, Message: v.Message})
	}
	return c
}
