package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/spec"
)

// Deviation is one named departure from the runbook, written KEY=VALUE on the
// command line (`--deviate frontend.scaleInCooldown=60s`). The sandbox then
// behaves that way for real: a harness must catch it.
type Deviation struct {
	Key, Value string
}

func (d Deviation) String() string { return d.Key + "=" + d.Value }

// ParseDeviation reads KEY=VALUE.
func ParseDeviation(s string) (Deviation, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return Deviation{}, fmt.Errorf("deviation %q: want KEY=VALUE, e.g. frontend.scaleInCooldown=60s", s)
	}
	return Deviation{Key: k, Value: v}, nil
}

// Knob is one deviation the sandbox accepts, for a concrete service, alarm
// or scheduled action of the spec.
type Knob struct {
	Key string `json:"key"`
	// Row is the runbook section and row the knob departs from.
	Row string `json:"row"`
	// Want describes an acceptable value.
	Want  string `json:"want"`
	apply func(s *Sandbox, value string) error
}

// Knobs lists every deviation the sandbox accepts for this spec, sorted by
// key.
func Knobs(p *spec.Platform) []Knob {
	var knobs []Knob
	for i := range p.Services {
		knobs = append(knobs, serviceKnobs(i, &p.Services[i])...)
	}
	for i := range p.Alarms {
		knobs = append(knobs, alarmKnobs(p, i)...)
	}
	for i := range p.ScheduledActions {
		knobs = append(knobs, scheduleKnobs(p, i)...)
	}
	for i := range p.Route53.HealthChecks {
		knobs = append(knobs, healthCheckKnobs(p, i)...)
	}
	for i := range p.Route53.FailoverRecords {
		knobs = append(knobs, failoverKnobs(p, i)...)
	}
	knobs = append(knobs, route53Knobs(p)...)
	knobs = append(knobs, dataKnobs(p)...)
	knobs = append(knobs, hostKnob)
	slices.SortFunc(knobs, func(a, b Knob) int { return strings.Compare(a.Key, b.Key) })
	return knobs
}

func serviceKnobs(i int, svc *spec.Service) []Knob {
	id := svc.ID
	row := func(section, what string) string { return fmt.Sprintf("%s: %s %s", section, svc.Component, what) }
	knobs := []Knob{
		{Key: id + ".minCapacity", Row: row(svc.ScalableTarget.Source, "min capacity"), Want: "a whole number >= 0",
			apply: func(s *Sandbox, v string) error {
				return setInt(v, 0, &s.Platform.Services[i].ScalableTarget.MinCapacity)
			}},
		{Key: id + ".maxCapacity", Row: row(svc.ScalableTarget.Source, "max capacity"), Want: "a whole number >= 1",
			apply: func(s *Sandbox, v string) error {
				return setInt(v, 1, &s.Platform.Services[i].ScalableTarget.MaxCapacity)
			}},
		{Key: id + ".draining", Row: fmt.Sprintf("Scaling Approach: %s behind the Application Load Balancer (connection draining when a task stops, AWS's behaviour, not a runbook number)", svc.Component), Want: "absent",
			apply: func(s *Sandbox, v string) error {
				if v != "absent" {
					return fmt.Errorf("want absent, got %q", v)
				}
				s.NoDraining = append(s.NoDraining, id)
				return nil
			}},
		{Key: id + ".taskStartDelay", Row: "Common Scaling Issues: Scaling Lag (task start-up time, not a runbook number)", Want: "a duration such as 90s",
			apply: func(s *Sandbox, v string) error {
				d, err := spec.ParseDuration(v)
				if err == nil {
					s.TaskStartDelay[id] = d.D()
				}
				return err
			}},
	}
	if len(svc.Policies) == 0 {
		if StepScalable(svc) {
			tr := svc.Triggers
			knobs = append(knobs, Knob{Key: id + ".policy", Row: fmt.Sprintf("%s: %s scale out above %g, scale in below %g, cooldown %s (no policy deploys it)", tr.Source, svc.Component, *tr.ScaleOut.Above, *tr.ScaleIn.Below, tr.Cooldown),
				Want: "step",
				apply: func(s *Sandbox, v string) error {
					if v != "step" {
						return fmt.Errorf("want step, got %q", v)
					}
					s.StepScaling = append(s.StepScaling, id)
					return nil
				}})
		}
		return knobs
	}
	pol := svc.Policies[0]
	return append(knobs,
		Knob{Key: id + ".scaleOutCooldown", Row: row(pol.Source, "ScaleOutCooldown of "+pol.Name), Want: "a duration such as 60s",
			apply: func(s *Sandbox, v string) error {
				return setDuration(v, &s.Platform.Services[i].Policies[0].ScaleOutCooldown)
			}},
		Knob{Key: id + ".scaleInCooldown", Row: row(pol.Source, "ScaleInCooldown of "+pol.Name), Want: "a duration such as 60s",
			apply: func(s *Sandbox, v string) error {
				return setDuration(v, &s.Platform.Services[i].Policies[0].ScaleInCooldown)
			}},
		Knob{Key: id + ".targetValue", Row: row(pol.Source, "TargetValue of "+pol.Name), Want: "a number > 0",
			apply: func(s *Sandbox, v string) error {
				return setFloat(v, &s.Platform.Services[i].Policies[0].TargetValue)
			}},
		Knob{Key: id + ".policy", Row: row(pol.Source, "scaling policy "+pol.Name), Want: "absent",
			apply: func(s *Sandbox, v string) error {
				if v != "absent" {
					return fmt.Errorf("want absent, got %q", v)
				}
				s.Platform.Services[i].Policies = nil
				return nil
			}},
	)
}

