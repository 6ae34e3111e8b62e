// Package sdktest points the AWS SDK at a test's endpoint so that what the
// endpoint answered reaches the test unretried, while a connection the Go
// transport itself closed under load is tried again, as the SDK's default
// retryer does (aws-sdk-go-v2 #2737, #2949: net.ErrClosed is retryable).
package sdktest

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// connectionAttempts bounds the retries of a connection error; a test's
// loopback endpoint that fails three connections in a row is broken.
const connectionAttempts = 3

// Config is an SDK configuration for the endpoint at url in region, with
// dummy credentials. Only connection errors are retried, at once.
func Config(url, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "sandbox-secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = connectionAttempts
				o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		},
	}
}
