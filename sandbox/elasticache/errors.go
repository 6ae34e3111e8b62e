package elasticache

import "github.com/gameday-sre/gameday/sandbox/awsapi"

// ErrorCode is the code ElastiCache puts in an error response (the
// @awsQueryError code of elasticache-2015-02-02), the string an SDK
// matches to pick its exception type.
type ErrorCode = string

// The error codes this engine returns.
const (
	ErrCodeReplicationGroupNotFound     ErrorCode = "ReplicationGroupNotFoundFault"
	ErrCodeNodeGroupNotFound            ErrorCode = "NodeGroupNotFoundFault"
	ErrCodeInvalidParameterValue        ErrorCode = "InvalidParameterValue"
	ErrCodeInvalidReplicationGroupState ErrorCode = "InvalidReplicationGroupState"
	ErrCodeTestFailoverNotAvailable     ErrorCode = "TestFailoverNotAvailableFault"
	ErrCodeAPICallRateExceeded          ErrorCode = "APICallRateForCustomerExceeded"
)

// Error is the AWS error the sandbox's endpoint sends as it is; use
// errors.As to get at it.
type Error = awsapi.Error

func newError(code ErrorCode, format string, args ...any) *Error {
	return awsapi.Errorf(code, format, args...)
}
