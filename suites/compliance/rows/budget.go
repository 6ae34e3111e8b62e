package rows

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"

	"github.com/gameday-sre/gameday/spec"
)

// budgetRows are the budget of "Budget Alerts" and its notification.
// The notification's subscriber is not read: moto does not serve
// DescribeSubscribersForNotification.
func budgetRows(p *spec.Platform) []Row {
	b := p.Budget
	id := "budget." + b.Name
	resource := "budget " + b.Name
	row := func(attr, want string, got func(o *Observed) string) Row {
		return Row{ID: id + "." + attr, Area: Budget, Section: b.Source, Needs: profile.Budgets, Resource: resource, Expected: want,
			judge: func(o *Observed) (string, Verdict, string) {
				if o.Budget == nil {
					return dependsOn(id, resource)
				}
				return equal(want, got(o))
			}}
	}
	wantNotification := notification(b.Notification.Type, b.Notification.Comparison, b.Notification.Threshold, b.Notification.ThresholdType)
	rows := []Row{
		{ID: id, Area: Budget, Section: b.Source, Needs: profile.Budgets, Resource: resource, Expected: "present",
			judge: func(o *Observed) (string, Verdict, string) { return presence(o.Budget != nil) }},
		row("limit", amount(strconv.FormatFloat(b.LimitAmount, 'f', -1, 64), b.Unit), func(o *Observed) string {
			if o.Budget.BudgetLimit == nil {
				return "(no limit)"
			}
			return amount(deref(o.Budget.BudgetLimit.Amount), deref(o.Budget.BudgetLimit.Unit))
		}),
		row("timeUnit", b.TimeUnit, func(o *Observed) string { return string(o.Budget.TimeUnit) }),
		row("budgetType", b.BudgetType, func(o *Observed) string { return string(o.Budget.BudgetType) }),
		row("notification", wantNotification, func(o *Observed) string {
			var all []string
			for _, n := range o.Budget.Notifications {
				got := notification(string(n.NotificationType), string(n.ComparisonOperator), n.Threshold, string(n.ThresholdType))
				if got == wantNotification {
					// Other notifications (a forecast alert) are welcome.
					return got
				}
				all = append(all, got)
			}
			if len(all) == 0 {
				return "(no notifications)"
			}
			return strings.Join(all, ", ")
		}),
	}
	if b.TagFilter.Key != "" {
		// Cost Explorer names a user-defined cost allocation tag user:KEY,
		// and a budget filters on KEY$VALUE.
		want := "user:" + b.TagFilter.Key + "$" + b.TagFilter.Value
		rows = append(rows, row("tagFilter", want, func(o *Observed) string {
			if tags := o.Budget.TagFilters(); len(tags) > 0 {
				return strings.Join(tags, ", ")
			}
			return "(no tag filters)"
		}))
	}
	return rows
}

// amount writes a spend as the runbook does (5000 USD), whether AWS gives
// 5000 or 5000.0.
func amount(value, unit string) string {
	if f, err := strconv.ParseFloat(value, 64); err == nil {
		value = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return value + " " + unit
}

func notification(typ, comparison string, threshold float64, thresholdType string) string {
	return fmt.Sprintf("%s %s %g %s", typ, comparison, threshold, thresholdType)
}
