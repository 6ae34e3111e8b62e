package chaos

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/smithy-go"

	awsdrv "github.com/gameday-sre/gameday/drivers/aws"
)

// Route53API is what InvertHealthCheck calls: GetHealthCheck to learn
// what to put back, UpdateHealthCheck to change it. drivers/aws Clients'
// Route53 has both.
type Route53API interface {
	GetHealthCheck(ctx context.Context, in *route53.GetHealthCheckInput, opts ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error)
	UpdateHealthCheck(ctx context.Context, in *route53.UpdateHealthCheckInput, opts ...func(*route53.Options)) (*route53.UpdateHealthCheckOutput, error)
}

// HealthCheckInverted is a Route 53 health check's Inverted flag to put
// back.
type HealthCheckInverted struct {
	ID       string `json:"id"`
	Inverted bool   `json:"inverted"`
}

// put puts the flag back. It names no HealthCheckVersion: the injection
// itself moved the version on, and whatever else changed the check since
// must not stop the fault from being undone.
func (h HealthCheckInverted) put(ctx context.Context, api Route53API) error {
	_, err := api.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &h.ID, Inverted: aws.Bool(h.Inverted)})
	if err != nil {
		return &awsdrv.Error{Operation: "route53 UpdateHealthCheck", Resource: "healthcheck " + h.ID, Err: err}
	}
	return nil
}

// InvertHealthCheck takes a region out of Route 53's answers without
// touching the region: it inverts the health check of the region's
// failover record (UpdateHealthCheck Inverted=true), so Route 53
// considers a healthy endpoint unhealthy and fails over as it would for a
// real outage. It is the region outage of a target on AWS where no FIS
// experiment is configured. NewInvertHealthCheck reads the check first,
// so the ledger knows what to put back before anything changes; the
// injection names the version it read, so a check changed in between is
// refused (HealthCheckVersionMismatch) rather than overwritten.
type InvertHealthCheck struct {
	On            Target
	HealthCheckID string
	version       int64
	restore       *HealthCheckInverted
}

// NewInvertHealthCheck reads the health check and returns its inversion.
// A check already inverted is refused: inverting it again would change
// nothing, and its revert would leave it inverted.
func NewInvertHealthCheck(ctx context.Context, on Target, id string) (InvertHealthCheck, error) {
	inv := InvertHealthCheck{On: on, HealthCheckID: id}
	if err := inv.supported(); err != nil {
		return inv, err
	}
	out, err := on.Route53.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: &id})
	if err != nil {
		return inv, &awsdrv.Error{Operation: "route53 GetHealthCheck", Resource: "healthcheck " + id, Err: err}
	}
	if out.HealthCheck == nil || out.HealthCheck.HealthCheckConfig == nil {
		return inv, fmt.Errorf("route53 GetHealthCheck: healthcheck %s came back without its configuration", id)
	}
	inverted := aws.ToBool(out.HealthCheck.HealthCheckConfig.Inverted)
	if inverted {
		return inv, fmt.Errorf("route53 healthcheck %s is already inverted: inverting it is no outage, and reverting would leave it inverted", id)
	}
	inv.version = aws.ToInt64(out.HealthCheck.HealthCheckVersion)
	inv.restore = &HealthCheckInverted{ID: id, Inverted: inverted}
	return inv, nil
}

// Spec implements Injector.
func (h InvertHealthCheck) Spec() Spec {
	return Spec{Kind: "invert-health-check", Target: h.On.Name,
		Params: map[string]string{"healthCheck": h.HealthCheckID, "version": strconv.FormatInt(h.version, 10)},
		Undo:   Undo{HealthCheck: h.restore}}
}

// Supported implements Checker.
func (h InvertHealthCheck) Supported() error {
	if err := h.supported(); err != nil {
		return err
	}
	if h.restore == nil {
		return fmt.Errorf("invert-health-check on %s: made without NewInvertHealthCheck, so nothing knows what to put back", h.HealthCheckID)
	}
	return nil
}

func (h InvertHealthCheck) supported() error {
	if h.On.Route53 == nil {
		return unsupported{fmt.Sprintf("target %s does not serve route53", h.On.Name)}
	}
	return nil
}

// Inject implements Injector.
func (h InvertHealthCheck) Inject(ctx context.Context) (Injected, error) {
	if err := h.Supported(); err != nil {
		return Injected{}, err
	}
	_, err := h.On.Route53.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: &h.HealthCheckID,
		HealthCheckVersion: aws.Int64(h.version), Inverted: aws.Bool(true)})
	if err != nil {
		err = &awsdrv.Error{Operation: "route53 UpdateHealthCheck", Resource: "healthcheck " + h.HealthCheckID, Err: err}
		// Route 53 answering with an error changed nothing; an answer
		// lost on the way may hide a change that was made.
		var api smithy.APIError
		if !errors.As(err, &api) {
			return Injected{}, fmt.Errorf("%w: %w", err, ErrLeftInPlace)
		}
		return Injected{}, err
	}
	restore := *h.restore
	return Injected{
		Revert: func(ctx context.Context) error { return restore.put(ctx, h.On.Route53) },
		Note:   fmt.Sprintf("health check %s inverted (version %d read)", h.HealthCheckID, h.version),
	}, nil
}
