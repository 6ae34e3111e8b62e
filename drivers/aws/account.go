package aws

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// CallerAccount is the account the target's credentials reach (STS
// GetCallerIdentity): what an allow-list is checked against, and the
// account whose budgets are read.
func (c *Clients) CallerAccount(ctx context.Context) (string, error) {
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", c.unreachable(err, "STS", fail("sts GetCallerIdentity", "(caller)", err))
	}
	if out.Account == nil || *out.Account == "" {
		return "", fail("sts GetCallerIdentity", "(caller)", errors.New("the answer names no account"))
	}
	return *out.Account, nil
}

// unreachable turns a call that never got an answer into *Unreachable,
// naming the endpoint (or the service in the region for AWS itself), and
// leaves any other error as answered.
func (c *Clients) unreachable(err error, service string, answered error) error {
	var send *smithyhttp.RequestSendError
	if !errors.As(err, &send) {
		return answered
	}
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "AWS " + service + " in " + c.Region
	}
	return &Unreachable{Endpoint: endpoint, Err: err}
}
