// Package aws is how the harness reaches a target's AWS APIs: one set of
// clients per target, from the standard AWS configuration chain, with the
// retry, pacing and error wording a game day needs. It is the same code
// against the sandbox, an emulator and staging; only the Target differs.
package aws

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/fis"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
	"golang.org/x/time/rate"
)

// CloudWatch wire protocols. AWS and the sandbox speak all three; the SDK
// defaults to CBOR, which moto and LocalStack do not serve.
const (
	ProtocolCBOR  = "cbor"
	ProtocolJSON  = "json"
	ProtocolQuery = "query"
)

// Target says where and how to call AWS.
type Target struct {
	// Endpoint overrides every service's endpoint (the sandbox, an
	// emulator). Empty means AWS itself, found through the standard chain
	// (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> still apply).
	Endpoint string
	// Region is required for an Endpoint; otherwise it defaults to the
	// standard chain's (AWS_REGION, the profile).
	Region string
	// CloudWatchProtocol is ProtocolCBOR (default), ProtocolJSON or
	// ProtocolQuery.
	CloudWatchProtocol string
	// RequestsPerSecond paces every call, retries included, so that a game
	// day against staging does not eat the account's API quota. Zero is
	// unpaced.
	RequestsPerSecond float64
	// Retry shapes retries of throttled and transient failures.
	Retry Retry
	// Log receives one line per retry.
	Log *slog.Logger
	// Gate is asked before every mutating call (see Gate); nil lets
	// every call go.
	Gate Gate
}

// Retry is the backoff for throttled and transient failures: the delay
// before retry n is Base x 2^(n-1), at most Max, with +-Jitter of itself.
type Retry struct {
	MaxAttempts int
	Base        time.Duration
	Max         time.Duration
	Jitter      float64
}

// DefaultRetry follows the runbook's advice for "Rate exceeded"
// (Troubleshooting: "Implement exponential backoff").
var DefaultRetry = Retry{MaxAttempts: 8, Base: 200 * time.Millisecond, Max: 20 * time.Second, Jitter: 0.2}

// Clients are the target's AWS clients.
type Clients struct {
	ECS         *ecs.Client
	AutoScaling *applicationautoscaling.Client
	CloudWatch  *cloudwatch.Client
	Route53     *route53.Client
	ElastiCache *elasticache.Client
	Budgets     *budgets.Client
	FIS         *fis.Client
	// SSM holds a kill switch that is an SSM parameter.
	SSM *ssm.Client
	S3  *s3.Client
	// STS says whose account the credentials reach (CallerAccount).
	STS    *sts.Client
	Region string
	// Endpoint is the target's endpoint, empty for AWS itself.
	Endpoint string
	// Calls counts the mutating calls every client made or was refused.
	Calls *Calls
}

// New builds the clients for a target.
func New(ctx context.Context, t Target) (*Clients, error) {
	if t.Retry == (Retry{}) {
		t.Retry = DefaultRetry
	}
	if t.Log == nil {
		t.Log = slog.New(slog.DiscardHandler)
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() sdk.Retryer { return newRetryer(t.Retry, t.Log) }),
	}
	if t.Region != "" {
		opts = append(opts, config.WithRegion(t.Region))
	}
	if t.Endpoint != "" {
		if t.Region == "" {
			return nil, fmt.Errorf("target endpoint %s needs a region", t.Endpoint)
		}
		// Local targets accept any credentials; fixed ones keep a developer's
		// real credentials away from them.
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("gameday", "gameday", "")))
	}
	calls := &Calls{}
	apiOptions := []func(*middleware.Stack) error{gate(t.Gate, calls)}
	if t.RequestsPerSecond > 0 {
		apiOptions = append(apiOptions, pace(rate.NewLimiter(rate.Limit(t.RequestsPerSecond), 1)))
	}
	opts = append(opts, config.WithAPIOptions(apiOptions))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: set AWS_REGION or the target profile's region")
	}
	var endpoint *string
	if t.Endpoint != "" {
		endpoint = sdk.String(t.Endpoint)
	}
	cwProtocol, err := cloudWatchProtocol(t.CloudWatchProtocol)
	if err != nil {
		return nil, err
	}
	// An endpoint standing in for AWS serves buckets by path, not as host
	// names under it.
	s3Options := func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = endpoint, endpoint != nil }
	return &Clients{
		Region:      cfg.Region,
		Endpoint:    t.Endpoint,
		Calls:       calls,
		ECS:         ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = endpoint }),
		AutoScaling: applicationautoscaling.NewFromConfig(cfg, func(o *applicationautoscaling.Options) { o.BaseEndpoint = endpoint }),
		CloudWatch: cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
			o.BaseEndpoint = endpoint
			if cwProtocol != nil {
				cwProtocol(o)
			}
		}),
		Route53:     route53.NewFromConfig(cfg, func(o *route53.Options) { o.BaseEndpoint = endpoint }),
		ElastiCache: elasticache.NewFromConfig(cfg, func(o *elasticache.Options) { o.BaseEndpoint = endpoint }),
		Budgets:     budgets.NewFromConfig(cfg, func(o *budgets.Options) { o.BaseEndpoint = endpoint }),
		FIS:         fis.NewFromConfig(cfg, func(o *fis.Options) { o.BaseEndpoint = endpoint }),
		SSM:         ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = endpoint }),
		S3:          s3.NewFromConfig(cfg, s3Options),
		STS:         sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = endpoint }),
	}, nil
}

func cloudWatchProtocol(name string) (func(*cloudwatch.Options), error) {
	switch name {
	case "", ProtocolCBOR:
		return nil, nil
	case ProtocolJSON:
		return func(o *cloudwatch.Options) { o.Protocol = awsjson.New10(schemas.GraniteServiceVersion20100801) }, nil
	case ProtocolQuery:
		return func(o *cloudwatch.Options) { o.Protocol = awsquery.New(schemas.GraniteServiceVersion20100801) }, nil
	}
	return nil, fmt.Errorf("CloudWatch protocol %q: want %s, %s or %s", name, ProtocolCBOR, ProtocolJSON, ProtocolQuery)
}

// pace waits for the limiter before every attempt, retries included.
func pace(limiter *rate.Limiter) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("gamedayPace",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if err := limiter.Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

// retryer is the SDK's standard retryer with gameday's backoff and without
// its client-side retry quota: a game day provokes throttling on purpose and
// must keep backing off rather than give up after a burst.
type retryer struct {
	*retry.Standard
	log *slog.Logger
}

func newRetryer(r Retry, log *slog.Logger) sdk.RetryerV2 {
	return retryer{
		Standard: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = r.MaxAttempts
			o.MaxBackoff = r.Max
			o.Backoff = exponential(r)
			o.RateLimiter = ratelimit.None
		}),
		log: log,
	}
}

func (r retryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, derr := r.Standard.RetryDelay(attempt, err)
	if derr == nil {
		r.log.Info("retrying AWS call", "attempt", attempt+1, "after", d, "error", err)
	}
	return d, derr
}
