package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// MaxLeaseWait bounds the wait of one long poll, as SQS bounds
// WaitTimeSeconds to 20 s, so that no poll holds a connection for long.
const MaxLeaseWait = 20 * time.Second

// The routes Handler serves. They are absolute, so the handler is mounted at
// the root of a server and a client is given that server's base URL.
const (
	pathItems = "/queue/items"
	pathLease = "/queue/lease"
	pathAck   = "/queue/items/{id}/ack"
	pathDepth = "/queue/depth"
)

// EnqueueRequest is the body of POST /queue/items.
type EnqueueRequest struct {
	DocumentID string          `json:"documentId"`
	Payload    json.RawMessage `json:"payload,omitempty"`
}

// EnqueueResponse is the body of its 201 answer.
type EnqueueResponse struct {
	ID string `json:"id"`
}

// DepthResponse is the body of GET /queue/depth.
type DepthResponse struct {
	Depth  int `json:"depth"`
	Leased int `json:"leased"`
}

// Handler serves the queue over HTTP:
//
//	POST /queue/items            body EnqueueRequest; 201 EnqueueResponse,
//	                             503 when full, 400 when malformed
//	POST /queue/lease?wait=5s    200 Item, or 204 when none came within wait
//	                             (default 0: answer at once; at most
//	                             MaxLeaseWait)
//	POST /queue/items/{id}/ack   204, or 404 for an unknown item
//	GET  /queue/depth            200 DepthResponse
//
// Errors are JSON {"error": "..."}. The wait of a lease is real time, unlike
// the lease timeout: it bounds how long a connection is held, a transport
// matter, and the tasks that poll do not know the sandbox's time scale.
func (q *Queue) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+pathItems, q.serveEnqueue)
	mux.HandleFunc("POST "+pathLease, q.serveLease)
	mux.HandleFunc("POST "+pathAck, q.serveAck)
	mux.HandleFunc("GET "+pathDepth, q.serveDepth)
	return mux
}

func (q *Queue) serveEnqueue(w http.ResponseWriter, r *http.Request) {
	// The payload limit plus room for the envelope; Enqueue checks the
	// payload itself.
	body := http.MaxBytesReader(w, r.Body, MaxPayloadBytes+4096)
	var req EnqueueRequest
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		writeError(w, &Error{Status: ErrInvalid.Status, Message: "body: " + err.Error()})
		return
	}
	it, err := q.Enqueue(req.DocumentID, req.Payload)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, EnqueueResponse{ID: it.ID})
}

func (q *Queue) serveLease(w http.ResponseWriter, r *http.Request) {
	var wait time.Duration
	if s := r.URL.Query().Get("wait"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 || d > MaxLeaseWait {
			writeError(w, &Error{Status: ErrInvalid.Status, Message: fmt.Sprintf("wait %q: want a duration from 0 to %s, such as 5s", s, MaxLeaseWait)})
			return
		}
		wait = d
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	it, err := q.Lease(ctx)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, it)
	case errors.Is(err, context.DeadlineExceeded):
		w.WriteHeader(http.StatusNoContent)
	default:
		// The client went away; nothing was leased and no one reads this.
		writeError(w, err)
	}
}

func (q *Queue) serveAck(w http.ResponseWriter, r *http.Request) {
	if err := q.Ack(r.PathValue("id")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (q *Queue) serveDepth(w http.ResponseWriter, _ *http.Request) {
	d, l := q.counts()
	writeJSON(w, http.StatusOK, DepthResponse{Depth: d, Leased: l})
}
