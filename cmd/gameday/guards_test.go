package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/targets/profile"
	"github.com/gameday-sre/gameday/timeline"
)

// Under a profile marked staging that reaches the sandbox's AWS endpoint,
// an account the profile does not allow, a region it does not allow and a
// profile marked production are each refused by every command that could
// change the target, and the endpoint sees no call that changes anything:
// the account is asked of STS, nothing else is sent.
func TestGuardsRefuseBeforeAnyChange(t *testing.T) {
	dir := startSandboxAt(t, calmHour)
	proxy := startAWSProxy(t, status(t, dir).Endpoints.AWS, motoserver.Start(t))
	tests := []struct {
		name     string
		accounts []string
		edit     func(*profile.Profile)
		want     string
		asksSTS  bool
	}{
		{"an account not allow-listed", []string{"111122223333"}, nil, "caller account 123456789012 is not in allowedAccounts (111122223333): refusing to run", true},
		{"a region not allow-listed", []string{"123456789012"}, func(p *profile.Profile) { p.AllowedRegions = []string{p.Regions.Primary} }, "region us-west-2 is not in allowedRegions (us-east-1): refusing to run", false},
		{"a profile marked production", []string{"123456789012"}, func(p *profile.Profile) { p.Environment = profile.Production }, "marked environment: production: gameday refuses to run against production", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := stagingProfile(t, dir, proxy.URL, tt.accounts, tt.edit)
			ledger := filepath.Join(t.TempDir(), "ledger.jsonl")
			for _, args := range [][]string{
				{"run", "--suite", "resilience", "--reports", filepath.Join(t.TempDir(), "run"), "--ledger", ledger},
				{"provision"},
				{"revert", "--ledger", ledger},
				{"check"},
			} {
				before := len(proxy.Calls())
				out, code := gameday(t, append(args, "--target", target, "--spec", shippedSpec)...)
				if code != 2 || !strings.Contains(out, tt.want) {
					t.Errorf("gameday %s: exit %d, want 2 and %q:\n%s", args[0], code, tt.want, out)
				}
				calls := proxy.Calls()[before:]
				want := 0
				if tt.asksSTS {
					want = 1
				}
				if len(calls) != want || (want == 1 && calls[0] != "sts GetCallerIdentity") {
					t.Errorf("gameday %s sent %v; want only the account asked of STS (%v)", args[0], calls, tt.asksSTS)
				}
			}
			if m := proxy.Mutating(); len(m) != 0 {
				t.Errorf("refused commands changed the target: %v", m)
			}
		})
	}
	// The proxy sees what passes: with moto's account allowed, check
	// reads the sandbox through it, and still changes nothing.
	before := len(proxy.Calls())
	out, code := gameday(t, "check", "--target", stagingProfile(t, dir, proxy.URL, []string{"123456789012"}, nil), "--spec", shippedSpec)
	if code != 0 || len(proxy.Calls()) < before+10 {
		t.Fatalf("check with the account allowed: exit %d, %d calls through the proxy:\n%s", code, len(proxy.Calls())-before, out)
	}
	if m := proxy.Mutating(); len(m) != 0 {
		t.Errorf("check changed the target: %v", m)
	}
}

// An experiment whose fault would break the profile's blast-radius limit
// is refused before the fault starts, naming the limit, and the endpoint
// sees no call that changes anything: the service's tasks are read,
// none is stopped.
func TestBlastRadiusRefusedBeforeAnyChange(t *testing.T) {
	dir := startSandboxAt(t, calmHour)
	proxy := startAWSProxy(t, status(t, dir).Endpoints.AWS, motoserver.Start(t))
	tests := []struct {
		limits profile.Limits
		limit  string
		says   string
	}{
		{profile.Limits{MaxPercent: 25}, "limits.maxPercent", "it takes 1 of 2 running task(s) of api-service out, 50 % in all, above the profile's 25 %"},
		{profile.Limits{MinHealthyTasks: 2}, "limits.minHealthyTasks", "it leaves 1 of 2 running task(s) of api-service, below the profile's floor of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.limit, func(t *testing.T) {
			target := stagingProfile(t, dir, proxy.URL, []string{"123456789012"}, func(p *profile.Profile) { p.Limits = tt.limits })
			code, vs, out := runFocused(t, target, shippedSpec, "resilience", `resilience\.api\.stop-50pct\.replaced`)
			v, ok := judged(vs)["resilience.api.stop-50pct.replaced"]
			if code != 1 || !ok || v.Status != timeline.Error || !strings.Contains(v.Message, tt.limit+": "+tt.says) {
				t.Errorf("exit %d, verdict %+v; want an error naming %s: %s\n%s", code, v, tt.limit, tt.says, out)
			}
			if m := proxy.Mutating(); len(m) != 0 {
				t.Errorf("a refused experiment changed the target: %v", m)
			}
			if st := status(t, dir); st.Services[0].Running != st.Services[0].Desired {
				t.Errorf("services after the refusal: %+v", st.Services)
			}
		})
	}
}
