package rows

import (
	"strconv"

	"github.com/gameday-sre/gameday/targets/profile"

	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	gdaws "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/spec"
)

// findHealthCheck finds the target's health check for a spec one: by tag
// when the profile names one, otherwise by domain name and port.
func findHealthCheck(o *Observed, n profile.ResourceNames, hc spec.HealthCheck) *gdaws.HealthCheck {
	for i, c := range o.HealthChecks {
		if n.HealthCheckTag != "" {
			if c.Tags[n.HealthCheckTag] == hc.ID {
				return &o.HealthChecks[i]
			}
			continue
		}
		if cfg := c.HealthCheckConfig; cfg != nil && gdaws.FQDN(deref(cfg.FullyQualifiedDomainName)) == n.DNSName(hc.FQDN) && deref(cfg.Port) == int32(hc.Port) {
			return &o.HealthChecks[i]
		}
	}
	return nil
}

func healthCheckRows(p *spec.Platform, n profile.ResourceNames, hc spec.HealthCheck) []Row {
	id := "healthcheck." + hc.ID
	row := func(attr, want string, got func(r53types.HealthCheckConfig) string) Row {
		return Row{ID: id + "." + attr, Area: HealthChecks, Section: p.Route53.Source, Needs: profile.Route53,
			Resource: "health check " + hc.ID + " (" + hc.FQDN + ")", Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				c := findHealthCheck(o, n, hc)
				if c == nil || c.HealthCheckConfig == nil {
					return dependsOn(id, "health check "+hc.ID)
				}
				return equal(want, got(*c.HealthCheckConfig))
			}}
	}
	return []Row{
		{ID: id, Area: HealthChecks, Section: p.Route53.Source, Needs: profile.Route53,
			Resource: "health check " + hc.ID + " (" + hc.FQDN + ")", Expected: "present",
			judge: func(o *Observed) (string, Verdict, string) { return presence(findHealthCheck(o, n, hc) != nil) }},
		row("type", hc.Type, func(c r53types.HealthCheckConfig) string { return string(c.Type) }),
		row("port", strconv.Itoa(hc.Port), func(c r53types.HealthCheckConfig) string { return int32s(c.Port) }),
		row("resourcePath", hc.ResourcePath, func(c r53types.HealthCheckConfig) string { return deref(c.ResourcePath) }),
		row("fqdn", n.DNSName(hc.FQDN), func(c r53types.HealthCheckConfig) string { return gdaws.FQDN(deref(c.FullyQualifiedDomainName)) }),
		row("requestInterval", seconds(hc.RequestInterval.Seconds()), func(c r53types.HealthCheckConfig) string {
			// AWS's default when none is given.
			if c.RequestInterval == nil {
				return seconds(30)
			}
			return seconds(int64(*c.RequestInterval))
		}),
		row("failureThreshold", strconv.Itoa(hc.FailureThreshold), func(c r53types.HealthCheckConfig) string {
			// AWS's default when none is given.
			if c.FailureThreshold == nil {
				return "3"
			}
			return int32s(c.FailureThreshold)
		}),
	}
}

// failoverRows check each record's failover role, its health check and
// EvaluateTargetHealth; alias zone ids and names are placeholders (the
// spec's decision alias-hosted-zone) and are not checked.
func failoverRows(p *spec.Platform, n profile.ResourceNames, r spec.FailoverRecord) []Row {
	id := "failover." + r.SetIdentifier
	name := n.DNSName(r.Name)
	resource := r.Type + " " + name + " set " + r.SetIdentifier
	find := func(o *Observed) *r53types.ResourceRecordSet {
		for i, rr := range o.RecordSets {
			if gdaws.FQDN(deref(rr.Name)) == name && string(rr.Type) == r.Type && deref(rr.SetIdentifier) == r.SetIdentifier {
				return &o.RecordSets[i]
			}
		}
		return nil
	}
	row := func(attr, want string, judge func(*Observed, r53types.ResourceRecordSet) (string, Verdict, string)) Row {
		return Row{ID: id + "." + attr, Area: FailoverRecords, Section: p.Route53.Source, Needs: profile.Route53, Resource: resource, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				rr := find(o)
				if rr == nil {
					return dependsOn(id, "record "+resource)
				}
				return judge(o, *rr)
			}}
	}
	rows := []Row{
		{ID: id, Area: FailoverRecords, Section: p.Route53.Source, Needs: profile.Route53, Resource: resource, Expected: "present",
			judge: func(o *Observed) (string, Verdict, string) { return presence(find(o) != nil) }},
		row("role", r.Failover, func(_ *Observed, rr r53types.ResourceRecordSet) (string, Verdict, string) {
			return equal(r.Failover, string(rr.Failover))
		}),
		row("healthCheck", healthCheckName(r.HealthCheck), func(o *Observed, rr r53types.ResourceRecordSet) (string, Verdict, string) {
			got := deref(rr.HealthCheckId)
			if r.HealthCheck == "" {
				return equal(healthCheckName(""), healthCheckName(got))
			}
			hc := findHealthCheck(o, n, healthCheckByID(p, r.HealthCheck))
			if hc == nil {
				return dependsOn("healthcheck."+r.HealthCheck, "health check "+r.HealthCheck)
			}
			actual := healthCheckName(got)
			if got == deref(hc.Id) {
				actual = healthCheckName(r.HealthCheck)
			}
			return equal(healthCheckName(r.HealthCheck), actual)
		}),
	}
	if r.Alias != nil {
		want := strconv.FormatBool(r.Alias.EvaluateTargetHealth)
		rows = append(rows, row("evaluateTargetHealth", want, func(_ *Observed, rr r53types.ResourceRecordSet) (string, Verdict, string) {
			if rr.AliasTarget == nil {
				return "not an alias", Fail, ""
			}
			return equal(want, strconv.FormatBool(rr.AliasTarget.EvaluateTargetHealth))
		}))
	}
	return rows
}

func healthCheckName(id string) string {
	if id == "" {
		return "no health check"
	}
	return "health check " + id
}

func healthCheckByID(p *spec.Platform, id string) spec.HealthCheck {
	for _, hc := range p.Route53.HealthChecks {
		if hc.ID == id {
			return hc
		}
	}
	return spec.HealthCheck{ID: id}
}
