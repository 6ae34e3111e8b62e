package awsapi

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

// t0 has milliseconds, the resolution every protocol must carry.
var t0 = time.Date(2026, 11, 28, 15, 38, 38, 123e6, time.UTC)

// startServer serves the handlers on 127.0.0.1 for the test's lifetime.
func startServer(t *testing.T, handlers map[string]Handler) string {
	t.Helper()
	s := NewServer(WithLogger(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))))
	for name, h := range handlers {
		s.Handle(name, h)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

// recorder keeps the requests a handler saw.
type recorder struct {
	mu   sync.Mutex
	reqs []*Request
}

func (r *recorder) add(req *Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
}

func (r *recorder) last(t *testing.T) *Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("the handler saw no request")
	}
	return r.reqs[len(r.reqs)-1]
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// failing is a handler that records the request and returns err.
func failing(rec *recorder, err error) Handler {
	return func(_ context.Context, req *Request) (any, error) {
		rec.add(req)
		return nil, err
	}
}

type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// sdkConfig points the SDK at url with dummy credentials and attempts
// tries per call, without waits between them.
func sdkConfig(url string, attempts int) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSANDBOX", "sandbox-secret", ""),
		BaseEndpoint: aws.String(url),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.Backoff = noBackoff{}
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// cloudWatchProtocols are the CloudWatch client's protocols: its default
// (rpcv2Cbor) and the two aws-semantics.md names for other endpoints.
var cloudWatchProtocols = []struct {
	name     string
	protocol func() smithyhttp.ClientProtocol
	want     Protocol
}{
	{"rpcv2Cbor", nil, ProtocolCBOR},
	{"awsJson1_0", func() smithyhttp.ClientProtocol { return awsjson.New10(schemas.GraniteServiceVersion20100801) }, ProtocolJSON10},
	{"awsQuery", func() smithyhttp.ClientProtocol { return awsquery.New(schemas.GraniteServiceVersion20100801) }, ProtocolQuery},
}

func cloudWatchClient(url string, attempts int, protocol func() smithyhttp.ClientProtocol) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(sdkConfig(url, attempts), func(o *cloudwatch.Options) {
		if protocol != nil {
			o.Protocol = protocol()
		}
	})
}
