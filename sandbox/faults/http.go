package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Path is where the control API serves the faults:
//
//	GET    /_sandbox/faults       the kinds on offer and the active faults
//	POST   /_sandbox/faults       {"kind": "region-down", "args": ["us-east-1"]}: inject, 201 with the fault
//	DELETE /_sandbox/faults/{id}  revert one
//	DELETE /_sandbox/faults       revert all, newest first
const Path = "/_sandbox/faults"

// Listing is the answer of GET Path.
type Listing struct {
	Kinds  []Kind  `json:"kinds"`
	Active []Fault `json:"active"`
}

// InjectRequest is the body of POST Path.
type InjectRequest struct {
	Kind string   `json:"kind"`
	Args []string `json:"args"`
}

// Reverted is the answer of DELETE Path.
type Reverted struct {
	Reverted []Fault `json:"reverted"`
}

// Handler serves the registry at Path.
func (r *Registry) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, Listing{Kinds: r.Kinds(), Active: r.Active()})
	})
	mux.HandleFunc("POST "+Path, func(w http.ResponseWriter, req *http.Request) {
		var in InjectRequest
		if err := json.NewDecoder(io.LimitReader(req.Body, 1<<16)).Decode(&in); err != nil {
			http.Error(w, "body: want {\"kind\": …, \"args\": […]}: "+err.Error(), http.StatusBadRequest)
			return
		}
		f, err := r.Inject(req.Context(), in.Kind, in.Args)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, http.StatusCreated, f)
	})
	mux.HandleFunc("DELETE "+Path+"/{id}", func(w http.ResponseWriter, req *http.Request) {
		f, err := r.Revert(req.Context(), req.PathValue("id"))
		switch {
		case errors.Is(err, ErrUnknown):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			writeJSON(w, http.StatusOK, f)
		}
	})
	mux.HandleFunc("DELETE "+Path, func(w http.ResponseWriter, req *http.Request) {
		done, err := r.RevertAll(req.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, http.StatusOK, Reverted{Reverted: done})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Client calls a sandbox's fault API.
type Client struct {
	// Control is the sandbox's control endpoint, such as
	// http://127.0.0.1:40123.
	Control string
	HTTP    *http.Client
}

// List returns the kinds on offer and the active faults.
func (c Client) List(ctx context.Context) (Listing, error) {
	var l Listing
	return l, c.do(ctx, http.MethodGet, Path, nil, &l)
}

// Inject injects a fault and returns it.
func (c Client) Inject(ctx context.Context, kind string, args ...string) (Fault, error) {
	var f Fault
	return f, c.do(ctx, http.MethodPost, Path, InjectRequest{Kind: kind, Args: args}, &f)
}

// Revert reverts the fault with the id.
func (c Client) Revert(ctx context.Context, id string) (Fault, error) {
	var f Fault
	return f, c.do(ctx, http.MethodDelete, Path+"/"+id, nil, &f)
}

// RevertAll reverts every active fault.
func (c Client) RevertAll(ctx context.Context) ([]Fault, error) {
	var r Reverted
	return r.Reverted, c.do(ctx, http.MethodDelete, Path, nil, &r)
}

func (c Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Control+path, body)
	if err != nil {
		return err
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox control endpoint %s: %w", c.Control, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return &APIError{Status: resp.StatusCode, Message: strings.TrimSpace(string(msg))}
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// APIError is a refusal of the fault API: Status 400 for a bad request
// (unknown kind, wrong arguments, a failed injection), 404 for an unknown
// fault id, 500 for a revert that failed.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string { return e.Message }
