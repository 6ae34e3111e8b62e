package queue

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandlerRoundTrips(t *testing.T) {
	q := New(WithMaxDepth(2))
	srv := httptest.NewServer(q.Handler())
	defer srv.Close()

	type step struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		// wantBody is a substring of the answer.
		wantBody string
	}
	steps := []step{
		{"empty depth", "GET", "/queue/depth", "", 200, `{"depth":0,"leased":0}`},
		{"nothing to lease", "POST", "/queue/lease", "", 204, ""},
		{"enqueue", "POST", "/queue/items", `{"documentId":"doc-1","payload":{"text":"hello"}}`, 201, `{"id":"item-1"}`},
		{"enqueue second", "POST", "/queue/items", `{"documentId":"doc-2"}`, 201, `"item-2"`},
		{"full", "POST", "/queue/items", `{"documentId":"doc-3"}`, 503, "queue full"},
		{"no document", "POST", "/queue/items", `{"payload":{}}`, 400, "documentId is required"},
		{"malformed body", "POST", "/queue/items", `{"documentId":`, 400, "body:"},
		{"depth two", "GET", "/queue/depth", "", 200, `{"depth":2,"leased":0}`},
		{"lease", "POST", "/queue/lease?wait=1s", "", 200, `"payload":{"text":"hello"}`},
		{"depth leased", "GET", "/queue/depth", "", 200, `{"depth":1,"leased":1}`},
		{"ack", "POST", "/queue/items/item-1/ack", "", 204, ""},
		{"ack again", "POST", "/queue/items/item-1/ack", "", 404, "not in the queue"},
		{"bad wait", "POST", "/queue/lease?wait=soon", "", 400, "want a duration"},
		{"wait too long", "POST", "/queue/lease?wait=1m", "", 400, "20s"},
		{"wrong method", "GET", "/queue/items", "", 405, ""},
	}
	for _, s := range steps {
		req, err := http.NewRequestWithContext(t.Context(), s.method, srv.URL+s.path, strings.NewReader(s.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.wantStatus || !strings.Contains(string(body), s.wantBody) {
			t.Errorf("%s: %s %s = %d %s, want %d containing %q", s.name, s.method, s.path, resp.StatusCode, body, s.wantStatus, s.wantBody)
		}
	}
}

func TestClient(t *testing.T) {
	q := New(WithMaxDepth(1))
	srv := httptest.NewServer(q.Handler())
	defer srv.Close()
	ctx := t.Context()

	for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/queue"} {
		c := NewClient(base, srv.Client())
		id, err := c.Enqueue(ctx, "doc-1", json.RawMessage(`{"text":"hi"}`))
		if err != nil {
			t.Fatalf("base %s: Enqueue: %v", base, err)
		}
		if _, err := c.Enqueue(ctx, "doc-2", nil); !errors.Is(err, ErrFull) {
			t.Errorf("base %s: Enqueue on a full queue = %v, want ErrFull", base, err)
		}
		it, ok, err := c.Lease(ctx, time.Second)
		if err != nil || !ok || it.ID != id || it.DocumentID != "doc-1" || string(it.Payload) != `{"text":"hi"}` {
			t.Fatalf("base %s: Lease = %+v, %v, %v; want %s", base, it, ok, err, id)
		}
		if _, ok, err := c.Lease(ctx, 0); ok || err != nil {
			t.Errorf("base %s: Lease on an empty queue = %v, %v; want nothing", base, ok, err)
		}
		if err := c.Ack(ctx, id); err != nil {
			t.Errorf("base %s: Ack: %v", base, err)
		}
		if err := c.Ack(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("base %s: second Ack = %v, want ErrNotFound", base, err)
		}
	}
}

func TestHTTPLongPollWakesOnEnqueue(t *testing.T) {
	q := New()
	srv := httptest.NewServer(q.Handler())
	defer srv.Close()
	c := NewClient(srv.URL, srv.Client())
	type result struct {
		it  Item
		ok  bool
		err error
	}
	got := make(chan result, 1)
	start := time.Now()
	go func() {
		it, ok, err := c.Lease(t.Context(), 15*time.Second)
		got <- result{it, ok, err}
	}()
	time.Sleep(20 * time.Millisecond)
	id, err := c.Enqueue(t.Context(), "doc-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.err != nil || !r.ok || r.it.ID != id {
		t.Fatalf("long poll = %+v", r)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("long poll answered after %s: not woken by the enqueue", waited)
	}
}
