package autoscaling

import (
	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ErrorCode is the code Application Auto Scaling puts in an error response,
// the string an SDK matches to pick its exception type
// (application-autoscaling-2016-02-06 service model).
type ErrorCode = string

// The error codes this engine returns.
//
// ConcurrentUpdateException is deliberately absent: AWS returns it when a
// request meets a pending update of the same resource, and this engine
// applies every update, and every Tick, under one lock, so no update is ever
// pending when another arrives.
const (
	// ErrCodeValidation: a parameter is missing, malformed or inconsistent.
	ErrCodeValidation ErrorCode = "ValidationException"
	// ErrCodeObjectNotFound: the scalable target, policy or scheduled action
	// named does not exist.
	ErrCodeObjectNotFound ErrorCode = "ObjectNotFoundException"
	// ErrCodeLimitExceeded: a quota of application-auto-scaling-quotas.html
	// would be exceeded.
	ErrCodeLimitExceeded ErrorCode = "LimitExceededException"
	// ErrCodeInvalidNextToken: a NextToken that this engine did not issue
	// for this listing.
	ErrCodeInvalidNextToken ErrorCode = "InvalidNextTokenException"
	// ErrCodeFailedResourceAccess: CloudWatch or ECS refused a call made on
	// the caller's behalf ("Failed access to resources caused an
	// exception", API_PutScalingPolicy errors).
	ErrCodeFailedResourceAccess ErrorCode = "FailedResourceAccessException"
)

// Error is the AWS error the sandbox's endpoint sends as it is; use
// errors.As to get at it.
type Error = awsapi.Error

func newError(code ErrorCode, format string, args ...any) *Error {
	return awsapi.Errorf(code, format, args...)
}

func invalid(format string, args ...any) *Error {
	return newError(ErrCodeValidation, format, args...)
}

// required mirrors the model-validation message AWS returns for a missing
// required member.
func required(field string) *Error {
	return invalid("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

func rangeError(field string, value, lo, hi int) *Error {
	if value < lo {
		return invalid("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", value, field, lo)
	}
	return invalid("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", value, field, hi)
}

func lengthError(field string, lo, hi int) *Error {
	return invalid("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between %d and %d", field, lo, hi)
}

func targetNotFound(resourceID string) *Error {
	return newError(ErrCodeObjectNotFound,
		"No scalable target registered for service namespace: %s, resource ID: %s, scalable dimension: %s",
		ServiceNamespaceECS, resourceID, ScalableDimensionECSServiceDesiredCount)
}

func accessFailed(what string, err error) *Error {
	return newError(ErrCodeFailedResourceAccess, "%s: %v", what, err)
}
