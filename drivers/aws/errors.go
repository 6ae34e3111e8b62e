package aws

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// Error is a failed call, named by operation and resource so that a report
// says what could not be read, not just that something failed.
type Error struct {
	Operation string
	Resource  string
	Err       error
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	var api smithy.APIError
	if errors.As(e.Err, &api) {
		msg = api.ErrorCode() + ": " + api.ErrorMessage()
	}
	var exhausted *retry.MaxAttemptsError
	if errors.As(e.Err, &exhausted) {
		msg += fmt.Sprintf(" (gave up after %d attempts)", exhausted.Attempt)
	}
	return fmt.Sprintf("%s %s: %s", e.Operation, e.Resource, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Code is the AWS error code, if AWS gave one.
func (e *Error) Code() string {
	var api smithy.APIError
	if errors.As(e.Err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func fail(op, resource string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Operation: op, Resource: resource, Err: err}
}
