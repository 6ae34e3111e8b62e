package awsapi

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Handler serves the operations of one service. Operations it does not
// know it answers with UnknownOperation.
//
// It returns the output structure or an error. An *Error or any
// smithy.APIError goes to the client as that error, anything else (and a
// panic) as an InternalFailure.
//
// The output is a structure: a Go map with string keys or a struct, or a
// pointer to one; nil is a structure without members. Within it, members
// may be such structures, slices and arrays (lists), Map values (AWS maps),
// strings, bools, integers, floats, time.Time and []byte, and named types
// and pointers of these (an engine's enums and optional members). A nil
// pointer, slice or map is an absent member; an empty, non-nil slice is an
// empty list; a zero number is sent, since AWS tells a Threshold of 0 from
// none; an empty string or a zero time.Time field is absent, as AWS
// leaves unset members out. A struct's members are its exported fields,
// named by an `aws:"Name"` tag or as the field, spelled as the service's
// model spells members (see Value.Decode), with embedded structs' fields
// promoted; `aws:"-"` leaves a field out, `aws:",omitempty"` leaves it out
// when zero, and `aws:",map"` marks a Go map field as an AWS map.
type Handler func(ctx context.Context, req *Request) (any, error)

// Server is the AWS-compatible endpoint: an http.Handler that takes AWS
// JSON 1.0 and 1.1, Smithy RPC v2 CBOR and AWS Query requests on any path,
// hands each to the handler of its service, and answers in the protocol
// the request came in. It accepts any credentials and checks no
// signatures.
type Server struct {
	log *slog.Logger

	mu       sync.RWMutex
	handlers map[string]Handler
}

// Option configures a Server.
type Option func(*Server)

// WithLogger makes the server log each call at Debug and each failure of
// its own (a handler's panic, an output it cannot encode) at Error. The
// default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// NewServer returns a server with no handlers.
func NewServer(opts ...Option) *Server {
	s := &Server{log: slog.Default(), handlers: map[string]Handler{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handle registers h for a service: ServiceECS,
// ServiceApplicationAutoScaling, ServiceCloudWatch, ServiceRoute53,
// ServiceElastiCache or ServiceFIS. It
// panics on another name, a bug to catch at start. A later call replaces
// the handler.
func (s *Server) Handle(service string, h Handler) {
	if services[service] == nil {
		panic(fmt.Sprintf("awsapi: unknown service %q", service))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[service] = h
}

// maxBodyBytes bounds a request body; AWS's largest here is PutMetricData
// and PutDashboard at 1 MB.
const maxBodyBytes = 16 << 20

// codec is one wire protocol.
type codec interface {
	// decode identifies the service and operation and decodes the input;
	// on error the call holds what was learned, for writeError.
	decode(r *http.Request, body []byte) (*call, *Error)
	writeOutput(w http.ResponseWriter, c *call, out map[string]any) error
	writeError(w http.ResponseWriter, c *call, e *wireError)
}

// call is one request as a codec sees it.
type call struct {
	svc         *service // nil when no known service was named
	operation   string
	protocol    Protocol
	contentType string // JSON only: the response echoes the request's version
	input       map[string]any
	requestID   string
}

// codecFor picks the protocol of r, nil when it speaks none of them.
func codecFor(r *http.Request) codec {
	if a := restAPIFor(r); a != nil {
		if a.json {
			return restJSONCodec{a}
		}
		return restXMLCodec{a}
	}
	switch {
	case r.Header.Get(smithyProtocolHeader) == rpcV2CBOR:
		return cborCodec{}
	case r.Header.Get("X-Amz-Target") != "":
		return jsonCodec{}
	case isQuery(r):
		return queryCodec{}
	}
	return nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := newRequestID()
	w.Header().Set("X-Amzn-RequestId", id)

	ctx := r.Context()
	cd := codecFor(r)
	if cd == nil {
		// No protocol to answer in: JSON is what an unknown AWS client
		// most likely parses.
		c := &call{protocol: ProtocolJSON11, contentType: "application/x-amz-json-1.1", requestID: id}
		s.fail(ctx, w, jsonCodec{}, c, Errorf(codeUnknownOperation,
			"%s %s speaks no protocol served here: expected X-Amz-Target (AWS JSON), Smithy-Protocol: rpc-v2-cbor, or an Action parameter (AWS Query)",
			r.Method, r.URL.Path), start)
		return
	}

	body, err := readBody(w, r)
	// Decoded even when the body is cut short, so that the error names
	// the service and operation the headers gave.
	c, derr := cd.decode(r, body)
	c.requestID = id
	if err != nil {
		derr = Errorf(codeSerialization, "Reading the request body: %v", err)
	}
	if derr != nil {
		s.fail(ctx, w, cd, c, derr, start)
		return
	}

	s.mu.RLock()
	h := s.handlers[c.svc.name]
	s.mu.RUnlock()
	if h == nil {
		s.fail(ctx, w, cd, c, Errorf(codeUnknownOperation, "Service %s is not served by this endpoint.", c.svc.name), start)
		return
	}
	req := &Request{
		Service:   c.svc.name,
		Operation: c.operation,
		Protocol:  c.protocol,
		Region:    regionOf(r),
		RequestID: id,
		Input:     newInput(c.input, c.svc),
	}
	out, herr := s.invoke(ctx, h, req)
	if herr != nil {
		s.fail(ctx, w, cd, c, asError(herr), start)
		return
	}
	tree, err := outputTree(out, c.svc.members)
	if err == nil {
		err = cd.writeOutput(w, c, tree)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "aws api: cannot encode output", "service", c.svc.name, "operation", c.operation, "err", err)
		s.fail(ctx, w, cd, c, InternalFailure("The %s output cannot be encoded: %v", c.operation, err), start)
		return
	}
	s.logCall(ctx, c, http.StatusOK, start)
}

// readBody reads the request body, inflating the gzip that SDKs apply to
// operations with @requestCompression (CloudWatch's PutMetricData).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body := io.Reader(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		body = io.LimitReader(zr, maxBodyBytes+1)
	}
	b, err := io.ReadAll(body)
	if err == nil && len(b) > maxBodyBytes {
		err = fmt.Errorf("the inflated body exceeds %d bytes", maxBodyBytes)
	}
	return b, err
}

// invoke runs the handler, turning a panic into an InternalFailure.
func (s *Server) invoke(ctx context.Context, h Handler, req *Request) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(ctx, "aws api: handler panicked", "service", req.Service, "operation", req.Operation,
				"panic", p, "stack", string(debug.Stack()))
			out, err = nil, InternalFailure("The %s handler failed: %v", req.Operation, p)
		}
	}()
	return h(ctx, req)
}

