package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const shippedSpec = "../../fixtures/spec/platform.yaml"

func brokenSpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(shippedSpec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "broken.yaml")
	broken := strings.Replace(string(data), "scaleInCooldown: 600s", "scaleInCooldown: 600", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExitCodesAndOutput(t *testing.T) {
	broken := brokenSpec(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"lint finds the runbook's contradictions", []string{"spec", "lint", "--spec", shippedSpec}, 0,
			[]string{"[ai-trigger-vs-policy]", "Scaling Triggers and Rules <> AI Service Queue-based Scaling", "[api-thresholds-without-policy]", "[ai-max-capacity]", "[unpublished-AWS-ApplicationELB-Latency]", "[alarm-APILatencyHigh-statistic]", "authoritative:", "0 undecided"}, nil},
		{"lint --strict fails on findings", []string{"spec", "lint", "--strict", "--spec", shippedSpec}, 1, []string{"[ai-trigger-vs-policy]"}, []string{"(--strict)"}},
		{"lint of a spec that does not load", []string{"spec", "lint", "--spec", broken}, 2, nil, []string{"broken.yaml:", "services[0].policies[0].scaleInCooldown", "has no unit"}},
		{"lint of a missing spec", []string{"spec", "lint", "--spec", "nope.yaml"}, 2, nil, []string{"nope.yaml"}},
		{"show tables", []string{"spec", "show", "--spec", shippedSpec}, 0, []string{"SCALING (Scaling Types", "cpu-scaling-policy", "180s / 600s", "cron(0 8 ? * MON-FRI *)", "APILatencyHigh", "api.example.com PRIMARY"}, nil},
		{"show one area", []string{"spec", "show", "--area", "alarms", "--spec", shippedSpec}, 0, []string{"ALARMS", "TargetResponseTime"}, nil},
		{"show an unknown area", []string{"spec", "show", "--area", "latency", "--spec", shippedSpec}, 2, nil, []string{`--area "latency": want one of`}},
		{"show in an unknown format", []string{"spec", "show", "-o", "yaml", "--spec", shippedSpec}, 2, nil, []string{`--output "yaml": want table or json`}},
		{"unknown flag", []string{"spec", "lint", "--strcit"}, 2, nil, []string{"unknown flag: --strcit", "gameday spec lint --help"}},
		{"unknown command", []string{"sepc"}, 2, nil, []string{`unknown command "sepc"`}},
		{"stray argument", []string{"spec", "lint", "extra"}, 2, nil, []string{"unknown command \"extra\""}},
		{"version", []string{"version"}, 0, []string{"gameday ", "spec schema 1"}, nil},
		{"help teaches", []string{"spec", "--help"}, 0, []string{"platform time", "decisions", "lint", "show"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
		})
	}
}

func TestJSONOutputs(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"spec", "show", "-o", "json", "--spec", shippedSpec}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var model struct {
		Services []struct {
			ID       string `json:"id"`
			Policies []struct {
				ScaleInCooldown string `json:"scaleInCooldown"`
			} `json:"policies"`
		} `json:"services"`
		ScheduledActions []struct {
			Schedule string `json:"schedule"`
		} `json:"scheduledActions"`
	}
	if err := json.Unmarshal(out.Bytes(), &model); err != nil {
		t.Fatalf("spec show -o json is not JSON: %v", err)
	}
	if model.Services[0].ID != "frontend" || model.Services[0].Policies[0].ScaleInCooldown != "10m" || model.ScheduledActions[0].Schedule != "cron(0 8 ? * MON-FRI *)" {
		t.Errorf("unexpected model: %+v", model)
	}

	out.Reset()
	if code := run([]string{"spec", "lint", "-o", "json", "--spec", shippedSpec}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var report struct {
		Findings []struct {
			ID       string   `json:"id"`
			Sections []string `json:"sections"`
			Decision *struct {
				Authoritative string `json:"authoritative"`
			} `json:"decision"`
			At struct {
				Line int `json:"line"`
			} `json:"at"`
		} `json:"findings"`
		StaleDecisions []any `json:"staleDecisions"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("spec lint -o json is not JSON: %v", err)
	}
	if len(report.Findings) < 5 || report.StaleDecisions == nil {
		t.Fatalf("want findings and an empty stale list, got %+v", report)
	}
	for _, f := range report.Findings {
		if len(f.Sections) < 2 || f.Decision == nil || f.At.Line == 0 {
			t.Errorf("finding %s lacks sections, decision or line: %+v", f.ID, f)
		}
	}
}

// The binary itself, as an SRE runs it: built, executed, exit status seen
// by the shell.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the gameday binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "gameday")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v0.0.0-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.Contains(string(out), "gameday v0.0.0-test") {
		t.Fatalf("version: %v %s", err, out)
	}
	cmd := exec.Command(bin, "spec", "lint", "--spec", brokenSpec(t))
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("a broken spec exits %d (%v), want 2", cmd.ProcessState.ExitCode(), err)
	}
}
