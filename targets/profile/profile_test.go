package profile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/targets/profile"
)

func TestLocalFollowsTheStateDir(t *testing.T) {
	local, err := filepath.Abs("../../fixtures/targets/local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if _, err := profile.Load(local); err == nil || !strings.Contains(err.Error(), "gameday sandbox up") {
		t.Fatalf("want an error saying how to start a sandbox, got %v", err)
	}
	written := &profile.Profile{
		Name:      "local",
		Regions:   profile.Regions{Primary: "us-east-1", Failover: "us-west-2"},
		Endpoints: profile.Endpoints{AWS: "http://127.0.0.1:4566", LoadBalancers: map[string]string{"us-east-1": "http://127.0.1.1:8080"}},
		Clock:     &profile.Clock{Scale: 60, PlatformOrigin: time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC), RealOrigin: time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)},
		Serves:    []profile.Capability{profile.ECS, profile.AutoScaling, profile.CloudWatch},
	}
	if err := os.MkdirAll(".gameday/sandbox", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := profile.Write(".gameday/sandbox/target.yaml", written); err != nil {
		t.Fatal(err)
	}
	got, err := profile.Load(local)
	if err != nil {
		t.Fatal(err)
	}
	if got.Endpoints.AWS != written.Endpoints.AWS || got.Clock.Scale != 60 || !got.Clock.PlatformOrigin.Equal(written.Clock.PlatformOrigin) {
		t.Errorf("read back %+v", got)
	}
	byPath, err := profile.Load(filepath.Join(dir, ".gameday/sandbox/target.yaml"))
	if err != nil || byPath.Endpoints.LoadBalancers["us-east-1"] != "http://127.0.1.1:8080" {
		t.Errorf("by path: %+v, %v", byPath, err)
	}
}

func TestBadProfiles(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nendpoint: {aws: y}\n"), 0o644)
	badServes := filepath.Join(dir, "serves.yaml")
	os.WriteFile(badServes, []byte("name: x\nserves: [ecs, autoscaling]\n"), 0o644)
	noFIS := filepath.Join(dir, "nofis.yaml")
	os.WriteFile(noFIS, []byte("name: x\nserves: [ecs]\nfaults: fis\n"), 0o644)
	otherPath := filepath.Join(dir, "other.yaml")
	os.WriteFile(otherPath, []byte("name: x\nserves: [ecs, fis]\nfaults: ssm\n"), 0o644)
	badEnv := filepath.Join(dir, "env.yaml")
	os.WriteFile(badEnv, []byte("name: x\nenvironment: prod\n"), 0o644)
	tests := []struct{ target, want string }{
		{"nowhere", `no target profile "nowhere" in fixtures/targets:`},
		{noFIS, `faults "fis": want "fis" on a target that serves fis`},
		{otherPath, `faults "ssm": want "fis"`},
		{"nowhere", "use one of local, localstack, moto, staging"},
		{bad, "field endpoint not found"},
		{badServes, `serves.yaml: serves "autoscaling": not a capability gameday knows (ecs, application-autoscaling,`},
		{filepath.Join(dir, "missing.yaml"), "missing.yaml"},
		{badEnv, `env.yaml: environment "prod": want one of local, emulator, staging, production`},
	}
	for _, tt := range tests {
		if _, err := profile.Load(tt.target); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%s): want %q, got %v", tt.target, tt.want, err)
		}
	}
}

func TestShippedProfiles(t *testing.T) {
	tests := []struct {
		name     string
		realAWS  bool
		endpoint string
		protocol string
	}{
		{"moto", false, "http://127.0.0.1:5000", "json"},
		{"localstack", false, "http://localhost:4566", "json"},
		{"staging", true, "", ""},
	}
	for _, tt := range tests {
		p, err := profile.Load(tt.name)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p.RealAWS() != tt.realAWS || p.Endpoints.AWS != tt.endpoint || p.Protocols["cloudwatch"] != tt.protocol || p.Regions.Primary == "" || len(p.Serves) == 0 {
			t.Errorf("%s: %+v", tt.name, p)
		}
		if tt.realAWS && (!p.GuardsAccount() || len(p.AllowedRegions) == 0 || p.Environment != profile.Staging) {
			t.Errorf("%s reaches AWS itself without an account guard, allowed regions and environment staging", tt.name)
		}
	}
}

func TestCheckAccount(t *testing.T) {
	tests := []struct {
		name    string
		profile profile.Profile
		account string
		want    string
	}{
		{"listed account", profile.Profile{Name: "staging", AllowedAccounts: []string{"111122223333"}}, "111122223333", ""},
		{"unlisted account", profile.Profile{Name: "staging", AllowedAccounts: []string{"111122223333"}}, "444455556666", "caller account 444455556666 is not in allowedAccounts (111122223333): refusing"},
		{"AWS itself with no list", profile.Profile{Name: "staging"}, "111122223333", "lists no allowedAccounts: refusing"},
		{"an emulator needs no list", profile.Profile{Name: "moto", Endpoints: profile.Endpoints{AWS: "http://127.0.0.1:5000"}}, "123456789012", ""},
		{"an emulator with a list keeps to it", profile.Profile{Name: "moto", Endpoints: profile.Endpoints{AWS: "http://127.0.0.1:5000"}, AllowedAccounts: []string{"1"}}, "123456789012", "not in allowedAccounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.profile.CheckAccount(tt.account)
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckAccount(%s) = %v, want %q", tt.account, err, tt.want)
			}
		})
	}
}

