package queue

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Error is a refusal by the queue, carrying the HTTP status it is served
// with. The Client turns an error answer back into an *Error, so
// errors.Is(err, ErrFull) works the same in process and over HTTP.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is matches any *Error with the same status, so that a specific refusal
// ("queue full: 20 items waiting ...") is errors.Is the sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status
}

// The kinds of refusal, to use with errors.Is.
var (
	ErrFull     = &Error{Status: http.StatusServiceUnavailable, Message: "queue full"}
	ErrNotFound = &Error{Status: http.StatusNotFound, Message: "no such item"}
	ErrInvalid  = &Error{Status: http.StatusBadRequest, Message: "invalid request"}
)

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error string `json:"error"`
}

// writeError is the one place an error becomes an HTTP answer.
func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var qe *Error
	if errors.As(err, &qe) {
		status = qe.Status
	}
	writeJSON(w, status, errorBody{Error: err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is out; a client that went away is all an error here can
	// mean, and there is no one left to tell.
	_ = json.NewEncoder(w).Encode(v)
}
