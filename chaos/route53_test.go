package chaos

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/awsapi"
	sandboxr53 "github.com/gameday-sre/gameday/sandbox/route53"
)

// The addresses api.example.com fails over between.
const (
	primaryIP   = "127.0.0.2"
	secondaryIP = "127.0.0.3"
)

// r53Sandbox is the sandbox's Route 53 (sandbox/route53 behind its wire
// layer, on loopback) holding the runbook's failover: api.example.com
// answers the primary while its HTTP health check, which really probes a
// healthy endpoint, is healthy, and the secondary otherwise.
type r53Sandbox struct {
	engine *sandboxr53.Engine
	api    *route53.Client
	zone   string
	check  string
}

func newR53Sandbox(t *testing.T) *r53Sandbox {
	t.Helper()
	clk, err := clock.NewScaled(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), 60)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := &r53Sandbox{engine: sandboxr53.New(clk, sandboxr53.WithLogger(log))}
	t.Cleanup(func() { s.engine.Close() })
	srv := awsapi.NewServer(awsapi.WithLogger(log))
	srv.Handle(awsapi.ServiceRoute53, s.engine.ServeAWS)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s.api = route53.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")})

	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(endpoint.Close)
	port := endpoint.Listener.Addr().(*net.TCPAddr).Port

	ctx := t.Context()
	zone, err := s.api.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String("zone")})
	if err != nil {
		t.Fatal(err)
	}
	s.zone = aws.ToString(zone.HostedZone.Id)
	hc, err := s.api.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("primary"), HealthCheckConfig: &r53types.HealthCheckConfig{
		Type: r53types.HealthCheckTypeHttp, IPAddress: aws.String("127.0.0.1"), Port: aws.Int32(int32(port)), ResourcePath: aws.String("/health"),
		RequestInterval: aws.Int32(10), FailureThreshold: aws.Int32(1)}})
	if err != nil {
		t.Fatal(err)
	}
	s.check = aws.ToString(hc.HealthCheck.Id)
	record := func(role r53types.ResourceRecordSetFailover, ip, check string) r53types.Change {
		rs := &r53types.ResourceRecordSet{Name: aws.String("api.example.com"), Type: r53types.RRTypeA, SetIdentifier: aws.String(string(role)),
			Failover: role, TTL: aws.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(ip)}}}
		if check != "" {
			rs.HealthCheckId = aws.String(check)
		}
		return r53types.Change{Action: r53types.ChangeActionCreate, ResourceRecordSet: rs}
	}
	if _, err := s.api.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: &s.zone, ChangeBatch: &r53types.ChangeBatch{
		Changes: []r53types.Change{record(r53types.ResourceRecordSetFailoverPrimary, primaryIP, s.check), record(r53types.ResourceRecordSetFailoverSecondary, secondaryIP, "")}}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *r53Sandbox) target() Target { return Target{Name: "local", Route53: s.api} }

// state is what Route 53 says of the failover: the health check's
// Inverted flag, its status as the answers use it, and the address
// api.example.com answers (TestDNSAnswer).
func (s *r53Sandbox) state(t *testing.T) (inverted, healthy bool, answer string) {
	t.Helper()
	ctx := t.Context()
	hc, err := s.api.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: &s.check})
	if err != nil {
		t.Fatal(err)
	}
	healthy, err = s.engine.Healthy(s.check)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.api.TestDNSAnswer(ctx, &route53.TestDNSAnswerInput{HostedZoneId: &s.zone, RecordName: aws.String("api.example.com"), RecordType: r53types.RRTypeA})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.RecordData) != 1 {
		t.Fatalf("api.example.com answers %v; want one address", out.RecordData)
	}
	return aws.ToBool(hc.HealthCheck.HealthCheckConfig.Inverted), healthy, out.RecordData[0]
}