// outputTree normalizes a handler's output, which must be a structure.
func outputTree(out any, names memberNames) (map[string]any, error) {
	tree, err := normalize(out, names)
	if err != nil {
		return nil, err
	}
	switch x := tree.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return x, nil
	}
	return nil, fmt.Errorf("output is %T, not a structure", out)
}

func (s *Server) fail(ctx context.Context, w http.ResponseWriter, cd codec, c *call, e *Error, start time.Time) {
	we := resolve(c.svc, e)
	if e.Fields != nil {
		fields, err := normalize(e.Fields, c.svc.members)
		if err != nil {
			s.log.ErrorContext(ctx, "aws api: dropping error fields that cannot be encoded", "code", e.Code, "err", err)
		}
		we.fields, _ = fields.(map[string]any)
	}
	cd.writeError(w, c, we)
	s.logCall(ctx, c, we.status, start, "code", e.Code, "message", e.Message)
}

func (s *Server) logCall(ctx context.Context, c *call, status int, start time.Time, attrs ...any) {
	svc := ""
	if c.svc != nil {
		svc = c.svc.name
	}
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(ctx, level, "aws api call", append([]any{
		"service", svc, "operation", c.operation, "protocol", c.protocol,
		"status", status, "request_id", c.requestID, "duration", time.Since(start),
	}, attrs...)...)
}

// newRequestID returns a random UUID, the form of AWS request IDs.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// credentialScope returns the region and service of the request's SigV4
// credential scope (AKID/date/region/service/aws4_request), from the
// Authorization header or a presigned URL's X-Amz-Credential.
func credentialScope(r *http.Request) (region, service string) {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if _, after, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		cred, _, _ = strings.Cut(after, ",")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", ""
	}
	return parts[2], parts[3]
}

func regionOf(r *http.Request) string {
	region, _ := credentialScope(r)
	return region
}
