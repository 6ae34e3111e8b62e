package failover

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// The clients recover at their first success after their last failure,
// by when requests were sent, whatever order the answers came in; and
// only once successes have held for the hold.
func TestRecovered(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	all := []sent{
		{at(-10), true}, {at(5), false}, {at(40), true}, {at(30), false}, // answered out of order
		{at(50), true}, {at(70), true}, {at(130), true},
	}
	tests := []struct {
		until            time.Time
		hold             time.Duration
		want, wantFailed time.Time
		held             bool
	}{
		{at(200), time.Minute, at(40), at(30), true},
		{at(60), time.Minute, at(40), at(30), false}, // not held long enough yet
		{at(20), time.Minute, time.Time{}, at(5), false},
	}
	for _, tt := range tests {
		got, failed, held := recovered(all, t0, tt.until, tt.hold)
		if !got.Equal(tt.want) || !failed.Equal(tt.wantFailed) || held != tt.held {
			t.Errorf("until %s: %s, last failed %s, held %v; want %s, %s, %v", tt.until, got, failed, held, tt.want, tt.wantFailed, tt.held)
		}
	}
}

// A checker changes its mind after FailureThreshold observations in a
// row that disagree with it, a missed observation counted; the check is
// unhealthy once no more than 18 % of its checkers say healthy, and
// healthy again once more do.
func TestCheckersFollowRoute53sRule(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	w := &checkers{threshold: 3, interval: 30 * time.Second, seen: map[string]*checker{}}
	regions := []string{"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"}
	probe := func(round int, status string, skip string) {
		for i, r := range regions {
			if r == skip {
				continue
			}
			at := t0.Add(time.Duration(round)*w.interval + time.Duration(i)*w.interval/8)
			w.observe(r53types.HealthCheckObservation{Region: r53types.HealthCheckRegion(r),
				StatusReport: &r53types.StatusReport{Status: aws.String(status), CheckedTime: aws.Time(at)}})
		}
	}
	probe(0, "Success: HTTP Status Code 200, OK", "")
	probe(1, "Failure: connection refused", "")
	probe(2, "Failure: connection refused", "us-west-1") // one read missed
	if !w.down.IsZero() {
		t.Fatalf("unhealthy at %s after two failing rounds", w.down)
	}
	probe(3, "Failure: connection refused", "")
	// The seventh checker's third failure leaves one of eight healthy
	// (12.5 %); us-west-1's missed one still counted.
	if want := t0.Add(3*w.interval + 6*w.interval/8); !w.down.Equal(want) {
		t.Errorf("unhealthy at %s, want %s", w.down, want)
	}
	for round := 4; round <= 6; round++ {
		probe(round, "Success: HTTP Status Code 200, OK", "")
	}
	// Two of eight (25 %) healthy is more than 18 %.
	if want := t0.Add(6*w.interval + w.interval/8); !w.up.Equal(want) {
		t.Errorf("healthy again at %s, want %s", w.up, want)
	}
}
