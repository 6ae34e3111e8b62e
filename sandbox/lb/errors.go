package lb

import (
	"fmt"
	"net/http"
)

// ErrorCode is the code Elastic Load Balancing puts in an error response
// (elasticloadbalancingv2-2015-12-01 service model).
type ErrorCode string

// The error codes this load balancer returns.
const (
	// ErrCodeTargetGroupNotFound: no target group has the ARN given.
	ErrCodeTargetGroupNotFound ErrorCode = "TargetGroupNotFound"
	// ErrCodeInvalidTarget: a target that is not an IPv4 address and a
	// port, or that is not registered when deregistered.
	ErrCodeInvalidTarget ErrorCode = "InvalidTarget"
)

// Error is an API error as Elastic Load Balancing reports it.
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the service model gives both errors: 400.
func (e *Error) HTTPStatus() int { return http.StatusBadRequest }

func groupNotFound(arn string) *Error {
	return &Error{Code: ErrCodeTargetGroupNotFound, Message: fmt.Sprintf("One or more target groups not found: '%s'", arn)}
}

func invalidTarget(format string, args ...any) *Error {
	return &Error{Code: ErrCodeInvalidTarget, Message: fmt.Sprintf(format, args...)}
}
