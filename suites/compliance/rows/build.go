package rows

import (
	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Rows is every row of the runbook the compliance suite checks, in the
// runbook's order, with the target's names for its resources.
func Rows(p *spec.Platform, n profile.ResourceNames) []Row {
	var rows []Row
	for _, s := range p.Services {
		rows = append(rows, scalableTargetRows(p, n, s)...)
	}
	for _, s := range p.Services {
		for _, pol := range s.Policies {
			rows = append(rows, policyRows(p, n, s, pol)...)
		}
	}
	for _, a := range p.ScheduledActions {
		rows = append(rows, scheduledRows(p, n, a)...)
	}
	for _, s := range p.Services {
		rows = append(rows, allocationRows(p, n, s)...)
	}
	for _, s := range p.Services {
		rows = append(rows, tagRows(p, n, s))
	}
	for _, a := range p.Alarms {
		rows = append(rows, alarmRows(a)...)
	}
	for _, hc := range p.Route53.HealthChecks {
		rows = append(rows, healthCheckRows(p, n, hc)...)
	}
	for _, r := range p.Route53.FailoverRecords {
		rows = append(rows, failoverRows(p, n, r)...)
	}
	rows = append(rows, cacheRows(p, n)...)
	rows = append(rows, contentRows(p, n)...)
	rows = append(rows, replicaSetRows(p)...)
	rows = append(rows, budgetRows(p)...)
	rows = append(rows, dashboardRows(p.Dashboard)...)
	return rows
}

func serviceByID(p *spec.Platform, id string) spec.Service {
	for _, s := range p.Services {
		if s.ID == id {
			return s
		}
	}
	return spec.Service{ID: id}
}
