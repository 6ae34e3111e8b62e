package text

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gameday-sre/gameday/spec"
)

// area is one table of the spec, named as the runbook groups it.
type area struct {
	name  string
	title string
	rows  func(p *spec.Platform) (header []string, rows [][]string)
}

var areas = []area{
	{"scaling", "Scaling Types / Scaling Triggers and Rules", scalingRows},
	{"sizing", "Baseline Resource Allocation / Scaling Limits / Resource Allocation Policy", sizingRows},
	{"policies", "ECS Service Auto-scaling Configuration / AI Service Queue-based Scaling", policyRows},
	{"schedules", "Scheduled Scaling", scheduleRows},
	{"procedures", "Manual Scaling / Pre-scaling / Emergency Manual Scaling", procedureRows},
	{"failover", "Multi-Region Architecture / Route 53 Health Check Configuration", failoverRows},
	{"replication", "Data Replication Strategy / MongoDB Atlas Configuration", replicationRows},
	{"alarms", "Recommended Monitoring Alerts", alarmRows},
	{"dashboard", "Monitoring Scaling Events", dashboardRows},
	{"cost", "Budget Alerts / Cost Allocation Tags / Cost-Effective Resource Management", costRows},
	{"maintenance", "Scheduled Maintenance Windows", maintenanceRows},
	{"experiments", "What a game day needs that the runbook implies: load model, task start-up, evidence", experimentRows},
	{"decisions", "Where the runbook contradicts itself or AWS: what the spec holds", decisionRows},
}

// SpecAreas are the names of the spec's tables, in the order Spec
// writes them.
func SpecAreas() []string {
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = a.name
	}
	return names
}

// Spec writes the spec as tables, one per runbook area (only those in
// only, when it is not empty), under a line naming the runbook's revision.
func Spec(w io.Writer, p *spec.Platform, only []string) error {
	fmt.Fprintf(w, "%s, revision %s (%s) — cluster %s, %d to %d concurrent users\n",
		p.Runbook.Title, p.Runbook.Revision, p.Runbook.RevisionDate, p.Cluster, p.CapacityGoal.MinConcurrentUsers, p.CapacityGoal.MaxConcurrentUsers)
	for _, a := range areas {
		if len(only) > 0 && !slices.Contains(only, a.name) {
			continue
		}
		header, rows := a.rows(p)
		fmt.Fprintf(w, "\n%s (%s)\n", strings.ToUpper(a.name), a.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(header, "\t"))
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func threshold(t *spec.Threshold) string {
	if t == nil {
		return "-"
	}
	var s string
	switch {
	case t.Above != nil:
		s = "> " + num(*t.Above)
	case t.Below != nil:
		s = "< " + num(*t.Below)
	}
	if t.For > 0 {
		s += " for " + t.For.String()
	}
	return s
}

func triggerRow(name, scalingType string, t spec.Triggers) []string {
	in := threshold(t.ScaleIn)
	if t.ScaleInManual {
		in = "manual"
	}
	cooldown := "-"
	if t.Cooldown > 0 {
		cooldown = t.Cooldown.String()
	}
	return []string{name, scalingType, t.Metric + " (" + t.Unit + ")", threshold(&t.ScaleOut), in, cooldown}
}

func scalingRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, s := range p.Services {
		rows = append(rows, append(triggerRow(s.ID, s.ScalingType.Type, s.Triggers), s.ScalingType.ResourceConstraint))
	}
	for _, d := range []spec.DataStore{p.DataTier.Database, p.DataTier.Cache} {
		rows = append(rows, append(triggerRow(d.Component, d.ScalingType, d.Triggers), d.ResourceConstraint))
	}
	return []string{"COMPONENT", "TYPE", "METRIC", "SCALE OUT", "SCALE IN", "COOLDOWN", "CONSTRAINT"}, rows
}

func sizingRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, s := range p.Services {
		b, l, a := s.Baseline, s.Limits, s.Allocation
		rows = append(rows, []string{s.ID,
			fmt.Sprintf("%s-%s vCPU, %d GB, %d GB disk", num(b.VCPU.Min), num(b.VCPU.Max), b.MemoryGiB, b.StorageGiB),
			strconv.Itoa(b.MinInstances), strconv.Itoa(l.MaxInstances),
			fmt.Sprintf("%s vCPU, %d GB", num(l.MaxVCPU), l.MaxMemoryGiB),
			fmt.Sprintf("%s vCPU, %s GB", num(a.VCPU), num(a.MemoryGiB)),
			num(a.ReservedPercent) + "%"})
	}
	db, c := p.DataTier.Database, p.DataTier.Cache
	rows = append(rows,
		[]string{"database", fmt.Sprintf("%s-%s vCPU, %d GB, %s", num(db.Baseline.VCPU.Min), num(db.Baseline.VCPU.Max), db.Baseline.MemoryGiB, db.Baseline.StorageNote),
			fmt.Sprintf("%d + %d replica", db.Baseline.MinNodes, db.Baseline.Replicas), fmt.Sprintf("vertical, %d read replicas", db.Limits.MaxReadReplicas),
			fmt.Sprintf("%d vCPU, %d GB", db.Limits.MaxVCPU, db.Limits.MaxMemoryGiB), "-", "-"},
		[]string{"cache", fmt.Sprintf("%s-%s vCPU, %d GB, %d GB disk", num(c.Baseline.VCPU.Min), num(c.Baseline.VCPU.Max), c.Baseline.MemoryGiB, c.Baseline.StorageGiB),
			fmt.Sprintf("%d nodes", c.Baseline.MinNodes), fmt.Sprintf("%d shards", c.Limits.MaxShards),
			fmt.Sprintf("%d vCPU, %d GB", c.Limits.MaxVCPU, c.Limits.MaxMemoryGiB), "-", "-"})
	return []string{"COMPONENT", "BASELINE", "MIN", "MAX", "MAX TOTAL", "PER TASK", "RESERVED"}, rows
}

func policyRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, s := range p.Services {
		target := fmt.Sprintf("%d-%d", s.ScalableTarget.MinCapacity, s.ScalableTarget.MaxCapacity)
		if len(s.Policies) == 0 {
			rows = append(rows, []string{"service/" + p.Cluster + "/" + s.ECSService, target, "(none in the runbook)", "-", "-", "-", "-"})
		}
		for _, pol := range s.Policies {
			metric := pol.PredefinedMetric
			if m := pol.CustomizedMetric; m != nil {
				metric = fmt.Sprintf("%s/%s %s", m.Namespace, m.MetricName, m.Statistic)
			}
			rows = append(rows, []string{"service/" + p.Cluster + "/" + s.ECSService, target, pol.Name, pol.Type, metric, num(pol.TargetValue),
				fmt.Sprintf("%ds / %ds", pol.ScaleOutCooldown.Seconds(), pol.ScaleInCooldown.Seconds())})
		}
	}
	return []string{"RESOURCE", "MIN-MAX", "POLICY", "TYPE", "METRIC", "TARGET", "COOLDOWN OUT / IN"}, rows
}

func scheduleRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, a := range p.ScheduledActions {
		tz := a.Timezone
		if tz == "" {
			tz = "UTC (default)"
		}
		rows = append(rows, []string{a.Name, a.Service, a.Schedule.String(), tz, fmt.Sprintf("%d-%d", a.MinCapacity, a.MaxCapacity)})
	}
	return []string{"ACTION", "SERVICE", "SCHEDULE", "TIME ZONE", "MIN-MAX"}, rows
}

func procedureRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, c := range p.ManualScaling.DesiredCounts {
		rows = append(rows, []string{p.ManualScaling.Source, c.Service, fmt.Sprintf("desired %d", c.DesiredCount)})
	}
	for _, c := range p.ManualScaling.ScalableTargets {
		rows = append(rows, []string{p.ManualScaling.Source, c.Service, fmt.Sprintf("min %d, max %d", c.MinCapacity, c.MaxCapacity)})
	}
	for _, c := range p.PreScaling.ScalableTargets {
		rows = append(rows, []string{p.PreScaling.Source, c.Service, fmt.Sprintf("min %d, max %d", c.MinCapacity, c.MaxCapacity)})
	}
	for _, c := range p.Emergency.DesiredCounts {
		rows = append(rows, []string{p.Emergency.Source, c.Service, fmt.Sprintf("desired %d, force new deployment %t", c.DesiredCount, c.ForceNewDeployment)})
	}
	t := p.Emergency.FeatureFlagToggle
	keys := make([]string, 0, len(t.Payload))
	for k := range t.Payload {
		keys = append(keys, k+"="+t.Payload[k])
	}
	slices.Sort(keys)
	rows = append(rows, []string{p.Emergency.Source, "ai", "invoke " + t.FunctionName + " " + strings.Join(keys, " ")})
	return []string{"PROCEDURE", "SERVICE", "ACTION"}, rows
}

func failoverRows(p *spec.Platform) ([]string, [][]string) {
	rows := [][]string{
		{"region", "primary", p.Regions.Primary.Name, p.Regions.Primary.Role},
		{"region", "failover", p.Regions.Failover.Name, p.Regions.Failover.Role},
	}
	for _, hc := range p.Route53.HealthChecks {
		rows = append(rows, []string{"health check", hc.ID, fmt.Sprintf("%s %s:%d%s", hc.Type, hc.FQDN, hc.Port, hc.ResourcePath),
			fmt.Sprintf("every %s, unhealthy after %d failures", hc.RequestInterval, hc.FailureThreshold)})
	}
	for _, r := range p.Route53.FailoverRecords {
		hc := r.HealthCheck
		if hc == "" {
			hc = "none"
		}
		target := "-"
		if r.Alias != nil {
			target = fmt.Sprintf("alias %s (zone %s, evaluate target health %t)", r.Alias.DNSName, r.Alias.HostedZoneID, r.Alias.EvaluateTargetHealth)
		}
		rows = append(rows, []string{"record " + r.Type, r.Name + " " + r.Failover, target, "health check " + hc})
	}
	return []string{"KIND", "NAME", "TARGET", "RULE"}, rows
}

func replicationRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, r := range p.Replication.RPO {
		rows = append(rows, []string{r.DataType, r.Method, "RPO < " + r.Below.String()})
	}
	a := p.Replication.MongoDBAtlas
	for _, r := range a.Regions {
		rows = append(rows, []string{"MongoDB " + a.Name, fmt.Sprintf("%s (%s region)", r.Name, r.Region),
			fmt.Sprintf("%d electable at priority %d, %d read-only, %d analytics", r.ElectableNodes, r.Priority, r.ReadOnlyNodes, r.AnalyticsNodes)})
	}
	return []string{"DATA", "WHERE", "OBJECTIVE"}, rows
}

func alarmRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, a := range p.Alarms {
		stat := a.Statistic + a.ExtendedStatistic
		dims := make([]string, len(a.Dimensions))
		for i, d := range a.Dimensions {
			dims[i] = d.Name + "=" + d.Value
		}
		rows = append(rows, []string{a.Name, a.Namespace + " " + a.MetricName, strings.Join(dims, ","), stat, a.Period.String(),
			fmt.Sprintf("%s %s", a.Comparison, num(a.Threshold)), strconv.Itoa(a.EvaluationPeriods)})
	}
	return []string{"ALARM", "METRIC", "DIMENSIONS", "STAT", "PERIOD", "THRESHOLD", "EVAL PERIODS"}, rows
}

func dashboardRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, w := range p.Dashboard.Widgets {
		for _, m := range w.Metrics {
			dims := make([]string, len(m.Dimensions))
			for i, d := range m.Dimensions {
				dims[i] = d.Value
			}
			rows = append(rows, []string{p.Dashboard.Name + ": " + w.Title, m.Namespace + " " + m.MetricName, strings.Join(dims, " "), w.Stat + " " + w.Period.String()})
		}
	}
	return []string{"WIDGET", "METRIC", "DIMENSIONS", "STAT"}, rows
}

func costRows(p *spec.Platform) ([]string, [][]string) {
	b := p.Budget
	n := b.Notification
	rows := [][]string{{"budget " + b.Name, fmt.Sprintf("%s %s %s, tag %s=%s", num(b.LimitAmount), b.Unit, b.TimeUnit, b.TagFilter.Key, b.TagFilter.Value),
		fmt.Sprintf("%s %s %s%% -> %s", n.Type, n.Comparison, num(n.Threshold), n.Subscriber.Address)}}
	for _, t := range p.CostAllocationTags.Tags {
		rows = append(rows, []string{"tag", t.Key + "=" + t.Value, "on " + p.CostAllocationTags.Resource})
	}
	for _, a := range p.CostApproaches.Approaches {
		rows = append(rows, []string{"approach " + a.Name, a.Implementation, fmt.Sprintf("saves %s-%s%%", num(a.SavingsPercent.Min), num(a.SavingsPercent.Max))})
	}
	return []string{"ITEM", "WHAT", "RULE"}, rows
}

func maintenanceRows(p *spec.Platform) ([]string, [][]string) {
	var rows [][]string
	for _, w := range p.MaintenanceWindows.Windows {
		rows = append(rows, []string{w.Region, w.Day, w.StartUTC.String() + "-" + w.EndUTC.String() + " UTC", "< " + num(w.MaxTrafficImpactPercent) + "%"})
	}
	return []string{"REGION", "DAY", "TIME", "TRAFFIC IMPACT"}, rows
}

func decisionRows(p *spec.Platform) ([]string, [][]string) {
	ids := make([]string, 0, len(p.Decisions))
	for id := range p.Decisions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var rows [][]string
	for _, id := range ids {
		d := p.Decisions[id]
		var waives []string
		for _, w := range d.Waives {
			waives = append(waives, fmt.Sprintf("%s until %s (%s)", w.Spec, w.Expires, w.Owner))
		}
		rows = append(rows, []string{id, d.Authoritative, d.Value, strings.Join(waives, "; ")})
	}
	return []string{"FINDING", "AUTHORITATIVE", "VALUE", "WAIVES"}, rows
}

func experimentRows(p *spec.Platform) ([]string, [][]string) {
	e := p.Experiments
	return []string{"NUMBER", "VALUE", "SOURCE"}, [][]string{
		{"requests per concurrent user per second", fmt.Sprint(e.Load.RequestsPerUserPerSecond), e.Load.Source},
		{"requests a vCPU serves per second", fmt.Sprint(e.Load.RequestsPerVCPU), e.Load.Source},
		{"a new task serving within", e.TaskStartup.Within.String(), e.TaskStartup.Source},
		{"least share of the planned load delivered per minute", fmt.Sprint(e.Evidence.MinDelivered), "(the harness's evidence)"},
	}
}
