// Package plan says what a game day would do to a target before it does
// it: every fault the chosen suites inject, with its revert, its expected
// window and the AWS calls it makes; what those faults would touch (tasks,
// health checks, alarms, replication groups), resolved through read-only
// calls; the blast-radius limits each respects; the runbook's maintenance
// windows and the providers' limits. `gameday plan` prints it and `gameday
// run` refuses to start a disruptive run that the calendar or a provider
// limit forbids. Building a plan changes nothing.
package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/gameday-sre/gameday/chaos"
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Fault is one fault a run would inject.
type Fault struct {
	// Experiment is the spec id prefix of the experiment that injects it.
	Experiment string   `json:"experiment"`
	Suite      string   `json:"suite"`
	Labels     []string `json:"labels"`
	Kind       string   `json:"kind"`
	// On is what it acts on, as the target names it.
	On     string `json:"on"`
	Revert string `json:"revert"`
	Window string `json:"window"`
	// Calls are the AWS calls it makes, reads included; none for the
	// sandbox's fault hooks.
	Calls []string `json:"calls"`
	// Limits says how it stands against the profile's blast-radius limits.
	Limits string `json:"limits"`
	// Refused says the ledger would refuse it as the target stands now.
	Refused bool `json:"refused,omitempty"`
}

// Touches is what the run's faults and judges would touch.
type Touches struct {
	// Tasks are the running task ids per ECS service a fault acts on.
	Tasks map[string][]string `json:"tasks"`
	// HealthChecks are the Route 53 health checks a region outage fails.
	HealthChecks []string `json:"healthChecks"`
	// Alarms are the alarms the run watches: those its specs judge and
	// the profile's stop conditions.
	Alarms []string `json:"alarms"`
	// ReplicationGroups are the Redis replication groups whose primary,
	// replica or region the data suite takes out.
	ReplicationGroups []string `json:"replicationGroups,omitempty"`
	// Unread says what could not be read, and why: a target that lacks
	// it (an emulator without the cluster) shows here, not as an error.
	Unread []string `json:"unread,omitempty"`
}

// Plan is what a run would do.
type Plan struct {
	Target      string              `json:"target"`
	Environment profile.Environment `json:"environment,omitempty"`
	// KeepsCalendar says the run keeps out of the maintenance windows.
	KeepsCalendar bool `json:"keepsCalendar"`
	// At is the target's platform time when the plan was made.
	At          time.Time      `json:"at"`
	Suites      []string       `json:"suites"`
	LabelFilter string         `json:"labelFilter,omitempty"`
	Faults      []Fault        `json:"faults"`
	Touches     Touches        `json:"touches"`
	Limits      profile.Limits `json:"limits"`
	// StopConditions abort the run; KillSwitch is the switch that does.
	StopConditions profile.StopConditions `json:"stopConditions"`
	KillSwitch     string                 `json:"killSwitch"`
	Maintenance    []Window               `json:"maintenance"`
	Providers      []ProviderLimit        `json:"providers"`
	// Refusals say why gameday run would not start now; CanRunAt is the
	// platform time from which none of them holds.
	Refusals []string  `json:"refusals"`
	CanRunAt time.Time `json:"canRunAt,omitzero"`
}

// Options choose what the plan covers.
type Options struct {
	Suites      []string
	LabelFilter string
	// Ledger is the target's fault ledger: its outstanding faults count
	// against the limits, its history against the providers' limits.
	Ledger string
}

// Disruptive says whether the run would inject any fault.
func (p *Plan) Disruptive() bool { return len(p.Faults) > 0 }

// Err is why gameday run must not start now, saying when it can, or nil.
func (p *Plan) Err() error {
	if len(p.Refusals) == 0 {
		return nil
	}
	msg := fmt.Sprintf("target %s: a disruptive run may not start now (platform time %s): %s", p.Target, p.At.Format(time.RFC3339), strings.Join(p.Refusals, "; "))
	if !p.CanRunAt.IsZero() {
		msg += fmt.Sprintf("; it can run from %s (platform time, %s from now)", p.CanRunAt.Format("Mon 2006-01-02 15:04 UTC"), p.CanRunAt.Sub(p.At).Round(time.Minute))
	}
	return errors.New(msg)
}

// Build makes the plan through read-only calls: it lists the tasks, health
// checks, alarms and replication groups the faults touch and reads what a
// fault's blast needs (the running tasks, the desired counts). The
// target's gate would refuse any change; none is asked for.
func Build(ctx context.Context, tgt *targets.Target, o Options) (*Plan, error) {
	match := func([]string) bool { return true }
	if o.LabelFilter != "" {
		f, err := types.ParseLabelFilter(o.LabelFilter)
		if err != nil {
			return nil, fmt.Errorf("--label-filter %q: %w", o.LabelFilter, err)
		}
		match = f
	}
	now := tgt.Clock.Now().UTC()
	p := &Plan{Target: tgt.Name, Environment: tgt.Environment, KeepsCalendar: KeepsCalendar(tgt.Profile), At: now, Suites: o.Suites, LabelFilter: o.LabelFilter,
		Limits: tgt.Limits, StopConditions: tgt.StopConditions, KillSwitch: chaos.SwitchOf(tgt.Profile, tgt.AWS.SSM).String(),
		Touches: Touches{Tasks: map[string][]string{}, Alarms: slices.Clone(tgt.StopConditions.Alarms)}}
	history, err := readHistory(o.Ledger)
	if err != nil {
		return nil, err
	}
	b := &builder{tgt: tgt, ct: chaos.TargetOf(tgt), plan: p, inFlight: inFlight(history, tgt.Name)}
	for _, s := range o.Suites {
		for _, f := range b.catalogue(ctx, s) {
			if match(f.Labels) {
				p.Faults = append(p.Faults, f)
			}
		}
	}
	b.touches(ctx)
	p.Maintenance = windowsAt(tgt.Spec.MaintenanceWindows, now, tgt.Regions.Primary, tgt.Regions.Failover)
	planned := map[string]int{}
	for _, f := range p.Faults {
		planned[f.Kind]++
	}
	p.Providers = providerUse(ProviderLimits, history, planned, now)
	p.refusals()
	return p, nil
}

