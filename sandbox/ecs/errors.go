package ecs

import (
	"fmt"
	"net/http"
)

// ErrorCode is the code ECS puts in an error response, the string an SDK
// matches to pick its exception type (ecs-2014-11-13 service model).
type ErrorCode string

// The error codes this control plane returns.
const (
	// ErrCodeClusterNotFound: the cluster named does not exist.
	ErrCodeClusterNotFound ErrorCode = "ClusterNotFoundException"
	// ErrCodeServiceNotFound: the service named does not exist.
	ErrCodeServiceNotFound ErrorCode = "ServiceNotFoundException"
	// ErrCodeInvalidParameter: a parameter is missing, malformed or
	// inconsistent.
	ErrCodeInvalidParameter ErrorCode = "InvalidParameterException"
	// ErrCodeClient: "These errors are usually caused by a client action",
	// such as a task definition that does not exist or cannot run on
	// Fargate.
	ErrCodeClient ErrorCode = "ClientException"
)

// Error is an API error as ECS reports it. Every error of the API methods
// is an *Error; use errors.As to get at it.
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the service model gives the error: all four are
// client errors, 400.
func (e *Error) HTTPStatus() int { return http.StatusBadRequest }

func newError(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) *Error {
	return newError(ErrCodeInvalidParameter, format, args...)
}

func clientError(format string, args ...any) *Error {
	return newError(ErrCodeClient, format, args...)
}

func clusterNotFound() *Error { return newError(ErrCodeClusterNotFound, "Cluster not found.") }

func serviceNotFound() *Error { return newError(ErrCodeServiceNotFound, "Service not found.") }
