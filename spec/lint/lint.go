// Package lint finds where the runbook contradicts itself or how AWS
// behaves. Each finding names the runbook sections on both sides and, from
// the spec's `decisions`, which side the spec holds; the rules never choose.
package lint

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/spec"
)

// Finding is one contradiction.
type Finding struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Sections []string `json:"sections"`
	Detail   string   `json:"detail"`
	// Decision is nil when the spec records no choice for this finding.
	Decision *spec.Decision `json:"decision"`
	At       spec.Problem   `json:"at"`
}

// Authoritative says which value the spec treats as authoritative.
func (f Finding) Authoritative() string {
	if f.Decision == nil {
		return fmt.Sprintf("UNDECIDED: add decisions.%s to the spec", f.ID)
	}
	return fmt.Sprintf("%s: %s", f.Decision.Authoritative, f.Decision.Value)
}

// Target-tracking alarm shape AWS creates for a policy; see
// ../shared/aws-semantics.md. AWS documents scale-in "usually more than 10 %
// below" the target; the 90 % and 15-of-15 figures are observed in alarms AWS
// created (aws/containers-roadmap#1208), not documented.
const (
	highDatapoints   = 3
	lowDatapoints    = 15
	lowTargetPercent = 0.9
	alarmPeriod      = time.Minute
	// AWS applies 300 s when a policy leaves a cooldown unset.
	defaultCooldown = 300 * time.Second
)

type linter struct {
	p        *spec.Platform
	findings []Finding
}

func (l *linter) add(id, title, at string, sections []string, format string, args ...any) {
	f := Finding{ID: id, Title: title, Sections: sections, Detail: fmt.Sprintf(format, args...), At: l.p.At(at, "%s", title)}
	if d, ok := l.p.Decisions[id]; ok {
		f.Decision = &d
	}
	l.findings = append(l.findings, f)
}

// Report is what a lint run found. StaleDecisions are decisions in the spec
// that no finding matches any more: a renamed rule or a fixed runbook leaves
// them behind, and a reader would otherwise trust them.
type Report struct {
	Findings       []Finding      `json:"findings"`
	StaleDecisions []spec.Problem `json:"staleDecisions"`
}

// Count is how many things the report asks a person to look at.
func (r Report) Count() int { return len(r.Findings) + len(r.StaleDecisions) }

// Run lints a loaded spec. Findings come in the order of the rules below.
func Run(p *spec.Platform) Report {
	l := &linter{p: p}
	for _, rule := range []func(){
		l.triggersVersusPolicies,
		l.thresholdsWithoutPolicy,
		l.proceduresAboveLimits,
		l.emergencyAboveSchedule,
		l.taskSizing,
		l.alarmStatistics,
		l.unpublishedMetrics,
		l.dimensionFormats,
		l.aliasZones,
		l.mongoMajority,
		l.databaseNodes,
		l.budgetTags,
		l.scheduleTimezones,
		l.maintenanceOverlaps,
	} {
		rule()
	}
	return Report{Findings: l.findings, StaleDecisions: l.staleDecisions()}
}

func (l *linter) triggersVersusPolicies() {
	for i, s := range l.p.Services {
		for j, pol := range s.Policies {
			if pol.Type != "TargetTrackingScaling" {
				continue
			}
			t := s.Triggers
			var diffs []string
			if out := t.ScaleOut.Above; out != nil && *out != pol.TargetValue {
				diffs = append(diffs, fmt.Sprintf("scale out above %v, but the policy tracks %v", *out, pol.TargetValue))
			}
			if d := t.ScaleOut.For.D(); d != 0 && d != highDatapoints*alarmPeriod {
				diffs = append(diffs, fmt.Sprintf("scale out after %s, but AWS's high alarm needs %d one-minute datapoints (%s)", d, highDatapoints, highDatapoints*alarmPeriod))
			}
			low := lowTargetPercent * pol.TargetValue
			if t.ScaleIn != nil && t.ScaleIn.Below != nil && math.Abs(*t.ScaleIn.Below-low) > 1e-9 {
				diffs = append(diffs, fmt.Sprintf("scale in below %v, but AWS's low alarm fires below about %v (90%% of the target)", *t.ScaleIn.Below, round(low)))
			}
			if t.ScaleIn != nil && t.ScaleIn.For.D() != 0 && t.ScaleIn.For.D() != lowDatapoints*alarmPeriod {
				diffs = append(diffs, fmt.Sprintf("scale in after %s, but AWS's low alarm needs %d one-minute datapoints (%s)", t.ScaleIn.For, lowDatapoints, lowDatapoints*alarmPeriod))
			}
			if c := t.Cooldown.D(); c != 0 {
				out, in := orDefault(pol.ScaleOutCooldown.D()), orDefault(pol.ScaleInCooldown.D())
				if c != out || c != in {
					diffs = append(diffs, fmt.Sprintf("one cooldown of %s, but the policy has ScaleOutCooldown %s and ScaleInCooldown %s", c, out, in))
				}
			}
			if len(diffs) == 0 {
				continue
			}
			l.add(s.ID+"-trigger-vs-policy",
				fmt.Sprintf("%s: the trigger table and the scaling command disagree", s.Component),
				fmt.Sprintf("services[%d].policies[%d]", i, j),
				[]string{t.Source, pol.Source},
				"%s says %s; %s deploys target tracking at %v (%s).",
				t.Source, strings.Join(diffs, "; "), pol.Source, pol.TargetValue, pol.Name)
		}
	}
}

