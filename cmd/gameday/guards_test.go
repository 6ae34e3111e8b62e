package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Under a profile marked staging that reaches the sandbox's AWS endpoint,
// an account the profile does not allow, a region it does not allow and a
// profile marked production are each refused by every command that could
// change the target, and the endpoint sees no call that changes anything:
// the account is asked of STS, nothing else is sent.
func TestGuardsRefuseBeforeAnyChange(t *testing.T) {
	dir := startSandbox(t)
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
