package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to a queue served by Handler. It is safe for concurrent use.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client for the queue served at baseURL, the base of
// the server Handler is mounted on (a trailing "/queue" is accepted too).
// hc nil means http.DefaultClient.
func NewClient(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimSuffix(strings.TrimSuffix(baseURL, "/"), "/queue")
	return &Client{base: base, http: hc}
}

// Enqueue puts an item on the queue and returns its id. A full queue's
// refusal is errors.Is ErrFull.
func (c *Client) Enqueue(ctx context.Context, documentID string, payload json.RawMessage) (string, error) {
	body, err := json.Marshal(EnqueueRequest{DocumentID: documentID, Payload: payload})
	if err != nil {
		return "", fmt.Errorf("enqueue for document %q: %w", documentID, err)
	}
	var out EnqueueResponse
	if _, err := c.do(ctx, http.MethodPost, pathItems, body, &out); err != nil {
		return "", fmt.Errorf("enqueue for document %q: %w", documentID, err)
	}
	return out.ID, nil
}

// Lease long-polls for up to wait (real time, at most MaxLeaseWait) for an
// item; ok is false when none came.
func (c *Client) Lease(ctx context.Context, wait time.Duration) (it Item, ok bool, err error) {
	path := pathLease + "?wait=" + url.QueryEscape(wait.String())
	status, err := c.do(ctx, http.MethodPost, path, nil, &it)
	if err != nil {
		return Item{}, false, fmt.Errorf("lease: %w", err)
	}
	return it, status == http.StatusOK, nil
}

// Ack reports an item's work done. An item the queue no longer holds is
// errors.Is ErrNotFound.
func (c *Client) Ack(ctx context.Context, id string) error {
	if _, err := c.do(ctx, http.MethodPost, "/queue/items/"+url.PathEscape(id)+"/ack", nil, nil); err != nil {
		return fmt.Errorf("ack %s: %w", id, err)
	}
	return nil
}

// do sends a request and decodes a 200 or 201 answer into out. An error
// answer becomes an *Error with the answer's status.
func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated:
		if out == nil {
			return resp.StatusCode, nil
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
		}
		return resp.StatusCode, nil
	case resp.StatusCode == http.StatusNoContent:
		return resp.StatusCode, nil
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var eb errorBody
	if json.Unmarshal(raw, &eb) != nil || eb.Error == "" {
		eb.Error = fmt.Sprintf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(raw)))
	}
	return resp.StatusCode, &Error{Status: resp.StatusCode, Message: eb.Error}
}