// The guard asks whose account the credentials reach only where the
// answer decides, and refuses before anything else is called.
func TestGuard(t *testing.T) {
	moto := profile.Endpoints{AWS: "http://127.0.0.1:5000"}
	east := []string{"us-east-1", "us-west-2"}
	tests := []struct {
		name    string
		profile profile.Profile
		account string
		err     error
		asked   bool
		want    string
	}{
		{"an emulator without a list is not guarded", profile.Profile{Name: "moto", Endpoints: moto}, "123456789012", nil, false, ""},
		{"AWS itself without a list is refused unasked", profile.Profile{Name: "staging", AllowedRegions: east}, "111122223333", nil, false, "target staging reaches AWS itself but lists no allowedAccounts: refusing to run"},
		{"AWS itself without regions is refused unasked", profile.Profile{Name: "staging", AllowedAccounts: []string{"111122223333"}}, "111122223333", nil, false, "target staging reaches AWS itself but lists no allowedRegions: refusing to run"},
		{"a region off the list is refused unasked", profile.Profile{Name: "staging", Regions: profile.Regions{Primary: "us-east-1", Failover: "eu-west-1"}, AllowedRegions: east, AllowedAccounts: []string{"111122223333"}}, "111122223333", nil, false,
			"target staging: region eu-west-1 is not in allowedRegions (us-east-1, us-west-2): refusing to run"},
		{"production is refused unasked, whatever it allows", profile.Profile{Name: "prod", Environment: profile.Production, AllowedRegions: east, AllowedAccounts: []string{"111122223333"}}, "111122223333", nil, false,
			"target prod is marked environment: production: gameday refuses to run against production"},
		{"an emulator marked production is refused too", profile.Profile{Name: "moto", Endpoints: moto, Environment: profile.Production}, "123456789012", nil, false,
			"target moto is marked environment: production: gameday refuses to run against production"},
		{"a listed account runs", profile.Profile{Name: "staging", Environment: profile.Staging, Regions: profile.Regions{Primary: "us-east-1", Failover: "us-west-2"}, AllowedRegions: east, AllowedAccounts: []string{"111122223333"}}, "111122223333", nil, true, ""},
		{"an emulator keeps to its list", profile.Profile{Name: "moto", Endpoints: moto, AllowedAccounts: []string{"999999999999"}}, "123456789012", nil, true,
			"target moto: caller account 123456789012 is not in allowedAccounts (999999999999): refusing to run"},
		{"an unanswered question refuses", profile.Profile{Name: "staging", AllowedRegions: east, AllowedAccounts: []string{"111122223333"}}, "", errors.New("no credentials"), true,
			"target staging: learning the caller's account to check it against allowedAccounts (111122223333): no credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := false
			err := tt.profile.Guard(context.Background(), func(context.Context) (string, error) {
				asked = true
				return tt.account, tt.err
			})
			if asked != tt.asked || (tt.want == "") != (err == nil) || (err != nil && err.Error() != tt.want) {
				t.Errorf("Guard: asked %v, %v; want asked %v, %q", asked, err, tt.asked, tt.want)
			}
		})
	}
}

func TestClockPlatform(t *testing.T) {
	realOrigin := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)
	platformOrigin := time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC)
	tests := []struct {
		name  string
		clock *profile.Clock
		real  time.Time
		want  time.Time
	}{
		{"no clock is real time", nil, realOrigin.Add(time.Minute), realOrigin.Add(time.Minute)},
		{"at the origin", &profile.Clock{Scale: 60, PlatformOrigin: platformOrigin, RealOrigin: realOrigin}, realOrigin, platformOrigin},
		{"a real second is a platform minute at 60x", &profile.Clock{Scale: 60, PlatformOrigin: platformOrigin, RealOrigin: realOrigin}, realOrigin.Add(time.Second), platformOrigin.Add(time.Minute)},
	}
	for _, tt := range tests {
		if got := tt.clock.Platform(tt.real); !got.Equal(tt.want) {
			t.Errorf("%s: Platform(%v) = %v, want %v", tt.name, tt.real, got, tt.want)
		}
	}
}

// A capability is served when the profile lists it or, for those an
// endpoint implies, names the endpoint; a missing one reads as a reason
// that says what was required and what the target lacks.
func TestCapabilities(t *testing.T) {
	p := &profile.Profile{Name: "emu", Regions: profile.Regions{Primary: "us-east-1"}, Serves: []profile.Capability{profile.ECS},
		Endpoints: profile.Endpoints{LoadBalancers: map[string]string{"us-west-2": "http://127.0.2.1:80"}}}
	tests := []struct {
		c    profile.Capability
		want string
	}{
		{profile.ECS, ""},
		{profile.CloudWatch, "requires cloudwatch (target emu does not serve it)"},
		{profile.MongoDB, "requires mongodb (target emu names no MongoDB endpoint, endpoints.mongo)"},
		{profile.LoadBalancer, `requires load-balancer (target emu names none for its primary region "us-east-1", endpoints.loadBalancers)`},
		{profile.FaultHooks, "requires fault-hooks (target emu has no sandbox fault API, endpoints.faults; on AWS these faults come through FIS)"},
	}
	for _, tt := range tests {
		if got := p.Lacks(tt.c); got != tt.want || p.Has(tt.c) != (tt.want == "") {
			t.Errorf("Lacks(%s) = %q, Has %v; want %q", tt.c, got, p.Has(tt.c), tt.want)
		}
	}
}
