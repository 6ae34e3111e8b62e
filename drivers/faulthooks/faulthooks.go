// Package faulthooks is the harness's client of the sandbox's fault API:
// list the kinds of fault a sandbox offers and its active faults, inject
// one, revert one or all. The harness and the sandbox meet only on the
// wire, so the types here decode the JSON the sandbox writes rather than
// importing its server side. Standard library only.
package faulthooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Path is where a sandbox's control endpoint serves its faults:
//
//	GET    /_sandbox/faults       the kinds on offer and the active faults
//	POST   /_sandbox/faults       {"kind": "region-down", "args": ["us-east-1"]}: inject, 201 with the fault
//	DELETE /_sandbox/faults/{id}  revert one
//	DELETE /_sandbox/faults       revert all, newest first
const Path = "/_sandbox/faults"

// Kind is a sort of fault the sandbox offers.
type Kind struct {
	Name string `json:"name"`
	// Usage is the arguments it takes, such as "SERVICE [COUNT] [REGION]".
	Usage string `json:"usage"`
	Help  string `json:"help"`
}

// Fault is an injected fault, active on the sandbox until reverted. Its id
// is unique among the faults of one sandbox run only: a restarted sandbox
// numbers its faults afresh.
type Fault struct {
	ID   string   `json:"id"`
	Kind string   `json:"kind"`
	Args []string `json:"args"`
	// At is when it was injected, in the sandbox's platform time.
	At time.Time `json:"at"`
	// Note says what the injection did, for example which tasks it killed.
	Note string `json:"note,omitempty"`
}

// Same says whether g is the fault f: the same id, kind, arguments and
// injection time. A fault id alone may be reused by a restarted sandbox.
func (f Fault) Same(g Fault) bool {
	return f.ID == g.ID && f.Kind == g.Kind && slices.Equal(f.Args, g.Args) && f.At.Equal(g.At)
}

// String is the fault as `gameday sandbox fault inject` takes it, with its
// id: "latency-3 (latency api-service 800ms)".
func (f Fault) String() string {
	return fmt.Sprintf("%s (%s)", f.ID, strings.Join(append([]string{f.Kind}, f.Args...), " "))
}

// Listing is what a sandbox offers and what is active on it.
type Listing struct {
	Kinds  []Kind  `json:"kinds"`
	Active []Fault `json:"active"`
}

type injectRequest struct {
	Kind string   `json:"kind"`
	Args []string `json:"args"`
}

type reverted struct {
	Reverted []Fault `json:"reverted"`
}

// Client calls a sandbox's fault API. The zero HTTP client means
// http.DefaultClient; give one with a timeout for calls without a deadline.
type Client struct {
	// Control is the sandbox's control endpoint, such as
	// http://127.0.0.1:40123.
	Control string
	HTTP    *http.Client
}

// List returns the kinds on offer and the active faults, oldest first.
func (c Client) List(ctx context.Context) (Listing, error) {
	var l Listing
	return l, c.do(ctx, http.MethodGet, Path, nil, &l)
}

// Inject injects a fault of the kind and returns it, active.
func (c Client) Inject(ctx context.Context, kind string, args ...string) (Fault, error) {
	if args == nil {
		args = []string{}
	}
	var f Fault
	return f, c.do(ctx, http.MethodPost, Path, injectRequest{Kind: kind, Args: args}, &f)
}

// Revert reverts the fault with the id and returns it. An id the sandbox
// does not know is an *APIError with Status 404 (see NotFound).
func (c Client) Revert(ctx context.Context, id string) (Fault, error) {
	var f Fault
	return f, c.do(ctx, http.MethodDelete, Path+"/"+url.PathEscape(id), nil, &f)
}

// RevertAll reverts every active fault, newest first, and returns those
// it reverted.
func (c Client) RevertAll(ctx context.Context) ([]Fault, error) {
	var r reverted
	return r.Reverted, c.do(ctx, http.MethodDelete, Path, nil, &r)
}

func (c Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return c.fail(method, path, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Control+path, body)
	if err != nil {
		return c.fail(method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.fail(method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return &APIError{Endpoint: c.Control, Status: resp.StatusCode, Message: strings.TrimSpace(string(msg))}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return c.fail(method, path, fmt.Errorf("decoding the answer: %w", err))
	}
	return nil
}

func (c Client) fail(method, path string, err error) error {
	// *url.Error repeats the method and URL; say them once.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("sandbox fault API %s: %s %s: %w", c.Control, method, path, err)
}

// APIError is a refusal of the fault API: Status 400 for a bad request
// (unknown kind, wrong arguments, a failed injection), 404 for an unknown
// fault id, 500 for a revert that failed. Message is the sandbox's own
// wording.
type APIError struct {
	Endpoint string
	Status   int
	Message  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("sandbox fault API %s: %s (HTTP %d)", e.Endpoint, e.Message, e.Status)
}

// NotFound says whether err is the fault API's answer to an unknown fault
// id: the fault is not active, whether reverted or never injected.
func NotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}