// TriggerRequestCountPerTarget is the trigger table's name for the
// metric AWS publishes as AWS/ApplicationELB RequestCountPerTarget.
const TriggerRequestCountPerTarget = "Request Count/Target"

// StepScalable tells whether the sandbox can deploy a step scaling policy
// pair from a service's trigger row (the deviation SERVICE.policy=step):
// the service has no policy, and its row scales on requests per target
// with both thresholds.
func StepScalable(svc *spec.Service) bool {
	tr := svc.Triggers
	return len(svc.Policies) == 0 && tr.Metric == TriggerRequestCountPerTarget &&
		tr.ScaleOut.Above != nil && tr.ScaleIn != nil && tr.ScaleIn.Below != nil
}

func alarmKnobs(p *spec.Platform, i int) []Knob {
	a := p.Alarms[i]
	key := "alarm." + a.Name
	row := func(what string) string { return fmt.Sprintf("%s: %s %s", a.Source, a.Name, what) }
	alarm := func(s *Sandbox) *spec.Alarm { return &s.Platform.Alarms[i] }
	return []Knob{
		{Key: key, Row: row("alarm"), Want: "absent",
			apply: func(s *Sandbox, v string) error {
				if v != "absent" {
					return fmt.Errorf("want absent, got %q", v)
				}
				s.Absent.Alarms = append(s.Absent.Alarms, a.Name)
				return nil
			}},
		{Key: key + ".evaluationPeriods", Row: row("EvaluationPeriods"), Want: "a whole number >= 1",
			apply: func(s *Sandbox, v string) error { return setInt(v, 1, &alarm(s).EvaluationPeriods) }},
		{Key: key + ".period", Row: row("Period"), Want: "10s, 30s or a multiple of 60s",
			apply: func(s *Sandbox, v string) error { return setDuration(v, &alarm(s).Period) }},
		{Key: key + ".threshold", Row: row("Threshold"), Want: "a number",
			apply: func(s *Sandbox, v string) error { return setFloat(v, &alarm(s).Threshold) }},
		{Key: key + ".statistic", Row: row("statistic"), Want: "Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99",
			apply: func(s *Sandbox, v string) error {
				if strings.HasPrefix(v, "p") {
					alarm(s).Statistic, alarm(s).ExtendedStatistic = "", v
				} else {
					alarm(s).Statistic, alarm(s).ExtendedStatistic = v, ""
				}
				return nil
			}},
	}
}