// Inverting the primary's health check is a region outage as Route 53
// sees it: the check turns unhealthy while its endpoint answers, and
// api.example.com fails over to the secondary; the revert brings the
// answer back. It is put back by the process that inverted it, and from
// the ledger by another that finds it outstanding after the first died.
func TestInvertHealthCheckFailsOverAndBack(t *testing.T) {
	for _, revert := range []string{"by the injecting process", "from the ledger after a crash"} {
		t.Run(revert, func(t *testing.T) {
			sb := newR53Sandbox(t)
			ctx := t.Context()
			if inv, healthy, answer := sb.state(t); inv || !healthy || answer != primaryIP {
				t.Fatalf("before: inverted %v, healthy %v, answer %s; want false, true, %s", inv, healthy, answer, primaryIP)
			}
			inject, err := NewInvertHealthCheck(ctx, sb.target(), sb.check)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "ledger.jsonl")
			l, err := OpenLedger(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := l.Inject(ctx, inject, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if inv, healthy, answer := sb.state(t); !inv || healthy || answer != secondaryIP {
				t.Fatalf("inverted: inverted %v, healthy %v, answer %s; want true, false, %s", inv, healthy, answer, secondaryIP)
			}
			if revert == "by the injecting process" {
				if err := f.Revert(ctx); err != nil {
					t.Fatal(err)
				}
				l.Close()
			} else {
				l.Close()
				out, err := Outstanding(path)
				if err != nil || len(out) != 1 || out[0].Undo.HealthCheck == nil || *out[0].Undo.HealthCheck != (HealthCheckInverted{ID: sb.check}) {
					t.Fatalf("outstanding: %+v, %v; want the check, to be put back uninverted", out, err)
				}
				undone, err := RevertOutstanding(ctx, path, sb.target().Undo, nil)
				if err != nil || len(undone) != 1 {
					t.Fatalf("reverted %d entries, %v; want the inversion", len(undone), err)
				}
			}
			if inv, healthy, answer := sb.state(t); inv || !healthy || answer != primaryIP {
				t.Errorf("after the revert: inverted %v, healthy %v, answer %s; want false, true, %s", inv, healthy, answer, primaryIP)
			}
			if out, err := Outstanding(path); err != nil || len(out) != 0 {
				t.Errorf("outstanding after the revert: %+v, %v; want none", out, err)
			}
		})
	}
}

// The injection names the version it read: a check changed between the
// read and the injection is refused, left as it is, and the ledger records
// nothing outstanding.
func TestInvertHealthCheckRefusesAChangedCheck(t *testing.T) {
	sb := newR53Sandbox(t)
	ctx := t.Context()
	inject, err := NewInvertHealthCheck(ctx, sb.target(), sb.check)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.api.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &sb.check, FailureThreshold: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	l, err := OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = l.Inject(ctx, inject, nil, nil)
	var mismatch *r53types.HealthCheckVersionMismatch
	if !errors.As(err, &mismatch) || errors.Is(err, ErrLeftInPlace) {
		t.Fatalf("inject after another change: %v; want HealthCheckVersionMismatch, nothing left in place", err)
	}
	if inv, healthy, answer := sb.state(t); inv || !healthy || answer != primaryIP {
		t.Errorf("after the refusal: inverted %v, healthy %v, answer %s; want false, true, %s", inv, healthy, answer, primaryIP)
	}
	if out, err := Outstanding(path); err != nil || len(out) != 0 {
		t.Errorf("outstanding: %+v, %v; want none", out, err)
	}
}

// An inversion that cannot be made, or could not be undone, says so
// before anything changes.
func TestInvertHealthCheckRefusals(t *testing.T) {
	sb := newR53Sandbox(t)
	ctx := t.Context()
	if _, err := sb.api.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &sb.check, Inverted: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		err         func() error
		unsupported bool
	}{
		{"a target without Route 53", func() error {
			_, err := NewInvertHealthCheck(ctx, Target{Name: "bare"}, sb.check)
			return err
		}, true},
		{"a check already inverted, whose revert would leave it inverted", func() error {
			_, err := NewInvertHealthCheck(ctx, sb.target(), sb.check)
			return err
		}, false},
		{"no such check", func() error {
			_, err := NewInvertHealthCheck(ctx, sb.target(), "no-such-check")
			return err
		}, false},
		{"made without its constructor, so nothing knows what to put back", func() error {
			return InvertHealthCheck{On: sb.target(), HealthCheckID: sb.check}.Supported()
		}, false},
		{"a ledger entry to put back on a target without Route 53", func() error {
			_, err := Target{Name: "local"}.Undo(Entry{ID: "1", Target: "local", Kind: "invert-health-check", Undo: Undo{HealthCheck: &HealthCheckInverted{ID: sb.check}}})
			return err
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil || errors.Is(err, ErrUnsupported) != tt.unsupported {
				t.Errorf("error %v; want one, unsupported %v", err, tt.unsupported)
			}
		})
	}
}
