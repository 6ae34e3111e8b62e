package elasticache

import "fmt"

// ErrorCode is the code ElastiCache puts in an error response (the
// @awsQueryError code of elasticache-2015-02-02), the string an SDK
// matches to pick its exception type.
type ErrorCode string

// The error codes this engine returns.
const (
	ErrCodeReplicationGroupNotFound     ErrorCode = "ReplicationGroupNotFoundFault"
	ErrCodeNodeGroupNotFound            ErrorCode = "NodeGroupNotFoundFault"
	ErrCodeInvalidParameterValue        ErrorCode = "InvalidParameterValue"
	ErrCodeInvalidReplicationGroupState ErrorCode = "InvalidReplicationGroupState"
	ErrCodeTestFailoverNotAvailable     ErrorCode = "TestFailoverNotAvailableFault"
	ErrCodeAPICallRateExceeded          ErrorCode = "APICallRateForCustomerExceeded"
)

// Error is an API error as ElastiCache reports it. Every error the engine
// returns for a request it refuses is an *Error; use errors.As to get at
// it. Its HTTP status is the model's, which package awsapi knows.
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

func newError(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
