package aws

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go"
)

// Dashboard returns a CloudWatch dashboard's body (JSON); found is false
// when there is no such dashboard.
func (c *Clients) Dashboard(ctx context.Context, name string) (body string, found bool, err error) {
	out, err := c.CloudWatch.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: &name})
	var api smithy.APIError
	// AWS says ResourceNotFound; the model also names DashboardNotFoundError.
	if errors.As(err, &api) && (api.ErrorCode() == "ResourceNotFound" || api.ErrorCode() == "DashboardNotFoundError") {
		return "", false, nil
	}
	if err != nil {
		return "", false, fail("cloudwatch GetDashboard", name, err)
	}
	if out.DashboardBody == nil {
		return "", true, nil
	}
	return *out.DashboardBody, true, nil
}
