package route53

import (
	"fmt"
	"net/http"
)

// ErrorCode is the code Route 53 puts in an error response, the string an
// SDK matches to pick its exception type.
type ErrorCode string

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

// Error is an API error as Route 53 reports it. Every error the engine
// returns for a bad request is an *Error; use errors.As to get at it.
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the service model gives the error.
func (e *Error) HTTPStatus() int {
	switch e.Code {
	case ErrCodeNoSuchHostedZone, ErrCodeNoSuchHealthCheck, ErrCodeNoSuchChange:
		return http.StatusNotFound
	case ErrCodeHostedZoneAlreadyExists, ErrCodeHealthCheckAlreadyExists, ErrCodeHealthCheckVersionMismatch:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func newError(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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
