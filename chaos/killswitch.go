package chaos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	awsdrv "github.com/gameday-sre/gameday/drivers/aws"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Switch is a target's global kill switch: `gameday stop --all` engages
// it, every running experiment polls it and aborts, reverting its faults,
// and no new run or fault starts until it is released.
type Switch interface {
	// Engaged says whether the switch is engaged, and why. A switch that
	// cannot be read is engaged, with the error: it fails safe.
	Engaged(ctx context.Context) (reason string, engaged bool, err error)
	Engage(ctx context.Context, reason string, at time.Time) error
	// Release releases it; releasing one that is not engaged does nothing.
	Release(ctx context.Context) error
	String() string
}

// SSMAPI is the part of SSM an SSM kill switch uses; an *ssm.Client
// (drivers/aws Clients.SSM) is one.
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, opts ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput, opts ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

var _ SSMAPI = (*ssm.Client)(nil)

// SwitchOf is the kill switch a profile names: its SSM parameter, reached
// through api (the target's SSM), or its file, by default
// .gameday/killswitch/<profile name>.
func SwitchOf(p *profile.Profile, api SSMAPI) Switch {
	if p.KillSwitch.SSMParameter != "" {
		return SSMSwitch{API: api, Name: p.KillSwitch.SSMParameter}
	}
	return FileSwitch{Path: p.KillSwitch.Path(p.Name)}
}

// engagement is what an engaged switch holds: who, when and why.
func engagement(reason string, at time.Time) string {
	return fmt.Sprintf("engaged at %s by pid %d: %s", at.UTC().Format(time.RFC3339), os.Getpid(), reason)
}

// FileSwitch is engaged while its file exists, which holds who engaged
// it, when and why. Any process on the machine, or a CI job's step, can
// pull it without reaching the target.
type FileSwitch struct{ Path string }

func (s FileSwitch) String() string { return "kill switch " + s.Path }

// Engaged implements Switch.
func (s FileSwitch) Engaged(context.Context) (string, bool, error) {
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return fmt.Sprintf("%s cannot be read: %v", s, err), true, err
	}
	return strings.TrimSpace(string(data)), true, nil
}

// Engage implements Switch.
func (s FileSwitch) Engage(_ context.Context, reason string, at time.Time) error {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return fmt.Errorf("engaging %s: %w", s, err)
	}
	if err := os.WriteFile(s.Path, []byte(engagement(reason, at)+"\n"), 0o644); err != nil {
		return fmt.Errorf("engaging %s: %w", s, err)
	}
	return nil
}

// Release implements Switch.
func (s FileSwitch) Release(context.Context) error {
	if err := os.Remove(s.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("releasing %s: %w", s, err)
	}
	return nil
}

// SSMSwitch is engaged while its SSM parameter exists, its value saying
// who engaged it, when and why: one switch for every machine that runs
// game days against the account.
type SSMSwitch struct {
	API  SSMAPI
	Name string
}

func (s SSMSwitch) String() string { return "kill switch ssm:" + s.Name }

// Engaged implements Switch.
func (s SSMSwitch) Engaged(ctx context.Context) (string, bool, error) {
	out, err := s.API.GetParameter(ctx, &ssm.GetParameterInput{Name: &s.Name})
	var missing *ssmtypes.ParameterNotFound
	if errors.As(err, &missing) {
		return "", false, nil
	}
	if err != nil {
		err = &awsdrv.Error{Operation: "ssm GetParameter", Resource: s.Name, Err: err}
		return fmt.Sprintf("%s cannot be read: %v", s, err), true, err
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "engaged", true, nil
	}
	return *out.Parameter.Value, true, nil
}

// Engage implements Switch.
func (s SSMSwitch) Engage(ctx context.Context, reason string, at time.Time) error {
	value := engagement(reason, at)
	overwrite := true
	_, err := s.API.PutParameter(ctx, &ssm.PutParameterInput{Name: &s.Name, Value: &value, Type: ssmtypes.ParameterTypeString, Overwrite: &overwrite})
	if err != nil {
		return fmt.Errorf("engaging %s: %w", s, &awsdrv.Error{Operation: "ssm PutParameter", Resource: s.Name, Err: err})
	}
	return nil
}

// Release implements Switch.
func (s SSMSwitch) Release(ctx context.Context) error {
	_, err := s.API.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: &s.Name})
	var missing *ssmtypes.ParameterNotFound
	if err != nil && !errors.As(err, &missing) {
		return fmt.Errorf("releasing %s: %w", s, &awsdrv.Error{Operation: "ssm DeleteParameter", Resource: s.Name, Err: err})
	}
	return nil
}

// ErrStopped is wrapped by the error of a fault refused because the kill
// switch is engaged or the run was aborted.
var ErrStopped = errors.New("faults stopped")

// refusal is the error of a fault refused while the kill switch is
// engaged or after the ledger was halted, before it started.
func refusal(spec Spec, why string) error {
	return fmt.Errorf("refused %s before it started: %s: %w", spec, why, ErrStopped)
}
