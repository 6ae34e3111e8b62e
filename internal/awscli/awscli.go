// Package awscli runs the aws CLI binaries this machine has against an
// endpoint, for tests that prove unmodified AWS clients accept what the
// sandbox serves: v1 on PATH (botocore; CloudWatch as AWS JSON 1.0) and
// Debian's v2 at /usr/bin/aws (CloudWatch as AWS Query).
package awscli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// CLI is one aws CLI binary.
type CLI struct {
	Path string
	// Major is 1 or 2.
	Major int
}

// clis are where each CLI is looked for, and how to get it.
var clis = []struct {
	name  string
	path  string
	major int
	get   string
}{
	{"v1", "aws", 1, "pip install awscli"},
	{"v2", "/usr/bin/aws", 2, "apt-get install awscli"},
}

// Each runs f in a subtest per aws CLI, named v1 and v2; a CLI that is
// absent, or is not the major version looked for, is skipped with why.
func Each(t *testing.T, f func(t *testing.T, cli CLI)) {
	for _, c := range clis {
		t.Run(c.name, func(t *testing.T) {
			path, err := exec.LookPath(c.path)
			if err != nil {
				t.Skipf("requires the aws CLI %s at %s (%s): %v", c.name, c.path, c.get, err)
			}
			out, err := exec.Command(path, "--version").CombinedOutput()
			if err != nil {
				t.Fatalf("%s --version: %v: %s", path, err, out)
			}
			if v := strings.TrimSpace(string(out)); !strings.HasPrefix(v, "aws-cli/"+string(rune('0'+c.major))+".") {
				t.Skipf("requires the aws CLI %s at %s: it is %s", c.name, path, v)
			}
			f(t, CLI{Path: path, Major: c.major})
		})
	}
}

// Run runs the CLI against endpoint in region with throwaway credentials
// and no configuration or retries, JSON output, and returns its stdout,
// stderr and error.
func (c CLI) Run(t testing.TB, endpoint, region string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Path, append([]string{"--endpoint-url", endpoint, "--region", region, "--output", "json"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"AWS_ACCESS_KEY_ID=AKIDSANDBOX", "AWS_SECRET_ACCESS_KEY=sandbox-secret",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1")
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err = cmd.Run()
	return out.String(), errs.String(), err
}

// Walk follows keys and list indexes into decoded JSON output.
func Walk(t testing.TB, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: %v is not an object", k, v)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %d: %v is not a list that long", k, v)
			}
			v = l[k]
		}
	}
	return v
}