func scheduleKnobs(p *spec.Platform, i int) []Knob {
	a := p.ScheduledActions[i]
	key := "scheduled." + a.Name
	row := func(what string) string { return fmt.Sprintf("%s: %s %s", a.Source, a.Name, what) }
	action := func(s *Sandbox) *spec.ScheduledAction { return &s.Platform.ScheduledActions[i] }
	return []Knob{
		{Key: key, Row: row("scheduled action"), Want: "absent",
			apply: func(s *Sandbox, v string) error {
				if v != "absent" {
					return fmt.Errorf("want absent, got %q", v)
				}
				s.Absent.ScheduledActions = append(s.Absent.ScheduledActions, a.Name)
				return nil
			}},
		{Key: key + ".schedule", Row: row("schedule"), Want: "cron(...), rate(...) or at(...)",
			apply: func(s *Sandbox, v string) error {
				e, err := spec.ParseSchedule(v)
				if err == nil {
					action(s).Schedule = e
				}
				return err
			}},
		{Key: key + ".minCapacity", Row: row("MinCapacity"), Want: "a whole number >= 0",
			apply: func(s *Sandbox, v string) error { return setInt(v, 0, &action(s).MinCapacity) }},
		{Key: key + ".maxCapacity", Row: row("MaxCapacity"), Want: "a whole number >= 1",
			apply: func(s *Sandbox, v string) error { return setInt(v, 1, &action(s).MaxCapacity) }},
	}
}

func healthCheckKnobs(p *spec.Platform, i int) []Knob {
	hc := p.Route53.HealthChecks[i]
	key := "healthcheck." + hc.ID
	row := func(what string) string {
		return fmt.Sprintf("%s: health check %s %s", p.Route53.Source, hc.FQDN, what)
	}
	check := func(s *Sandbox) *spec.HealthCheck { return &s.Platform.Route53.HealthChecks[i] }
	return []Knob{
		{Key: key + ".failureThreshold", Row: row("FailureThreshold"), Want: "a whole number from 1 to 10",
			apply: func(s *Sandbox, v string) error {
				if err := setInt(v, 1, &check(s).FailureThreshold); err != nil || check(s).FailureThreshold <= 10 {
					return err
				}
				return fmt.Errorf("want at most 10, got %s", v)
			}},
		{Key: key + ".requestInterval", Row: row("RequestInterval"), Want: "10s or 30s",
			apply: func(s *Sandbox, v string) error { return setDuration(v, &check(s).RequestInterval) }},
		{Key: key + ".resourcePath", Row: row("ResourcePath"), Want: "a path such as /status",
			apply: func(s *Sandbox, v string) error {
				if !strings.HasPrefix(v, "/") {
					return fmt.Errorf("want a path starting with /, got %q", v)
				}
				check(s).ResourcePath = v
				return nil
			}},
	}
}

