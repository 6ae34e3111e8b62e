package route53

import (
	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ErrorCode is the code Route 53 puts in an error response, the string an
// SDK matches to pick its exception type.
type ErrorCode = string

// The error codes of the route53-2013-04-01 service model that this engine
// returns.
const (
	ErrCodeInvalidInput               ErrorCode = "InvalidInput"
	ErrCodeInvalidChangeBatch         ErrorCode = "InvalidChangeBatch"
	ErrCodeInvalidDomainName          ErrorCode = "InvalidDomainName"
	ErrCodeNoSuchHostedZone           ErrorCode = "NoSuchHostedZone"
	ErrCodeNoSuchHealthCheck          ErrorCode = "NoSuchHealthCheck"
	ErrCodeNoSuchChange               ErrorCode = "NoSuchChange"
	ErrCodeHostedZoneAlreadyExists    ErrorCode = "HostedZoneAlreadyExists"
	ErrCodeHostedZoneNotEmpty         ErrorCode = "HostedZoneNotEmpty"
	ErrCodeHealthCheckAlreadyExists   ErrorCode = "HealthCheckAlreadyExists"
	ErrCodeHealthCheckVersionMismatch ErrorCode = "HealthCheckVersionMismatch"
)

// Error is the AWS error the sandbox's endpoint sends as it is; use
// errors.As to get at it.
type Error = awsapi.Error

func newError(code ErrorCode, format string, args ...any) *Error {
	return awsapi.Errorf(code, format, args...)
}

func invalidInput(format string, args ...any) *Error {
	return newError(ErrCodeInvalidInput, format, args...)
}

func noSuchHostedZone(id string) *Error {
	return newError(ErrCodeNoSuchHostedZone, "No hosted zone found with ID: %s", id)
}

func noSuchHealthCheck(id string) *Error {
	return newError(ErrCodeNoSuchHealthCheck, "No health check exists with the specified ID %s", id)
}
