package spec

import (
	"fmt"
	"regexp"
	"time"
)

// validator collects internal-consistency problems: things no single key can
// be wrong about, such as a minimum above its maximum or a reference to a
// service that does not exist. Contradictions between runbook sections, or
// with how AWS behaves, are lint findings, not load errors.
type validator struct {
	p        *Platform
	problems Problems
}

func (v *validator) check(ok bool, path, format string, args ...any) {
	if !ok {
		v.problems = append(v.problems, v.p.At(path, format, args...))
	}
}

func (v *validator) minMax(path string, min, max float64) {
	v.check(min <= max, path, "minimum %v is above maximum %v", min, max)
}

// Validate checks the model's internal consistency again, for callers that
// change a loaded spec (the sandbox's deliberate deviations).
func (p *Platform) Validate() error {
	if problems := p.validate(); len(problems) > 0 {
		return problems
	}
	return nil
}

func (p *Platform) validate() Problems {
	v := &validator{p: p}
	v.check(p.SchemaVersion == SchemaVersion, "schemaVersion", "schema version %d is not one this gameday reads (%d)", p.SchemaVersion, SchemaVersion)
	v.minMax("capacityGoal", float64(p.CapacityGoal.MinConcurrentUsers), float64(p.CapacityGoal.MaxConcurrentUsers))
	v.services()
	v.triggers("dataTier.database.triggers", p.DataTier.Database.Triggers)
	v.triggers("dataTier.cache.triggers", p.DataTier.Cache.Triggers)
	v.minMax("dataTier.database.baseline.vcpu", p.DataTier.Database.Baseline.VCPU.Min, p.DataTier.Database.Baseline.VCPU.Max)
	v.minMax("dataTier.cache.baseline.vcpu", p.DataTier.Cache.Baseline.VCPU.Min, p.DataTier.Cache.Baseline.VCPU.Max)
	v.scheduledActions()
	v.procedures()
	v.check(p.Regions.Primary.Name != p.Regions.Failover.Name, "regions.failover.name", "the failover region must differ from the primary (%s)", p.Regions.Primary.Name)
	v.route53()
	v.replication()
	v.alarms()
	v.experiments()
	for i, w := range p.Dashboard.Widgets {
		path := fmt.Sprintf("dashboard.widgets[%d]", i)
		v.period(path+".period", w.Period)
		v.check(w.Position.X+w.Position.Width <= 24, path+".position", "widget is %d columns wide at x=%d; the grid has 24", w.Position.Width, w.Position.X)
	}
	for i, a := range p.CostApproaches.Approaches {
		path := fmt.Sprintf("costApproaches.approaches[%d].savingsPercent", i)
		v.minMax(path, a.SavingsPercent.Min, a.SavingsPercent.Max)
		v.check(a.SavingsPercent.Max <= 100, path+".max", "savings of %v%% are more than everything", a.SavingsPercent.Max)
	}
	for i, w := range p.MaintenanceWindows.Windows {
		v.check(w.StartUTC.Minutes() < w.EndUTC.Minutes(), fmt.Sprintf("maintenanceWindows.windows[%d].endUTC", i), "window ends (%s) before it starts (%s)", w.EndUTC, w.StartUTC)
	}
	for id, d := range p.Decisions {
		v.check(d.Authoritative != "", "decisions."+id+".authoritative", "say which side is authoritative")
	}
	return v.problems
}

func (v *validator) services() {
	ids, names := map[string]bool{}, map[string]bool{}
	for i, s := range v.p.Services {
		path := fmt.Sprintf("services[%d]", i)
		v.check(s.ID != "" && !ids[s.ID], path+".id", "service id %q is empty or used twice", s.ID)
		v.check(s.ECSService != "" && !names[s.ECSService], path+".ecsService", "ECS service name %q is empty or used twice", s.ECSService)
		ids[s.ID], names[s.ECSService] = true, true
		v.minMax(path+".baseline.vcpu", s.Baseline.VCPU.Min, s.Baseline.VCPU.Max)
		v.minMax(path+".scalableTarget", float64(s.ScalableTarget.MinCapacity), float64(s.ScalableTarget.MaxCapacity))
		v.check(s.Baseline.MinInstances <= s.Limits.MaxInstances, path+".baseline.minInstances", "minimum of %d instances is above the service's limit of %d", s.Baseline.MinInstances, s.Limits.MaxInstances)
		v.triggers(path+".triggers", s.Triggers)
		policies := map[string]bool{}
		for j, pol := range s.Policies {
			ppath := fmt.Sprintf("%s.policies[%d]", path, j)
			v.check(!policies[pol.Name], ppath+".name", "policy %q appears twice", pol.Name)
			policies[pol.Name] = true
			v.check(pol.TargetValue > 0, ppath+".targetValue", "target value must be above 0")
			if pol.Type == "TargetTrackingScaling" {
				v.check((pol.PredefinedMetric == "") != (pol.CustomizedMetric == nil), ppath, "a target-tracking policy takes exactly one of predefinedMetric and customizedMetric")
			}
			v.check(pol.PredefinedMetric != "ALBRequestCountPerTarget" || pol.ResourceLabel != "", ppath+".resourceLabel", "ALBRequestCountPerTarget needs resourceLabel (app/<alb>/<id>/targetgroup/<tg>/<id>)")
			v.check(pol.PredefinedMetric != "ECSServiceAverageCPUUtilization" || pol.TargetValue <= 100, ppath+".targetValue", "a CPU utilisation target of %v%% can never be reached", pol.TargetValue)
		}
	}
}

