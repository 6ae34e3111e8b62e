package ecs

import (
	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ErrorCode is the code ECS puts in an error response, the string an SDK
// matches to pick its exception type (ecs-2014-11-13 service model).
type ErrorCode = string

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

// Error is the AWS error the sandbox's endpoint sends as it is; use
// errors.As to get at it.
type Error = awsapi.Error

func newError(code ErrorCode, format string, args ...any) *Error {
	return awsapi.Errorf(code, format, args...)
}

func invalid(format string, args ...any) *Error {
	return newError(ErrCodeInvalidParameter, format, args...)
}

func clientError(format string, args ...any) *Error {
	return newError(ErrCodeClient, format, args...)
}

func clusterNotFound() *Error { return newError(ErrCodeClusterNotFound, "Cluster not found.") }

func serviceNotFound() *Error { return newError(ErrCodeServiceNotFound, "Service not found.") }
