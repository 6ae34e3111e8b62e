package chaos

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awsdrv "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/internal/motoserver"
	"github.com/gameday-sre/gameday/targets/profile"
)

// While the kill switch is engaged a ledger refuses every fault before it
// writes a line; released, it injects again. A halted ledger reverts what
// it injected and refuses what comes after.
func TestSwitchAndHalt(t *testing.T) {
	ctx := context.Background()
	sw := FileSwitch{Path: filepath.Join(t.TempDir(), "switch", "local")}
	l := openTestLedger(t)
	WithSwitch(sw)(l)
	if _, on, err := sw.Engaged(ctx); on || err != nil {
		t.Fatalf("a switch never engaged: %v %v", on, err)
	}
	if err := sw.Engage(ctx, "drill over", time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	reason, on, err := sw.Engaged(ctx)
	if !on || err != nil || !strings.Contains(reason, "engaged at 2026-12-06T00:00:00Z") || !strings.HasSuffix(reason, ": drill over") {
		t.Fatalf("engaged switch reads %q %v %v", reason, on, err)
	}
	inj := &stepInjector{kind: "latency"}
	if _, err := l.Inject(ctx, inj, nil, nil); !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "drill over") {
		t.Fatalf("inject with the switch engaged: %v", err)
	}
	if entries, _ := ReadLedger(l.Path()); len(entries) != 0 {
		t.Errorf("a refused fault wrote %d line(s)", len(entries))
	}
	if err := sw.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sw.Release(ctx); err != nil {
		t.Errorf("releasing twice: %v", err)
	}
	f, err := l.Inject(ctx, inj, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Halt(ctx, "stop condition: alarm X in ALARM"); err != nil {
		t.Fatal(err)
	}
	if f.Entry().State != StateReverted || inj.reverts.Load() != 1 {
		t.Errorf("after Halt the fault is %s, reverted %d time(s)", f.Entry().State, inj.reverts.Load())
	}
	if _, err := l.Inject(ctx, inj, nil, nil); !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "alarm X") {
		t.Errorf("inject after Halt: %v", err)
	}
}

// Each kind of switch, against what holds it (a file; moto's SSM): not
// engaged until engaged, engaged with who, when and why, released, and a
// second release does nothing.
func TestSwitches(t *testing.T) {
	ctx := context.Background()
	c, err := awsdrv.New(ctx, awsdrv.Target{Endpoint: motoserver.Start(t), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		profile profile.Profile
		named   string
	}{
		{profile.Profile{Name: "staging"}, "kill switch .gameday/killswitch/staging"},
		{profile.Profile{Name: "staging", KillSwitch: profile.KillSwitch{File: filepath.Join(dir, "stop")}}, "kill switch " + filepath.Join(dir, "stop")},
		{profile.Profile{Name: "staging", KillSwitch: profile.KillSwitch{SSMParameter: "/gameday/staging/stop"}}, "kill switch ssm:/gameday/staging/stop"},
	}
	t.Chdir(dir)
	for _, tt := range tests {
		t.Run(tt.named, func(t *testing.T) {
			sw := SwitchOf(&tt.profile, c.SSM)
			if sw.String() != tt.named {
				t.Errorf("named %q, want %q", sw, tt.named)
			}
			if why, on, err := sw.Engaged(ctx); on || err != nil {
				t.Fatalf("engaged before Engage: %q %v", why, err)
			}
			if err := sw.Engage(ctx, "checkout errors", time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			why, on, err := sw.Engaged(ctx)
			if !on || err != nil || !strings.HasPrefix(why, "engaged at 2026-12-06T01:00:00Z by pid ") || !strings.HasSuffix(why, ": checkout errors") {
				t.Errorf("engaged: %q %v %v", why, on, err)
			}
			for range 2 {
				if err := sw.Release(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if _, on, err := sw.Engaged(ctx); on || err != nil {
				t.Errorf("released, yet engaged (%v)", err)
			}
		})
	}
}
