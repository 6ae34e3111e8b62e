// Package folder reads a run folder, the one place a report comes from:
// the run's manifest (run.json), its timeline (timeline.jsonl) and, where
// the game day put them beside it, the compliance check's timeline and
// the spec lint's findings. Every renderer in reports/ reads a Folder and
// nothing else, so a report can be rebuilt from a copied folder.
//
// verdicts.json is not read: it is derived from the timeline's verdict
// events, which also carry the windows and observed moments a report
// draws.
package folder

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

// The files of a run folder, by what writes them.
const (
	// ManifestFile is written by gameday run (WriteManifest).
	ManifestFile = "run.json"
	// TimelineFile and VerdictsFile are written by gameday run's runner.
	TimelineFile = "timeline.jsonl"
	VerdictsFile = "verdicts.json"
	// ComplianceFile is gameday check's timeline, put in the folder by
	// make gameday (check --timeline) so the report holds the drift table.
	ComplianceFile = "compliance.timeline.jsonl"
	// LintFile is gameday spec lint -o json, put in the folder by make
	// gameday.
	LintFile = "spec-lint.json"
	// The renderers' files, written by reports.Write.
	EvidenceFile = "evidence.json"
	HTMLFile     = "report.html"
	SummaryFile  = "summary.md"
)

// Manifest is what a run was: written by gameday run when it ends, since
// the timeline holds only platform time and what the suites saw.
type Manifest struct {
	// ID names the run; the default run folder is reports/out/<ID>.
	ID      string `json:"id"`
	Target  string `json:"target"`
	Version string `json:"version"`
	Spec    Spec   `json:"spec"`
	// Suites are the suites run, in order; LabelFilter and Focus (a
	// regular expression of spec ids) narrowed them.
	Suites      []string `json:"suites"`
	LabelFilter string   `json:"labelFilter,omitempty"`
	Focus       string   `json:"focus,omitempty"`
	// Scale is the target clock's platform seconds per real second: 1
	// for real AWS, 60 for the sandbox by default.
	Scale   float64 `json:"scale"`
	Started Instant `json:"started"`
	Ended   Instant `json:"ended"`
	// Interrupted says the run was stopped before its suites ended: the
	// folder holds what was judged until then.
	Interrupted bool `json:"interrupted,omitempty"`
	// Aborted says why a stop condition or the kill switch ended the run
	// before its suites did; empty when none did.
	Aborted string `json:"aborted,omitempty"`
}

// Spec names the spec a run read, by path and content, so that two runs
// judged against different runbook numbers can be told apart.
type Spec struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Instant is one moment in both of a run's times.
type Instant struct {
	Real     time.Time `json:"real"`
	Platform time.Time `json:"platform"`
}

// Folder is a run folder, read.
type Folder struct {
	Dir      string
	Manifest Manifest
	// Events is the run's timeline.
	Events []timeline.Event
	// Compliance is the compliance check's timeline; nil when the folder
	// has none.
	Compliance []timeline.Event
	// Lint is the spec lint's report; nil when the folder has none.
	Lint *Lint
}

// Lint is what a report shows of spec-lint.json (gameday spec lint -o
// json): each finding with the runbook sections on both sides and the
// decision the spec records. Read on its own terms rather than as
// spec/lint's Report, so a report needs only what it shows.
type Lint struct {
	Findings []Finding `json:"findings"`
	// StaleDecisions are decisions no finding matches any more.
	StaleDecisions []json.RawMessage `json:"staleDecisions"`
}

// Finding is one contradiction in the runbook.
type Finding struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Sections []string `json:"sections"`
	Detail   string   `json:"detail"`
	// Decision is nil when the spec records no choice.
	Decision *Decision `json:"decision"`
}

// Decision is the side of a finding the spec holds, and why.
type Decision struct {
	Authoritative string `json:"authoritative"`
	Value         string `json:"value"`
	Reason        string `json:"reason"`
}

// Authoritative says which value the spec treats as authoritative, as
// gameday spec lint does.
func (f Finding) Authoritative() string {
	if f.Decision == nil {
		return "UNDECIDED: add decisions." + f.ID + " to the spec"
	}
	return f.Decision.Authoritative + ": " + f.Decision.Value
}

// Read reads the run folder dir. The manifest and the timeline must be
// there; the compliance timeline and the lint report are read when they
// are.
func Read(dir string) (*Folder, error) {
	f := &Folder{Dir: dir}
	if err := readJSON(filepath.Join(dir, ManifestFile), &f.Manifest); err != nil {
		return nil, fmt.Errorf("run folder %s: %w (gameday run writes it when a run ends)", dir, err)
	}
	var err error
	if f.Events, err = timeline.ReadFile(filepath.Join(dir, TimelineFile)); err != nil {
		return nil, fmt.Errorf("run folder %s: %w", dir, err)
	}
	f.Compliance, err = timeline.ReadFile(filepath.Join(dir, ComplianceFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("run folder %s: %w", dir, err)
	}
	var lr Lint
	switch err := readJSON(filepath.Join(dir, LintFile), &lr); {
	case err == nil:
		f.Lint = &lr
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("run folder %s: %w", dir, err)
	}
	return f, nil
}

// SpecOf names the spec file at path by its content.
func SpecOf(path string) (Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, fmt.Errorf("hashing the spec: %w", err)
	}
	return Spec{Path: path, SHA256: fmt.Sprintf("%x", sha256.Sum256(data))}, nil
}

// WriteManifest writes run.json into dir.
func WriteManifest(dir string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, ManifestFile)
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the run's manifest %s: %w", path, err)
	}
	return nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