func (v *validator) triggers(path string, t Triggers) {
	v.check(t.ScaleOut.Above != nil && t.ScaleOut.Below == nil, path+".scaleOut", "scale-out takes `above`, not `below`")
	v.check((t.ScaleIn != nil) != t.ScaleInManual, path+".scaleIn", "give either scaleIn or scaleInManual: true")
	if t.ScaleIn != nil {
		v.check(t.ScaleIn.Below != nil && t.ScaleIn.Above == nil, path+".scaleIn", "scale-in takes `below`, not `above`")
	}
	if t.ScaleIn == nil || t.ScaleIn.Below == nil || t.ScaleOut.Above == nil {
		return
	}
	out, in := *t.ScaleOut.Above, *t.ScaleIn.Below
	v.check(in < out, path+".scaleIn.below", "scale-in threshold %v must be below the scale-out threshold %v", in, out)
	if t.Unit == "Percent" {
		v.check(out <= 100, path+".scaleOut.above", "%v%% is out of range: want 0 to 100", out)
	}
}

func (v *validator) knownService(path, id string) {
	for _, s := range v.p.Services {
		if s.ID == id {
			return
		}
	}
	ids := make([]string, len(v.p.Services))
	for i, s := range v.p.Services {
		ids[i] = s.ID
	}
	v.check(false, path, "no service %q; services are %v", id, ids)
}

func (v *validator) scheduledActions() {
	seen := map[string]bool{}
	for i, a := range v.p.ScheduledActions {
		path := fmt.Sprintf("scheduledActions[%d]", i)
		v.knownService(path+".service", a.Service)
		v.check(!seen[a.Service+"/"+a.Name], path+".name", "scheduled action %q appears twice for %s", a.Name, a.Service)
		seen[a.Service+"/"+a.Name] = true
		v.minMax(path, float64(a.MinCapacity), float64(a.MaxCapacity))
		if a.Timezone != "" {
			_, err := time.LoadLocation(a.Timezone)
			v.check(err == nil, path+".timezone", "unknown IANA time zone %q", a.Timezone)
		}
	}
}

func (v *validator) procedures() {
	changes := map[string][]CapacityChange{
		"manualScaling.scalableTargets": v.p.ManualScaling.ScalableTargets,
		"preScaling.scalableTargets":    v.p.PreScaling.ScalableTargets,
	}
	for base, list := range changes {
		for i, c := range list {
			path := fmt.Sprintf("%s[%d]", base, i)
			v.knownService(path+".service", c.Service)
			v.minMax(path, float64(c.MinCapacity), float64(c.MaxCapacity))
		}
	}
	counts := map[string][]DesiredCount{
		"manualScaling.desiredCounts": v.p.ManualScaling.DesiredCounts,
		"emergency.desiredCounts":     v.p.Emergency.DesiredCounts,
	}
	for base, list := range counts {
		for i, c := range list {
			v.knownService(fmt.Sprintf("%s[%d].service", base, i), c.Service)
		}
	}
}

func (v *validator) route53() {
	checks := map[string]bool{}
	for i, hc := range v.p.Route53.HealthChecks {
		path := fmt.Sprintf("route53.healthChecks[%d]", i)
		v.check(!checks[hc.ID], path+".id", "health check %q appears twice", hc.ID)
		checks[hc.ID] = true
		v.check(hc.RequestInterval.D() == 10*time.Second || hc.RequestInterval.D() == 30*time.Second, path+".requestInterval", "Route 53 checks every 10s or 30s, not %s", hc.RequestInterval)
		if hc.Type != "TCP" {
			v.check(len(hc.ResourcePath) > 0 && hc.ResourcePath[0] == '/', path+".resourcePath", "an %s check needs a resource path starting with /", hc.Type)
		}
	}
	roles := map[string]map[string]int{}
	for i, r := range v.p.Route53.FailoverRecords {
		path := fmt.Sprintf("route53.failoverRecords[%d]", i)
		if r.HealthCheck != "" {
			v.check(checks[r.HealthCheck], path+".healthCheck", "no health check %q in route53.healthChecks", r.HealthCheck)
		}
		key := r.Name + " " + r.Type
		if roles[key] == nil {
			roles[key] = map[string]int{}
		}
		roles[key][r.Failover]++
		v.check(roles[key][r.Failover] == 1, path+".failover", "%s has more than one %s record", key, r.Failover)
	}
	for key, r := range roles {
		v.check(r["PRIMARY"] == 1 && r["SECONDARY"] == 1, "route53.failoverRecords", "%s needs one PRIMARY and one SECONDARY record", key)
	}
}