// route53Knobs change every health check at once, for a runbook with one
// health check per region: route53.failureThreshold=6 is
// healthcheck.<id>.failureThreshold=6 for each.
func route53Knobs(p *spec.Platform) []Knob {
	if len(p.Route53.HealthChecks) == 0 {
		return nil
	}
	row := func(what string) string { return fmt.Sprintf("%s: every health check's %s", p.Route53.Source, what) }
	each := func(field string) func(s *Sandbox, v string) error {
		return func(s *Sandbox, v string) error {
			for i, hc := range s.Platform.Route53.HealthChecks {
				for _, k := range healthCheckKnobs(s.Platform, i) {
					if k.Key != "healthcheck."+hc.ID+"."+field {
						continue
					}
					if err := k.apply(s, v); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	return []Knob{
		{Key: "route53.failureThreshold", Row: row("FailureThreshold"), Want: "a whole number from 1 to 10", apply: each("failureThreshold")},
		{Key: "route53.requestInterval", Row: row("RequestInterval"), Want: "10s or 30s", apply: each("requestInterval")},
	}
}

func failoverKnobs(p *spec.Platform, i int) []Knob {
	r := p.Route53.FailoverRecords[i]
	key := "failover." + r.SetIdentifier
	row := func(what string) string {
		return fmt.Sprintf("%s: %s record %s (%s) %s", p.Route53.Source, r.Failover, r.Name, r.SetIdentifier, what)
	}
	record := func(s *Sandbox) *spec.FailoverRecord { return &s.Platform.Route53.FailoverRecords[i] }
	knobs := []Knob{}
	if r.HealthCheck != "" {
		knobs = append(knobs, Knob{Key: key + ".healthCheck", Row: row("HealthCheckId"), Want: "absent",
			apply: func(s *Sandbox, v string) error {
				if v != "absent" {
					return fmt.Errorf("want absent, got %q", v)
				}
				record(s).HealthCheck = ""
				return nil
			}})
	}
	if r.Alias != nil {
		knobs = append(knobs, Knob{Key: key + ".evaluateTargetHealth", Row: row("EvaluateTargetHealth"), Want: "true or false",
			apply: func(s *Sandbox, v string) error {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("want true or false, got %q", v)
				}
				alias := *record(s).Alias
				alias.EvaluateTargetHealth = b
				record(s).Alias = &alias
				return nil
			}})
	}
	return knobs
}

func dataKnobs(p *spec.Platform) []Knob {
	row := fmt.Sprintf("%s: Redis Cache, cross-region replication", p.Replication.Source)
	return []Knob{
		{Key: "redis.replicas", Row: row, Want: "0 (a lone primary) or 1",
			apply: func(s *Sandbox, v string) error {
				if v != "0" && v != "1" {
					return fmt.Errorf("want 0 or 1, got %q", v)
				}
				s.RedisReplicas = int(v[0] - '0')
				return nil
			}},
		{Key: "link.delay", Row: row + " (the link between the regions; RPO below 1m)", Want: "a duration such as 90s",
			apply: func(s *Sandbox, v string) error {
				d, err := spec.ParseDuration(v)
				if err == nil {
					s.LinkDelay = d.D()
				}
				return err
			}},
	}
}

// hostKnob departs from no runbook row but from the host the sandbox
// runs on: every platform minute's alarm evaluation and scaling tick run
// this much late, as on a host too busy for the time scale. A game day
// must then call its behaviour verdicts inconclusive, not judge them.
var hostKnob = Knob{Key: "clock.lag", Row: "none: the sandbox's host, whose every platform minute's work completes late", Want: "a duration below a minute, such as 20s",
	apply: func(s *Sandbox, v string) error {
		d, err := spec.ParseDuration(v)
		if err != nil {
			return err
		}
		if d.D() <= 0 || d.D() >= time.Minute {
			return fmt.Errorf("want a duration above 0 and below a minute, got %q", v)
		}
		s.MinuteLag = d.D()
		return nil
	}}

func setInt(v string, min int, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		return fmt.Errorf("want a whole number >= %d, got %q", min, v)
	}
	*dst = n
	return nil
}

func setFloat(v string, dst *float64) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return fmt.Errorf("want a number, got %q", v)
	}
	*dst = f
	return nil
}

func setDuration(v string, dst *spec.Duration) error {
	d, err := spec.ParseDuration(v)
	if err == nil {
		*dst = d
	}
	return err
}

// Apply applies deviations in order. An unknown key is refused with the
// list of valid ones; a bad value, or a value that leaves the configuration
// inconsistent, names the deviation.
func (s *Sandbox) Apply(devs []Deviation) error {
	knobs := Knobs(s.Platform)
	for _, d := range devs {
		i := slices.IndexFunc(knobs, func(k Knob) bool { return k.Key == d.Key })
		if i < 0 {
			keys := make([]string, len(knobs))
			for j, k := range knobs {
				keys[j] = k.Key
			}
			return fmt.Errorf("unknown deviation %q; valid keys (see `gameday sandbox deviations`): %s", d.Key, strings.Join(keys, ", "))
		}
		if err := knobs[i].apply(s, d.Value); err != nil {
			return fmt.Errorf("deviation %s: %w (want %s)", d, err, knobs[i].Want)
		}
		s.Deviations = append(s.Deviations, d)
	}
	if err := s.Platform.Validate(); err != nil {
		return fmt.Errorf("deviations %v leave the runbook inconsistent:\n%w", devs, err)
	}
	return nil
}