func orDefault(d time.Duration) time.Duration {
	if d == 0 {
		return defaultCooldown
	}
	return d
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

func (l *linter) thresholdsWithoutPolicy() {
	for i, s := range l.p.Services {
		t := s.Triggers
		if len(s.Policies) > 0 || t.ScaleIn == nil || t.ScaleIn.Below == nil || t.ScaleOut.Above == nil {
			continue
		}
		out, in := *t.ScaleOut.Above, *t.ScaleIn.Below
		l.add(s.ID+"-thresholds-without-policy",
			fmt.Sprintf("%s: two thresholds and no scaling command", s.Component),
			fmt.Sprintf("services[%d].triggers", i),
			[]string{t.Source, "ECS Service Auto-scaling Configuration"},
			"%s gives scale out above %v and scale in below %v; one target-tracking policy has one target and scales in about 10%% below it (at %v for a target of %v), so %v/%v needs step scaling with two alarms. The runbook gives no command for %s.",
			t.Source, out, in, round(lowTargetPercent*out), out, out, in, s.ECSService)
	}
}

func (l *linter) proceduresAboveLimits() {
	type raise struct {
		section string
		max     int
	}
	raises := map[string][]raise{}
	for _, c := range l.p.ManualScaling.ScalableTargets {
		raises[c.Service] = append(raises[c.Service], raise{l.p.ManualScaling.Source, c.MaxCapacity})
	}
	for _, c := range l.p.PreScaling.ScalableTargets {
		raises[c.Service] = append(raises[c.Service], raise{l.p.PreScaling.Source, c.MaxCapacity})
	}
	for i, s := range l.p.Services {
		var over []string
		sections := []string{s.Limits.Source}
		for _, r := range raises[s.ID] {
			if r.max > s.Limits.MaxInstances {
				over = append(over, fmt.Sprintf("%s sets max %d", r.section, r.max))
				sections = append(sections, r.section)
			}
		}
		if len(over) == 0 {
			continue
		}
		l.add(s.ID+"-max-capacity",
			fmt.Sprintf("%s: procedures raise the maximum above Scaling Limits", s.Component),
			fmt.Sprintf("services[%d].limits.maxInstances", i),
			sections,
			"%s caps %s at %d instances; %s.", s.Limits.Source, s.Component, s.Limits.MaxInstances, strings.Join(over, "; "))
	}
}

// emergencyAboveSchedule: Application Auto Scaling brings a desired count set
// outside [min, max] back into range at its next scaling activity
// (docs.aws.amazon.com/autoscaling/application/userguide/getting-started.html),
// so a procedure that sets more than a scheduled maximum is undone.
func (l *linter) emergencyAboveSchedule() {
	counts := []struct {
		section string
		list    []spec.DesiredCount
	}{{l.p.ManualScaling.Source, l.p.ManualScaling.DesiredCounts}, {l.p.Emergency.Source, l.p.Emergency.DesiredCounts}}
	for _, group := range counts {
		for _, c := range group.list {
			for k, a := range l.p.ScheduledActions {
				if a.Service != c.Service || c.DesiredCount <= a.MaxCapacity {
					continue
				}
				l.add(fmt.Sprintf("%s-desired-above-%s", c.Service, a.Name),
					fmt.Sprintf("%s sets %d tasks, above %s's maximum", group.section, c.DesiredCount, a.Name),
					fmt.Sprintf("scheduledActions[%d].maxCapacity", k),
					[]string{group.section, a.Source},
					"%s sets %s's desired count to %d; while %s (%s) holds MaxCapacity %d, Application Auto Scaling sets it back to %d at its next scaling activity.",
					group.section, c.Service, c.DesiredCount, a.Name, a.Schedule, a.MaxCapacity, a.MaxCapacity)
			}
		}
	}
}

// fargateMemory is the memory (GiB) Fargate accepts per task CPU (vCPU):
// docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
var fargateMemory = map[float64][]float64{
	0.25: {0.5, 1, 2},
	0.5:  {1, 2, 3, 4},
	1:    {2, 3, 4, 5, 6, 7, 8},
	2:    {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
	4:    {8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30},
}

func (l *linter) taskSizing() {
	var differ []string
	var sections []string
	for i, s := range l.p.Services {
		a := s.Allocation
		if float64(s.Baseline.MemoryGiB) != a.MemoryGiB {
			differ = append(differ, fmt.Sprintf("%s %d GB vs %v GB", s.Component, s.Baseline.MemoryGiB, a.MemoryGiB))
			sections = []string{s.Baseline.Source, a.Source}
		}
		if mem, ok := fargateMemory[a.VCPU]; !ok || !slices.Contains(mem, a.MemoryGiB) {
			l.add(s.ID+"-fargate-size",
				fmt.Sprintf("%s: %v vCPU with %v GB is not a Fargate task size", s.Component, a.VCPU, a.MemoryGiB),
				fmt.Sprintf("services[%d].allocation", i),
				[]string{a.Source, "Scaling Approach"},
				"%s allocates %v vCPU and %v GB; the services run on Fargate, which accepts for %v vCPU only %v GB.",
				a.Source, a.VCPU, a.MemoryGiB, a.VCPU, mem)
		}
	}
	if len(differ) > 0 {
		l.add("memory-allocation",
			"Task memory differs between the sizing tables",
			"services[0].allocation.memoryGiB",
			sections,
			"Baseline Resource Allocation and Resource Allocation Policy give different memory per task: %s.", strings.Join(differ, "; "))
	}
}

// metricRef is a metric as the runbook names it somewhere.
type metricRef struct {
	namespace, metric, section, at, use string
}

// asWritten is an alarm's metric, statistic and threshold as the runbook's
// command passes them.
func asWritten(a spec.Alarm) (metric, namespace, statistic string, threshold float64) {
	metric, namespace, statistic, threshold = a.MetricName, a.Namespace, a.Statistic, a.Threshold
	if w := a.AsWritten; w != nil {
		metric, namespace, statistic, threshold = pick(w.MetricName, metric), pick(w.Namespace, namespace), pick(w.Statistic, statistic), w.Threshold
	}
	return metric, namespace, statistic, threshold
}

func (l *linter) alarmStatistics() {
	for i, a := range l.p.Alarms {
		at := fmt.Sprintf("alarms[%d]", i)
		metric, _, statistic, threshold := asWritten(a)
		if percentileText.MatchString(statistic) {
			l.add("alarm-"+a.Name+"-statistic",
				fmt.Sprintf("%s passes the percentile %s as --statistic", a.Name, statistic),
				at+".extendedStatistic",
				[]string{a.Source, "AWS: CloudWatch PutMetricAlarm API reference"},
				"%s's command passes --statistic %s; PutMetricAlarm takes only SampleCount, Average, Sum, Minimum or Maximum there and refuses the request: percentiles go in --extended-statistic.",
				a.Name, statistic)
		}
		if m, _, ok := lookup(a.Namespace, a.MetricName); ok && m.unit == "Seconds" && threshold >= 60 {
			l.add("alarm-"+a.Name+"-unit",
				fmt.Sprintf("%s's threshold %v reads as milliseconds on a metric in seconds", a.Name, threshold),
				at+".threshold",
				[]string{a.Source, "AWS: CloudWatch metrics for your Application Load Balancer"},
				"%s compares %s against %v; the load balancer reports response time in seconds, so the alarm would wait for %v-second responses.",
				a.Name, metric, threshold, threshold)
		}
	}
}

var percentileText = regexp.MustCompile(`^p[0-9]`)

func pick(written, fallback string) string {
	if written != "" {
		return written
	}
	return fallback
}

// unpublishedMetrics reports metrics in an AWS namespace that AWS does not
// publish, and custom metrics that nothing named publishes: every alarm,
// policy and chart on them would see no data.
func (l *linter) unpublishedMetrics() {
	var refs []metricRef
	for i, a := range l.p.Alarms {
		metric, namespace, _, _ := asWritten(a)
		refs = append(refs, metricRef{namespace, metric, a.Source, fmt.Sprintf("alarms[%d]", i), "alarm " + a.Name})
	}
	for i, s := range l.p.Services {
		for j, pol := range s.Policies {
			if m := pol.CustomizedMetric; m != nil {
				refs = append(refs, metricRef{m.Namespace, m.MetricName, pol.Source, fmt.Sprintf("services[%d].policies[%d].customizedMetric", i, j), "scaling policy " + pol.Name})
			}
		}
	}
	for i, w := range l.p.Dashboard.Widgets {
		for j, m := range w.Metrics {
			refs = append(refs, metricRef{m.Namespace, m.MetricName, l.p.Dashboard.Source, fmt.Sprintf("dashboard.widgets[%d].metrics[%d]", i, j), "dashboard widget " + w.Title})
		}
	}
	var order []string
	uses := map[string][]metricRef{}
	for _, r := range refs {
		key := r.namespace + " " + r.metric
		if uses[key] == nil {
			order = append(order, key)
		}
		uses[key] = append(uses[key], r)
	}
	for _, key := range order {
		l.unpublished(uses[key])
	}
}

func (l *linter) unpublished(uses []metricRef) {
	r := uses[0]
	key := r.namespace + " " + r.metric
	_, awsNamespace, ok := lookup(r.namespace, r.metric)
	if ok {
		return
	}
	var sections, users []string
	for _, u := range uses {
		if !slices.Contains(sections, u.section) {
			sections = append(sections, u.section)
		}
		if !slices.Contains(users, u.use) {
			users = append(users, u.use)
		}
	}
	usedBy := strings.Join(users, ", ")
	if awsNamespace {
		instead := elsewhere[key]
		if instead == "" {
			instead = "a metric AWS does publish, or a custom namespace with a named publisher"
		}
		l.add(fmt.Sprintf("unpublished-%s-%s", strings.ReplaceAll(r.namespace, "/", "-"), r.metric),
			fmt.Sprintf("AWS publishes no %s in %s", r.metric, r.namespace),
			r.at, append(sections, "AWS: CloudWatch metrics published by "+r.namespace),
			"%s rely on %s %s, which AWS does not publish: they would stay INSUFFICIENT_DATA or empty for ever. Use %s.",
			usedBy, r.namespace, r.metric, instead)
		return
	}
	at, publisher, declared := r.at, "", false
	for k, c := range l.p.CustomMetrics {
		if c.Namespace == r.namespace && c.MetricName == r.metric {
			at, publisher, declared = fmt.Sprintf("customMetrics[%d].publisher", k), c.Publisher, true
		}
	}
	switch {
	case !declared:
		l.add(fmt.Sprintf("custom-%s-%s", r.namespace, r.metric),
			fmt.Sprintf("Custom metric %s/%s is not declared", r.namespace, r.metric),
			at, append(sections, "AWS: custom metrics exist only through PutMetricData"),
			"%s rely on %s in namespace %s, which AWS does not publish; declare it under customMetrics with its publisher.",
			usedBy, r.metric, r.namespace)
	case publisher == "":
		l.add(fmt.Sprintf("custom-%s-%s", r.namespace, r.metric),
			fmt.Sprintf("Nothing named publishes the custom metric %s/%s", r.namespace, r.metric),
			at, append(sections, "AWS: custom metrics exist only through PutMetricData"),
			"%s rely on %s in namespace %s, which only PutMetricData creates; the runbook names no publisher, so without one they never see data.",
			usedBy, r.metric, r.namespace)
	}
}

// Dimension values of load-balancer metrics are ARN suffixes:
// docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
var dimensionFormats = map[string]*regexp.Regexp{
	"TargetGroup":  regexp.MustCompile(`^targetgroup/[^/]+/[0-9a-f]+$`),
	"LoadBalancer": regexp.MustCompile(`^app/[^/]+/[0-9a-f]+$`),
}

func (l *linter) dimensionFormats() {
	type use struct{ section, at, value string }
	bad := map[string][]use{}
	var names []string
	check := func(section, at string, dims []spec.Dimension) {
		for k, d := range dims {
			if re, ok := dimensionFormats[d.Name]; ok && !re.MatchString(d.Value) {
				if bad[d.Name] == nil {
					names = append(names, d.Name)
				}
				bad[d.Name] = append(bad[d.Name], use{section, fmt.Sprintf("%s.dimensions[%d]", at, k), d.Value})
			}
		}
	}
	for i, a := range l.p.Alarms {
		check(a.Source, fmt.Sprintf("alarms[%d]", i), a.Dimensions)
	}
	for i, w := range l.p.Dashboard.Widgets {
		for j, m := range w.Metrics {
			check(l.p.Dashboard.Source, fmt.Sprintf("dashboard.widgets[%d].metrics[%d]", i, j), m.Dimensions)
		}
	}
	for _, name := range names {
		uses := bad[name]
		values := make([]string, len(uses))
		for i, u := range uses {
			values[i] = u.value
		}
		l.add("dimension-"+name,
			fmt.Sprintf("%s dimension values are not in the form AWS publishes", name),
			uses[0].at, []string{uses[0].section, "Scaling Types"},
			"%s uses %s = %s; AWS publishes load-balancer metrics with the ARN suffix (%s), so these series are empty.",
			uses[0].section, name, strings.Join(values, ", "), dimensionFormats[name])
	}
}

// cloudFrontZone is the fixed hosted zone id for aliases to CloudFront
// distributions (docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html).
const cloudFrontZone = "Z2FDTNDATAQYW2"

func (l *linter) aliasZones() {
	var names []string
	at := ""
	for i, r := range l.p.Route53.FailoverRecords {
		a := r.Alias
		if a == nil || a.HostedZoneID != cloudFrontZone || strings.HasSuffix(a.DNSName, ".cloudfront.net") {
			continue
		}
		names = append(names, fmt.Sprintf("%s %s -> %s", r.Name, r.Failover, a.DNSName))
		if at == "" {
			at = fmt.Sprintf("route53.failoverRecords[%d].alias.hostedZoneId", i)
		}
	}
	if len(names) == 0 {
		return
	}
	l.add("alias-hosted-zone",
		"Failover aliases use CloudFront's hosted zone id for names that are not CloudFront",
		at, []string{l.p.Route53.Source, "AWS: Route 53 AliasTarget API reference"},
		"%s gives HostedZoneId %s, the id reserved for CloudFront distributions, to %s; a record in the same zone takes the zone's own id (%s) and an ALB its regional ELB zone id (Z35SXDOTRQ7X7K in us-east-1), so Route 53 rejects the change batch. EvaluateTargetHealth cannot be true for a CloudFront target either.",
		l.p.Route53.Source, cloudFrontZone, strings.Join(names, ", "), l.p.Route53.HostedZoneID)
}

// mongoMajority: a replica set elects a primary only with a majority of
// votes (mongodb.com/docs/manual/core/replica-set-architecture-geographically-distributed/).
func (l *linter) mongoMajority() {
	atlas := l.p.Replication.MongoDBAtlas
	total, failover := 0, 0
	for _, r := range atlas.Regions {
		total += r.ElectableNodes
		if r.Region == "failover" {
			failover += r.ElectableNodes
		}
	}
	if total == 0 || 2*failover > total {
		return
	}
	l.add("mongodb-regional-majority",
		"MongoDB cannot elect a primary in the failover region",
		"replication.mongodbAtlas.regions",
		[]string{atlas.Source, "Failover Configuration"},
		"%s puts %d of %d electable nodes in the primary region; if that region is lost, the %d left in %s are no majority, so the set stays read-only until someone reconfigures it, while Failover Configuration promises automated cross-region failover. Atlas recommends 5 nodes over 3 regions (2-2-1).",
		atlas.Source, total-failover, total, failover, l.p.Regions.Failover.Name)
}

func (l *linter) databaseNodes() {
	db, atlas := l.p.DataTier.Database.Baseline, l.p.Replication.MongoDBAtlas
	if db.MinNodes+db.Replicas == atlas.NumNodes {
		return
	}
	l.add("database-nodes",
		"The database's node count differs between sizing and the Atlas layout",
		"dataTier.database.baseline.replicas",
		[]string{db.Source, atlas.Source},
		"%s gives the database %d + %d replica; %s deploys %d nodes.",
		db.Source, db.MinNodes, db.Replicas, atlas.Source, atlas.NumNodes)
}

func (l *linter) budgetTags() {
	b, tags := l.p.Budget, l.p.CostAllocationTags
	if !slices.Contains(tags.Tags, spec.Tag{Key: b.TagFilter.Key, Value: b.TagFilter.Value}) {
		var written []string
		for _, t := range tags.Tags {
			written = append(written, t.Key+"="+t.Value)
		}
		l.add("budget-tag-filter",
			fmt.Sprintf("The budget filters on %s=%s, which no tagging command sets", b.TagFilter.Key, b.TagFilter.Value),
			"budget.tagFilter",
			[]string{b.Source, tags.Source},
			"%s filters %s on user:%s$%s; %s tags with %s, so the budget would count nothing.",
			b.Source, b.Name, b.TagFilter.Key, b.TagFilter.Value, tags.Source, strings.Join(written, ", "))
	}
	if strings.HasPrefix(tags.Resource, "i-") {
		l.add("cost-tags-on-ec2",
			"Cost allocation tags go on an EC2 instance; the services run on Fargate",
			"costAllocationTags.resource",
			[]string{tags.Source, "Scaling Approach"},
			"%s runs `aws ec2 create-tags --resources %s`; Fargate tasks are not EC2 instances: tag the ECS services (ecs tag-resource) with propagateTags so tasks carry them, and activate the keys as cost allocation tags.",
			tags.Source, tags.Resource)
	}
}

func (l *linter) scheduleTimezones() {
	var names []string
	at := ""
	for i, a := range l.p.ScheduledActions {
		if a.Timezone == "" {
			names = append(names, fmt.Sprintf("%s %s", a.Name, a.Schedule))
			if at == "" {
				at = fmt.Sprintf("scheduledActions[%d].schedule", i)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	l.add("scheduled-actions-utc",
		"Scheduled actions give no time zone, so they run in UTC",
		at, []string{l.p.ScheduledActions[0].Source, l.p.Regions.Source},
		"%s give no --timezone, and Application Auto Scaling then uses UTC; the primary region is %s, where 08:00 UTC is before the local business day.",
		strings.Join(names, "; "), l.p.Regions.Primary.Name)
}

// maintenanceOverlaps finds scheduled actions that fire inside a
// maintenance window, which the runbook calls a low-traffic period.
func (l *linter) maintenanceOverlaps() {
	for _, a := range l.p.ScheduledActions {
		if a.Timezone != "" {
			continue
		}
		var hits []string
		at := ""
		for i, w := range l.p.MaintenanceWindows.Windows {
			if fires, ok := firesDuring(a.Schedule, w); ok {
				hits = append(hits, fmt.Sprintf("%s on %s %s-%s UTC (fires %s)", w.Region, w.Day, w.StartUTC, w.EndUTC, fires))
				if at == "" {
					at = fmt.Sprintf("maintenanceWindows.windows[%d]", i)
				}
			}
		}
		if len(hits) == 0 {
			continue
		}
		l.add("maintenance-vs-"+a.Name,
			fmt.Sprintf("%s fires inside maintenance windows", a.Name),
			at, []string{l.p.MaintenanceWindows.Source, a.Source},
			"%s schedules maintenance in low-traffic periods, but %s (%s) changes capacity inside them: %s.",
			l.p.MaintenanceWindows.Source, a.Name, a.Schedule, strings.Join(hits, "; "))
	}
}

// firesDuring says when, if at all, a UTC schedule fires inside a weekly
// window, checked minute by minute over one sample week.
func firesDuring(s spec.Schedule, w spec.MaintenanceWindow) (string, bool) {
	day := time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)
	for day.Weekday().String() != w.Day {
		day = day.AddDate(0, 0, 1)
	}
	for m := w.StartUTC.Minutes(); m < w.EndUTC.Minutes(); m++ {
		if t := day.Add(time.Duration(m) * time.Minute); s.Matches(t) {
			return t.Format("15:04"), true
		}
	}
	return "", false
}

func (l *linter) staleDecisions() []spec.Problem {
	found := map[string]bool{}
	for _, f := range l.findings {
		found[f.ID] = true
	}
	var ids []string
	for id := range l.p.Decisions {
		if !found[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	stale := []spec.Problem{}
	for _, id := range ids {
		stale = append(stale, l.p.At("decisions."+id, "decision %q matches no finding: remove it or fix its id", id))
	}
	return stale
}
