package chaos

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gameday-sre/gameday/targets/profile"
)

func TestCheckLimits(t *testing.T) {
	spec := Spec{Kind: "stop-task", Target: "staging", Params: map[string]string{"service": "api-service"}}
	api := func(tasks, running int) Blast {
		return Blast{Region: "us-east-1", Service: "api-service", Tasks: tasks, Running: running}
	}
	tests := []struct {
		name     string
		lim      profile.Limits
		next     Blast
		inFlight []Blast
		// limit is the limit named in the refusal, "" for none; detail
		// what the refusal must say.
		limit, detail string
	}{
		{"no limits", profile.Limits{}, api(4, 4), nil, "", ""},
		{"within maxTasks", profile.Limits{MaxTasks: 2}, api(2, 6), nil, "", ""},
		{"over maxTasks", profile.Limits{MaxTasks: 1}, api(2, 6), nil, "limits.maxTasks", "it takes 2 task(s) of api-service out, 2 in all, above the profile's 1"},
		{"over maxTasks with one in flight", profile.Limits{MaxTasks: 2}, api(2, 6), []Blast{api(1, 6)}, "limits.maxTasks", "with 1 already out, 3 in all"},
		{"another service's faults do not count", profile.Limits{MaxTasks: 2}, api(2, 6), []Blast{{Region: "us-east-1", Service: "frontend-service", Tasks: 2}}, "", ""},
		{"at maxPercent", profile.Limits{MaxPercent: 50}, api(1, 2), nil, "", ""},
		{"over maxPercent", profile.Limits{MaxPercent: 25}, api(1, 2), nil, "limits.maxPercent", "1 of 2 running task(s) of api-service out, 50 % in all, above the profile's 25 %"},
		{"at the floor", profile.Limits{MinHealthyTasks: 2}, api(1, 3), nil, "", ""},
		{"below the floor", profile.Limits{MinHealthyTasks: 2}, api(1, 2), nil, "limits.minHealthyTasks", "leaves 1 of 2 running task(s) of api-service, below the profile's floor of 2"},
		{"a lowered maximum below the floor", profile.Limits{MinHealthyTasks: 2}, Blast{Region: "us-east-1", Service: "api-service", Cap: 1}, nil, "limits.minHealthyTasks", "run at most 1 task(s)"},
		{"latency takes nothing out", profile.Limits{MaxTasks: 1, MinHealthyTasks: 2}, Blast{Region: "us-east-1", Service: "api-service"}, []Blast{api(1, 3)}, "", ""},
		{"a second region, even without limits", profile.Limits{}, Blast{Region: "us-west-2"}, []Blast{api(1, 3)}, "one region at a time", "already in flight in us-east-1, and this one acts on us-west-2"},
		{"the same region again", profile.Limits{}, Blast{Region: "us-east-1"}, []Blast{api(1, 3)}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckLimits(tt.lim, spec, tt.next, tt.inFlight)
			var le *LimitError
			switch {
			case tt.limit == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.limit == "":
			case !errors.As(err, &le) || !errors.Is(err, ErrLimit) || le.Limit != tt.limit || !strings.Contains(err.Error(), tt.detail):
				t.Errorf("got %v; want a refusal naming %s and saying %q", err, tt.limit, tt.detail)
			case !strings.HasPrefix(err.Error(), "refused stop-task on staging (service=api-service) before it started: "+tt.limit+": "):
				t.Errorf("refusal %q does not name the fault and the limit first", err)
			}
		})
	}
}

// scopedInjector is a stepInjector that says what it takes out.
type scopedInjector struct {
	stepInjector
	blast Blast
}

func (s *scopedInjector) Blast(context.Context) (Blast, error) { return s.blast, nil }

// A ledger with limits judges each fault with those in flight in its
// file, refuses one over a limit before writing a line or injecting,
// records the blast of those it lets through, and stops counting a fault
// once it is reverted.
func TestLedgerLimits(t *testing.T) {
	ctx := context.Background()
	l := openTestLedger(t)
	WithLimits(profile.Limits{MaxTasks: 1})(l)
	one := func() *scopedInjector {
		return &scopedInjector{stepInjector{kind: "stop-task"}, Blast{Region: "us-east-1", Service: "api-service", Tasks: 1, Running: 4}}
	}
	first, err := l.Inject(ctx, one(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b := first.Entry().Blast; b == nil || b.Tasks != 1 {
		t.Errorf("the ledger line holds blast %+v", b)
	}
	second := one()
	if _, err := l.Inject(ctx, second, nil, nil); !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "limits.maxTasks") {
		t.Fatalf("a second task out of api-service with one in flight: %v, want limits.maxTasks", err)
	}
	if entries, _ := ReadLedger(l.Path()); len(entries) != 2 {
		t.Errorf("a refused fault wrote to the ledger: %d lines", len(entries))
	}
	if err := first.Revert(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Inject(ctx, second, nil, nil); err != nil {
		t.Errorf("with the first reverted: %v", err)
	}
}
