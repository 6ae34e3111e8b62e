package task

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gameday-sre/gameday/sandbox/queue"
)

// maxBodyBytes bounds a request body: the queue's own payload limit.
const maxBodyBytes = queue.MaxPayloadBytes

type task struct {
	cfg   config
	log   *slog.Logger
	model *model
	// requestMean is the mean service time of one request, 1/C.
	requestMean time.Duration
	queue       *queue.Client
	startedAt   time.Time

	requests, rejected, inFlight atomic.Int64
	latency                      atomic.Pointer[Latency]
}

func newTask(cfg config, log *slog.Logger) *task {
	started := time.Now()
	t := &task{
		cfg:         cfg,
		log:         log,
		model:       newModel(cfg.maxQueueWait, cfg.seed, started),
		requestMean: time.Duration(float64(time.Second) / (cfg.vcpu * cfg.requestsPerVCPU)),
		startedAt:   started,
	}
	t.latency.Store(&Latency{})
	if cfg.queueURL != "" {
		// Every request of an api task may enqueue at once; the default
		// of two idle connections per host would make most of them dial.
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second}}
		t.queue = queue.NewClient(cfg.queueURL, hc)
	}
	return t
}

func (t *task) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+statsPath, t.serveStats)
	mux.HandleFunc("POST "+latencyPath, t.serveLatency)
	mux.Handle("GET /health", t.delayed(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "ok")
	})))
	switch t.cfg.service {
	case ServiceFrontend:
		mux.Handle("GET /{$}", t.served(t.serveHome))
		mux.Handle("GET /editor/{docId}", t.served(t.serveEditor))
	case ServiceAPI:
		mux.Handle("POST /v1/documents/{id}/enhance", t.served(t.serveEnhance))
		mux.Handle("GET /v1/documents/{id}", t.served(t.serveDocument))
	}
	return mux
}

// served puts a service route through the capacity model: the request is
// counted, held by the latency hook, then waits for its turn on the CPU
// and its service time, or is shed.
func (t *task) served(h http.HandlerFunc) http.Handler {
	modelled := t.delayed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done, ok := t.model.admit(time.Now(), t.requestMean)
		if !ok {
			t.rejected.Add(1)
			http.Error(w, fmt.Sprintf("task %s overloaded: the wait for the CPU exceeds %s", t.cfg.taskID, t.cfg.maxQueueWait), http.StatusServiceUnavailable)
			return
		}
		if !sleepUntil(r.Context().Done(), done) {
			return
		}
		h(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.requests.Add(1)
		t.inFlight.Add(1)
		defer t.inFlight.Add(-1)
		modelled.ServeHTTP(w, r)
	})
}

// delayed applies the latency fault hook.
func (t *task) delayed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := t.latency.Load()
		d := l.Add
		if l.Jitter > 0 {
			d += rand.N(l.Jitter)
		}
		if d > 0 && !sleepUntil(r.Context().Done(), time.Now().Add(d)) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (t *task) serveStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Stats{
		TaskID:      t.cfg.taskID,
		Service:     t.cfg.service,
		VCPU:        t.cfg.vcpu,
		MemoryMiB:   t.cfg.memoryMiB,
		BusySeconds: t.model.busy(time.Now()).Seconds(),
		Requests:    t.requests.Load(),
		Rejected:    t.rejected.Load(),
		InFlight:    t.inFlight.Load(),
		StartedAt:   t.startedAt,
	})
}

func (t *task) serveLatency(w http.ResponseWriter, r *http.Request) {
	var l Latency
	params := []struct {
		name string
		d    *time.Duration
	}{{"add", &l.Add}, {"jitter", &l.Jitter}}
	for _, p := range params {
		s := r.URL.Query().Get(p.name)
		if s == "" {
			continue
		}
		v, err := time.ParseDuration(s)
		if err != nil || v < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("%s=%s: want a duration of 0 or more, such as 200ms", p.name, s))
			return
		}
		*p.d = v
	}
	t.latency.Store(&l)
	t.log.Info("latency hook set", "add", l.Add, "jitter", l.Jitter)
	writeJSON(w, http.StatusOK, l)
}

// pages are the frontend's HTML: small, as the cost of a page is the
// capacity model's, not the bytes'.
var pages = template.Must(template.New("pages").Parse(`
{{define "home"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Documents · AI Writer</title></head>
<body><h1>Your documents</h1><ul>
{{range .}}<li><a href="/editor/{{.}}">{{.}}</a></li>
{{end}}</ul></body></html>
{{end}}
{{define "editor"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.}} · AI Writer</title></head>
<body><p><a href="/">Documents</a></p><h1>{{.}}</h1>
<textarea id="text" rows="12" cols="80"></textarea>
<p><button id="enhance">Enhance with AI</button> <span id="status"></span></p>
<script>
document.getElementById("enhance").onclick = async () => {
  const r = await fetch("/v1/documents/" + encodeURIComponent({{.}}) + "/enhance", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({text: document.getElementById("text").value}),
  });
  document.getElementById("status").textContent = r.ok ? "queued" : "failed: " + r.status;
};
</script></body></html>
{{end}}`))

func (t *task) serveHome(w http.ResponseWriter, _ *http.Request) {
	t.render(w, "home", []string{"welcome", "draft-1", "draft-2"})
}

func (t *task) serveEditor(w http.ResponseWriter, r *http.Request) {
	t.render(w, "editor", r.PathValue("docId"))
}

func (t *task) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		t.log.Warn("render page", "page", name, "err", err)
	}
}

// EnhanceRequest is the body of POST /v1/documents/{id}/enhance.
type EnhanceRequest struct {
	Text string `json:"text"`
}

// EnhanceResponse is its 202 answer: the work is on the queue.
type EnhanceResponse struct {
	ItemID     string `json:"itemId"`
	DocumentID string `json:"documentId"`
}

// Document is the answer of GET /v1/documents/{id}. The api is stateless,
// as an ECS service's tasks are: documents live in the data layer, which
// this miniature answers for with a fixed text.
type Document struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Words int    `json:"words"`
}

const sampleText = "The quick brown fox jumps over the lazy dog. An AI writing assistant suggests a clearer sentence."

func (t *task) serveEnhance(w http.ResponseWriter, r *http.Request) {
	doc := r.PathValue("id")
	var req EnhanceRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body: want JSON {\"text\": ...}: "+err.Error())
		return
	}
	if req.Text == "" {
		writeError(w, http.StatusBadRequest, "text is required")
		return
	}
	payload, err := json.Marshal(req)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	id, err := t.queue.Enqueue(r.Context(), doc, payload)
	switch {
	case errors.Is(err, queue.ErrFull):
		writeError(w, http.StatusServiceUnavailable, "the AI queue refused the work: "+err.Error())
		return
	case err != nil:
		writeError(w, http.StatusBadGateway, "could not put the work on the AI queue: "+err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, EnhanceResponse{ItemID: id, DocumentID: doc})
}

func (t *task) serveDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	writeJSON(w, http.StatusOK, Document{ID: id, Title: "Document " + id, Text: sampleText, Words: len(strings.Fields(sampleText))})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is out; an error here means the client went away.
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}
