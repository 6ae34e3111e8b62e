package faults

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
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

// Handler serves the registry at Path. The harness reaches it with
// drivers/faulthooks, which decodes these answers from the wire.
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