// KeepsCalendar says whether the target's runs keep out of the runbook's
// maintenance windows: staging and AWS itself do; the sandbox and
// emulators, whose platform time is a test's, do not.
func KeepsCalendar(p *profile.Profile) bool {
	return p.Environment == profile.Staging || p.Environment == profile.Production || p.RealAWS()
}

// refusals collects why a run may not start now and from when it may.
func (p *Plan) refusals() {
	if !p.Disruptive() {
		return
	}
	later := func(t time.Time) {
		if t.After(p.CanRunAt) {
			p.CanRunAt = t
		}
	}
	if p.KeepsCalendar {
		for _, w := range p.Maintenance {
			if w.Applies && w.Inside {
				p.Refusals = append(p.Refusals, fmt.Sprintf("inside the runbook's maintenance window %s (Scheduled Maintenance Windows)", w))
				later(w.Ends)
			}
		}
	}
	for _, l := range p.Providers {
		if why := l.exceeded(); why != "" {
			p.Refusals = append(p.Refusals, why)
			later(l.FreeAt)
		}
	}
}

func readHistory(ledger string) ([]chaos.Entry, error) {
	if ledger == "" {
		return nil, nil
	}
	entries, err := chaos.ReadLedger(ledger)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

// inFlight are the blasts of the ledger's outstanding faults on target.
func inFlight(history []chaos.Entry, target string) []chaos.Blast {
	var out []chaos.Blast
	last := map[string]chaos.Entry{}
	var order []string
	for _, e := range history {
		if _, seen := last[e.ID]; !seen {
			order = append(order, e.ID)
		}
		last[e.ID] = e
	}
	for _, id := range order {
		if e := last[id]; e.State.Outstanding() && e.Target == target && e.Blast != nil {
			out = append(out, *e.Blast)
		}
	}
	return out
}

type builder struct {
	tgt      *targets.Target
	ct       chaos.Target
	plan     *Plan
	inFlight []chaos.Blast
	services []string
}

// judge resolves a fault's blast through reads and says how it stands
// against the profile's limits.
func (b *builder) judge(ctx context.Context, f *Fault, inj chaos.Injector) {
	s, ok := inj.(chaos.Scoped)
	if !ok {
		f.Limits = "not judged: the fault cannot say what it takes out"
		return
	}
	blast, err := s.Blast(ctx)
	if err != nil {
		f.Limits = "not judged: " + err.Error()
		return
	}
	if blast.Service != "" && !slices.Contains(b.services, blast.Service) {
		b.services = append(b.services, blast.Service)
	}
	if err := chaos.CheckLimits(b.tgt.Limits, inj.Spec(), blast, b.inFlight); err != nil {
		f.Limits, f.Refused = "refused: "+err.Error(), true
		return
	}
	f.Limits = "within the profile's limits" + blastText(blast)
}

func blastText(b chaos.Blast) string {
	switch {
	case b.Tasks > 0:
		return fmt.Sprintf(" (%d of %d running task(s) of %s out, in %s)", b.Tasks, b.Running, b.Service, b.Region)
	case b.Cap > 0:
		return fmt.Sprintf(" (%s capped at %d task(s), in %s)", b.Service, b.Cap, b.Region)
	case b.Service == "":
		return fmt.Sprintf(" (the whole of %s; one region at a time)", b.Region)
	}
	return fmt.Sprintf(" (no task of %s out, in %s)", b.Service, b.Region)
}

// service is the spec's service of an id.
func (b *builder) service(id string) (spec.Service, bool) {
	i := slices.IndexFunc(b.tgt.Spec.Services, func(s spec.Service) bool { return s.ID == id })
	if i < 0 {
		return spec.Service{}, false
	}
	return b.tgt.Spec.Services[i], true
}

// touches lists the running tasks of the services the faults act on and
// the health checks a region outage fails, through reads alone.
func (b *builder) touches(ctx context.Context) {
	t, p := b.tgt, b.plan
	if t.Has(profile.ECS) {
		cluster := t.Names.ClusterOf(t.Spec)
		for _, svc := range b.services {
			tasks, err := t.AWS.Tasks(ctx, cluster, svc)
			if err != nil {
				p.Touches.Unread = append(p.Touches.Unread, err.Error())
				continue
			}
			ids := []string{}
			for _, task := range tasks {
				if task.TaskArn != nil && task.LastStatus != nil && *task.LastStatus == "RUNNING" {
					arn := *task.TaskArn
					ids = append(ids, arn[strings.LastIndexByte(arn, '/')+1:])
				}
			}
			p.Touches.Tasks[svc] = ids
		}
	}
	if slices.ContainsFunc(p.Faults, func(f Fault) bool { return f.Suite == "failover" }) && t.Has(profile.Route53) {
		checks, err := t.AWS.HealthChecks(ctx)
		if err != nil {
			p.Touches.Unread = append(p.Touches.Unread, err.Error())
		}
		for _, hc := range checks {
			if hc.Id != nil {
				p.Touches.HealthChecks = append(p.Touches.HealthChecks, *hc.Id)
			}
		}
	}
}
