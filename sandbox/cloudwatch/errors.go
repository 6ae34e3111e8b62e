package cloudwatch

import (
	"strings"

	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ErrorCode is the code CloudWatch puts in an error response, the string an
// SDK matches to pick its exception type.
type ErrorCode = string

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

// Error is the AWS error the sandbox's endpoint sends as it is; use
// errors.As to get at it.
type Error = awsapi.Error

func newError(code ErrorCode, format string, args ...any) *Error {
	return awsapi.Errorf(code, format, args...)
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
