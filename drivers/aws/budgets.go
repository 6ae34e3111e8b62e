package aws

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/budgets"
	budgetstypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

// Budget is an AWS Budgets budget with its notifications.
type Budget struct {
	budgetstypes.Budget
	Notifications []budgetstypes.Notification
}

// Budget describes one budget of the caller's account and its
// notifications; nil when there is no such budget. Budgets are per
// account, and the account is the one the credentials reach, not the
// runbook's example id.
func (c *Clients) Budget(ctx context.Context, name string) (*Budget, error) {
	account, err := c.CallerAccount(ctx)
	if err != nil {
		return nil, err
	}
	resource := "budget " + name + " of account " + account
	out, err := c.Budgets.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &account, BudgetName: &name})
	var missing *budgetstypes.NotFoundException
	if errors.As(err, &missing) {
		return nil, nil
	}
	if err != nil {
		return nil, fail("budgets DescribeBudget", resource, err)
	}
	if out.Budget == nil {
		return nil, nil
	}
	b := &Budget{Budget: *out.Budget}
	pages := budgets.NewDescribeNotificationsForBudgetPaginator(c.Budgets, &budgets.DescribeNotificationsForBudgetInput{AccountId: &account, BudgetName: &name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("budgets DescribeNotificationsForBudget", resource, err)
		}
		b.Notifications = append(b.Notifications, page.Notifications...)
	}
	return b, nil
}

// TagFilters are the budget's cost allocation tag filters as the runbook
// writes them, user:KEY$VALUE, whether the budget holds them as
// CostFilters (what the runbook's create-budget sends) or as the top-level
// Tags of a FilterExpression (the form AWS now asks for).
func (b Budget) TagFilters() []string {
	//lint:ignore SA1019 the runbook's budget is written with CostFilters, so they are what to read
	out := slices.Clone(b.CostFilters["TagKeyValue"])
	if e := b.FilterExpression; e != nil && e.Tags != nil && e.Tags.Key != nil {
		key := "user:" + strings.TrimPrefix(*e.Tags.Key, "user:")
		for _, v := range e.Tags.Values {
			out = append(out, key+"$"+v)
		}
	}
	slices.Sort(out)
	return out
}
