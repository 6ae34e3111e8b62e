package awsapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/smithy-go"
)

// Fault says whose fault an error is, in the words of the Query protocol's
// <Type> element and of the x-amzn-query-error header.
type Fault string

// The two faults AWS knows.
const (
	Sender   Fault = "Sender"
	Receiver Fault = "Receiver"
)

// Error is an AWS API error as a handler returns it. Each protocol writes it
// the way that protocol's clients parse it; the service's model decides
// what the zero fields mean.
type Error struct {
	// Code is the error's code: the name of the error structure in the
	// service model (ValidationException), or, for CloudWatch, equally its
	// Query code (InvalidParameterValue): the server maps one to the other
	// per protocol.
	Code    string
	Message string
	// HTTPStatus 0 takes the status the service model gives Code, or 400
	// for a Sender fault and 500 for a Receiver one.
	HTTPStatus int
	// Fault "" takes the service model's fault for Code, or Sender.
	Fault Fault
	// Fields holds further members of the error structure, such as
	// CloudWatch's DashboardValidationMessages; they are encoded like
	// handler output.
	Fields map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ValidationException reports a request that breaks a constraint of the
// service model. CloudWatch's Query clients see it as ValidationError.
func ValidationException(format string, args ...any) *Error {
	return Errorf("ValidationException", format, args...)
}

// ResourceNotFoundException is the not-found error of ECS (400) and of
// Application Auto Scaling's tagging operations (404).
func ResourceNotFoundException(format string, args ...any) *Error {
	return Errorf("ResourceNotFoundException", format, args...)
}

// ObjectNotFoundException is Application Auto Scaling's error for a
// scalable target, policy or scheduled action that does not exist.
func ObjectNotFoundException(format string, args ...any) *Error {
	return Errorf("ObjectNotFoundException", format, args...)
}

// ThrottlingException is AWS's rate-limit error, 400 as AWS sends it; SDK
// retryers recognise its code (Throttling for CloudWatch's Query clients).
func ThrottlingException(format string, args ...any) *Error {
	return Errorf("ThrottlingException", format, args...)
}

// ClientException is ECS's error for a request the client got wrong.
func ClientException(format string, args ...any) *Error {
	return Errorf("ClientException", format, args...)
}

// ServerException is ECS's error for a failure on the server's side (500).
func ServerException(format string, args ...any) *Error {
	return &Error{Code: "ServerException", Message: fmt.Sprintf(format, args...), Fault: Receiver}
}

// InvalidParameterValue is CloudWatch's error for a parameter whose value
// is invalid.
func InvalidParameterValue(format string, args ...any) *Error {
	return Errorf("InvalidParameterValue", format, args...)
}

// MissingParameter is CloudWatch's error for a required parameter that is
// absent, with AWS's message.
func MissingParameter(param string) *Error {
	return Errorf("MissingParameter", "The parameter %s is required.", param)
}

// ResourceNotFound is CloudWatch's not-found error (404), e.g. for an alarm
// or dashboard named that does not exist.
func ResourceNotFound(format string, args ...any) *Error {
	return Errorf("ResourceNotFound", format, args...)
}

// UnknownOperation is the error for an operation the service does not
// serve; Query clients see it as InvalidAction.
func UnknownOperation(operation string) *Error {
	return Errorf(codeUnknownOperation, "Operation %s is not supported by this endpoint.", operation)
}

// InternalFailure is the error for a failure of the endpoint itself; the
// server returns it for a handler's panic or a plain error.
func InternalFailure(format string, args ...any) *Error {
	return &Error{Code: codeInternalFailure, Message: fmt.Sprintf(format, args...), Fault: Receiver}
}

const (
	codeUnknownOperation = "UnknownOperationException"
	codeInternalFailure  = "InternalFailure"
	codeSerialization    = "SerializationException"
)

// asError turns what a handler returned into the *Error to send: an
// *Error as it is, any smithy.APIError (the errors SDKs and engines speak)
// by its code, message and fault, anything else as an InternalFailure.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e == nil {
			return InternalFailure("The handler returned a nil *Error as a non-nil error.")
		}
		return e
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		out := &Error{Code: api.ErrorCode(), Message: api.ErrorMessage()}
		if api.ErrorFault() == smithy.FaultServer {
			out.Fault = Receiver
		}
		return out
	}
	return InternalFailure("%v", err)
}

// wireError is an *Error resolved against its service's model: everything
// a protocol needs to write it.
type wireError struct {
	shape      string // error structure name, the JSON and CBOR __type
	namespace  string // Smithy namespace of the structure
	queryCode  string // code for Query clients and x-amzn-query-error
	status     int
	fault      Fault
	messageKey string
	message    string
	fields     map[string]any
}

// absoluteShape is the error's shape ID, as rpcv2Cbor requires in __type.
func (w *wireError) absoluteShape() string {
	if w.namespace == "" {
		return w.shape
	}
	return w.namespace + "#" + w.shape
}

func (w *wireError) queryErrorHeader() string {
	return w.queryCode + ";" + string(w.fault)
}

// resolve looks e.Code up in the service's error table, then in the errors
// every AWS front end shares; svc may be nil when the request named no
// service this endpoint knows.
func resolve(svc *service, e *Error) *wireError {
	shape, ok := errorShape{}, false
	if svc != nil {
		shape, ok = svc.errors[e.Code]
	}
	if !ok {
		shape, ok = commonErrors[e.Code]
	}
	if !ok {
		shape = errorShape{shape: e.Code}
	}
	w := &wireError{
		shape:      shape.shape,
		namespace:  shape.namespace,
		queryCode:  shape.query,
		status:     shape.status,
		fault:      shape.fault,
		messageKey: shape.messageKey,
		message:    e.Message,
		fields:     e.Fields,
	}
	if w.namespace == "" && svc != nil {
		w.namespace = svc.namespace
	}
	if w.queryCode == "" {
		w.queryCode = w.shape
	}
	if e.Fault != "" {
		w.fault = e.Fault
	}
	if w.fault == "" {
		w.fault = Sender
	}
	if e.HTTPStatus != 0 {
		w.status = e.HTTPStatus
	}
	if w.status == 0 {
		w.status = http.StatusBadRequest
		if w.fault == Receiver {
			w.status = http.StatusInternalServerError
		}
	}
	if w.messageKey == "" {
		w.messageKey = "message"
		if svc != nil {
			w.messageKey = svc.messageKey
		}
	}
	return w
}
