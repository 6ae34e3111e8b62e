// Package reports turns a run folder into what people read: Write renders
// evidence.json (reports/evidence, checked against reports/schema),
// report.html (reports/html) and summary.md (reports/markdown) from the
// folder alone (reports/folder), so a copied folder renders the same
// report; Link points reports/out/latest at the last run. The terminal's
// tables are reports/text, run-to-run comparison reports/compare.
package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gameday-sre/gameday/reports/evidence"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/html"
	"github.com/gameday-sre/gameday/reports/markdown"
	"github.com/gameday-sre/gameday/reports/schema"
)

// Files are the files Write writes into a run folder.
var Files = []string{folder.EvidenceFile, folder.HTMLFile, folder.SummaryFile}

// Write renders a run folder, as read, into evidence.json, report.html
// and summary.md beside its timeline.
func Write(f *folder.Folder) error {
	dir := f.Dir
	ev, err := evidence.Marshal(evidence.Build(f))
	if err != nil {
		return fmt.Errorf("rendering %s: %w", folder.EvidenceFile, err)
	}
	// The schema is the promise to whoever reads the file: a document
	// that breaks it is a bug here, and is not written.
	if err := schema.ValidateEvidence(ev); err != nil {
		return fmt.Errorf("rendering %s of %s: %w", folder.EvidenceFile, dir, err)
	}
	for name, render := range map[string]func(io.Writer) error{
		folder.EvidenceFile: func(w io.Writer) error { _, err := w.Write(ev); return err },
		folder.HTMLFile:     func(w io.Writer) error { return html.Render(w, f) },
		folder.SummaryFile:  func(w io.Writer) error { return markdown.Render(w, f) },
	} {
		var b bytes.Buffer
		if err := render(&b); err != nil {
			return fmt.Errorf("rendering %s of %s: %w", name, dir, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Link points the symlink link at the run folder dir, replacing what it
// pointed at in one rename, so a reader never finds it missing. The link
// is relative where it can be, so a copied reports folder keeps it.
func Link(link, dir string) error {
	target, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	base, err := filepath.Abs(filepath.Dir(link))
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(base, target); err == nil {
		target = rel
	}
	tmp := link + ".tmp"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("linking %s to the run folder %s: %w", link, dir, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("linking %s to the run folder %s: %w", link, dir, err)
	}
	return nil
}
