package cloudwatch

import (
	"fmt"
	"net/http"
	"strings"
)

// ErrorCode is the code CloudWatch puts in an error response, the string an
// SDK matches to pick its exception type.
type ErrorCode string

// The error codes of the monitoring-2010-08-01 service model that this
// engine returns.
const (
	ErrCodeInvalidParameterValue       ErrorCode = "InvalidParameterValue"
	ErrCodeInvalidParameterCombination ErrorCode = "InvalidParameterCombination"
	ErrCodeMissingParameter            ErrorCode = "MissingParameter"
	// ErrCodeValidation is what AWS returns when a request breaks a
	// constraint of the service model itself (an enum, a length, a range),
	// e.g. "p90" as Statistic.
	ErrCodeValidation            ErrorCode = "ValidationError"
	ErrCodeResourceNotFound      ErrorCode = "ResourceNotFound"
	ErrCodeLimitExceeded         ErrorCode = "LimitExceeded"
	ErrCodeInvalidNextToken      ErrorCode = "InvalidNextToken"
	ErrCodeInvalidFormat         ErrorCode = "InvalidFormat"
	ErrCodeInvalidParameterInput ErrorCode = "InvalidParameterInput"
)

// Error is an API error as CloudWatch reports it. Every error the engine
// returns for a bad request is an *Error; use errors.As to get at it.
type Error struct {
	Code    ErrorCode
	Message string
	// DashboardValidationMessages is set only on the InvalidParameterInput
	// error of PutDashboard, where AWS lists what is wrong with the body.
	DashboardValidationMessages []DashboardValidationMessage
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the service model gives the error:
// ResourceNotFound is 404, every other client error 400.
func (e *Error) HTTPStatus() int {
	if e.Code == ErrCodeResourceNotFound {
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

func newError(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalidValue(param string, value any) *Error {
	return newError(ErrCodeInvalidParameterValue, "The value %v for parameter %s is invalid.", value, param)
}

func missing(param string) *Error {
	return newError(ErrCodeMissingParameter, "The parameter %s is required.", param)
}

// enumError mirrors the model-validation message AWS returns for a value
// outside an enum, e.g. "1 validation error detected: Value 'p90' at
// 'statistic' failed to satisfy constraint: Member must satisfy enum value
// set: [Maximum, SampleCount, Sum, Minimum, Average]".
func enumError[T ~string](field string, value T, allowed []T) *Error {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return newError(ErrCodeValidation,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
		value, field, strings.Join(names, ", "))
}

func lengthError(field string, max int) *Error {
	return newError(ErrCodeValidation,
		"1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", field, max)
}

func rangeError(field string, value, min, max int) *Error {
	if value < min {
		return newError(ErrCodeValidation,
			"1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", value, field, min)
	}
	return newError(ErrCodeValidation,
		"1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value less than or equal to %d", value, field, max)
}