func (v *validator) replication() {
	for i, r := range v.p.Replication.RPO {
		v.check(r.Below > 0, fmt.Sprintf("replication.rpo[%d].below", i), "an RPO must be above zero")
	}
	atlas := v.p.Replication.MongoDBAtlas
	electable, priorities := 0, map[int]bool{}
	for i, r := range atlas.Regions {
		electable += r.ElectableNodes
		path := fmt.Sprintf("replication.mongodbAtlas.regions[%d].priority", i)
		v.check(!priorities[r.Priority], path, "priority %d is given to two regions", r.Priority)
		priorities[r.Priority] = true
	}
	v.check(electable == atlas.NumNodes, "replication.mongodbAtlas.numNodes", "numNodes is %d but the regions have %d electable nodes", atlas.NumNodes, electable)
}

var percentile = regexp.MustCompile(`^p(100|[0-9]{1,2})(\.[0-9]+)?$`)

func (v *validator) alarms() {
	seen := map[string]bool{}
	for i, a := range v.p.Alarms {
		path := fmt.Sprintf("alarms[%d]", i)
		v.check(!seen[a.Name], path+".name", "alarm %q appears twice", a.Name)
		seen[a.Name] = true
		v.check((a.Statistic == "") != (a.ExtendedStatistic == ""), path, "an alarm takes exactly one of statistic and extendedStatistic")
		if a.ExtendedStatistic != "" {
			v.check(percentile.MatchString(a.ExtendedStatistic), path+".extendedStatistic", "%q is not a percentile such as p90 or p99.9", a.ExtendedStatistic)
		}
		v.period(path+".period", a.Period)
		if a.DatapointsToAlarm > 0 {
			v.check(a.DatapointsToAlarm <= a.EvaluationPeriods, path+".datapointsToAlarm", "%d datapoints cannot breach out of %d evaluated", a.DatapointsToAlarm, a.EvaluationPeriods)
		}
	}
}

// period applies CloudWatch's rule for periods: 10, 30 or a multiple of 60
// seconds (high-resolution 1 and 5 exist only for high-resolution metrics).
func (v *validator) period(path string, d Duration) {
	s := d.D()
	ok := s == 10*time.Second || s == 30*time.Second || (s >= time.Minute && s%time.Minute == 0)
	v.check(ok, path, "CloudWatch periods are 10s, 30s or a multiple of 60s, not %s", d)
}

func (v *validator) experiments() {
	r := v.p.Experiments.Resilience
	for i, s := range r.Stops {
		path := fmt.Sprintf("experiments.resilience.stops[%d]", i)
		v.knownService(path+".service", s.Service)
		v.check((s.Count > 0) != (s.Percent > 0), path, "give exactly one of count and percent")
	}
	for id, b := range r.ErrorBudget {
		path := "experiments.resilience.errorBudget." + id
		v.knownService(path, id)
		v.check(b >= 0 && b <= 1, path, "a share of requests from 0 to 1, not %v", b)
	}
	f := v.p.Experiments.Failover
	v.check(f.Load > 0, "experiments.failover.load", "the clients need some load to recover, not %v", f.Load)
	v.check(f.RecoveryBudget.D() > 0, "experiments.failover.recoveryBudget", "a positive duration, not %s", f.RecoveryBudget)
	v.check(f.ClientTimeout.D() > 0, "experiments.failover.clientTimeout", "a positive duration, not %s", f.ClientTimeout)
	v.check(f.AnswerTTL.D() >= 0 && f.ProbeTimeout.D() >= 0, "experiments.failover", "answerTTL %s and probeTimeout %s must not be negative", f.AnswerTTL, f.ProbeTimeout)
	d := v.p.Experiments.Data
	for _, c := range []struct {
		path string
		d    Duration
	}{
		{"probeEvery", d.ProbeEvery}, {"steady", d.Steady}, {"ackTimeout", d.AckTimeout}, {"clientTimeout", d.ClientTimeout}, {"resync", d.Resync},
		{"redis.within", d.Redis.Within}, {"mongodb.within", d.MongoDB.Within},
	} {
		v.check(c.d.D() > 0, "experiments.data."+c.path, "a positive duration, not %s", c.d)
	}
	v.check(d.Steady.D() >= d.ProbeEvery.D(), "experiments.data.steady", "at least one probe write (probeEvery %s), not %s", d.ProbeEvery, d.Steady)
	v.check(d.ClientTimeout.D() > d.AckTimeout.D(), "experiments.data.clientTimeout", "above ackTimeout %s, or the client gives up on a write still waiting for its copies, not %s", d.AckTimeout, d.ClientTimeout)
	ha := v.p.Replication.Redis
	total := 0
	for place, n := range ha.Sentinels {
		v.check(n >= 0, "replication.redis.sentinels."+place, "a count of sentinels, not %d", n)
		total += n
	}
	v.check(total > 0, "replication.redis.sentinels", "name where the sentinels run, e.g. {primary: 1, failover: 1, witness: 1}")
	v.check(ha.Quorum <= total, "replication.redis.quorum", "%d sentinels cannot reach a quorum of %d", total, ha.Quorum)
}
