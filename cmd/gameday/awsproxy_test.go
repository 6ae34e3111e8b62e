package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gameday-sre/gameday/targets/profile"
)

// awsProxy is a reverse proxy in front of the sandbox's AWS endpoint that
// records every call it forwards, so a test can say which calls a command
// made on the wire. STS goes to moto, which answers GetCallerIdentity with
// its own account (the sandbox serves no STS); everything else goes to the
// sandbox.
type awsProxy struct {
	URL   string
	mu    sync.Mutex
	calls []string
}

// credentialScope finds the service a SigV4 request is signed for.
var credentialScope = regexp.MustCompile(`Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request`)

func startAWSProxy(t *testing.T, sandbox, sts string) *awsProxy {
	t.Helper()
	p := &awsProxy{}
	proxyTo := func(raw string) *httputil.ReverseProxy {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return httputil.NewSingleHostReverseProxy(u)
	}
	toSandbox, toSTS := proxyTo(sandbox), proxyTo(sts)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		service := ""
		if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			service = m[1]
		}
		p.mu.Lock()
		p.calls = append(p.calls, service+" "+operation(r, body))
		p.mu.Unlock()
		if service == "sts" {
			toSTS.ServeHTTP(w, r)
			return
		}
		toSandbox.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// operation names a call by its protocol: X-Amz-Target (JSON), the
// operation in the path (CloudWatch's CBOR), Action (Query), or the
// method and path (Route 53's REST-XML).
func operation(r *http.Request, body []byte) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndexByte(t, '.')+1:]
	}
	if i := strings.Index(r.URL.Path, "/operation/"); i >= 0 {
		return r.URL.Path[i+len("/operation/"):]
	}
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
		return form.Get("Action")
	}
	return r.Method + " " + r.URL.Path
}

// route53TagLists is Route 53's ListTagsForResources, a read sent as a
// POST of resource ids to /2013-04-01/tags/<type>.
var route53TagLists = regexp.MustCompile(`^POST /2013-04-01/tags/(healthcheck|hostedzone)$`)

// readOnly says whether a call only reads, judged on the wire: its
// operation's verb, or for REST the method.
func readOnly(call string) bool {
	_, op, _ := strings.Cut(call, " ")
	if route53TagLists.MatchString(op) {
		return true
	}
	for _, verb := range []string{"Describe", "List", "Get", "TestDNSAnswer", "GET "} {
		if strings.HasPrefix(op, verb) {
			return true
		}
	}
	return false
}

// Calls is every call forwarded so far, as "service Operation".
func (p *awsProxy) Calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// Mutating is the calls forwarded so far that change something.
func (p *awsProxy) Mutating() []string {
	var out []string
	for _, c := range p.Calls() {
		if !readOnly(c) {
			out = append(out, c)
		}
	}
	return out
}

// stagingProfile writes a profile marked staging that reaches a running
// sandbox's AWS endpoint through aws (the proxy), with its load balancers,
// fault hooks and clock, the regions and accounts given as allowed, and
// edit applied last.
func stagingProfile(t *testing.T, stateDir, aws string, accounts []string, edit func(*profile.Profile)) string {
	t.Helper()
	written, err := profile.Load(stateDir + "/target.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := *written
	p.Name, p.Environment = "staging-sandbox", profile.Staging
	p.Endpoints.AWS = aws
	p.AllowedAccounts = accounts
	p.AllowedRegions = []string{p.Regions.Primary, p.Regions.Failover}
	if edit != nil {
		edit(&p)
	}
	path := t.TempDir() + "/staging-sandbox.yaml"
	if err := profile.Write(path, &p); err != nil {
		t.Fatal(err)
	}
	return path
}
