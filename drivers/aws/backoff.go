package aws

import (
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// exponential grows the delay with every attempt. Unlike the SDK's full
// jitter, whose delay may be anything from zero up, the jitter here is a
// fraction of the delay, so successive retries really wait longer.
func exponential(r Retry) retry.BackoffDelayer {
	return retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
		d := r.Base << min(attempt-1, 30)
		if d > r.Max || d <= 0 {
			d = r.Max
		}
		if r.Jitter > 0 {
			d = time.Duration(float64(d) * (1 + r.Jitter*(2*rand.Float64()-1)))
		}
		return d, nil
	})
}
